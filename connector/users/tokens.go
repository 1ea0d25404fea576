package users

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/intcomex-connector/connector/connector/store"
)

// TokenPrefix starts every API token secret, so a leaked one is recognisable (secret scanners,
// logs) and a session token is never taken for one.
const TokenPrefix = "icx_"

// tokenDisplayLen is how much of a secret is kept to tell tokens apart: the prefix and 6
// characters of the random part (36 bits: enough to tell, far too few to guess).
const tokenDisplayLen = len(TokenPrefix) + 6

func toAPIToken(t store.APIToken) APIToken {
	return APIToken{ID: t.ID, UserID: t.UserID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt}
}

// CreateToken makes an API token for the user and returns its secret, which is shown once: the
// database keeps its SHA-256 and its first characters (Prefix).
func (s *Service) CreateToken(ctx context.Context, userID int64, name string) (string, APIToken, error) {
	name, err := checkTokenName(name)
	if err != nil {
		return "", APIToken{}, err
	}
	if _, err := s.ByID(ctx, userID); err != nil {
		return "", APIToken{}, err
	}
	random, err := newToken()
	if err != nil {
		return "", APIToken{}, err
	}
	secret := TokenPrefix + random
	t, err := s.st.CreateAPIToken(ctx, store.APIToken{UserID: userID, Name: name, Prefix: secret[:tokenDisplayLen],
		TokenHash: tokenHash(secret), CreatedAt: s.now()})
	if errors.Is(err, store.ErrNotFound) {
		return "", APIToken{}, errorf(ErrNotFound, "no user %d", userID)
	}
	if err != nil {
		return "", APIToken{}, fmt.Errorf("users: create token: %w", err)
	}
	return secret, toAPIToken(t), nil
}

// Tokens lists the user's API tokens (every user's for userID 0), oldest first.
func (s *Service) Tokens(ctx context.Context, userID int64) ([]APIToken, error) {
	list, err := s.st.APITokens(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("users: tokens: %w", err)
	}
	out := make([]APIToken, len(list))
	for i, t := range list {
		out[i] = toAPIToken(t)
	}
	return out, nil
}

// RevokeToken deletes the token: its secret stops working at once. An unknown id is
// ErrNotFound.
func (s *Service) RevokeToken(ctx context.Context, id int64) error {
	err := s.st.DeleteAPIToken(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return errorf(ErrNotFound, "no API token %d", id)
	}
	if err != nil {
		return fmt.Errorf("users: revoke token: %w", err)
	}
	return nil
}

// TokenUser returns the user of an API token secret and records its use (at most one write a
// minute). An unknown or revoked secret is ErrNoSession.
func (s *Service) TokenUser(ctx context.Context, secret string) (User, error) {
	if !strings.HasPrefix(secret, TokenPrefix) || len(secret) > maxTokenLen {
		return User{}, ErrNoSession
	}
	t, u, err := s.st.APITokenByHash(ctx, tokenHash(secret))
	if errors.Is(err, store.ErrNotFound) {
		return User{}, ErrNoSession
	}
	if err != nil {
		return User{}, fmt.Errorf("users: token: %w", err)
	}
	if now := s.now(); t.LastUsedAt.IsZero() || now.Sub(t.LastUsedAt) >= touchEvery {
		if err := s.st.TouchAPIToken(ctx, t.ID, now); err != nil {
			return User{}, fmt.Errorf("users: token: %w", err)
		}
	}
	return toUser(u), nil
}
