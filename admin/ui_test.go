package admin

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/users"
)

func init() { gin.SetMode(gin.ReleaseMode) }

// who is a request's sender in the route table.
type who int

const (
	anonymous who = iota
	support
	admin
)

func (w who) String() string { return [...]string{"anonymous", "support", "admin"}[w] }

// as adds who's session cookie to r.
func (f *fixture) as(w who, r req) req {
	switch w {
	case support:
		r.cookies = append(r.cookies, session(f.supportSession))
	case admin:
		r.cookies = append(r.cookies, session(f.adminSession))
	}
	return r
}

// TestRoutesByRole requests every route the UI registers as an anonymous visitor, a support user
// and an admin, and fails when a route is missing from the table.
func TestRoutesByRole(t *testing.T) {
	t.Parallel()
	badLogin := url.Values{"email": {"nobody@example.com"}, "password": {"wrong"}}
	type want struct {
		status   int
		location string // for redirects
	}
	tests := []struct {
		method, path string
		form         url.Values
		want         [3]want // by who
	}{
		{"GET", "/assets/*file", nil, [3]want{{200, ""}, {200, ""}, {200, ""}}},
		{"HEAD", "/assets/*file", nil, [3]want{{200, ""}, {200, ""}, {200, ""}}},
		{"GET", "/login", nil, [3]want{{200, ""}, {303, "/"}, {303, "/"}}},
		{"POST", "/login", badLogin, [3]want{{401, ""}, {401, ""}, {401, ""}}},
		{"POST", "/logout", url.Values{}, [3]want{{303, "/login"}, {303, "/login"}, {303, "/login"}}},
		{"POST", "/language", url.Values{"lang": {"es"}, "next": {"/orders"}}, [3]want{{303, "/orders"}, {303, "/orders"}, {303, "/orders"}}},
		{"GET", "/", nil, [3]want{{303, "/login"}, {200, ""}, {200, ""}}},
		{"GET", "/shops", nil, [3]want{{303, "/login?next=%2Fshops"}, {200, ""}, {200, ""}}},
		{"GET", "/rules", nil, [3]want{{303, "/login?next=%2Frules"}, {200, ""}, {200, ""}}},
		{"GET", "/products", nil, [3]want{{303, "/login?next=%2Fproducts"}, {200, ""}, {200, ""}}},
		{"GET", "/orders", nil, [3]want{{303, "/login?next=%2Forders"}, {200, ""}, {200, ""}}},
		{"GET", "/logs", nil, [3]want{{303, "/login?next=%2Flogs"}, {200, ""}, {200, ""}}},
		{"GET", "/sync", nil, [3]want{{303, "/login?next=%2Fsync"}, {200, ""}, {200, ""}}},
		{"GET", "/iws", nil, [3]want{{303, "/login?next=%2Fiws"}, {200, ""}, {200, ""}}},
		{"GET", "/reports", nil, [3]want{{303, "/login?next=%2Freports"}, {200, ""}, {200, ""}}},
		{"GET", "/users", nil, [3]want{{303, "/login?next=%2Fusers"}, {403, ""}, {200, ""}}},
		{"GET", "/api/v1/me", nil, [3]want{{401, ""}, {200, ""}, {200, ""}}},
		// The test-only actions stand for every action a page builder adds.
		{"POST", "/test/write", url.Values{}, [3]want{{303, "/login"}, {403, ""}, {200, ""}}},
		{"POST", "/test/confirm", url.Values{}, [3]want{{303, "/login"}, {403, ""}, {200, ""}}},
		{"POST", "/api/v1/test/write", url.Values{}, [3]want{{401, ""}, {403, ""}, {200, ""}}},
	}
	f := newFixture(t)
	covered := map[string]bool{}
	for _, tt := range tests {
		covered[tt.method+" "+tt.path] = true
	}
	for _, r := range f.router.Routes() {
		if !covered[r.Method+" "+r.Path] {
			t.Errorf("route %s %s is not in the table", r.Method, r.Path)
		}
	}
	for _, tt := range tests {
		for w := anonymous; w <= admin; w++ {
			t.Run(tt.method+" "+tt.path+" as "+w.String(), func(t *testing.T) {
				t.Parallel()
				f := newFixture(t) // a fresh one: logout ends the session
				path := strings.Replace(tt.path, "*file", "app.css", 1)
				resp := f.do(t, f.as(w, req{method: tt.method, path: path, form: tt.form}))
				if got := resp.Code; got != tt.want[w].status {
					t.Fatalf("status %d, want %d; body: %.300s", got, tt.want[w].status, resp.Body)
				}
				if loc := resp.Header().Get("Location"); loc != tt.want[w].location {
					t.Errorf("Location %q, want %q", loc, tt.want[w].location)
				}
				if strings.HasPrefix(path, "/api/") && resp.Code >= 400 {
					checkAPIError(t, resp, map[int]string{401: "unauthorized", 403: "forbidden"}[resp.Code])
				}
				if resp.Code == 403 && !strings.HasPrefix(path, "/api/") && !strings.Contains(resp.Body.String(), "only admins") {
					t.Errorf("403 page does not say why: %s", resp.Body)
				}
			})
		}
	}
}

// checkAPIError checks an API error body: {"error":{"code":code,"message":"..."}}, JSON, no-store.
func checkAPIError(t *testing.T, resp *httptest.ResponseRecorder, code string) {
	t.Helper()
	if ct := resp.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want JSON", ct)
	}
	var body struct {
		Error struct {
			Code    string `json:"code"`
			Message string `json:"message"`
		} `json:"error"`
	}
	dec := json.NewDecoder(resp.Body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&body); err != nil {
		t.Fatalf("error body: %v", err)
	}
	if body.Error.Code != code || body.Error.Message == "" || strings.Contains(body.Error.Message, "[[") {
		t.Errorf("error %+v, want code %q and a message", body.Error, code)
	}
}

func TestSecurityHeaders(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	tests := []struct {
		name    string
		r       req
		noStore bool
	}{
		{"login page", req{method: "GET", path: "/login"}, true},
		{"home", f.as(admin, req{method: "GET", path: "/"}), true},
		{"redirect to login", req{method: "GET", path: "/orders"}, true},
		{"forbidden page", f.as(support, req{method: "GET", path: "/users"}), true},
		{"page not found", f.as(admin, req{method: "GET", path: "/nowhere"}), true},
		{"api", f.as(admin, req{method: "GET", path: "/api/v1/me"}), true},
		{"api 401", req{method: "GET", path: "/api/v1/me"}, true},
		{"api 404", req{method: "GET", path: "/api/v1/nowhere"}, true},
		{"cross-site post", req{method: "POST", path: "/login", form: url.Values{}, headers: map[string]string{"Sec-Fetch-Site": "cross-site"}}, true},
		{"asset", req{method: "GET", path: "/assets/app.css"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			h := f.do(t, tt.r).Header()
			for k, v := range map[string]string{
				"Content-Security-Policy": "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'",
				"X-Content-Type-Options":  "nosniff",
				"Referrer-Policy":         "same-origin",
				"X-Frame-Options":         "DENY",
			} {
				if got := h.Get(k); got != v {
					t.Errorf("%s: %q, want %q", k, got, v)
				}
			}
			if got := h.Get("Cache-Control"); tt.noStore && got != "no-store" {
				t.Errorf("Cache-Control %q, want no-store", got)
			}
		})
	}
}

func TestNoInlineScriptOrStyle(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, lang := range []string{"en", "es"} {
		for _, path := range []string{"/", "/login", "/users", "/shops"} {
			r := f.as(admin, req{method: "GET", path: path, headers: map[string]string{"Accept-Language": lang}})
			if path == "/login" {
				r = req{method: "GET", path: path + "?lang=" + lang}
			}
			body := f.do(t, r).Body.String()
			for _, bad := range []string{"<script>", "style=", "<style", "onclick", "onsubmit", "javascript:"} {
				if strings.Contains(body, bad) {
					t.Errorf("%s (%s) has %q", path, lang, bad)
				}
			}
		}
	}
}

func TestCrossOriginPostRefused(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		path    string
		headers map[string]string
		status  int
	}{
		{"cross-site page post", "/test/write", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"same-site page post", "/test/write", map[string]string{"Sec-Fetch-Site": "same-site"}, 403},
		{"old browser, other origin", "/test/write", map[string]string{"Origin": "https://evil.example"}, 403},
		{"cross-site login", "/login", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"cross-site logout", "/logout", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"cross-site language", "/language", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"cross-site api post", "/api/v1/test/write", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{"api post, other origin", "/api/v1/test/write", map[string]string{"Origin": "https://evil.example"}, 403},
		{"same-origin page post", "/test/write", map[string]string{"Sec-Fetch-Site": "same-origin"}, 200},
		{"old browser, same origin", "/test/write", map[string]string{"Origin": "http://example.com"}, 200},
		{"no browser headers (script)", "/api/v1/test/write", nil, 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			resp := f.do(t, f.as(admin, req{method: "POST", path: tt.path, form: url.Values{"lang": {"es"}}, headers: tt.headers}))
			if resp.Code != tt.status {
				t.Fatalf("status %d, want %d: %.300s", resp.Code, tt.status, resp.Body)
			}
			if tt.status != 403 {
				return
			}
			if f.writeCount() != 0 || !f.accounts.hasSession(f.adminSession) {
				t.Errorf("a refused request acted: %d writes, session kept %v", f.writeCount(), f.accounts.hasSession(f.adminSession))
			}
			if strings.HasPrefix(tt.path, "/api/") {
				checkAPIError(t, resp, "forbidden")
			} else if !strings.Contains(resp.Body.String(), "came from another site") {
				t.Errorf("page does not say why: %s", resp.Body)
			}
		})
	}
}

func TestLoginSetsSessionCookieAndRenews(t *testing.T) {
	t.Parallel()
	for _, secure := range []bool{false, true} {
		t.Run(map[bool]string{false: "http", true: "https"}[secure], func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, func(c *UIConfig) { c.Secure = secure })
			name := map[bool]string{false: "connector_session", true: "__Host-connector_session"}[secure]
			old := &http.Cookie{Name: name, Value: f.adminSession}
			resp := f.do(t, req{method: "POST", path: "/login", cookies: []*http.Cookie{old},
				form: url.Values{"email": {" ADA@example.com "}, "password": {adminPassword}, "next": {"/orders?state=held"}}})
			if resp.Code != http.StatusSeeOther || resp.Header().Get("Location") != "/orders?state=held" {
				t.Fatalf("status %d Location %q", resp.Code, resp.Header().Get("Location"))
			}
			c := cookie(resp, name)
			if c == nil {
				t.Fatalf("no %s cookie in %v", name, resp.Header()["Set-Cookie"])
			}
			if !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure != secure || c.Domain != "" {
				t.Errorf("cookie %+v: want HttpOnly, SameSite=Lax, Path=/, Secure=%v, no Domain", c, secure)
			}
			if c.Value == f.adminSession || !f.accounts.hasSession(c.Value) {
				t.Errorf("session not renewed: %q", c.Value)
			}
			if f.accounts.hasSession(f.adminSession) {
				t.Error("the previous session was not ended")
			}
			// The new cookie signs in.
			home := f.do(t, req{method: "GET", path: "/", cookies: []*http.Cookie{c}})
			if home.Code != 200 || !strings.Contains(home.Body.String(), adminEmail) {
				t.Errorf("home with the new cookie: %d", home.Code)
			}
		})
	}
}

func TestLoginRedirectsOnlyToLocalPaths(t *testing.T) {
	t.Parallel()
	for next, want := range map[string]string{
		"":                      "/",
		"/orders":               "/orders",
		"/orders?shop=2#x":      "/orders?shop=2#x",
		"https://evil.example/": "/",
		"//evil.example/":       "/",
		"/\\evil.example":       "/",
		"javascript:alert(1)":   "/",
		"/login":                "/",
		"/logout":               "/",
		"orders":                "/",
	} {
		t.Run(next, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			resp := f.do(t, req{method: "POST", path: "/login", form: url.Values{"email": {adminEmail}, "password": {adminPassword}, "next": {next}}})
			if got := resp.Header().Get("Location"); resp.Code != 303 || got != want {
				t.Errorf("%d to %q, want 303 to %q", resp.Code, got, want)
			}
		})
	}
}

func TestLoginWrongPassword(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	for _, tt := range []struct{ email, password string }{{adminEmail, "nope"}, {"nobody@example.com", adminPassword}} {
		resp := f.do(t, req{method: "POST", path: "/login", form: url.Values{"email": {tt.email}, "password": {tt.password}}})
		if resp.Code != 401 || !strings.Contains(resp.Body.String(), "Wrong email or password.") {
			t.Errorf("%s: %d %s", tt.email, resp.Code, resp.Body)
		}
		if cookie(resp, sessionCookie) != nil {
			t.Error("a failed login set a session cookie")
		}
	}
}

func TestLoginThrottled(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	wrong := func(email string) req {
		return req{method: "POST", path: "/login", form: url.Values{"email": {email}, "password": {"wrong"}},
			headers: map[string]string{"Accept-Language": "es"}}
	}
	for i := range 5 {
		if resp := f.do(t, wrong(adminEmail)); resp.Code != 401 {
			t.Fatalf("attempt %d: %d", i+1, resp.Code)
		}
		f.clock.advance(time.Second)
	}
	resp := f.do(t, wrong(adminEmail))
	if resp.Code != http.StatusTooManyRequests {
		t.Fatalf("6th attempt: %d, want 429", resp.Code)
	}
	// The first failure was 5 s ago: the lock lasts the rest of its 15 minutes.
	if got := resp.Header().Get("Retry-After"); got != "895" {
		t.Errorf("Retry-After %q, want 895", got)
	}
	if !strings.Contains(resp.Body.String(), "Vuelva a intentarlo en 15 minutos.") {
		t.Errorf("throttled page does not say when, in Spanish: %s", resp.Body)
	}
	// The right password is refused during the lock too; other accounts are not locked.
	right := req{method: "POST", path: "/login", form: url.Values{"email": {adminEmail}, "password": {adminPassword}}}
	if resp := f.do(t, right); resp.Code != 429 || !strings.Contains(resp.Body.String(), "Try again in 15 minutes.") {
		t.Fatalf("right password during the lock: %d", resp.Code)
	}
	if resp := f.do(t, req{method: "POST", path: "/login", form: url.Values{"email": {supportEmail}, "password": {supportPassword}}}); resp.Code != 303 {
		t.Fatalf("another account: %d", resp.Code)
	}
	// When the oldest failure leaves the window, one more attempt is allowed; a success clears
	// the account's failures.
	f.clock.advance(15*time.Minute - 5*time.Second)
	if resp := f.do(t, right); resp.Code != 303 {
		t.Fatalf("after the window: %d", resp.Code)
	}
	for i := range 5 {
		if resp := f.do(t, wrong(adminEmail)); resp.Code != 401 {
			t.Fatalf("after a success, attempt %d: %d", i+1, resp.Code)
		}
	}
}

func TestLoginThrottledPerAddress(t *testing.T) {
	t.Parallel()
	f := newFixture(t, func(c *UIConfig) { c.Login = LoginLimits{PerAccount: 5, PerAddress: 3} })
	for i := range 3 {
		resp := f.do(t, req{method: "POST", path: "/login", form: url.Values{"email": {"guess" + strconv.Itoa(i) + "@example.com"}, "password": {"x"}}})
		if resp.Code != 401 {
			t.Fatalf("attempt %d: %d", i, resp.Code)
		}
	}
	resp := f.do(t, req{method: "POST", path: "/login", form: url.Values{"email": {adminEmail}, "password": {adminPassword}}})
	if resp.Code != 429 || resp.Header().Get("Retry-After") != "900" || !strings.Contains(resp.Body.String(), "Try again in 15 minutes.") {
		t.Fatalf("address locked: %d %q", resp.Code, resp.Header().Get("Retry-After"))
	}
	// Another address is not.
	other := req{method: "POST", path: "/login", form: url.Values{"email": {adminEmail}, "password": {adminPassword}}}
	hr := httptest.NewRequest(other.method, other.path, strings.NewReader(other.form.Encode()))
	hr.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	hr.RemoteAddr = "198.51.100.7:4321"
	w := httptest.NewRecorder()
	f.router.ServeHTTP(w, hr)
	if w.Code != 303 {
		t.Fatalf("other address: %d", w.Code)
	}
}

func TestLogout(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	resp := f.do(t, f.as(support, req{method: "POST", path: "/logout", form: url.Values{}}))
	if resp.Code != 303 || resp.Header().Get("Location") != "/login" {
		t.Fatalf("%d %q", resp.Code, resp.Header().Get("Location"))
	}
	if f.accounts.hasSession(f.supportSession) {
		t.Error("session not ended")
	}
	if c := cookie(resp, sessionCookie); c == nil || c.MaxAge >= 0 {
		t.Errorf("session cookie not cleared: %+v", c)
	}
	// The old cookie no longer signs in, and the login page says the person signed out, once.
	flash := cookie(resp, flashCookie)
	page := f.do(t, req{method: "GET", path: "/login", cookies: []*http.Cookie{session(f.supportSession), flash}})
	if page.Code != 200 || !strings.Contains(page.Body.String(), "You have signed out.") {
		t.Fatalf("login page after logout: %d %s", page.Code, page.Body)
	}
	if c := cookie(page, flashCookie); c == nil || c.MaxAge >= 0 {
		t.Error("flash not cleared")
	}
	if c := cookie(page, sessionCookie); c == nil || c.MaxAge >= 0 {
		t.Error("stale session cookie not cleared")
	}
}

func TestLanguageNegotiation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		r        func(f *fixture) req
		lang     string
		contains string
	}{
		{"no header", func(*fixture) req { return req{method: "GET", path: "/login"} }, "en", "Sign in"},
		{"Spanish browser", func(*fixture) req {
			return req{method: "GET", path: "/login", headers: map[string]string{"Accept-Language": "es-MX,es;q=0.9,en;q=0.5"}}
		}, "es", "Iniciar sesión"},
		{"English browser", func(*fixture) req {
			return req{method: "GET", path: "/login", headers: map[string]string{"Accept-Language": "en-GB"}}
		}, "en", "Sign in"},
		{"French, then Spanish", func(*fixture) req {
			return req{method: "GET", path: "/login", headers: map[string]string{"Accept-Language": "fr-FR, es;q=0.5"}}
		}, "es", "Contraseña"},
		{"unknown language", func(*fixture) req {
			return req{method: "GET", path: "/login", headers: map[string]string{"Accept-Language": "de"}}
		}, "en", "Password"},
		{"query on an anonymous page", func(*fixture) req {
			return req{method: "GET", path: "/login?lang=es", headers: map[string]string{"Accept-Language": "en"}}
		}, "es", "Correo electrónico"},
		{"cookie", func(*fixture) req {
			return req{method: "GET", path: "/login", headers: map[string]string{"Accept-Language": "en"}, cookies: []*http.Cookie{{Name: langCookie, Value: "es"}}}
		}, "es", "Contraseña"},
		{"user without a saved language follows the browser", func(f *fixture) req {
			return f.as(admin, req{method: "GET", path: "/", headers: map[string]string{"Accept-Language": "es"}})
		}, "es", "Reglas de margen"},
		{"user's saved language wins", func(f *fixture) req {
			_ = f.accounts.SetLanguage(t.Context(), 1, "es")
			return f.as(admin, req{method: "GET", path: "/", headers: map[string]string{"Accept-Language": "en"}, cookies: []*http.Cookie{{Name: langCookie, Value: "en"}}})
		}, "es", "Cerrar sesión"},
		{"API errors too", func(*fixture) req {
			return req{method: "GET", path: "/api/v1/me", headers: map[string]string{"Accept-Language": "es"}}
		}, "es", "Inicie sesión"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			resp := f.do(t, tt.r(f))
			body := resp.Body.String()
			if !strings.Contains(body, tt.contains) {
				t.Errorf("body lacks %q: %s", tt.contains, body)
			}
			if !strings.HasPrefix(resp.Header().Get("Content-Type"), "text/html") {
				return
			}
			if !strings.Contains(body, `<html lang="`+tt.lang+`">`) {
				t.Errorf("want <html lang=%q>: %.200s", tt.lang, body)
			}
		})
	}
}

func TestSetLanguage(t *testing.T) {
	t.Parallel()
	t.Run("signed in: saved with the account", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		resp := f.do(t, f.as(support, req{method: "POST", path: "/language", form: url.Values{"lang": {"es"}, "next": {"/orders?page=2"}}}))
		if resp.Code != 303 || resp.Header().Get("Location") != "/orders?page=2" {
			t.Fatalf("%d %q", resp.Code, resp.Header().Get("Location"))
		}
		if got := f.accounts.user(2).Language; got != "es" {
			t.Errorf("saved language %q", got)
		}
		home := f.do(t, f.as(support, req{method: "GET", path: "/", headers: map[string]string{"Accept-Language": "en"}}))
		if !strings.Contains(home.Body.String(), `<html lang="es">`) {
			t.Error("the saved language is not used")
		}
	})
	t.Run("anonymous: a cookie", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		resp := f.do(t, req{method: "POST", path: "/language", form: url.Values{"lang": {"es"}, "next": {"/login?next=%2Forders"}}})
		if resp.Code != 303 || resp.Header().Get("Location") != "/login?next=%2Forders" {
			t.Fatalf("%d %q", resp.Code, resp.Header().Get("Location"))
		}
		c := cookie(resp, langCookie)
		if c == nil || c.Value != "es" || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode {
			t.Fatalf("language cookie %+v", c)
		}
		page := f.do(t, req{method: "GET", path: "/login", cookies: []*http.Cookie{c}})
		if !strings.Contains(page.Body.String(), `<html lang="es">`) {
			t.Error("the cookie is not used")
		}
	})
	t.Run("unknown language", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		if resp := f.do(t, f.as(admin, req{method: "POST", path: "/language", form: url.Values{"lang": {"fr"}}})); resp.Code != 400 {
			t.Fatalf("%d", resp.Code)
		}
	})
	t.Run("next to another site", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t)
		resp := f.do(t, req{method: "POST", path: "/language", form: url.Values{"lang": {"en"}, "next": {"https://evil.example/"}}})
		if resp.Header().Get("Location") != "/" {
			t.Fatalf("Location %q", resp.Header().Get("Location"))
		}
	})
}

func TestAPI(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		r      func(f *fixture) req
		status int
		code   string // error code, or "" for success
		body   string // success body
	}{
		{"me by session", func(f *fixture) req { return f.as(support, req{method: "GET", path: "/api/v1/me"}) }, 200, "",
			`{"id":2,"email":"sam@example.com","role":"support","language":""}`},
		{"me by token", func(*fixture) req {
			return req{method: "GET", path: "/api/v1/me", headers: map[string]string{"Authorization": "Bearer " + adminToken}}
		}, 200, "", `{"id":1,"email":"ada@example.com","role":"admin","language":""}`},
		{"unknown token", func(*fixture) req {
			return req{method: "GET", path: "/api/v1/me", headers: map[string]string{"Authorization": "Bearer " + TokenPrefix + "nope"}}
		}, 401, "unauthorized", ""},
		{"not a token", func(*fixture) req {
			return req{method: "GET", path: "/api/v1/me", headers: map[string]string{"Authorization": "Basic YTpi"}}
		}, 401, "unauthorized", ""},
		{"a bad token does not fall back to the cookie", func(f *fixture) req {
			return f.as(admin, req{method: "GET", path: "/api/v1/me", headers: map[string]string{"Authorization": "Bearer " + TokenPrefix + "nope"}})
		}, 401, "unauthorized", ""},
		{"no credentials", func(*fixture) req { return req{method: "GET", path: "/api/v1/me"} }, 401, "unauthorized", ""},
		{"support token may not write", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/test/write", headers: map[string]string{"Authorization": "Bearer " + supportToken}}
		}, 403, "forbidden", ""},
		{"admin token writes", func(*fixture) req {
			return req{method: "POST", path: "/api/v1/test/write", headers: map[string]string{"Authorization": "Bearer " + adminToken}}
		}, 200, "", "written"},
		{"unknown route", func(f *fixture) req { return f.as(admin, req{method: "GET", path: "/api/v1/nowhere"}) }, 404, "not_found", ""},
		{"unknown route, anonymous", func(*fixture) req { return req{method: "DELETE", path: "/api/v1/nowhere"} }, 404, "not_found", ""},
		{"wrong method", func(f *fixture) req { return f.as(admin, req{method: "DELETE", path: "/api/v1/me"}) }, 405, "method_not_allowed", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			resp := f.do(t, tt.r(f))
			if resp.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", resp.Code, tt.status, resp.Body)
			}
			if resp.Header().Get("Cache-Control") != "no-store" {
				t.Errorf("Cache-Control %q", resp.Header().Get("Cache-Control"))
			}
			if tt.code != "" {
				checkAPIError(t, resp, tt.code)
				return
			}
			if got := strings.TrimSpace(resp.Body.String()); got != tt.body {
				t.Errorf("body %s, want %s", got, tt.body)
			}
		})
	}
}

func TestPageNotFound(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	resp := f.do(t, f.as(admin, req{method: "GET", path: "/nowhere", headers: map[string]string{"Accept-Language": "es"}}))
	if resp.Code != 404 || !strings.Contains(resp.Body.String(), "No hay nada en esta dirección.") || !strings.Contains(resp.Body.String(), adminEmail) {
		t.Fatalf("%d %s", resp.Code, resp.Body)
	}
}

func TestConfirmation(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	form := url.Values{"id": {"7"}, "tag": {"a", "b"}}
	resp := f.do(t, f.as(admin, req{method: "POST", path: "/test/confirm", form: form,
		headers: map[string]string{"Referer": "http://example.com/orders/7"}}))
	body := resp.Body.String()
	if resp.Code != 200 || f.writeCount() != 0 {
		t.Fatalf("unconfirmed: %d, %d writes", resp.Code, f.writeCount())
	}
	for _, want := range []string{`action="/test/confirm"`, `name="id" value="7"`, `name="tag" value="a"`, `name="tag" value="b"`,
		`name="confirmed" value="yes"`, `href="/orders/7"`} {
		if !strings.Contains(body, want) {
			t.Errorf("confirmation page lacks %s", want)
		}
	}
	form.Set("confirmed", "yes")
	if resp := f.do(t, f.as(admin, req{method: "POST", path: "/test/confirm", form: form})); resp.Code != 200 || f.writeCount() != 1 {
		t.Fatalf("confirmed: %d, %d writes", resp.Code, f.writeCount())
	}
}

func TestAssets(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	page := f.do(t, req{method: "GET", path: "/login"}).Body.String()
	for _, name := range []string{"app.css", "app.js", "icon.svg"} {
		u, err := f.ui.assets.url(name)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(page, `"`+u+`"`) {
			t.Errorf("the layout does not link %s", u)
		}
		resp := f.do(t, req{method: "GET", path: u})
		if resp.Code != 200 || resp.Header().Get("Cache-Control") != "public, max-age=31536000, immutable" {
			t.Errorf("%s: %d %q", u, resp.Code, resp.Header().Get("Cache-Control"))
		}
		etag := resp.Header().Get("ETag")
		stale := f.do(t, req{method: "GET", path: "/assets/" + name + "?v=old"})
		if stale.Header().Get("Cache-Control") != "no-cache" {
			t.Errorf("%s without the current version: Cache-Control %q", name, stale.Header().Get("Cache-Control"))
		}
		if resp := f.do(t, req{method: "GET", path: u, headers: map[string]string{"If-None-Match": etag}}); resp.Code != 304 {
			t.Errorf("%s revalidation: %d", name, resp.Code)
		}
	}
	if ct := f.do(t, req{method: "GET", path: "/assets/app.css"}).Header().Get("Content-Type"); !strings.HasPrefix(ct, "text/css") {
		t.Errorf("css Content-Type %q", ct)
	}
	if resp := f.do(t, req{method: "GET", path: "/assets/nope.js"}); resp.Code != 404 {
		t.Errorf("missing asset: %d", resp.Code)
	}
}

func TestNavigationByRole(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	adminHome := f.do(t, f.as(admin, req{method: "GET", path: "/"})).Body.String()
	supportHome := f.do(t, f.as(support, req{method: "GET", path: "/"})).Body.String()
	for _, s := range sections {
		link := `href="` + s.Path + `"`
		if !strings.Contains(adminHome, link) {
			t.Errorf("admin navigation lacks %s", s.Path)
		}
		if got := strings.Contains(supportHome, link); got == s.AdminOnly {
			t.Errorf("support navigation has %s: %v", s.Path, got)
		}
	}
	if !strings.Contains(supportHome, "Support (read-only)") || !strings.Contains(supportHome, "changes nothing") {
		t.Error("support's home does not say the role reads only")
	}
	orders := f.do(t, f.as(admin, req{method: "GET", path: "/orders"})).Body.String()
	if !strings.Contains(orders, `<a href="/orders" aria-current="page">`) {
		t.Error("the current section is not marked")
	}
}

func TestPanicAnswersInTheUIsForm(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	boom := func(*gin.Context) { panic("boom") }
	f.ui.routes.Pages.GET("/test/boom", boom)
	f.ui.routes.API.GET("/test/boom", boom)
	page := f.do(t, f.as(admin, req{method: "GET", path: "/test/boom"}))
	if page.Code != 500 || !strings.Contains(page.Body.String(), "Something went wrong") {
		t.Errorf("page: %d %s", page.Code, page.Body)
	}
	api := f.do(t, f.as(admin, req{method: "GET", path: "/api/v1/test/boom"}))
	if api.Code != 500 {
		t.Fatalf("api: %d", api.Code)
	}
	checkAPIError(t, api, "internal")
}

func TestAPIFailureCategories(t *testing.T) {
	t.Parallel()
	tests := []struct {
		err    error
		status int
		code   string
		msg    string // "" for the translated generic message
	}{
		{fmt.Errorf("shops: %w", store.ErrNotFound), 404, "not_found", ""},
		{users.ErrNotFound, 404, "not_found", ""},
		{fmt.Errorf("%w: margin must be below 100%%", store.ErrInvalid), 400, "invalid", "invalid: margin must be below 100%"},
		{fmt.Errorf("%w: email is not an address", users.ErrInvalid), 400, "invalid", "users: invalid: email is not an address"},
		{users.ErrExists, 409, "conflict", "users: already exists"},
		{users.ErrLastAdmin, 409, "conflict", "users: the last admin cannot be removed"},
		{store.ErrConflict, 409, "conflict", "conflict"},
		{errors.New("dial tcp 10.0.0.5:3306: connection refused"), 500, "internal", ""},
	}
	for _, tt := range tests {
		t.Run(tt.err.Error(), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t)
			f.ui.routes.API.GET("/test/fail", func(c *gin.Context) { f.ui.apiFailure(c, tt.err) })
			resp := f.do(t, f.as(support, req{method: "GET", path: "/api/v1/test/fail"}))
			if resp.Code != tt.status {
				t.Fatalf("status %d, want %d", resp.Code, tt.status)
			}
			body := resp.Body.String()
			checkAPIError(t, resp, tt.code)
			if tt.msg != "" && !strings.Contains(body, `"message":"`+tt.msg+`"`) {
				t.Errorf("body %s, want message %q", body, tt.msg)
			}
			if strings.Contains(body, "10.0.0.5") {
				t.Errorf("an internal error leaked: %s", body)
			}
		})
	}
}
