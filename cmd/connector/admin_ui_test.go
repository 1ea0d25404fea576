package main

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/users"
)

// oneAdmin is an admin.Accounts with one admin whose password is "pw" and one session per login.
type oneAdmin struct{}

var theAdmin = users.User{ID: 1, Email: "ada@example.com", Role: users.RoleAdmin}

func (oneAdmin) Authenticate(_ context.Context, email, password string) (users.User, error) {
	if email == theAdmin.Email && password == "pw" {
		return theAdmin, nil
	}
	return users.User{}, users.ErrBadCredentials
}
func (oneAdmin) StartSession(context.Context, int64) (string, users.Session, error) {
	return "token", users.Session{User: theAdmin}, nil
}
func (oneAdmin) SessionUser(_ context.Context, token string) (users.Session, error) {
	if token == "token" {
		return users.Session{User: theAdmin}, nil
	}
	return users.Session{}, users.ErrNoSession
}
func (oneAdmin) EndSession(context.Context, string) error { return nil }
func (oneAdmin) TokenUser(context.Context, string) (users.User, error) {
	return users.User{}, users.ErrNoSession
}
func (oneAdmin) SetLanguage(context.Context, int64, string) error { return nil }

func TestAdminUIMounted(t *testing.T) {
	t.Parallel()
	if ui, err := newAdminUI(adminUIDeps{logger: slog.New(slog.DiscardHandler)}); ui != nil || err != nil {
		t.Fatalf("without accounts: %v, %v; want no UI", ui, err)
	}
	ui, err := newAdminUI(adminUIDeps{cfg: Config{PublicURL: "https://connector.example.com/base"}, accounts: oneAdmin{}, logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	router := newRouter(routerDeps{Admin: ui})
	do := func(method, path string, form url.Values, headers map[string]string) *httptest.ResponseRecorder {
		var r *http.Request
		if form != nil {
			r = httptest.NewRequest(method, path, strings.NewReader(form.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			r = httptest.NewRequest(method, path, nil)
		}
		r.Host = "127.0.0.1:8080" // behind a proxy that does not pass the public host on
		for k, v := range headers {
			r.Header.Set(k, v)
		}
		w := httptest.NewRecorder()
		router.ServeHTTP(w, r)
		return w
	}
	tests := []struct {
		name     string
		method   string
		path     string
		form     url.Values
		headers  map[string]string
		status   int
		contains string
	}{
		{"ops endpoints stay", "GET", "/healthz", nil, nil, 200, `"ok"`},
		{"login page", "GET", "/login", nil, nil, 200, "<form"},
		{"pages need a session", "GET", "/", nil, nil, 303, ""},
		{"api", "GET", "/api/v1/nowhere", nil, nil, 404, `"not_found"`},
		{"page not found", "GET", "/nowhere", nil, nil, 404, "<html"},
		{"login from the public origin", "POST", "/login", url.Values{"email": {theAdmin.Email}, "password": {"pw"}},
			map[string]string{"Origin": "https://connector.example.com"}, 303, ""},
		{"login from another origin", "POST", "/login", url.Values{"email": {theAdmin.Email}, "password": {"pw"}},
			map[string]string{"Origin": "https://evil.example"}, 403, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := do(tt.method, tt.path, tt.form, tt.headers)
			if w.Code != tt.status || !strings.Contains(w.Body.String(), tt.contains) {
				t.Fatalf("%d %.300s; want %d with %q", w.Code, w.Body, tt.status, tt.contains)
			}
		})
	}
	// https public URL: the session cookie is Secure with the __Host- prefix.
	w := do("POST", "/login", url.Values{"email": {theAdmin.Email}, "password": {"pw"}}, nil)
	if sc := w.Header().Get("Set-Cookie"); !strings.HasPrefix(sc, "__Host-connector_session=token") || !strings.Contains(sc, "Secure") {
		t.Errorf("Set-Cookie %q", sc)
	}
}
