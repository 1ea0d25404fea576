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

	"github.com/intcomex-connector/connector/connector/audit"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
)

func init() {
	pageSamples["iws"] = iwsIndexData{Accounts: []iwsAccountOption{{ID: 1, Name: "default", Environment: "test", Selected: true}},
		Account: "1", Problem: "iws.no_account", Reads: iwsMethods()[:2], Writes: iwsMethods()[5:6]}
	ep, _ := iws.LookupMethod("PlaceOrder")
	pageSamples["iws_method"] = iwsMethodData{Accounts: []iwsAccountOption{{ID: 1, Name: "default"}}, Account: "1", Method: iwsInfo(ep),
		Values: map[string]string{"tag": "x"}, Body: "{", Errors: map[string]string{"body": "iws.body_invalid", "account": "iws.unknown_account"},
		Result: &iwsCallView{Method: "PlaceOrder", HTTPMethod: "POST", Request: iwsRequestView{Query: []iwsParam{{"tag", "x"}}, PrettyBody: "{}"},
			Calls:    []iwsLogRow{{ID: 4, URL: "https://iws/x", Status: 500, Error: "boom", Log: "/logs/4"}},
			IWSError: &iwsErrorView{HTTPStatus: 500, Code: 90, Message: "m", Reference: "r", Details: []string{"sku: A"}, Ambiguous: true},
			Shown:    iwsShown{Kind: "json", Items: 1, TotalItems: 2, Truncated: true}, Pretty: "[]"}}
}

const (
	iwsTestAPIKey    = "00000000-0000-0000-0000-000000000001"
	iwsTestAccessKey = "11111111-2222-3333-4444-555555555555"
)

// iwsEnv is a UI whose IWS console calls an IWS sandbox of 300 SKUs, recording into a real store.
type iwsEnv struct {
	f    *fixture
	st   *store.Store
	sb   *sandbox.Sandbox
	acct store.IWSAccount
}

func newIWSEnv(t *testing.T, st *store.Store) *iwsEnv {
	t.Helper()
	sb, err := sandbox.New(sandbox.Config{APIKey: iwsTestAPIKey, AccessKey: iwsTestAccessKey, SKUs: 300, Seed: 7})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	srv := httptest.NewServer(sb)
	t.Cleanup(srv.Close)
	acct, err := st.SaveIWSAccount(context.Background(), store.IWSAccount{Name: store.DefaultIWSAccountName, Environment: store.EnvironmentTest,
		BaseURL: srv.URL + "/v1/", APIKey: iwsTestAPIKey, AccessKey: iwsTestAccessKey})
	if err != nil {
		t.Fatal(err)
	}
	rec := audit.CapturingRecorder(st)
	e := &iwsEnv{st: st, sb: sb, acct: acct}
	e.f = newFixture(t, func(c *UIConfig) {
		c.IWS = IWSDeps{Store: st, Client: func(_ context.Context, a store.IWSAccount) (IWSCaller, error) {
			return iws.New(iws.Config{BaseURL: a.BaseURL, APIKey: a.APIKey, AccessKey: a.AccessKey,
				HTTPClient: &http.Client{Transport: audit.NewTransport(srv.Client().Transport, rec, audit.SystemIWS, audit.Options{SecretValues: []string{a.AccessKey}})},
				Sleep:      func(ctx context.Context, _ time.Duration) error { return ctx.Err() }})
		}}
	})
	return e
}

func TestIWSRoutesByRole(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newIWSEnv(t, st)
		cancel := url.Values{"body": {`{"OrderNumber":"NOPE"}`}}
		tests := []struct {
			method, path string
			form         url.Values
			want         [3]int
		}{
			{"GET", "/iws", nil, [3]int{303, 200, 200}},
			{"GET", "/iws/:method", nil, [3]int{303, 200, 200}},
			{"POST", "/iws/:method", cancel, [3]int{303, 403, 200}}, // the admin gets the confirmation page
			{"GET", "/api/v1/iws", nil, [3]int{401, 200, 200}},
			{"GET", "/api/v1/iws/:method", nil, [3]int{401, 200, 200}},
			{"POST", "/api/v1/iws/:method", nil, [3]int{401, 403, 400}}, // no body: invalid, for the admin
		}
		covered := map[string]bool{}
		for _, tt := range tests {
			covered[tt.method+" "+tt.path] = true
		}
		for _, r := range e.f.router.Routes() {
			if strings.Contains(r.Path, "/iws") && !covered[r.Method+" "+r.Path] {
				t.Errorf("route %s %s is not in the table", r.Method, r.Path)
			}
		}
		for _, tt := range tests {
			for w := anonymous; w <= admin; w++ {
				method := "getproduct?sku=X"
				if tt.method == "POST" {
					method = "cancelorder"
				}
				path := strings.Replace(tt.path, ":method", method, 1)
				resp := e.f.do(t, e.f.as(w, req{method: tt.method, path: path, form: tt.form}))
				if resp.Code != tt.want[w] {
					t.Errorf("%s %s as %s: status %d, want %d; %.300s", tt.method, path, w, resp.Code, tt.want[w], resp.Body)
				}
				if strings.HasPrefix(path, "/api/") && resp.Code >= 400 {
					checkAPIError(t, resp, map[int]string{400: "invalid", 401: "unauthorized", 403: "forbidden"}[resp.Code])
				}
			}
		}
	})
}

func TestIWSConsolePages(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newIWSEnv(t, st)
		sku := e.sb.SKUs()[0]
		tests := []struct {
			name   string
			who    who
			r      req
			status int
			has    []string
			hasNot []string
		}{
			{"index as support: no write method callable", support, req{method: "GET", path: "/iws"}, 200,
				[]string{`data-method="GetCatalog"`, `data-method="PlaceOrder"`, `id="iws-writes-admin-only"`}, nil},
			{"a read's form", support, req{method: "GET", path: "/iws/getproduct"}, 200,
				[]string{`id="iws-form"`, `id="iws-param-sku"`, `name="run" value="1"`}, []string{`id="iws-result"`}},
			{"a write's page as support: no form", support, req{method: "GET", path: "/iws/placeorder"}, 200,
				[]string{`id="iws-admin-only"`}, []string{`id="iws-form"`, `id="iws-run"`}},
			{"a write's form as admin asks for confirmation", admin, req{method: "GET", path: "/iws/placeorder"}, 200,
				[]string{`method="post" action="/iws/PlaceOrder"`, `data-confirm=`, `id="iws-body"`}, nil},
			{"a catalog is cut at 200 items", support, req{method: "GET", path: "/iws/getcatalog?run=1&locale=en"}, 200,
				[]string{`data-ok="true"`, "Showing the first 200 items of 300.", `<code>locale=en</code>`, `data-testid="iws-call"`, `href="/logs/`},
				[]string{iwsTestAccessKey}},
			{"a text answer", support, req{method: "GET", path: "/iws/getcatalog?run=1&format=csv"}, 200,
				[]string{`data-ok="true"`, `id="iws-response"`, "The whole answer ("}, nil},
			{"one product", support, req{method: "GET", path: "/iws/getproduct?run=1&sku=" + sku + "&includePriceData=true"}, 200,
				[]string{`data-ok="true"`, sku, "The whole answer ("}, nil},
			{"an IWS error", support, req{method: "GET", path: "/iws/getproduct?run=1&sku=NOPE-NOPE"}, 200,
				[]string{`data-ok="false"`, `id="iws-error"`, `href="/logs/`}, nil},
			{"a read cannot be posted", admin, req{method: "POST", path: "/iws/getproduct", form: url.Values{}}, 405, nil, nil},
			{"a write cannot be run by GET", admin, req{method: "GET", path: "/iws/placeorder?run=1"}, 405, nil, nil},
			{"an unknown method", support, req{method: "GET", path: "/iws/nothing"}, 404, nil, nil},
			{"an unknown account", support, req{method: "GET", path: "/iws/getproduct?run=1&sku=X&account=999"}, 400,
				[]string{`id="iws-account-error"`}, []string{`id="iws-result"`}},
			{"a write without its body", admin, req{method: "POST", path: "/iws/placeorder", form: url.Values{"customerOrderNumber": {"T-1"}}}, 400,
				[]string{`id="iws-body-error"`, "This method needs a JSON body.", `value="T-1"`}, []string{`id="iws-result"`}},
			{"a write with a broken body", admin, req{method: "POST", path: "/iws/placeorder", form: url.Values{"body": {"[{"}}}, 400,
				[]string{"The body is not valid JSON."}, nil},
			{"a write asks first", admin, req{method: "POST", path: "/iws/cancelorder", form: url.Values{"body": {`{"OrderNumber":"X"}`}}}, 200,
				[]string{`name="confirmed" value="yes"`, `name="body"`}, []string{`id="iws-result"`}},
			{"a confirmed write is called", admin, req{method: "POST", path: "/iws/cancelorder",
				form: url.Values{"body": {`{"OrderNumber":"X"}`}, "confirmed": {"yes"}}}, 200,
				[]string{`id="iws-result"`, `id="iws-request-body"`, `href="/logs/`}, nil},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				resp := e.f.do(t, e.f.as(tt.who, tt.r))
				body := resp.Body.String()
				if resp.Code != tt.status {
					t.Fatalf("status %d, want %d: %.500s", resp.Code, tt.status, body)
				}
				for _, h := range tt.has {
					if !strings.Contains(body, h) {
						t.Errorf("page lacks %q", h)
					}
				}
				for _, h := range tt.hasNot {
					if strings.Contains(body, h) {
						t.Errorf("page has %q", h)
					}
				}
				if strings.Contains(body, "[[") {
					t.Error("missing translation")
				}
				checkProductsLabels(t, body)
			})
		}
		// The rows linked are the call's rows in the API log.
		body := e.f.do(t, e.f.as(support, req{method: "GET", path: "/iws/getorderstatus?run=1&orderNumber=NOPE"})).Body.String()
		m := regexp.MustCompile(`data-call-id="(\d+)"`).FindAllStringSubmatch(body, -1)
		if len(m) == 0 {
			t.Fatalf("no call linked: %s", body)
		}
		for _, id := range m {
			call, err := st.APICallByID(context.Background(), atoi64(t, id[1]))
			if err != nil || call.Method != "getorderstatus" || call.AccountID != e.acct.ID || strings.Contains(call.URL, iwsTestAccessKey) {
				t.Errorf("row %s = %+v, %v", id[1], call, err)
			}
		}
	})
}

func TestIWSConsoleAPI(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newIWSEnv(t, st)
		call := func(w who, method, path, body string) (int, *iwsCallView) {
			t.Helper()
			r := httptest.NewRequest(method, path, strings.NewReader(body))
			r.Header.Set("Content-Type", "application/json")
			r.Header.Set("Authorization", "Bearer "+map[who]string{support: supportToken, admin: adminToken}[w])
			rw := httptest.NewRecorder()
			e.f.router.ServeHTTP(rw, r)
			if rw.Code != 200 {
				checkAPIError(t, rw, map[int]string{400: CodeInvalid, 403: CodeForbidden, 404: CodeNotFound, 405: CodeMethodNotAllowed}[rw.Code])
				return rw.Code, nil
			}
			var v iwsCallView
			dec := json.NewDecoder(rw.Body)
			dec.DisallowUnknownFields()
			if err := dec.Decode(&v); err != nil {
				t.Fatal(err)
			}
			return rw.Code, &v
		}
		code, v := call(support, "GET", "/api/v1/iws/getcatalog?limit=&locale=es", "")
		if code != 200 || !v.OK || v.Method != "GetCatalog" || v.Shown.Items != 200 || v.Shown.TotalItems != 300 || !v.Shown.Truncated ||
			len(v.Calls) != 1 || v.Calls[0].Log == "" || v.Calls[0].Status != 200 || len(v.Request.Query) != 1 || v.Account.ID != e.acct.ID {
			t.Fatalf("getcatalog = %d %+v", code, v)
		}
		var items []json.RawMessage
		if err := json.Unmarshal(v.Response, &items); err != nil || len(items) != 200 {
			t.Errorf("response: %d items, %v", len(items), err)
		}
		code, v = call(support, "GET", "/api/v1/iws/getproduct?sku=NOPE-NOPE", "")
		if code != 200 || v.OK || v.IWSError == nil || v.IWSError.HTTPStatus == 0 || len(v.Calls) == 0 {
			t.Errorf("an IWS error = %d %+v", code, v)
		}
		code, v = call(admin, "POST", "/api/v1/iws/cancelorder", `{"OrderNumber":"NOPE"}`)
		if code != 200 || v.IWSError == nil || string(v.Request.Body) != `{"OrderNumber":"NOPE"}` {
			t.Errorf("cancel = %d %+v", code, v)
		}
		for _, tt := range []struct {
			who          who
			method, path string
			body         string
			status       int
		}{
			{support, "POST", "/api/v1/iws/cancelorder", `{}`, 403},
			{admin, "POST", "/api/v1/iws/getproduct", `{}`, 405},
			{admin, "GET", "/api/v1/iws/placeorder", "", 405},
			{admin, "GET", "/api/v1/iws/nothing", "", 404},
			{admin, "POST", "/api/v1/iws/placeorder", `[{`, 400},
			{admin, "POST", "/api/v1/iws/placeorder", ``, 400},
			{admin, "GET", "/api/v1/iws/getproduct?account=999", "", 404},
			{admin, "GET", "/api/v1/iws/getproduct?account=x", "", 400},
		} {
			if code, _ := call(tt.who, tt.method, tt.path, tt.body); code != tt.status {
				t.Errorf("%s %s as %s: %d, want %d", tt.method, tt.path, tt.who, code, tt.status)
			}
		}
		resp := e.f.do(t, req{method: "GET", path: "/api/v1/iws", headers: map[string]string{"Authorization": "Bearer " + supportToken}})
		var list iwsMethodsJSON
		if err := json.Unmarshal(resp.Body.Bytes(), &list); err != nil || len(list.Methods) != len(iws.MethodNames()) {
			t.Fatalf("methods: %v %s", err, resp.Body)
		}
		for _, m := range list.Methods {
			if m.Name == "PlaceOrder" && (!m.Write || !m.Confirm || !m.Body || m.Path != "/api/v1/iws/placeorder") ||
				m.Name == "GetCatalog" && (m.Write || m.HTTPMethod != "GET") {
				t.Errorf("method %+v", m)
			}
		}
	})
}

func atoi64(t *testing.T, s string) int64 {
	t.Helper()
	var n int64
	if err := json.Unmarshal([]byte(s), &n); err != nil {
		t.Fatal(err)
	}
	return n
}
