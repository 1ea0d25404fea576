package admin

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/users"
)

// fakeAccounts is an in-memory Accounts: users with plain passwords, sessions and API tokens.
type fakeAccounts struct {
	mu        sync.Mutex
	users     map[int64]users.User
	passwords map[int64]string
	sessions  map[string]int64 // token → user
	tokens    map[string]int64 // secret → user
	ended     []string
	next      int
}

func newFakeAccounts() *fakeAccounts {
	return &fakeAccounts{users: map[int64]users.User{}, passwords: map[int64]string{},
		sessions: map[string]int64{}, tokens: map[string]int64{}}
}

func (f *fakeAccounts) add(id int64, email string, role users.Role, password string) users.User {
	f.mu.Lock()
	defer f.mu.Unlock()
	u := users.User{ID: id, Email: email, Role: role}
	f.users[id], f.passwords[id] = u, password
	return u
}

func (f *fakeAccounts) Authenticate(_ context.Context, email, password string) (users.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	for id, u := range f.users {
		if u.Email == email && f.passwords[id] == password {
			return u, nil
		}
	}
	return users.User{}, users.ErrBadCredentials
}

func (f *fakeAccounts) StartSession(_ context.Context, userID int64) (string, users.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.next++
	token := fmt.Sprintf("session-%d-%d", userID, f.next)
	f.sessions[token] = userID
	return token, users.Session{User: f.users[userID], ExpiresAt: time.Now().Add(time.Hour)}, nil
}

func (f *fakeAccounts) SessionUser(_ context.Context, token string) (users.Session, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, ok := f.sessions[token]
	if !ok {
		return users.Session{}, users.ErrNoSession
	}
	return users.Session{User: f.users[id]}, nil
}

func (f *fakeAccounts) EndSession(_ context.Context, token string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	delete(f.sessions, token)
	f.ended = append(f.ended, token)
	return nil
}

func (f *fakeAccounts) TokenUser(_ context.Context, secret string) (users.User, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id, ok := f.tokens[secret]
	if !ok {
		return users.User{}, users.ErrNoSession
	}
	return f.users[id], nil
}

func (f *fakeAccounts) SetLanguage(_ context.Context, userID int64, lang string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	u, ok := f.users[userID]
	if !ok {
		return users.ErrNotFound
	}
	if lang != "" && lang != "en" && lang != "es" {
		return users.ErrInvalid
	}
	u.Language = lang
	f.users[userID] = u
	return nil
}

func (f *fakeAccounts) hasSession(token string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	_, ok := f.sessions[token]
	return ok
}

func (f *fakeAccounts) user(id int64) users.User {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.users[id]
}

// fakeClock is a clock tests move by hand.
type fakeClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

const (
	adminEmail      = "ada@example.com"
	supportEmail    = "sam@example.com"
	adminPassword   = "correct horse battery"
	supportPassword = "staple staple staple"
	adminToken      = TokenPrefix + "admin-secret"
	supportToken    = TokenPrefix + "support-secret"
)

// fixture is a mounted UI with an admin (id 1) and a support user (id 2), each with a session
// and an API token, and test-only routes that change something (POST /test/write on the pages
// and on the API) and that ask for confirmation (POST /test/confirm).
type fixture struct {
	ui       *UI
	router   *gin.Engine
	accounts *fakeAccounts
	clock    *fakeClock
	// sessions by role
	adminSession, supportSession string
	writes                       int
	mu                           sync.Mutex
}

func newFixture(t *testing.T, mod ...func(*UIConfig)) *fixture {
	t.Helper()
	f := &fixture{accounts: newFakeAccounts(), clock: &fakeClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}}
	f.accounts.add(1, adminEmail, users.RoleAdmin, adminPassword)
	f.accounts.add(2, supportEmail, users.RoleSupport, supportPassword)
	f.accounts.tokens[adminToken] = 1
	f.accounts.tokens[supportToken] = 2
	f.adminSession, _, _ = f.accounts.StartSession(context.Background(), 1)
	f.supportSession, _, _ = f.accounts.StartSession(context.Background(), 2)
	cfg := UIConfig{Accounts: f.accounts, Now: f.clock.Now}
	for _, m := range mod {
		m(&cfg)
	}
	ui, err := NewUI(cfg)
	if err != nil {
		t.Fatal(err)
	}
	f.ui = ui
	f.router = gin.New()
	f.router.HandleMethodNotAllowed = true
	ui.Mount(f.router)
	write := func(c *gin.Context) {
		f.mu.Lock()
		f.writes++
		f.mu.Unlock()
		c.String(http.StatusOK, "written")
	}
	ui.routes.Pages.POST("/test/write", write)
	ui.routes.API.POST("/test/write", write)
	ui.routes.Pages.POST("/test/confirm", func(c *gin.Context) {
		if !ui.confirmed(c, "confirm.title") {
			return
		}
		write(c)
	})
	return f
}

func (f *fixture) writeCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.writes
}

// req describes one request.
type req struct {
	method, path string
	form         url.Values
	headers      map[string]string
	cookies      []*http.Cookie
}

// session returns the cookie of a session token.
func session(token string) *http.Cookie { return &http.Cookie{Name: sessionCookie, Value: token} }

// do serves r and returns the recorded response.
func (f *fixture) do(t *testing.T, r req) *httptest.ResponseRecorder {
	t.Helper()
	var body io.Reader
	if r.form != nil {
		body = strings.NewReader(r.form.Encode())
	}
	hr := httptest.NewRequest(r.method, r.path, body)
	if r.form != nil {
		hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	for k, v := range r.headers {
		hr.Header.Set(k, v)
	}
	for _, c := range r.cookies {
		hr.AddCookie(c)
	}
	w := httptest.NewRecorder()
	f.router.ServeHTTP(w, hr)
	return w
}

// cookie returns the response's Set-Cookie named name.
func cookie(w *httptest.ResponseRecorder, name string) *http.Cookie {
	for _, c := range w.Result().Cookies() {
		if c.Name == name {
			return c
		}
	}
	return nil
}

// doJSON sends a JSON body (or none) with who's session.
func (f *fixture) doJSON(t *testing.T, w who, method, path, body string) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	hr := httptest.NewRequest(method, path, r)
	if body != "" {
		hr.Header.Set("Content-Type", "application/json")
	}
	for _, c := range f.as(w, req{}).cookies {
		hr.AddCookie(c)
	}
	rec := httptest.NewRecorder()
	f.router.ServeHTTP(rec, hr)
	return rec
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
