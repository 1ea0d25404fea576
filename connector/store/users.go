package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"github.com/intcomex-connector/connector/migrations"
)

// ErrLastOfRole reports a change refused because it would leave no user with the guarded role
// (the last admin removed or demoted).
var ErrLastOfRole = errors.New("store: the last user of the role")

// User is a row of users: an account of the web UI and the JSON API. connector/users owns the
// policy (validation, hashing, roles); this is its persistence.
type User struct {
	ID           int64
	Email        string
	Role         string
	PasswordHash string
	Language     string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	LastLoginAt  time.Time // zero: never
}

// UserSession is a row of user_sessions. TokenHash is the SHA-256 (hex) of the browser's token.
type UserSession struct {
	TokenHash  string
	UserID     int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
}

// APIToken is a row of api_tokens. TokenHash is the SHA-256 (hex) of the secret.
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	Prefix     string
	TokenHash  string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero: never
}

type userRow struct {
	ID           int64 `gorm:"primaryKey"`
	Email        string
	Role         string
	PasswordHash string
	Language     string
	CreatedAt    time.Time
	UpdatedAt    time.Time
	LastLoginAt  *time.Time
}

func (userRow) TableName() string { return "users" }

func (r userRow) user() User {
	u := User{ID: r.ID, Email: r.Email, Role: r.Role, PasswordHash: r.PasswordHash, Language: r.Language,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
	if r.LastLoginAt != nil {
		u.LastLoginAt = r.LastLoginAt.UTC()
	}
	return u
}

type userSessionRow struct {
	TokenHash  string `gorm:"primaryKey"`
	UserID     int64
	CreatedAt  time.Time
	ExpiresAt  time.Time
	LastSeenAt time.Time
}

func (userSessionRow) TableName() string { return "user_sessions" }

func (r userSessionRow) session() UserSession {
	return UserSession{TokenHash: r.TokenHash, UserID: r.UserID, CreatedAt: r.CreatedAt.UTC(),
		ExpiresAt: r.ExpiresAt.UTC(), LastSeenAt: r.LastSeenAt.UTC()}
}

type apiTokenRow struct {
	ID         int64 `gorm:"primaryKey"`
	UserID     int64
	Name       string
	Prefix     string
	TokenHash  string
	CreatedAt  time.Time
	LastUsedAt *time.Time
}

func (apiTokenRow) TableName() string { return "api_tokens" }

func (r apiTokenRow) token() APIToken {
	t := APIToken{ID: r.ID, UserID: r.UserID, Name: r.Name, Prefix: r.Prefix, TokenHash: r.TokenHash, CreatedAt: r.CreatedAt.UTC()}
	if r.LastUsedAt != nil {
		t.LastUsedAt = r.LastUsedAt.UTC()
	}
	return t
}

// dbTime is t as the database keeps it: UTC, to the microsecond (DATETIME(6)); the store's clock
// for a zero t.
func (s *Store) dbTime(t time.Time) time.Time {
	if t.IsZero() {
		return s.now()
	}
	return t.UTC().Truncate(time.Microsecond)
}

// CreateUser inserts u (its ID is ignored) and returns it with its id. An email taken already
// is ErrConflict.
func (s *Store) CreateUser(ctx context.Context, u User) (User, error) {
	if u.Email == "" || u.Role == "" || u.PasswordHash == "" {
		return User{}, fmt.Errorf("store: create user: %w: email, role and password hash are required", ErrInvalid)
	}
	now := s.dbTime(u.CreatedAt)
	row := userRow{Email: u.Email, Role: u.Role, PasswordHash: u.PasswordHash, Language: u.Language, CreatedAt: now, UpdatedAt: now}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		if isDuplicateKey(err) {
			return User{}, fmt.Errorf("store: create user: %w: email %s is taken", ErrConflict, u.Email)
		}
		return User{}, fmt.Errorf("store: create user: %w", err)
	}
	return row.user(), nil
}

// UserByEmail returns the user with exactly this email (callers normalize it), or ErrNotFound.
func (s *Store) UserByEmail(ctx context.Context, email string) (User, error) {
	var row userRow
	if err := s.db.WithContext(ctx).Where("email = ?", email).Take(&row).Error; err != nil {
		return User{}, notFound("user", err)
	}
	return row.user(), nil
}

// UserByID returns the user with this id, or ErrNotFound.
func (s *Store) UserByID(ctx context.Context, id int64) (User, error) {
	var row userRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return User{}, notFound("user", err)
	}
	return row.user(), nil
}

// ListUsers returns every user, by email.
func (s *Store) ListUsers(ctx context.Context) ([]User, error) {
	var rows []userRow
	if err := s.db.WithContext(ctx).Order("email").Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: list users: %w", err)
	}
	out := make([]User, len(rows))
	for i, r := range rows {
		out[i] = r.user()
	}
	return out, nil
}

// guardRole refuses, inside tx, a change that takes user id out of role when it is the last user
// with that role. On MySQL the role's rows are locked until tx ends, so two concurrent changes
// (removing two admins at once) are judged one after the other; SQLite has one writer anyway.
func (s *Store) guardRole(tx *gorm.DB, id int64, role string) error {
	q := tx.Model(&userRow{}).Where("role = ?", role)
	if s.dialect == migrations.MySQL {
		q = q.Clauses(clause.Locking{Strength: "UPDATE"})
	}
	var ids []int64
	if err := q.Pluck("id", &ids).Error; err != nil {
		return err
	}
	others := 0
	member := false
	for _, v := range ids {
		if v == id {
			member = true
		} else {
			others++
		}
	}
	if member && others == 0 {
		return fmt.Errorf("%w %s", ErrLastOfRole, role)
	}
	return nil
}

// DeleteUser deletes the user with its sessions and API tokens. With guardRole set, deleting the
// last user of that role is refused with ErrLastOfRole. An unknown id is ErrNotFound.
func (s *Store) DeleteUser(ctx context.Context, id int64, guardRole string) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if guardRole != "" {
			if err := s.guardRole(tx, id, guardRole); err != nil {
				return err
			}
		}
		if err := tx.Where("user_id = ?", id).Delete(&userSessionRow{}).Error; err != nil {
			return err
		}
		if err := tx.Where("user_id = ?", id).Delete(&apiTokenRow{}).Error; err != nil {
			return err
		}
		res := tx.Where("id = ?", id).Delete(&userRow{})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return ErrNotFound
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: delete user: %w", err)
	}
	return nil
}

// SetUserRole changes the user's role. With guardRole set, taking the last user of that role out
// of it is refused with ErrLastOfRole. An unknown id is ErrNotFound.
func (s *Store) SetUserRole(ctx context.Context, id int64, role, guardRole string) error {
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if guardRole != "" && role != guardRole {
			if err := s.guardRole(tx, id, guardRole); err != nil {
				return err
			}
		}
		return updateUser(tx, id, map[string]any{"role": role, "updated_at": s.now()})
	})
	if err != nil {
		return fmt.Errorf("store: set user role: %w", err)
	}
	return nil
}

// SetUserPassword replaces the user's password hash and, in the same transaction, ends every
// session of the user: a changed password signs everyone out. An unknown id is ErrNotFound.
func (s *Store) SetUserPassword(ctx context.Context, id int64, passwordHash string) error {
	if passwordHash == "" {
		return fmt.Errorf("store: set user password: %w: empty hash", ErrInvalid)
	}
	err := s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		if err := updateUser(tx, id, map[string]any{"password_hash": passwordHash, "updated_at": s.now()}); err != nil {
			return err
		}
		return tx.Where("user_id = ?", id).Delete(&userSessionRow{}).Error
	})
	if err != nil {
		return fmt.Errorf("store: set user password: %w", err)
	}
	return nil
}

// RehashUserPassword replaces the user's password hash when it is still oldHash (a login that
// upgrades the hash's parameters), keeping the sessions. It reports whether it did.
func (s *Store) RehashUserPassword(ctx context.Context, id int64, oldHash, newHash string) (bool, error) {
	res := s.db.WithContext(ctx).Model(&userRow{}).Where("id = ? AND password_hash = ?", id, oldHash).
		Update("password_hash", newHash)
	if res.Error != nil {
		return false, fmt.Errorf("store: rehash user password: %w", res.Error)
	}
	return res.RowsAffected == 1, nil
}

// SetUserLanguage sets the user's language. An unknown id is ErrNotFound.
func (s *Store) SetUserLanguage(ctx context.Context, id int64, lang string) error {
	if err := updateUser(s.db.WithContext(ctx), id, map[string]any{"language": lang, "updated_at": s.now()}); err != nil {
		return fmt.Errorf("store: set user language: %w", err)
	}
	return nil
}

// SetUserLastLogin records a successful login at at.
func (s *Store) SetUserLastLogin(ctx context.Context, id int64, at time.Time) error {
	if err := updateUser(s.db.WithContext(ctx), id, map[string]any{"last_login_at": s.dbTime(at)}); err != nil {
		return fmt.Errorf("store: set user last login: %w", err)
	}
	return nil
}

// updateUser updates the user's columns; no such user is ErrNotFound. MySQL counts only the rows
// it changed, so a row found but left as it was is told apart by reading it.
func updateUser(tx *gorm.DB, id int64, cols map[string]any) error {
	res := tx.Model(&userRow{}).Where("id = ?", id).Updates(cols)
	if res.Error != nil {
		return res.Error
	}
	if res.RowsAffected == 0 {
		var n int64
		if err := tx.Model(&userRow{}).Where("id = ?", id).Count(&n).Error; err != nil {
			return err
		}
		if n == 0 {
			return ErrNotFound
		}
	}
	return nil
}

// CreateUserSession records a session, and deletes the sessions that expired before its
// creation (a session is looked up by its hash; expired rows only take room).
func (s *Store) CreateUserSession(ctx context.Context, us UserSession) (UserSession, error) {
	if len(us.TokenHash) != 64 || us.UserID == 0 || us.ExpiresAt.IsZero() {
		return UserSession{}, fmt.Errorf("store: create user session: %w: token hash, user and expiry are required", ErrInvalid)
	}
	now := s.dbTime(us.CreatedAt)
	row := userSessionRow{TokenHash: us.TokenHash, UserID: us.UserID, CreatedAt: now,
		ExpiresAt: s.dbTime(us.ExpiresAt), LastSeenAt: now}
	db := s.db.WithContext(ctx)
	if err := db.Where("expires_at < ?", now).Delete(&userSessionRow{}).Error; err != nil {
		return UserSession{}, fmt.Errorf("store: purge user sessions: %w", err)
	}
	if err := db.Create(&row).Error; err != nil {
		if isDuplicateKey(err) {
			return UserSession{}, fmt.Errorf("store: create user session: %w", ErrConflict)
		}
		if isForeignKey(err) {
			return UserSession{}, fmt.Errorf("store: create user session: user %d: %w", us.UserID, ErrNotFound)
		}
		return UserSession{}, fmt.Errorf("store: create user session: %w", err)
	}
	return row.session(), nil
}

// UserSessionByHash returns the session with this token hash and its user, or ErrNotFound. It
// does not judge the expiry.
func (s *Store) UserSessionByHash(ctx context.Context, tokenHash string) (UserSession, User, error) {
	row, u, err := takeWithUser(s.db.WithContext(ctx), tokenHash, "user session", func(r userSessionRow) int64 { return r.UserID })
	if err != nil {
		return UserSession{}, User{}, err
	}
	return row.session(), u, nil
}

// takeWithUser reads the row (a session or an API token) of tokenHash and its user; what names
// it in the errors (ErrNotFound when either is missing).
func takeWithUser[R any](db *gorm.DB, tokenHash, what string, userID func(R) int64) (R, User, error) {
	var row R
	if err := db.Where("token_hash = ?", tokenHash).Take(&row).Error; err != nil {
		return row, User{}, notFound(what, err)
	}
	var u userRow
	if err := db.Where("id = ?", userID(row)).Take(&u).Error; err != nil {
		return row, User{}, notFound(what+"'s user", err)
	}
	return row, u.user(), nil
}

// TouchUserSession records a use of the session at seen and moves its expiry to expires.
func (s *Store) TouchUserSession(ctx context.Context, tokenHash string, seen, expires time.Time) error {
	err := s.db.WithContext(ctx).Model(&userSessionRow{}).Where("token_hash = ?", tokenHash).
		Updates(map[string]any{"last_seen_at": s.dbTime(seen), "expires_at": s.dbTime(expires)}).Error
	if err != nil {
		return fmt.Errorf("store: touch user session: %w", err)
	}
	return nil
}

// DeleteUserSession deletes the session; an unknown one is no error (it has ended either way).
func (s *Store) DeleteUserSession(ctx context.Context, tokenHash string) error {
	if err := s.db.WithContext(ctx).Where("token_hash = ?", tokenHash).Delete(&userSessionRow{}).Error; err != nil {
		return fmt.Errorf("store: delete user session: %w", err)
	}
	return nil
}

// DeleteUserSessions deletes every session of the user and returns how many there were.
func (s *Store) DeleteUserSessions(ctx context.Context, userID int64) (int64, error) {
	res := s.db.WithContext(ctx).Where("user_id = ?", userID).Delete(&userSessionRow{})
	if res.Error != nil {
		return 0, fmt.Errorf("store: delete user sessions: %w", res.Error)
	}
	return res.RowsAffected, nil
}

// CreateAPIToken records a token (its ID is ignored) and returns it with its id. An unknown
// user is ErrNotFound.
func (s *Store) CreateAPIToken(ctx context.Context, t APIToken) (APIToken, error) {
	if len(t.TokenHash) != 64 || t.UserID == 0 || t.Name == "" || t.Prefix == "" {
		return APIToken{}, fmt.Errorf("store: create API token: %w: user, name, prefix and token hash are required", ErrInvalid)
	}
	row := apiTokenRow{UserID: t.UserID, Name: t.Name, Prefix: t.Prefix, TokenHash: t.TokenHash, CreatedAt: s.dbTime(t.CreatedAt)}
	if err := s.db.WithContext(ctx).Create(&row).Error; err != nil {
		switch {
		case isDuplicateKey(err):
			return APIToken{}, fmt.Errorf("store: create API token: %w", ErrConflict)
		case isForeignKey(err):
			return APIToken{}, fmt.Errorf("store: create API token: user %d: %w", t.UserID, ErrNotFound)
		}
		return APIToken{}, fmt.Errorf("store: create API token: %w", err)
	}
	return row.token(), nil
}

// APITokens returns the user's tokens (every user's for userID 0), oldest first.
func (s *Store) APITokens(ctx context.Context, userID int64) ([]APIToken, error) {
	q := s.db.WithContext(ctx).Order("id")
	if userID != 0 {
		q = q.Where("user_id = ?", userID)
	}
	var rows []apiTokenRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, fmt.Errorf("store: API tokens: %w", err)
	}
	out := make([]APIToken, len(rows))
	for i, r := range rows {
		out[i] = r.token()
	}
	return out, nil
}

// APITokenByHash returns the token with this hash and its user, or ErrNotFound.
func (s *Store) APITokenByHash(ctx context.Context, tokenHash string) (APIToken, User, error) {
	row, u, err := takeWithUser(s.db.WithContext(ctx), tokenHash, "API token", func(r apiTokenRow) int64 { return r.UserID })
	if err != nil {
		return APIToken{}, User{}, err
	}
	return row.token(), u, nil
}

// TouchAPIToken records a use of the token at at.
func (s *Store) TouchAPIToken(ctx context.Context, id int64, at time.Time) error {
	err := s.db.WithContext(ctx).Model(&apiTokenRow{}).Where("id = ?", id).Update("last_used_at", s.dbTime(at)).Error
	if err != nil {
		return fmt.Errorf("store: touch API token: %w", err)
	}
	return nil
}

// DeleteAPIToken deletes the token; an unknown id is ErrNotFound.
func (s *Store) DeleteAPIToken(ctx context.Context, id int64) error {
	res := s.db.WithContext(ctx).Where("id = ?", id).Delete(&apiTokenRow{})
	if res.Error != nil {
		return fmt.Errorf("store: delete API token: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("store: delete API token %d: %w", id, ErrNotFound)
	}
	return nil
}
