package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"gorm.io/gorm/clause"
)

// IWS environments.
const (
	EnvironmentTest = "test"
	EnvironmentProd = "prod"
)

// DefaultIWSAccountName is the account DefaultIWSAccount prefers.
const DefaultIWSAccountName = "default"

// IWSAccount is one set of Intcomex Web Services credentials. AccessKey is plain text in memory
// and sealed with the store's secret box at rest; String and LogValue leave it out.
type IWSAccount struct {
	ID          int64
	Name        string
	Environment string // EnvironmentTest or EnvironmentProd
	BaseURL     string
	APIKey      string // public identifier, sent in every request
	AccessKey   string // shared secret used to sign requests
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// String describes the account without its access key.
func (a IWSAccount) String() string {
	return fmt.Sprintf("IWSAccount{ID:%d Name:%q Environment:%s BaseURL:%s APIKey:%s AccessKey:REDACTED}",
		a.ID, a.Name, a.Environment, a.BaseURL, a.APIKey)
}

// GoString describes the account without its access key.
func (a IWSAccount) GoString() string { return a.String() }

// LogValue describes the account without its access key.
func (a IWSAccount) LogValue() slog.Value {
	return slog.GroupValue(
		slog.Int64("id", a.ID),
		slog.String("name", a.Name),
		slog.String("environment", a.Environment),
		slog.String("base_url", a.BaseURL),
	)
}

func (a IWSAccount) validate() error {
	var errs []error
	if strings.TrimSpace(a.Name) == "" {
		errs = append(errs, errors.New("name is empty"))
	} else if len(a.Name) > 100 {
		errs = append(errs, errors.New("name is longer than 100 bytes"))
	}
	if a.Environment != EnvironmentTest && a.Environment != EnvironmentProd {
		errs = append(errs, fmt.Errorf("environment %q is not %q or %q", a.Environment, EnvironmentTest, EnvironmentProd))
	}
	if u, err := url.Parse(a.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		errs = append(errs, errors.New("base URL is not an absolute http(s) URL"))
	}
	if a.APIKey == "" {
		errs = append(errs, errors.New("API key is empty"))
	}
	if a.AccessKey == "" {
		errs = append(errs, errors.New("access key is empty"))
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: IWS account: %w", ErrInvalid, errors.Join(errs...))
	}
	return nil
}

type iwsAccountRow struct {
	ID           int64     `gorm:"column:id;primaryKey"`
	Name         string    `gorm:"column:name"`
	Environment  string    `gorm:"column:environment"`
	BaseURL      string    `gorm:"column:base_url"`
	APIKey       string    `gorm:"column:api_key"`
	AccessKeyEnc string    `gorm:"column:access_key_enc"`
	CreatedAt    time.Time `gorm:"column:created_at"`
	UpdatedAt    time.Time `gorm:"column:updated_at"`
}

func (iwsAccountRow) TableName() string { return "iws_accounts" }

var errNoBox = errors.New("no secret box configured (store.WithSecretBox)")

// SaveIWSAccount creates the account, or updates the one with the same name (names compare
// case-insensitively), and returns it as stored. The access key is sealed before it is written.
func (s *Store) SaveIWSAccount(ctx context.Context, acct IWSAccount) (IWSAccount, error) {
	if err := acct.validate(); err != nil {
		return IWSAccount{}, fmt.Errorf("store: save IWS account: %w", err)
	}
	if s.box == nil {
		return IWSAccount{}, fmt.Errorf("store: save IWS account: %w", errNoBox)
	}
	sealed, err := s.box.Seal(acct.AccessKey)
	if err != nil {
		return IWSAccount{}, fmt.Errorf("store: save IWS account: %w", err)
	}
	now := s.now()
	row := iwsAccountRow{
		Name:         strings.TrimSpace(acct.Name),
		Environment:  acct.Environment,
		BaseURL:      acct.BaseURL,
		APIKey:       acct.APIKey,
		AccessKeyEnc: sealed,
		CreatedAt:    now,
		UpdatedAt:    now,
	}
	err = s.db.WithContext(ctx).Clauses(clause.OnConflict{
		Columns:   []clause.Column{{Name: "name"}},
		DoUpdates: clause.AssignmentColumns([]string{"environment", "base_url", "api_key", "access_key_enc", "updated_at"}),
	}).Create(&row).Error
	if err != nil {
		return IWSAccount{}, fmt.Errorf("store: save IWS account: %w", err)
	}
	// The upsert's insert id is unreliable on MySQL when it updated; read the row back.
	return s.IWSAccount(ctx, row.Name)
}

// IWSAccount returns the account with this name, access key decrypted, or ErrNotFound.
func (s *Store) IWSAccount(ctx context.Context, name string) (IWSAccount, error) {
	var row iwsAccountRow
	if err := s.db.WithContext(ctx).Where("name = ?", strings.TrimSpace(name)).Take(&row).Error; err != nil {
		return IWSAccount{}, notFound("IWS account", err)
	}
	return s.openIWSAccount(row)
}

// IWSAccountByID returns the account with this id, access key decrypted, or ErrNotFound.
func (s *Store) IWSAccountByID(ctx context.Context, id int64) (IWSAccount, error) {
	var row iwsAccountRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return IWSAccount{}, notFound("IWS account", err)
	}
	return s.openIWSAccount(row)
}

// DefaultIWSAccount returns the account named DefaultIWSAccountName if there is one, else the
// oldest account, or ErrNotFound when there is none.
func (s *Store) DefaultIWSAccount(ctx context.Context) (IWSAccount, error) {
	var row iwsAccountRow
	err := s.db.WithContext(ctx).
		Order(clause.OrderBy{Expression: clause.Expr{SQL: "CASE WHEN name = ? THEN 0 ELSE 1 END, id", Vars: []any{DefaultIWSAccountName}}}).
		Take(&row).Error
	if err != nil {
		return IWSAccount{}, notFound("default IWS account", err)
	}
	return s.openIWSAccount(row)
}

// ListIWSAccounts returns every account, oldest first, access keys decrypted.
func (s *Store) ListIWSAccounts(ctx context.Context) ([]IWSAccount, error) {
	return listOpened(ctx, s, "IWS accounts", s.openIWSAccount)
}

// listOpened reads every row of a table whose rows hold sealed secrets, oldest first, and opens
// each with open.
func listOpened[R, T any](ctx context.Context, s *Store, what string, open func(R) (T, error)) ([]T, error) {
	var rows []R
	if err := s.db.WithContext(ctx).Order("id").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: list %s: %w", what, err)
	}
	out := make([]T, 0, len(rows))
	for _, r := range rows {
		v, err := open(r)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

func (s *Store) openIWSAccount(r iwsAccountRow) (IWSAccount, error) {
	if s.box == nil {
		return IWSAccount{}, fmt.Errorf("store: IWS account %q: %w", r.Name, errNoBox)
	}
	key, err := s.box.Open(r.AccessKeyEnc)
	if err != nil {
		return IWSAccount{}, fmt.Errorf("store: IWS account %q: access key: %w", r.Name, err)
	}
	return IWSAccount{
		ID:          r.ID,
		Name:        r.Name,
		Environment: r.Environment,
		BaseURL:     r.BaseURL,
		APIKey:      r.APIKey,
		AccessKey:   key,
		CreatedAt:   r.CreatedAt.UTC(),
		UpdatedAt:   r.UpdatedAt.UTC(),
	}, nil
}
