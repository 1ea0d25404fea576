package users_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/connector/users"
)

// cheap keeps the tests fast: real hashes, tiny cost.
var cheap = users.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1}

// clock is a settable time source.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func newClock() *clock { return &clock{now: time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)} }

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// each runs fn on SQLite and MariaDB, in parallel, each with its own clock and a service of
// cheap hashes on it.
func each(t *testing.T, fn func(t *testing.T, svc *users.Service, st *store.Store, c *clock)) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		c := newClock()
		fn(t, users.New(st, users.Options{Now: c.Now, Argon2: cheap}), st, c)
	})
}

const (
	pw1 = "correct horse battery"
	pw2 = "staple-staple-staple"
)

func mustAdd(t *testing.T, svc *users.Service, email string, role users.Role, password string) users.User {
	t.Helper()
	u, err := svc.Add(context.Background(), email, role, password)
	if err != nil {
		t.Fatalf("Add(%s): %v", email, err)
	}
	return u
}

func TestAddListRemovePasswd(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, svc *users.Service, st *store.Store, c *clock) {
		ctx := context.Background()
		admin := mustAdd(t, svc, "  Ana@Example.COM ", users.RoleAdmin, pw1)
		if admin.ID == 0 || admin.Email != "ana@example.com" || admin.Role != users.RoleAdmin ||
			!admin.CreatedAt.Equal(c.Now()) || !admin.LastLoginAt.IsZero() {
			t.Errorf("added %+v", admin)
		}
		support := mustAdd(t, svc, "bob@example.com", users.RoleSupport, pw1)

		if _, err := svc.Add(ctx, "ANA@example.com", users.RoleSupport, pw2); !errors.Is(err, users.ErrExists) {
			t.Errorf("duplicate email: %v, want ErrExists", err)
		}
		list, err := svc.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Email != "ana@example.com" || list[1].Email != "bob@example.com" {
			t.Errorf("List = %+v", list)
		}
		if got, err := svc.ByEmail(ctx, "BOB@example.com"); err != nil || got.ID != support.ID || got.Role != users.RoleSupport {
			t.Errorf("ByEmail = %+v, %v", got, err)
		}
		if got, err := svc.ByID(ctx, admin.ID); err != nil || got.Email != admin.Email {
			t.Errorf("ByID = %+v, %v", got, err)
		}
		for _, bad := range []string{"nobody@example.com", "not an email"} {
			if _, err := svc.ByEmail(ctx, bad); !errors.Is(err, users.ErrNotFound) {
				t.Errorf("ByEmail(%q) = %v, want ErrNotFound", bad, err)
			}
		}

		// The last admin stays: neither removed nor demoted.
		if err := svc.Remove(ctx, "ana@example.com"); !errors.Is(err, users.ErrLastAdmin) {
			t.Errorf("removing the last admin: %v, want ErrLastAdmin", err)
		}
		if err := svc.SetRole(ctx, "ana@example.com", users.RoleSupport); !errors.Is(err, users.ErrLastAdmin) {
			t.Errorf("demoting the last admin: %v, want ErrLastAdmin", err)
		}
		if err := svc.SetRole(ctx, "bob@example.com", users.RoleAdmin); err != nil {
			t.Fatal(err)
		}
		if err := svc.SetRole(ctx, "ana@example.com", users.RoleSupport); err != nil {
			t.Errorf("demoting one of two admins: %v", err)
		}
		if err := svc.Remove(ctx, "bob@example.com"); !errors.Is(err, users.ErrLastAdmin) {
			t.Errorf("removing the new last admin: %v, want ErrLastAdmin", err)
		}
		if err := svc.Remove(ctx, "ana@example.com"); err != nil {
			t.Errorf("removing a support user: %v", err)
		}
		if err := svc.Remove(ctx, "ana@example.com"); !errors.Is(err, users.ErrNotFound) {
			t.Errorf("removing twice: %v, want ErrNotFound", err)
		}

		// A new password works, the old one no longer does, and every session ended.
		token, _, err := svc.StartSession(ctx, support.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.SetPassword(ctx, "bob@example.com", pw2); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Authenticate(ctx, "bob@example.com", pw1); !errors.Is(err, users.ErrBadCredentials) {
			t.Errorf("old password: %v", err)
		}
		if _, err := svc.Authenticate(ctx, "bob@example.com", pw2); err != nil {
			t.Errorf("new password: %v", err)
		}
		if _, err := svc.SessionUser(ctx, token); !errors.Is(err, users.ErrNoSession) {
			t.Errorf("session after a password change: %v, want ErrNoSession", err)
		}
		if err := svc.SetPassword(ctx, "nobody@example.com", pw2); !errors.Is(err, users.ErrNotFound) {
			t.Errorf("SetPassword of nobody: %v", err)
		}

		if err := svc.SetLanguage(ctx, support.ID, users.LanguageSpanish); err != nil {
			t.Fatal(err)
		}
		if got, _ := svc.ByID(ctx, support.ID); got.Language != "es" {
			t.Errorf("language = %q", got.Language)
		}
		// Setting the same language again is no error (MySQL reports no row changed).
		if err := svc.SetLanguage(ctx, support.ID, users.LanguageSpanish); err != nil {
			t.Errorf("same language again: %v", err)
		}
		if err := svc.SetLanguage(ctx, 999999, users.LanguageEnglish); !errors.Is(err, users.ErrNotFound) {
			t.Errorf("SetLanguage of nobody: %v", err)
		}
	})
}

func TestValidation(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		ctx := context.Background()
		svc := users.New(st, users.Options{Argon2: cheap})
		u := mustAdd(t, svc, "ok@example.com", users.RoleAdmin, pw1)
		for _, tc := range []struct {
			name, email string
			role        users.Role
			password    string
			field, msg  string
		}{
			{"empty email", " ", users.RoleAdmin, pw1, "email", "email is required"},
			{"no at", "ana.example.com", users.RoleAdmin, pw1, "email", `"ana.example.com" is not an email address like name@example.com`},
			{"display name", "Ana <ana@example.com>", users.RoleAdmin, pw1, "email", "is not an email address"},
			{"no dot", "ana@localhost", users.RoleAdmin, pw1, "email", "is not an email address"},
			{"bad role", "a@example.com", "owner", pw1, "role", `role must be admin or support, not "owner"`},
			{"short password", "a@example.com", users.RoleSupport, "123456789", "password", "password must be at least 10 characters"},
			{"short in characters", "a@example.com", users.RoleSupport, "ñññññññññ", "password", "password must be at least 10 characters"},
			{"spaces", "a@example.com", users.RoleSupport, strings.Repeat(" ", 12), "password", "password must not be only spaces"},
			{"long password", "a@example.com", users.RoleSupport, strings.Repeat("x", users.MaxPasswordLen+1), "password", "at most 1024 characters"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, err := svc.Add(ctx, tc.email, tc.role, tc.password)
				var ie *users.InvalidError
				if !errors.Is(err, users.ErrInvalid) || !errors.As(err, &ie) || ie.Field != tc.field || !strings.Contains(err.Error(), tc.msg) {
					t.Errorf("Add = %v (%+v), want ErrInvalid on %s saying %q", err, ie, tc.field, tc.msg)
				}
			})
		}
		if err := svc.SetPassword(ctx, "ok@example.com", "short"); !errors.Is(err, users.ErrInvalid) {
			t.Errorf("SetPassword short: %v", err)
		}
		if err := svc.SetLanguage(ctx, u.ID, "fr"); !errors.Is(err, users.ErrInvalid) || !strings.Contains(err.Error(), "language must be en or es") {
			t.Errorf("SetLanguage fr: %v", err)
		}
		if err := svc.SetRole(ctx, "ok@example.com", "root"); !errors.Is(err, users.ErrInvalid) {
			t.Errorf("SetRole root: %v", err)
		}
		// A longer minimum from the options.
		strict := users.New(st, users.Options{Argon2: cheap, MinPasswordLen: 16})
		if _, err := strict.Add(ctx, "s@example.com", users.RoleSupport, pw1[:15]); err == nil || err.Error() != "password must be at least 16 characters" {
			t.Errorf("MinPasswordLen 16: %v", err)
		}
		if r, err := users.ParseRole(" Support "); err != nil || r != users.RoleSupport {
			t.Errorf("ParseRole = %q, %v", r, err)
		}
		if _, err := users.ParseRole("guest"); !errors.Is(err, users.ErrInvalid) {
			t.Errorf("ParseRole(guest) = %v", err)
		}
	})
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, svc *users.Service, st *store.Store, c *clock) {
		ctx := context.Background()
		added := mustAdd(t, svc, "ana@example.com", users.RoleAdmin, pw1)
		c.Add(time.Hour)
		u, err := svc.Authenticate(ctx, " ANA@example.com", pw1)
		if err != nil {
			t.Fatal(err)
		}
		if u.ID != added.ID || !u.LastLoginAt.Equal(c.Now()) {
			t.Errorf("Authenticate = %+v", u)
		}
		c.Add(time.Hour)
		if ok, err := svc.PasswordMatches(ctx, "ana@example.com", pw1); !ok || err != nil {
			t.Errorf("PasswordMatches(right) = %v, %v", ok, err)
		}
		if ok, err := svc.PasswordMatches(ctx, "ana@example.com", pw2); ok || err != nil {
			t.Errorf("PasswordMatches(wrong) = %v, %v", ok, err)
		}
		if _, err := svc.PasswordMatches(ctx, "nobody@example.com", pw1); !errors.Is(err, users.ErrNotFound) {
			t.Errorf("PasswordMatches(nobody) = %v", err)
		}
		// PasswordMatches records no login.
		if got, _ := svc.ByID(ctx, added.ID); !got.LastLoginAt.Equal(c.Now().Add(-time.Hour)) {
			t.Errorf("last login stored %v, want %v", got.LastLoginAt, c.Now())
		}
		for _, tc := range []struct{ name, email, password string }{
			{"wrong password", "ana@example.com", pw2},
			{"empty password", "ana@example.com", ""},
			{"password in another case", "ana@example.com", strings.ToUpper(pw1)},
			{"unknown email", "nobody@example.com", pw1},
			{"not an email", "ana", pw1},
			{"huge password", "ana@example.com", strings.Repeat("x", 1<<20)},
		} {
			if _, err := svc.Authenticate(ctx, tc.email, tc.password); err != users.ErrBadCredentials {
				t.Errorf("%s: %v, want ErrBadCredentials itself (it never says which part was wrong)", tc.name, err)
			}
		}
	})
}

func TestSessionsExpireAndSlide(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		t.Parallel()
		ctx := context.Background()
		c := newClock()
		svc := users.New(st, users.Options{Now: c.Now, Argon2: cheap, SessionTTL: time.Hour})
		u := mustAdd(t, svc, "ana@example.com", users.RoleSupport, pw1)
		start := c.Now()
		token, s, err := svc.StartSession(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(token) != 43 || s.User.ID != u.ID || !s.ExpiresAt.Equal(start.Add(time.Hour)) {
			t.Fatalf("StartSession = %q, %+v", token, s)
		}
		expiry := func() time.Time {
			t.Helper()
			sess, _, err := st.UserSessionByHash(ctx, sha(token))
			if err != nil {
				t.Fatal(err)
			}
			return sess.ExpiresAt
		}
		// Within a minute of the last write, a use writes nothing.
		c.Add(30 * time.Second)
		if got, err := svc.SessionUser(ctx, token); err != nil || got.User.Email != u.Email || !got.ExpiresAt.Equal(start.Add(time.Hour)) {
			t.Fatalf("SessionUser = %+v, %v", got, err)
		}
		if !expiry().Equal(start.Add(time.Hour)) {
			t.Errorf("a use within a minute moved the stored expiry to %v", expiry())
		}
		// Later, the expiry slides to an hour from this use.
		c.Add(40 * time.Minute)
		slid := c.Now().Add(time.Hour)
		if got, err := svc.SessionUser(ctx, token); err != nil || !got.ExpiresAt.Equal(slid) {
			t.Fatalf("SessionUser after 40m = %+v, %v; want expiry %v", got, err, slid)
		}
		if !expiry().Equal(slid) {
			t.Errorf("stored expiry %v, want %v", expiry(), slid)
		}
		// Past the original expiry but within the slid one: still signed in.
		c.Add(50 * time.Minute)
		if _, err := svc.SessionUser(ctx, token); err != nil {
			t.Errorf("within the slid expiry: %v", err)
		}
		// An hour without use ends it.
		c.Add(time.Hour)
		if _, err := svc.SessionUser(ctx, token); !errors.Is(err, users.ErrNoSession) {
			t.Errorf("expired session: %v, want ErrNoSession", err)
		}
		if _, _, err := st.UserSessionByHash(ctx, sha(token)); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("an expired session stays stored: %v", err)
		}

		// Logout ends a session; unknown and empty tokens are no session.
		token, _, err = svc.StartSession(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		other, _, err := svc.StartSession(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.EndSession(ctx, token); err != nil {
			t.Fatal(err)
		}
		if err := svc.EndSession(ctx, token); err != nil {
			t.Errorf("ending an ended session: %v", err)
		}
		for _, tok := range []string{token, "", "nope", strings.Repeat("a", 500)} {
			if _, err := svc.SessionUser(ctx, tok); !errors.Is(err, users.ErrNoSession) {
				t.Errorf("SessionUser(%.10q) = %v, want ErrNoSession", tok, err)
			}
		}
		if _, err := svc.SessionUser(ctx, other); err != nil {
			t.Errorf("logout of one session ended another: %v", err)
		}
		if _, _, err := svc.StartSession(ctx, 999999); !errors.Is(err, users.ErrNotFound) {
			t.Errorf("session of nobody: %v", err)
		}
		// Removing the user ends its sessions.
		mustAdd(t, svc, "admin@example.com", users.RoleAdmin, pw1)
		if err := svc.Remove(ctx, u.Email); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SessionUser(ctx, other); !errors.Is(err, users.ErrNoSession) {
			t.Errorf("session of a removed user: %v", err)
		}
	})
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, svc *users.Service, st *store.Store, c *clock) {
		ctx := context.Background()
		ana := mustAdd(t, svc, "ana@example.com", users.RoleAdmin, pw1)
		bob := mustAdd(t, svc, "bob@example.com", users.RoleSupport, pw1)

		secret, tok, err := svc.CreateToken(ctx, bob.ID, "  nightly export ")
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(secret, "icx_") || len(secret) != 47 || tok.ID == 0 || tok.UserID != bob.ID ||
			tok.Name != "nightly export" || tok.Prefix != secret[:10] || !tok.LastUsedAt.IsZero() {
			t.Fatalf("CreateToken = %q, %+v", secret, tok)
		}
		if _, _, err := svc.CreateToken(ctx, bob.ID, " "); !errors.Is(err, users.ErrInvalid) {
			t.Errorf("empty name: %v", err)
		}
		if _, _, err := svc.CreateToken(ctx, 999999, "x"); !errors.Is(err, users.ErrNotFound) {
			t.Errorf("token of nobody: %v", err)
		}
		anaSecret, anaTok, err := svc.CreateToken(ctx, ana.ID, "ci")
		if err != nil {
			t.Fatal(err)
		}

		// A use is recorded, at most once a minute.
		c.Add(time.Hour)
		firstUse := c.Now()
		if u, err := svc.TokenUser(ctx, secret); err != nil || u.ID != bob.ID || u.Role != users.RoleSupport {
			t.Fatalf("TokenUser = %+v, %v", u, err)
		}
		c.Add(20 * time.Second)
		if _, err := svc.TokenUser(ctx, secret); err != nil {
			t.Fatal(err)
		}
		list, err := svc.Tokens(ctx, bob.ID)
		if err != nil || len(list) != 1 || !list[0].LastUsedAt.Equal(firstUse) {
			t.Fatalf("Tokens(bob) = %+v, %v; want last use %v", list, err, firstUse)
		}
		c.Add(time.Minute)
		if _, err := svc.TokenUser(ctx, secret); err != nil {
			t.Fatal(err)
		}
		if list, _ := svc.Tokens(ctx, bob.ID); !list[0].LastUsedAt.Equal(c.Now()) {
			t.Errorf("last use %v, want %v", list[0].LastUsedAt, c.Now())
		}
		all, err := svc.Tokens(ctx, 0)
		if err != nil || len(all) != 2 || all[0].ID != tok.ID || all[1].ID != anaTok.ID {
			t.Errorf("Tokens(0) = %+v, %v", all, err)
		}

		// Revoked, a secret stops working; unknown or malformed secrets never worked.
		if err := svc.RevokeToken(ctx, tok.ID); err != nil {
			t.Fatal(err)
		}
		if err := svc.RevokeToken(ctx, tok.ID); !errors.Is(err, users.ErrNotFound) {
			t.Errorf("revoking twice: %v", err)
		}
		for _, s := range []string{secret, "icx_nope", anaSecret[4:], "", strings.Repeat("icx_", 100)} {
			if _, err := svc.TokenUser(ctx, s); !errors.Is(err, users.ErrNoSession) {
				t.Errorf("TokenUser(%.12q) = %v, want ErrNoSession", s, err)
			}
		}
		if u, err := svc.TokenUser(ctx, anaSecret); err != nil || u.ID != ana.ID {
			t.Errorf("the other token: %+v, %v", u, err)
		}
		// Removing a user revokes its tokens.
		mustAdd(t, svc, "cy@example.com", users.RoleAdmin, pw1)
		if err := svc.Remove(ctx, ana.Email); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.TokenUser(ctx, anaSecret); !errors.Is(err, users.ErrNoSession) {
			t.Errorf("token of a removed user: %v", err)
		}
		if all, _ := svc.Tokens(ctx, 0); len(all) != 0 {
			t.Errorf("tokens left after removing their users: %+v", all)
		}
	})
}

func sha(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// The database never holds a password, a session token or an API secret.
func TestHashesNotPlaintext(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, svc *users.Service, st *store.Store, c *clock) {
		ctx := context.Background()
		u := mustAdd(t, svc, "ana@example.com", users.RoleAdmin, pw1)
		token, _, err := svc.StartSession(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		secret, _, err := svc.CreateToken(ctx, u.ID, "ci")
		if err != nil {
			t.Fatal(err)
		}
		var hash string
		if err := st.DB().QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = ?`, u.ID).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(hash, "$argon2id$v=19$m=64,t=1,p=1$") || strings.Contains(hash, pw1) {
			t.Errorf("password_hash = %q", hash)
		}
		var sessionHash, tokenHash, prefix string
		if err := st.DB().QueryRowContext(ctx, `SELECT token_hash FROM user_sessions`).Scan(&sessionHash); err != nil {
			t.Fatal(err)
		}
		if err := st.DB().QueryRowContext(ctx, `SELECT token_hash, prefix FROM api_tokens`).Scan(&tokenHash, &prefix); err != nil {
			t.Fatal(err)
		}
		if sessionHash != sha(token) || tokenHash != sha(secret) || prefix != secret[:10] {
			t.Errorf("stored session %q, token %q, prefix %q; want the SHA-256 of each and a 10-character prefix", sessionHash, tokenHash, prefix)
		}
		// Two users with one password get different hashes (salted).
		v := mustAdd(t, svc, "bob@example.com", users.RoleSupport, pw1)
		var other string
		if err := st.DB().QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = ?`, v.ID).Scan(&other); err != nil {
			t.Fatal(err)
		}
		if other == hash {
			t.Error("the same password hashed twice gave the same hash")
		}
	})
}

// A login with a hash of older parameters stores the password hashed with the current ones.
func TestRehashOnLogin(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, old *users.Service, st *store.Store, c *clock) {
		ctx := context.Background()
		u := mustAdd(t, old, "ana@example.com", users.RoleAdmin, pw1)
		token, _, err := old.StartSession(ctx, u.ID)
		if err != nil {
			t.Fatal(err)
		}
		stronger := users.New(st, users.Options{Now: c.Now, Argon2: users.Argon2Params{Memory: 128, Iterations: 2, Parallelism: 1}})
		if _, err := stronger.Authenticate(ctx, u.Email, pw1); err != nil {
			t.Fatal(err)
		}
		var hash string
		if err := st.DB().QueryRowContext(ctx, `SELECT password_hash FROM users WHERE id = ?`, u.ID).Scan(&hash); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(hash, "$argon2id$v=19$m=128,t=2,p=1$") {
			t.Errorf("after the login the hash is %q", hash)
		}
		if _, err := old.Authenticate(ctx, u.Email, pw1); err != nil {
			t.Errorf("the rehashed password: %v", err)
		}
		if _, err := old.SessionUser(ctx, token); err != nil {
			t.Errorf("a rehash ended a session: %v", err)
		}
	})
}

// Two admins removed at once: one removal wins, the other is refused, and an admin remains.
func TestConcurrentRemovalKeepsAnAdmin(t *testing.T) {
	t.Parallel()
	each(t, func(t *testing.T, svc *users.Service, st *store.Store, c *clock) {
		ctx := context.Background()
		mustAdd(t, svc, "a@example.com", users.RoleAdmin, pw1)
		mustAdd(t, svc, "b@example.com", users.RoleAdmin, pw1)
		var wg sync.WaitGroup
		errs := make([]error, 2)
		for i, e := range []string{"a@example.com", "b@example.com"} {
			wg.Go(func() { errs[i] = svc.Remove(ctx, e) })
		}
		wg.Wait()
		refused := 0
		for _, err := range errs {
			switch {
			case errors.Is(err, users.ErrLastAdmin):
				refused++
			case err != nil:
				t.Errorf("Remove: %v", err)
			}
		}
		list, err := svc.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if refused != 1 || len(list) != 1 || list[0].Role != users.RoleAdmin {
			t.Errorf("%d refused, left %+v; want one admin left", refused, list)
		}
	})
}
