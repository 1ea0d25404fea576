package admin

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/connector/users"
	"github.com/intcomex-connector/connector/migrations"
)

func init() {
	at := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	list := []users.User{{ID: 1, Email: "ada@example.com", Role: users.RoleAdmin, CreatedAt: at, LastLoginAt: at}, {ID: 2, Email: "sam@example.com", Role: users.RoleSupport, CreatedAt: at}}
	pageSamples["users"] = usersListData{Users: list, Filter: userFilter{Q: "a", Role: "admin"}, Roles: userRoles,
		Columns: []string{"email", "role", "created", "last_login"},
		Pager: memPager{Total: 2, Page: 1, Pages: 1, Sort: "email", SortURLs: map[string]string{"email": "/users?sort=email&desc=1",
			"role": "/users?sort=role", "created": "/users?sort=created", "last_login": "/users?sort=last_login"}},
		Email: "x@example.com", Role: "support", Errors: map[string][]string{"email": {"bad"}, "password2": {"differ"}}, MinPasswordLen: 10}
	pageSamples["users_user"] = userPageData{User: list[0], Base: "/users/1", Roles: userRoles,
		Tokens:    []users.APIToken{{ID: 1, UserID: 1, Name: "nightly", Prefix: "icx_abcdef", CreatedAt: at, LastUsedAt: at}},
		NewSecret: "icx_secret", NewToken: users.APIToken{ID: 2, Name: "new"}, Errors: map[string][]string{"role": {"bad"}, "name": {"bad"}},
		FormError: "refused", MinPasswordLen: 10}
}

// cheapArgon keeps password hashing fast in tests.
var cheapArgon = users.Argon2Params{Memory: 64, Iterations: 1, Parallelism: 1}

// usersEnv is a UI signed in by the real users service on a real store: the admin (id 1), the
// support user (id 2) and a third user, carl (id 3), with an API token (id 1).
type usersEnv struct {
	*fixture
	svc *users.Service
}

const carlEmail = "carl@example.com"

func newUsersEnv(t *testing.T, st *store.Store) *usersEnv {
	t.Helper()
	ctx := context.Background()
	svc := users.New(st, users.Options{Argon2: cheapArgon})
	var ids []int64
	for _, a := range []struct {
		email, pw string
		role      users.Role
	}{{adminEmail, adminPassword, users.RoleAdmin}, {supportEmail, supportPassword, users.RoleSupport}, {carlEmail, "carl password 1", users.RoleSupport}} {
		u, err := svc.Add(ctx, a.email, a.role, a.pw)
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, u.ID)
	}
	if ids[0] != 1 || ids[2] != 3 {
		t.Fatalf("user ids %v", ids)
	}
	if _, tok, err := svc.CreateToken(ctx, 3, "carl's"); err != nil || tok.ID != 1 {
		t.Fatalf("token %v %v", tok, err)
	}
	f := newFixture(t, func(c *UIConfig) {
		c.Accounts = svc
		c.Users = UsersDeps{Users: svc}
	})
	var err error
	if f.adminSession, _, err = svc.StartSession(ctx, 1); err != nil {
		t.Fatal(err)
	}
	if f.supportSession, _, err = svc.StartSession(ctx, 2); err != nil {
		t.Fatal(err)
	}
	return &usersEnv{fixture: f, svc: svc}
}

func TestUsersRoutesByRole(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newUsersEnv(t, st)
		adminOnly := func(admin int) [3]int { return [3]int{303, 403, admin} }
		apiAdmin := func(admin int) [3]int { return [3]int{401, 403, admin} }
		self := func(sup, admin int) [3]int { return [3]int{303, sup, admin} }
		apiSelf := func(sup, admin int) [3]int { return [3]int{401, sup, admin} }
		login := [3]string{"/login"}
		tests := []routeCase{
			{"GET", "/users", nil, "", adminOnly(200), [3]string{"/login?next=%2Fusers"}},
			{"POST", "/users", url.Values{"email": {""}}, "", adminOnly(400), login},
			{"GET", "/users/3", nil, "", adminOnly(200), [3]string{"/login?next=%2Fusers%2F3"}},
			{"POST", "/users/3/role", url.Values{"role": {"support"}}, "", adminOnly(303), [3]string{"/login", "", "/users/3"}},
			{"POST", "/users/3/password", url.Values{"password": {"x"}, "password2": {"y"}}, "", adminOnly(400), login},
			{"POST", "/users/3/remove", url.Values{}, "", adminOnly(200), login},
			{"POST", "/users/3/tokens", url.Values{"name": {""}}, "", adminOnly(400), login},
			{"POST", "/users/3/tokens/1/revoke", url.Values{}, "", adminOnly(200), login},
			{"GET", "/api/v1/users", nil, "", apiAdmin(200), [3]string{}},
			{"POST", "/api/v1/users", nil, `{}`, apiAdmin(400), [3]string{}},
			{"GET", "/api/v1/users/3", nil, "", apiAdmin(200), [3]string{}},
			{"PUT", "/api/v1/users/3/role", nil, `{"role":"support"}`, apiAdmin(200), [3]string{}},
			{"PUT", "/api/v1/users/3/password", nil, `{"password":"short"}`, apiAdmin(400), [3]string{}},
			{"GET", "/api/v1/users/3/tokens", nil, "", apiAdmin(200), [3]string{}},
			{"POST", "/api/v1/users/3/tokens", nil, `{"name":"api"}`, apiAdmin(201), [3]string{}},
			{"DELETE", "/api/v1/users/3/tokens/1", nil, "", apiAdmin(204), [3]string{}},
			// Every role manages their own account, support included.
			{"GET", "/account", nil, "", self(200, 200), [3]string{"/login?next=%2Faccount"}},
			{"POST", "/account/password", url.Values{"current": {"wrong"}}, "", self(400, 400), login},
			{"POST", "/account/tokens", url.Values{"name": {""}}, "", self(400, 400), login},
			{"POST", "/account/tokens/1/revoke", url.Values{}, "", self(200, 200), login},
			{"GET", "/api/v1/account", nil, "", apiSelf(200, 200), [3]string{}},
			{"PUT", "/api/v1/account/password", nil, `{"current":"wrong","password":"x"}`, apiSelf(400, 400), [3]string{}},
			{"GET", "/api/v1/account/tokens", nil, "", apiSelf(200, 200), [3]string{}},
			{"POST", "/api/v1/account/tokens", nil, `{"name":""}`, apiSelf(400, 400), [3]string{}},
			{"DELETE", "/api/v1/account/tokens/1", nil, "", apiSelf(404, 404), [3]string{}}, // carl's, not theirs
			{"DELETE", "/api/v1/users/3", nil, "", apiAdmin(204), [3]string{}},
		}
		checkRoutes(t, e.fixture, tests, strings.NewReplacer(":id", "3", ":token", "1"), "/users", "/api/v1/users", "/account", "/api/v1/account")
		if _, err := e.svc.ByID(context.Background(), 3); err == nil {
			t.Error("carl was not removed")
		}
	})
}

func TestUsersAddForm(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newUsersEnv(t, st)
		tests := []struct {
			name  string
			form  url.Values
			field string
			text  string
		}{
			{"passwords differ", url.Values{"email": {"new@example.com"}, "role": {"support"}, "password": {"long enough pw"}, "password2": {"other long pw"}},
				"password2", "The two passwords differ"},
			{"short password", url.Values{"email": {"new@example.com"}, "role": {"support"}, "password": {"short"}, "password2": {"short"}},
				"password", "password must be at least 10 characters"},
			{"bad email", url.Values{"email": {"new at example"}, "role": {"admin"}, "password": {"long enough pw"}, "password2": {"long enough pw"}},
				"email", "is not an email address like name@example.com"},
			{"bad role", url.Values{"email": {"new@example.com"}, "role": {"owner"}, "password": {"long enough pw"}, "password2": {"long enough pw"}},
				"role", "role must be admin or support"},
			{"taken email", url.Values{"email": {"SAM@example.com"}, "role": {"admin"}, "password": {"long enough pw"}, "password2": {"long enough pw"}},
				"email", "a user with email sam@example.com exists already"},
		}
		for _, tt := range tests {
			resp := e.do(t, e.as(admin, req{method: "POST", path: "/users", form: tt.form}))
			body := resp.Body.String()
			if resp.Code != 400 || !regexp.MustCompile(`id="err-`+tt.field+`"[^>]*><p>[^<]*`+regexp.QuoteMeta(tt.text)).MatchString(body) {
				t.Errorf("%s: %d, no %q beside %s", tt.name, resp.Code, tt.text, tt.field)
			}
			if strings.Contains(body, "long enough pw") {
				t.Errorf("%s: a password is sent back", tt.name)
			}
		}
		resp := e.do(t, e.as(admin, req{method: "POST", path: "/users", form: url.Values{"email": {"New@Example.com"}, "role": {"admin"},
			"password": {"long enough pw"}, "password2": {"long enough pw"}}}))
		u, err := e.svc.ByEmail(context.Background(), "new@example.com")
		if err != nil || u.Role != users.RoleAdmin {
			t.Fatalf("added %+v %v", u, err)
		}
		// (MySQL spends an id on the refused insert of a taken email: the id is read back.)
		if resp.Code != 303 || resp.Header().Get("Location") != "/users/"+itoa(u.ID) {
			t.Fatalf("add: %d %s", resp.Code, resp.Header().Get("Location"))
		}
		// The API: 201, problems by field, 409 for a taken email.
		resp = e.doJSON(t, admin, "POST", "/api/v1/users", `{"email":"api@example.com","role":"support","password":"long enough pw"}`)
		var added apiAccount
		if err := json.Unmarshal(resp.Body.Bytes(), &added); err != nil || resp.Code != 201 || added.Email != "api@example.com" || added.Role != "support" || added.LastLoginAt != nil {
			t.Errorf("API add: %d %s", resp.Code, resp.Body)
		}
		resp = e.doJSON(t, admin, "POST", "/api/v1/users", `{"email":"api@example.com","role":"support","password":"long enough pw"}`)
		if resp.Code != 409 {
			t.Errorf("API taken: %d", resp.Code)
		} else {
			checkAPIError(t, resp, CodeConflict)
		}
		resp = e.doJSON(t, admin, "POST", "/api/v1/users", `{"email":"x@example.com","role":"support","password":"long enough pw","password2":"different pw!"}`)
		if resp.Code != 400 || !strings.Contains(resp.Body.String(), `"field":"password2"`) {
			t.Errorf("API mismatch: %d %s", resp.Code, resp.Body)
		}
	})
}

func TestUsersListPagingFilterSort(t *testing.T) {
	t.Parallel()
	st := storetest.New(t, migrations.SQLite, true)
	e := newUsersEnv(t, st)
	page := func(path string) string { t.Helper(); return e.get(t, admin, path) }
	body := page("/users?per_page=2&sort=email&desc=1")
	if !strings.Contains(body, `id="user-link-2"`) || !strings.Contains(body, `id="user-link-3"`) || strings.Contains(body, `id="user-link-1"`) {
		t.Error("first page, email descending")
	}
	if !strings.Contains(body, `href="/users?desc=1&amp;page=2&amp;per_page=2&amp;sort=email"`) {
		t.Error("next link does not keep the parameters")
	}
	body = page("/users?role=admin")
	if !strings.Contains(body, `id="user-link-1"`) || strings.Contains(body, `id="user-link-2"`) {
		t.Error("role filter")
	}
	body = page("/users?q=CARL")
	if !strings.Contains(body, `id="user-link-3"`) || strings.Contains(body, `id="user-link-1"`) {
		t.Error("text filter")
	}
	if resp := e.do(t, e.as(admin, req{method: "GET", path: "/users?sort=password"})); resp.Code != 400 {
		t.Errorf("unknown sort: %d", resp.Code)
	}
	resp := e.doJSON(t, admin, "GET", "/api/v1/users?role=support&sort=email", "")
	var got apiPage[apiAccount]
	if err := json.Unmarshal(resp.Body.Bytes(), &got); err != nil || got.Total != 2 || len(got.Items) != 2 || got.Items[0].Email != carlEmail ||
		got.Items[1].Email != supportEmail || got.Sort != "email" {
		t.Errorf("API list: %s", resp.Body)
	}
	if strings.Contains(resp.Body.String(), "argon2") || strings.Contains(resp.Body.String(), "hash") {
		t.Error("the API shows password hashes")
	}
}

func TestUsersLastAdminRefusedInWords(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newUsersEnv(t, st)
		resp := e.do(t, e.as(admin, req{method: "POST", path: "/users/1/remove", form: url.Values{"confirmed": {"yes"}}}))
		body := resp.Body.String()
		if resp.Code != 409 || !strings.Contains(body, `id="user-form-error"`) || !strings.Contains(body, "Refused: the connector always keeps at least one admin.") ||
			!strings.Contains(body, "ada@example.com is the only admin and cannot be removed; add another admin first") {
			t.Errorf("remove the last admin: %d %s", resp.Code, body)
		}
		resp = e.do(t, e.as(admin, req{method: "POST", path: "/users/1/role", form: url.Values{"role": {"support"}}, headers: map[string]string{"Accept-Language": "es"}}))
		if resp.Code != 409 || !strings.Contains(resp.Body.String(), "Rechazado: el conector siempre conserva al menos un administrador.") {
			t.Errorf("demote the last admin: %d", resp.Code)
		}
		resp = e.doJSON(t, admin, "DELETE", "/api/v1/users/1", "")
		if resp.Code != 409 {
			t.Errorf("API remove the last admin: %d", resp.Code)
		} else {
			checkAPIError(t, resp, CodeConflict)
		}
		// Removing another user asks first, then removes.
		resp = e.do(t, e.as(admin, req{method: "POST", path: "/users/3/remove", form: url.Values{}}))
		if resp.Code != 200 || !strings.Contains(resp.Body.String(), "Remove carl@example.com?") {
			t.Fatalf("unconfirmed remove: %d", resp.Code)
		}
		resp = e.do(t, e.as(admin, req{method: "POST", path: "/users/3/remove", form: url.Values{"confirmed": {"yes"}}}))
		if resp.Code != 303 || resp.Header().Get("Location") != "/users" {
			t.Fatalf("confirmed remove: %d", resp.Code)
		}
		if _, err := e.svc.ByID(context.Background(), 3); err == nil {
			t.Error("not removed")
		}
	})
}

func TestUsersTokens(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newUsersEnv(t, st)
		ctx := context.Background()
		// Made by an admin for carl: the secret is on that answer only.
		resp := e.do(t, e.as(admin, req{method: "POST", path: "/users/3/tokens", form: url.Values{"name": {"nightly export"}}}))
		secret := regexp.MustCompile(`id="token-secret"[^>]*>(icx_[^<]+)<`).FindStringSubmatch(resp.Body.String())
		if resp.Code != 201 || secret == nil {
			t.Fatalf("create: %d %s", resp.Code, resp.Body)
		}
		if u, err := e.svc.TokenUser(ctx, secret[1]); err != nil || u.ID != 3 {
			t.Errorf("the secret does not sign in as carl: %v", err)
		}
		if page := e.do(t, e.as(admin, req{method: "GET", path: "/users/3"})).Body.String(); strings.Contains(page, secret[1]) || !strings.Contains(page, "nightly export") {
			t.Error("the secret is shown again, or the token is not listed")
		}
		resp = e.do(t, e.as(admin, req{method: "POST", path: "/users/3/tokens", form: url.Values{"name": {"  "}}}))
		if resp.Code != 400 || !strings.Contains(resp.Body.String(), `id="err-name"`) || !strings.Contains(resp.Body.String(), "token name is required") {
			t.Errorf("blank name: %d", resp.Code)
		}
		tokens, _ := e.svc.Tokens(ctx, 3)
		newest := tokens[len(tokens)-1]
		// Revoking asks first; a token of another user is not found through this user.
		path := "/users/3/tokens/" + itoa(newest.ID) + "/revoke"
		if resp := e.do(t, e.as(admin, req{method: "POST", path: path, form: url.Values{}})); resp.Code != 200 || !strings.Contains(resp.Body.String(), "Revoke this API token?") {
			t.Errorf("unconfirmed revoke: %d", resp.Code)
		}
		if resp := e.do(t, e.as(admin, req{method: "POST", path: "/users/2/tokens/" + itoa(newest.ID) + "/revoke", form: url.Values{"confirmed": {"yes"}}})); resp.Code != 404 {
			t.Errorf("another user's token: %d", resp.Code)
		}
		if resp := e.do(t, e.as(admin, req{method: "POST", path: path, form: url.Values{"confirmed": {"yes"}}})); resp.Code != 303 || resp.Header().Get("Location") != "/users/3" {
			t.Errorf("revoke: %d", resp.Code)
		}
		if _, err := e.svc.TokenUser(ctx, secret[1]); err == nil {
			t.Error("the revoked token still works")
		}

		// Support makes a token of their own: it reads, and may not write.
		resp = e.do(t, e.as(support, req{method: "POST", path: "/account/tokens", form: url.Values{"name": {"reports"}}}))
		own := regexp.MustCompile(`id="token-secret"[^>]*>(icx_[^<]+)<`).FindStringSubmatch(resp.Body.String())
		if resp.Code != 201 || own == nil {
			t.Fatalf("support's own token: %d", resp.Code)
		}
		hr := httptest.NewRequest("GET", "/api/v1/me", nil)
		hr.Header.Set("Authorization", "Bearer "+own[1])
		w := httptest.NewRecorder()
		e.router.ServeHTTP(w, hr)
		if w.Code != 200 || !strings.Contains(w.Body.String(), supportEmail) {
			t.Errorf("support's token reads: %d", w.Code)
		}
		hr = httptest.NewRequest("POST", "/api/v1/users", strings.NewReader(`{}`))
		hr.Header.Set("Authorization", "Bearer "+own[1])
		w = httptest.NewRecorder()
		e.router.ServeHTTP(w, hr)
		if w.Code != 403 {
			t.Errorf("support's token writes: %d", w.Code)
		}
		// The API of tokens: the secret once, never in lists.
		resp = e.doJSON(t, admin, "POST", "/api/v1/account/tokens", `{"name":"ci"}`)
		var made apiToken
		if err := json.Unmarshal(resp.Body.Bytes(), &made); err != nil || resp.Code != 201 || !strings.HasPrefix(made.Secret, "icx_") || made.UserID != 1 || made.Name != "ci" {
			t.Errorf("API token: %d %s", resp.Code, resp.Body)
		}
		resp = e.doJSON(t, admin, "GET", "/api/v1/account", "")
		if strings.Contains(resp.Body.String(), made.Secret) || !strings.Contains(resp.Body.String(), `"prefix":"`+made.Prefix+`"`) {
			t.Errorf("account: %s", resp.Body)
		}
		if resp := e.doJSON(t, admin, "DELETE", "/api/v1/account/tokens/"+itoa(made.ID), ""); resp.Code != 204 {
			t.Errorf("API revoke own: %d", resp.Code)
		}
	})
}

func TestOwnPasswordKeepsThePersonSignedIn(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newUsersEnv(t, st)
		ctx := context.Background()
		other, _, err := e.svc.StartSession(ctx, 2) // support's other browser
		if err != nil {
			t.Fatal(err)
		}
		form := url.Values{"current": {supportPassword}, "password": {"a new password 1"}, "password2": {"a new password 2"}}
		resp := e.do(t, e.as(support, req{method: "POST", path: "/account/password", form: form}))
		if resp.Code != 400 || !strings.Contains(resp.Body.String(), `id="err-password2"`) {
			t.Errorf("mismatch: %d", resp.Code)
		}
		form.Set("current", "not it")
		form.Set("password2", "a new password 1")
		if resp := e.do(t, e.as(support, req{method: "POST", path: "/account/password", form: form})); resp.Code != 400 ||
			!strings.Contains(resp.Body.String(), `id="err-current"`) {
			t.Errorf("wrong current password: %d", resp.Code)
		}
		// The support role changes its own password: allowed.
		form.Set("current", supportPassword)
		resp = e.do(t, e.as(support, req{method: "POST", path: "/account/password", form: form}))
		if resp.Code != 303 || resp.Header().Get("Location") != "/account" {
			t.Fatalf("own password: %d %s", resp.Code, resp.Body)
		}
		fresh := cookie(resp, sessionCookie)
		if fresh == nil || fresh.Value == "" || fresh.Value == e.supportSession || !fresh.HttpOnly {
			t.Fatalf("no new session cookie: %+v", fresh)
		}
		for _, old := range []string{e.supportSession, other} {
			if _, err := e.svc.SessionUser(ctx, old); err == nil {
				t.Error("an old session still works")
			}
		}
		page := e.do(t, req{method: "GET", path: "/account", cookies: []*http.Cookie{fresh}})
		if page.Code != 200 || !strings.Contains(page.Body.String(), supportEmail) {
			t.Errorf("the new session does not sign in: %d", page.Code)
		}
		if _, err := e.svc.Authenticate(ctx, supportEmail, "a new password 1"); err != nil {
			t.Errorf("the new password does not sign in: %v", err)
		}
		// An admin resetting their own password on /users stays signed in too; another user's
		// reset ends that user's sessions.
		carl, _, _ := e.svc.StartSession(ctx, 3)
		resp = e.do(t, e.as(admin, req{method: "POST", path: "/users/3/password", form: url.Values{"password": {"carl's new pw"}, "password2": {"carl's new pw"}}}))
		if resp.Code != 303 || cookie(resp, sessionCookie) != nil {
			t.Errorf("reset another's: %d", resp.Code)
		}
		if _, err := e.svc.SessionUser(ctx, carl); err == nil {
			t.Error("carl's session survived the reset")
		}
		resp = e.do(t, e.as(admin, req{method: "POST", path: "/users/1/password", form: url.Values{"password": {"ada's new pw!"}, "password2": {"ada's new pw!"}}}))
		c := cookie(resp, sessionCookie)
		if resp.Code != 303 || c == nil || c.Value == e.adminSession {
			t.Fatalf("reset own on /users: %d", resp.Code)
		}
		e.adminSession = c.Value
		// The API: the current password is required.
		resp = e.doJSON(t, admin, "PUT", "/api/v1/users/3/password", `{"password":"carl's newer pw"}`)
		if resp.Code != 204 {
			t.Errorf("API reset: %d %s", resp.Code, resp.Body)
		}
	})
}

// TestSelfRoutesLetSupportWrite checks the exemption: a route on Routes.SelfPages or SelfAPI
// takes a support user's POST (still signed in and same-origin only); Pages and API refuse it.
func TestSelfRoutesLetSupportWrite(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ok := func(c *gin.Context) { c.String(200, "done") }
	f.ui.routes.SelfPages.POST("/test/self", ok)
	f.ui.routes.SelfAPI.POST("/test/self", ok)
	tests := []struct {
		w       who
		path    string
		headers map[string]string
		status  int
	}{
		{support, "/test/self", nil, 200},
		{support, "/api/v1/test/self", nil, 200},
		{admin, "/test/self", nil, 200},
		{anonymous, "/test/self", nil, 303},
		{anonymous, "/api/v1/test/self", nil, 401},
		{support, "/test/self", map[string]string{"Sec-Fetch-Site": "cross-site"}, 403},
		{support, "/api/v1/test/self", map[string]string{"Origin": "https://evil.example"}, 403},
		{support, "/test/write", nil, 403},
		{support, "/api/v1/test/write", nil, 403},
	}
	for _, tt := range tests {
		resp := f.do(t, f.as(tt.w, req{method: "POST", path: tt.path, form: url.Values{}, headers: tt.headers}))
		if resp.Code != tt.status {
			t.Errorf("%s as %s %v: %d, want %d", tt.path, tt.w, tt.headers, resp.Code, tt.status)
		}
	}
}

func TestUsersSupportSeesNoAdminControls(t *testing.T) {
	t.Parallel()
	st := storetest.New(t, migrations.SQLite, true)
	e := newUsersEnv(t, st)
	page := e.do(t, e.as(support, req{method: "GET", path: "/account"})).Body.String()
	for _, bad := range []string{`action="/users`, `id="user-remove-form"`, `id="user-role-form"`} {
		if strings.Contains(page, bad) {
			t.Errorf("support's account page has %s", bad)
		}
	}
	for _, want := range []string{`id="user-password-form"`, `action="/account/password"`, `id="current"`, `id="token-create-form"`, `id="account-link"`} {
		if !strings.Contains(page, want) {
			t.Errorf("support's account page lacks %s", want)
		}
	}
	if resp := e.do(t, e.as(support, req{method: "GET", path: "/users/1"})); resp.Code != 403 {
		t.Errorf("support sees a user: %d", resp.Code)
	}
}

// TestShopsAndUsersPagesLabelledWithoutInlineCode renders every page of both sections, with its
// forms (and their errors), in both languages: every control has a label, every button text,
// and no page carries inline script or style.
func TestShopsAndUsersPagesLabelledWithoutInlineCode(t *testing.T) {
	t.Parallel()
	st := storetest.New(t, migrations.SQLite, true)
	se := newShopsEnv(t, st)
	ue := newUsersEnv(t, storetest.New(t, migrations.SQLite, true))
	control := regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	id := regexp.MustCompile(`\bid="([^"]+)"`)
	pages := []struct {
		f *fixture
		r req
	}{
		{se.fixture, req{method: "GET", path: "/shops"}},
		{se.fixture, req{method: "GET", path: "/shops/1"}},
		{se.fixture, req{method: "GET", path: "/shops/connect"}},
		{se.fixture, req{method: "GET", path: "/shops/1/webhooks"}},
		{se.fixture, req{method: "POST", path: "/shops/connect/woocommerce/keys", form: url.Values{"url": {"x"}}}},
		{se.fixture, req{method: "POST", path: "/shops/1/settings", form: url.Values{"buffer": {"-1"}}}},
		{ue.fixture, req{method: "GET", path: "/users"}},
		{ue.fixture, req{method: "GET", path: "/users/3"}},
		{ue.fixture, req{method: "GET", path: "/account"}},
		{ue.fixture, req{method: "POST", path: "/users", form: url.Values{"email": {"x"}}}},
	}
	for _, lang := range []string{"en", "es"} {
		for _, p := range pages {
			r := p.r
			r.headers = map[string]string{"Accept-Language": lang}
			body := p.f.do(t, p.f.as(admin, r)).Body.String()
			for _, bad := range []string{"<script>", "style=", "<style", "onclick", "onsubmit", "javascript:", "[["} {
				if strings.Contains(body, bad) {
					t.Errorf("%s %s (%s) has %q", r.method, r.path, lang, bad)
				}
			}
			for _, c := range control.FindAllString(body, -1) {
				if strings.Contains(c, `type="hidden"`) || strings.Contains(c, "aria-label=") {
					continue
				}
				m := id.FindStringSubmatch(c)
				if m == nil || !strings.Contains(body, `<label for="`+m[1]+`">`) {
					t.Errorf("%s %s: control without a label: %s", r.method, r.path, c)
				}
			}
			if strings.Contains(body, "></button>") {
				t.Errorf("%s %s: a button without text", r.method, r.path)
			}
			ids := map[string]int{}
			for _, m := range regexp.MustCompile(`\sid="([^"]+)"`).FindAllStringSubmatch(body, -1) {
				ids[m[1]]++
			}
			for k, n := range ids {
				if n > 1 {
					t.Errorf("%s %s: id %q appears %d times", r.method, r.path, k, n)
				}
			}
		}
	}
}
