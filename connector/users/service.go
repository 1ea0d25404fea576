package users

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
)

// Options configure a Service. The zero value is production's: the real clock, 12-hour sliding
// sessions, passwords of at least 10 characters, DefaultArgon2.
type Options struct {
	// Now replaces time.Now (tests move it to expire sessions).
	Now func() time.Time
	// SessionTTL is how long a session lives without use; each use (at most one write a
	// minute) moves the expiry to SessionTTL from then. Default 12h.
	SessionTTL time.Duration
	// MinPasswordLen is the shortest password accepted, in characters. Default 10.
	MinPasswordLen int
	// Argon2 are the cost parameters of new hashes; zero: DefaultArgon2. Tests use cheap ones.
	Argon2 Argon2Params
	// Logger receives the few things worth an operator's eye (a stored hash that cannot be
	// read, a failed rehash). Default: discarded.
	Logger *slog.Logger
}

// DefaultSessionTTL is a session's life without use.
const DefaultSessionTTL = 12 * time.Hour

// touchEvery is how often a session's expiry or a token's last use is written at most: a write
// per request would make every page view a database write.
const touchEvery = time.Minute

// Service manages the accounts, sessions and API tokens. It is safe for concurrent use.
type Service struct {
	st             *store.Store
	now            func() time.Time
	ttl            time.Duration
	minPasswordLen int
	argon          Argon2Params
	logger         *slog.Logger

	dummyOnce sync.Once
	dummyHash string
}

// New returns the service over st.
func New(st *store.Store, opts Options) *Service {
	now := opts.Now
	if now == nil {
		now = time.Now
	}
	s := &Service{
		st:             st,
		now:            func() time.Time { return now().UTC().Truncate(time.Microsecond) },
		ttl:            opts.SessionTTL,
		minPasswordLen: opts.MinPasswordLen,
		argon:          opts.Argon2,
		logger:         opts.Logger,
	}
	if s.ttl <= 0 {
		s.ttl = DefaultSessionTTL
	}
	if s.minPasswordLen <= 0 {
		s.minPasswordLen = DefaultMinPasswordLen
	}
	if s.argon == (Argon2Params{}) {
		s.argon = DefaultArgon2
	}
	if s.logger == nil {
		s.logger = slog.New(slog.DiscardHandler)
	}
	return s
}

// MinPasswordLen is the shortest password the service accepts, for forms and prompts.
func (s *Service) MinPasswordLen() int { return s.minPasswordLen }

func toUser(u store.User) User {
	return User{ID: u.ID, Email: u.Email, Role: Role(u.Role), Language: u.Language,
		CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt, LastLoginAt: u.LastLoginAt}
}

// Add creates a user. The email is trimmed and lower-cased; a taken one is ErrExists; a bad
// email, role or password is an *InvalidError (ErrInvalid).
func (s *Service) Add(ctx context.Context, email string, role Role, password string) (User, error) {
	e, err := NormalizeEmail(email)
	if err != nil {
		return User{}, err
	}
	if !role.Valid() {
		return User{}, invalid("role", "role must be %s or %s, not %q", RoleAdmin, RoleSupport, role)
	}
	if err := s.checkPassword(password); err != nil {
		return User{}, err
	}
	hash, err := hashPassword(password, s.argon)
	if err != nil {
		return User{}, err
	}
	u, err := s.st.CreateUser(ctx, store.User{Email: e, Role: string(role), PasswordHash: hash, CreatedAt: s.now()})
	if errors.Is(err, store.ErrConflict) {
		return User{}, errorf(ErrExists, "a user with email %s exists already", e)
	}
	if err != nil {
		return User{}, fmt.Errorf("users: add: %w", err)
	}
	return toUser(u), nil
}

// List returns every user, by email.
func (s *Service) List(ctx context.Context) ([]User, error) {
	list, err := s.st.ListUsers(ctx)
	if err != nil {
		return nil, fmt.Errorf("users: list: %w", err)
	}
	out := make([]User, len(list))
	for i, u := range list {
		out[i] = toUser(u)
	}
	return out, nil
}

// byEmail reads the stored user; an unknown or malformed email is ErrNotFound.
func (s *Service) byEmail(ctx context.Context, email string) (store.User, error) {
	e, err := NormalizeEmail(email)
	if err != nil {
		return store.User{}, errorf(ErrNotFound, "no user with email %q", email)
	}
	u, err := s.st.UserByEmail(ctx, e)
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, errorf(ErrNotFound, "no user with email %s", e)
	}
	if err != nil {
		return store.User{}, fmt.Errorf("users: %w", err)
	}
	return u, nil
}

// ByEmail returns the user with this email (any case), or ErrNotFound.
func (s *Service) ByEmail(ctx context.Context, email string) (User, error) {
	u, err := s.byEmail(ctx, email)
	if err != nil {
		return User{}, err
	}
	return toUser(u), nil
}

// ByID returns the user with this id, or ErrNotFound.
func (s *Service) ByID(ctx context.Context, id int64) (User, error) {
	u, err := s.st.UserByID(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return User{}, errorf(ErrNotFound, "no user %d", id)
	}
	if err != nil {
		return User{}, fmt.Errorf("users: %w", err)
	}
	return toUser(u), nil
}

// Remove deletes the user with its sessions and API tokens. The last admin is refused with
// ErrLastAdmin.
func (s *Service) Remove(ctx context.Context, email string) error {
	u, err := s.byEmail(ctx, email)
	if err != nil {
		return err
	}
	err = s.st.DeleteUser(ctx, u.ID, string(RoleAdmin))
	switch {
	case errors.Is(err, store.ErrLastOfRole):
		return errorf(ErrLastAdmin, "%s is the only admin and cannot be removed; add another admin first", u.Email)
	case errors.Is(err, store.ErrNotFound):
		return errorf(ErrNotFound, "no user with email %s", u.Email)
	case err != nil:
		return fmt.Errorf("users: remove: %w", err)
	}
	return nil
}

// SetRole changes the user's role. Making the last admin support is refused with ErrLastAdmin.
func (s *Service) SetRole(ctx context.Context, email string, role Role) error {
	if !role.Valid() {
		return invalid("role", "role must be %s or %s, not %q", RoleAdmin, RoleSupport, role)
	}
	u, err := s.byEmail(ctx, email)
	if err != nil {
		return err
	}
	err = s.st.SetUserRole(ctx, u.ID, string(role), string(RoleAdmin))
	switch {
	case errors.Is(err, store.ErrLastOfRole):
		return errorf(ErrLastAdmin, "%s is the only admin and cannot be made %s; make another user admin first", u.Email, role)
	case errors.Is(err, store.ErrNotFound):
		return errorf(ErrNotFound, "no user with email %s", u.Email)
	case err != nil:
		return fmt.Errorf("users: set role: %w", err)
	}
	return nil
}

// SetPassword replaces the user's password and ends every session of the user (the browser
// that changed it included: it signs in again, or the web layer starts it a new session).
func (s *Service) SetPassword(ctx context.Context, email, password string) error {
	if err := s.checkPassword(password); err != nil {
		return err
	}
	u, err := s.byEmail(ctx, email)
	if err != nil {
		return err
	}
	hash, err := hashPassword(password, s.argon)
	if err != nil {
		return err
	}
	err = s.st.SetUserPassword(ctx, u.ID, hash)
	if errors.Is(err, store.ErrNotFound) {
		return errorf(ErrNotFound, "no user with email %s", u.Email)
	}
	if err != nil {
		return fmt.Errorf("users: set password: %w", err)
	}
	return nil
}

// SetLanguage sets the user's UI language: "en", "es", or "" to follow the browser.
func (s *Service) SetLanguage(ctx context.Context, userID int64, lang string) error {
	if err := checkLanguage(lang); err != nil {
		return err
	}
	err := s.st.SetUserLanguage(ctx, userID, lang)
	if errors.Is(err, store.ErrNotFound) {
		return errorf(ErrNotFound, "no user %d", userID)
	}
	if err != nil {
		return fmt.Errorf("users: set language: %w", err)
	}
	return nil
}

// Authenticate checks email and password and records the login. A wrong password and an
// unknown email are the same ErrBadCredentials, and take the same time: an unknown email still
// costs one password hash.
func (s *Service) Authenticate(ctx context.Context, email, password string) (User, error) {
	var stored store.User
	found := false
	if e, err := NormalizeEmail(email); err == nil && len(password) <= 4*MaxPasswordLen {
		stored, err = s.st.UserByEmail(ctx, e)
		switch {
		case err == nil:
			found = true
		case !errors.Is(err, store.ErrNotFound):
			return User{}, fmt.Errorf("users: authenticate: %w", err)
		}
	}
	if !found {
		s.dummyVerify(password)
		return User{}, ErrBadCredentials
	}
	ok, params, err := verifyPassword(password, stored.PasswordHash)
	if err != nil {
		s.logger.ErrorContext(ctx, "users: stored password hash unreadable; set a new password with `connector user passwd`",
			"user", stored.ID, "err", err)
		return User{}, fmt.Errorf("users: authenticate user %d: %w", stored.ID, err)
	}
	if !ok {
		return User{}, ErrBadCredentials
	}
	if params != s.argon {
		s.rehash(ctx, stored, password)
	}
	now := s.now()
	if err := s.st.SetUserLastLogin(ctx, stored.ID, now); err != nil {
		return User{}, fmt.Errorf("users: authenticate: %w", err)
	}
	u := toUser(stored)
	u.LastLoginAt = now
	return u, nil
}

// PasswordMatches reports whether password is the user's, without recording a login (for a
// program that keeps an account's password, as the demo does). An unknown email is ErrNotFound.
func (s *Service) PasswordMatches(ctx context.Context, email, password string) (bool, error) {
	u, err := s.byEmail(ctx, email)
	if err != nil {
		return false, err
	}
	ok, _, err := verifyPassword(password, u.PasswordHash)
	if err != nil {
		return false, fmt.Errorf("users: user %d: %w", u.ID, err)
	}
	return ok, nil
}

// dummyVerify spends on an unknown email what a known one costs: one verification with the
// current parameters.
func (s *Service) dummyVerify(password string) {
	s.dummyOnce.Do(func() {
		h, err := hashPassword("not a password of anyone", s.argon)
		if err != nil {
			// crypto/rand failed; fall back to a fixed salt, which is fine for a hash that
			// only burns time.
			h = fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$c2FsdHNhbHRzYWx0c2FsdA$c2FsdHNhbHRzYWx0c2FsdHNhbHRzYWx0c2FsdHNhbHQ",
				s.argon.Memory, s.argon.Iterations, s.argon.Parallelism)
		}
		s.dummyHash = h
	})
	if len(password) > 4*MaxPasswordLen {
		password = password[:4*MaxPasswordLen]
	}
	_, _, _ = verifyPassword(password, s.dummyHash) // the outcome is meaningless by design
}

// rehash stores the password hashed with the current parameters after a login proved it, so
// raising the cost reaches every account over time. A failure only delays that.
func (s *Service) rehash(ctx context.Context, u store.User, password string) {
	hash, err := hashPassword(password, s.argon)
	if err == nil {
		_, err = s.st.RehashUserPassword(ctx, u.ID, u.PasswordHash, hash)
	}
	if err != nil {
		s.logger.WarnContext(ctx, "users: password not rehashed with the current parameters", "user", u.ID, "err", err)
	}
}
