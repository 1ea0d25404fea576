package users

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"

	"github.com/intcomex-connector/connector/connector/store"
)

// tokenBytes is the entropy of a session token and of an API token's secret.
const tokenBytes = 32

// maxTokenLen bounds what is hashed and looked up: a real token is 43 (session) or 47 (API)
// characters.
const maxTokenLen = 128

// newToken returns tokenBytes random bytes in unpadded base64url (43 characters).
func newToken() (string, error) {
	b := make([]byte, tokenBytes)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("users: token: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// tokenHash is what the database keeps of a token: its SHA-256 in hex. A token has 256 bits of
// entropy, so a fast hash is enough (no salt, no stretching) and lookups stay one index read.
func tokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// StartSession opens a browser session for the user and returns its token, for the cookie. The
// token is not stored; only its hash is.
func (s *Service) StartSession(ctx context.Context, userID int64) (string, Session, error) {
	u, err := s.st.UserByID(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return "", Session{}, errorf(ErrNotFound, "no user %d", userID)
	}
	if err != nil {
		return "", Session{}, fmt.Errorf("users: start session: %w", err)
	}
	token, err := newToken()
	if err != nil {
		return "", Session{}, err
	}
	now := s.now()
	row, err := s.st.CreateUserSession(ctx, store.UserSession{TokenHash: tokenHash(token), UserID: u.ID,
		CreatedAt: now, ExpiresAt: now.Add(s.ttl)})
	if errors.Is(err, store.ErrNotFound) { // removed meanwhile
		return "", Session{}, errorf(ErrNotFound, "no user %d", userID)
	}
	if err != nil {
		return "", Session{}, fmt.Errorf("users: start session: %w", err)
	}
	return token, Session{User: toUser(u), ExpiresAt: row.ExpiresAt}, nil
}

// SessionUser returns the session of token with its user. An unknown or expired token is
// ErrNoSession. A use more than a minute after the last recorded one moves the expiry to
// SessionTTL from now.
func (s *Service) SessionUser(ctx context.Context, token string) (Session, error) {
	if token == "" || len(token) > maxTokenLen {
		return Session{}, ErrNoSession
	}
	h := tokenHash(token)
	sess, u, err := s.st.UserSessionByHash(ctx, h)
	if errors.Is(err, store.ErrNotFound) {
		return Session{}, ErrNoSession
	}
	if err != nil {
		return Session{}, fmt.Errorf("users: session: %w", err)
	}
	now := s.now()
	if !now.Before(sess.ExpiresAt) {
		if err := s.st.DeleteUserSession(ctx, h); err != nil {
			return Session{}, fmt.Errorf("users: session: %w", err)
		}
		return Session{}, ErrNoSession
	}
	expires := sess.ExpiresAt
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		expires = now.Add(s.ttl)
		if err := s.st.TouchUserSession(ctx, h, now, expires); err != nil {
			return Session{}, fmt.Errorf("users: session: %w", err)
		}
	}
	return Session{User: toUser(u), ExpiresAt: expires}, nil
}

// EndSession ends the session of token (logout). An unknown token is no error.
func (s *Service) EndSession(ctx context.Context, token string) error {
	if token == "" || len(token) > maxTokenLen {
		return nil
	}
	if err := s.st.DeleteUserSession(ctx, tokenHash(token)); err != nil {
		return fmt.Errorf("users: end session: %w", err)
	}
	return nil
}
