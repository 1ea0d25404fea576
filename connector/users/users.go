// Package users holds the people who use the connector's web UI and JSON API: their accounts
// and roles, their passwords (argon2id), their browser sessions and their API tokens.
//
// The contract below (types, sentinel errors and the Service methods listed in the comment) is
// shared by the admin web layer and the `connector user` commands.
package users

import (
	"errors"
	"time"
)

// Role is what a user may do.
type Role string

const (
	// RoleAdmin reads everything and acts: edits rules and settings, retries orders, runs syncs.
	RoleAdmin Role = "admin"
	// RoleSupport reads everything and changes nothing.
	RoleSupport Role = "support"
)

// Valid reports whether r is a known role.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleSupport }

// CanWrite reports whether the role may change anything.
func (r Role) CanWrite() bool { return r == RoleAdmin }

// Languages the UI speaks. A user's Language is one of them or empty (follow the browser).
const (
	LanguageEnglish = "en"
	LanguageSpanish = "es"
)

// User is an account. It never carries the password hash.
type User struct {
	ID        int64
	Email     string // lower-cased, trimmed
	Role      Role
	Language  string // "", "en" or "es"
	CreatedAt time.Time
	UpdatedAt time.Time
	// LastLoginAt is zero until the first successful login.
	LastLoginAt time.Time
}

// Session is a browser session. Its token is known only to the browser; the database keeps its
// SHA-256.
type Session struct {
	User      User
	ExpiresAt time.Time
}

// APIToken describes a per-user token for the JSON API. The secret is shown once, at creation;
// the database keeps its SHA-256 and Prefix (the first characters, for telling tokens apart).
type APIToken struct {
	ID         int64
	UserID     int64
	Name       string
	Prefix     string
	CreatedAt  time.Time
	LastUsedAt time.Time // zero when never used
}

var (
	// ErrBadCredentials: unknown email or wrong password (never says which).
	ErrBadCredentials = errors.New("users: wrong email or password")
	// ErrNoSession: the session token is unknown or expired, or the API token unknown or revoked.
	ErrNoSession = errors.New("users: not signed in")
	// ErrNotFound: no such user or token.
	ErrNotFound = errors.New("users: not found")
	// ErrInvalid: bad input (email, role, weak password, language); the message says what to fix.
	ErrInvalid = errors.New("users: invalid")
	// ErrExists: a user with that email exists already.
	ErrExists = errors.New("users: already exists")
	// ErrLastAdmin: removing or demoting the last admin is refused.
	ErrLastAdmin = errors.New("users: the last admin cannot be removed")
)

// The Service (users.go's sibling files) offers, ctx first on every call:
//
//	New(st *store.Store, opts Options) *Service       // Options: Now func() time.Time, SessionTTL (default 12h, sliding), MinPasswordLen (default 10)
//	(*Service) Add(ctx, email string, role Role, password string) (User, error)
//	(*Service) List(ctx) ([]User, error)
//	(*Service) ByEmail(ctx, email string) (User, error)
//	(*Service) Remove(ctx, email string) error                 // also ends its sessions and revokes its tokens
//	(*Service) SetPassword(ctx, email, password string) error  // ends the user's other sessions
//	(*Service) SetLanguage(ctx, userID int64, lang string) error
//	(*Service) Authenticate(ctx, email, password string) (User, error)   // ErrBadCredentials; constant-ish time for unknown emails
//	(*Service) StartSession(ctx, userID int64) (token string, s Session, err error)
//	(*Service) SessionUser(ctx, token string) (Session, error)           // ErrNoSession; slides the expiry
//	(*Service) EndSession(ctx, token string) error
//	(*Service) CreateToken(ctx, userID int64, name string) (secret string, t APIToken, err error)
//	(*Service) Tokens(ctx, userID int64) ([]APIToken, error)           // userID 0: all users' tokens
//	(*Service) RevokeToken(ctx, id int64) error
//	(*Service) TokenUser(ctx, secret string) (User, error)               // ErrNoSession; records last use
