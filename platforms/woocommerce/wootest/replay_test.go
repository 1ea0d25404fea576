package wootest

import (
	"bytes"
	"crypto/sha256"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

type fixture struct {
	Description string `json:"description"`
	CapturedAt  string `json:"captured_at"`
	Direction   string `json:"direction"`
	Request     struct {
		Method       string            `json:"method"`
		PathAndQuery string            `json:"path_and_query"`
		Headers      map[string]string `json:"headers"`
		Body         json.RawMessage   `json:"body"`
	} `json:"request"`
	Response struct {
		Status  int             `json:"status"`
		Headers map[string]any  `json:"headers"`
		Body    json.RawMessage `json:"body"`
	} `json:"response"`
	SignatureCheck *struct {
		Secret      string  `json:"secret"`
		HeaderValue *string `json:"header_value"`
	} `json:"signature_check"`
}

func loadFixture(t *testing.T, name string) fixture {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	var f fixture
	if err := json.Unmarshal(b, &f); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return f
}

// shapeDiff compares keys and JSON types recursively; arrays compare their first elements.
func shapeDiff(path string, want, got any, diffs *[]string) {
	switch w := want.(type) {
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok {
			*diffs = append(*diffs, path+": want object, got "+typeName(got))
			return
		}
		for k, wv := range w {
			gv, ok := g[k]
			if !ok {
				*diffs = append(*diffs, path+"."+k+": missing")
				continue
			}
			shapeDiff(path+"."+k, wv, gv, diffs)
		}
		for k := range g {
			if _, ok := w[k]; !ok {
				*diffs = append(*diffs, path+"."+k+": unexpected")
			}
		}
	case []any:
		g, ok := got.([]any)
		if !ok {
			*diffs = append(*diffs, path+": want array, got "+typeName(got))
			return
		}
		if len(w) > 0 && len(g) > 0 {
			shapeDiff(path+"[0]", w[0], g[0], diffs)
		}
	case nil:
		// null in the recording: the value depends on data (e.g. an unset date); accept any.
	default:
		if got != nil && typeName(want) != typeName(got) {
			*diffs = append(*diffs, path+": want "+typeName(want)+", got "+typeName(got))
		}
	}
}

func typeName(v any) string {
	switch v.(type) {
	case map[string]any:
		return "object"
	case []any:
		return "array"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case nil:
		return "null"
	}
	return "?"
}

// receiver records what the fake sends and answers 200, or 500 under /fail/.
type receiver struct {
	mu   sync.Mutex
	reqs []recorded
}

type recorded struct {
	Path   string
	Header http.Header
	Body   []byte
}

func (rc *receiver) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	b, _ := io.ReadAll(r.Body)
	rc.mu.Lock()
	rc.reqs = append(rc.reqs, recorded{r.URL.Path, r.Header.Clone(), b})
	rc.mu.Unlock()
	if strings.HasPrefix(r.URL.Path, "/fail/") {
		w.WriteHeader(http.StatusInternalServerError)
		_, _ = w.Write([]byte(`{"error":"receiver configured to fail"}`))
		return
	}
	_, _ = w.Write([]byte(`{"ok":true}`))
}

func (rc *receiver) all() []recorded {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]recorded(nil), rc.reqs...)
}

// TestFixtureReplay replays every client -> WooCommerce recording, in capture order, against one
// fake and compares status, key headers and body shape.
func TestFixtureReplay(t *testing.T) {
	files, _ := filepath.Glob("testdata/*.json")
	type item struct {
		name string
		f    fixture
	}
	var items []item
	for _, p := range files {
		n := filepath.Base(p)
		items = append(items, item{n, loadFixture(t, n)})
	}
	sort.SliceStable(items, func(i, j int) bool {
		if items[i].f.CapturedAt != items[j].f.CapturedAt {
			return items[i].f.CapturedAt < items[j].f.CapturedAt
		}
		return items[i].name < items[j].name
	})

	rc := &receiver{}
	recv := httptest.NewServer(rc)
	defer recv.Close()
	tlsRecv := httptest.NewTLSServer(rc)
	defer tlsRecv.Close()

	now := time.Date(2026, 11, 27, 11, 50, 0, 0, time.UTC)
	var clockMu sync.Mutex
	clock := func() time.Time { clockMu.Lock(); defer clockMu.Unlock(); return now }
	tick := func() { clockMu.Lock(); now = now.Add(time.Second); clockMu.Unlock() }

	s := New(Config{ConsumerKey: "ck_fixture", ConsumerSecret: "cs_fixture", Clock: clock,
		Delivery: DeliverSync, ImageCheck: AllowImages, WebhookClient: tlsRecv.Client()})
	srv := httptest.NewServer(s)
	defer srv.Close()

	// The recorded store already held webhooks 1 and 2 from an earlier run (README).
	for _, body := range []string{`{"topic":"order.updated","delivery_url":"` + recv.URL + `/seed/1"}`,
		`{"topic":"action.woocommerce_payment_complete","delivery_url":"` + recv.URL + `/seed/2"}`} {
		resp := do0(srv.URL, "POST", "/wp-json/wc/v3/webhooks", []byte(body))
		resp.Body.Close()
	}

	skip := map[string]string{
		"53-wc-auth-login-form.json":     "WordPress login HTML is not modelled; AutoApprove/access_granted stand for the merchant",
		"54-wc-auth-login-post.json":     "WordPress login is not modelled",
		"55-wc-auth-authorize-page.json": "approval HTML page is not modelled",
	}
	rewrite := strings.NewReplacer("http://127.0.0.1:9211", recv.URL, "https://127.0.0.1:9213", tlsRecv.URL,
		"http%3A%2F%2F127.0.0.1%3A9211", url.QueryEscape(recv.URL), "https%3A%2F%2F127.0.0.1%3A9213", url.QueryEscape(tlsRecv.URL))

	do := func(method, pq string, hdr map[string]string, body []byte) *http.Response {
		req, _ := http.NewRequest(method, srv.URL+pq, bytes.NewReader(body))
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		req.SetBasicAuth("ck_fixture", "cs_fixture")
		req.Header.Set("X-Forwarded-Proto", "https")
		c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	updateOrder := func(id int) {
		resp := do("PUT", "/wp-json/wc/v3/orders/"+strconv.Itoa(id), nil, []byte(`{"customer_note":"x"}`))
		resp.Body.Close()
		tick()
	}

	for _, it := range items {
		f := it.f
		if !strings.HasPrefix(f.Direction, "client") {
			continue
		}
		t.Run(it.name, func(t *testing.T) {
			if why, ok := skip[it.name]; ok {
				t.Skip(why)
			}
			tick()
			// Setup the recordings imply: the failure sequence of fixtures 44–46 and 48.
			switch it.name {
			case "46-webhook-disabled-after-failures.json":
				for i := 0; i < 7; i++ {
					updateOrder(32)
				}
			case "48-webhook-disabled-again-after-one-failure.json":
				updateOrder(32)
			}
			pq := rewrite.Replace(f.Request.PathAndQuery)
			var body []byte
			if len(f.Request.Body) > 0 && string(f.Request.Body) != "null" {
				body = []byte(rewrite.Replace(string(f.Request.Body)))
			}
			req, _ := http.NewRequest(f.Request.Method, srv.URL+pq, bytes.NewReader(body))
			for k, v := range f.Request.Headers {
				if k != "Authorization" && k != "Cookie" {
					req.Header.Set(k, v)
				}
			}
			if strings.HasPrefix(f.Request.Headers["Authorization"], "Basic") {
				switch it.name {
				case "19-auth-basic-wrong-secret-401.json":
					req.SetBasicAuth("ck_fixture", "cs_wrong")
				case "20-auth-basic-unknown-key-401.json":
					req.SetBasicAuth("ck_unknown", "cs_fixture")
				default:
					req.SetBasicAuth("ck_fixture", "cs_fixture")
				}
			}
			if strings.Contains(pq, "oauth_signature") {
				u, _ := url.Parse(srv.URL + pq)
				p := map[string]string{"oauth_consumer_key": "ck_fixture", "oauth_timestamp": strconv.FormatInt(clock().Unix(), 10),
					"oauth_nonce": "n" + it.name, "oauth_signature_method": "HMAC-SHA256"}
				p["oauth_signature"] = OAuthSignature(sha256.New, "GET", srv.URL+u.Path, p, "cs_fixture")
				v := url.Values{}
				for k, x := range p {
					v.Set(k, x)
				}
				req.URL.RawQuery = v.Encode()
			}
			c := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != f.Response.Status {
				t.Fatalf("status %d, want %d; body %s", resp.StatusCode, f.Response.Status, got)
			}
			for _, h := range []string{"Location", "X-WP-Total", "X-WP-TotalPages", "Allow", "X-Redirect-By", "Vary"} {
				if (f.Response.Headers[h] != nil) != (resp.Header.Get(h) != "") {
					t.Errorf("header %s: got %q, recorded %v", h, resp.Header.Get(h), f.Response.Headers[h])
				}
			}
			if wl, _ := f.Response.Headers["Link"].(string); wl != "" {
				for _, rel := range []string{`rel="next"`, `rel="prev"`, `rel="https://api.w.org/"`} {
					if strings.Contains(wl, rel) != strings.Contains(resp.Header.Get("Link"), rel) {
						t.Errorf("Link %q, recorded %q", resp.Header.Get("Link"), wl)
					}
				}
			}
			ct, _ := f.Response.Headers["Content-Type"].(string)
			if ct == "" {
				ct, _ = f.Response.Headers["Content-type"].(string)
			}
			if !strings.Contains(ct, "json") {
				if resp.StatusCode != http.StatusFound && strings.Contains(ct, "html") && !bytes.Contains(got, []byte("callback_url needs to be over SSL")) {
					t.Errorf("html body %q", got)
				}
				return
			}
			var want, have any
			if err := json.Unmarshal(f.Response.Body, &want); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(got, &have); err != nil {
				t.Fatalf("body not JSON: %s", got)
			}
			var diffs []string
			shapeDiff("$", want, have, &diffs)
			if len(diffs) > 0 {
				t.Errorf("shape differs from %s:\n%s", it.name, strings.Join(diffs, "\n"))
			}
		})
	}

	// Deliveries the replay caused, compared with the recorded ones (38–45, 57).
	t.Run("deliveries", func(t *testing.T) {
		reqs := rc.all()
		byPath := func(pfx string, ping bool) []recorded {
			var out []recorded
			for _, r := range reqs {
				isPing := strings.HasPrefix(string(r.Body), "webhook_id=")
				if strings.HasPrefix(r.Path, pfx) && isPing == ping {
					out = append(out, r)
				}
			}
			return out
		}
		for _, tc := range []struct {
			fixture, path string
			ping          bool
		}{
			{"38-webhook-delivery-ping.json", "/hooks/woocommerce/order-created", true},
			{"39-webhook-delivery-order-created.json", "/hooks/woocommerce/order-created", false},
			{"41-webhook-delivery-order-updated.json", "/hooks/woocommerce/order-updated", false},
			{"43-webhook-delivery-ping-failed.json", "/fail/", true},
			{"44-webhook-delivery-failed-500.json", "/fail/", false},
			{"57-wc-auth-callback-post.json", "/wc-auth/callback", false},
		} {
			f := loadFixture(t, tc.fixture)
			got := byPath(tc.path, tc.ping)
			if len(got) == 0 {
				t.Errorf("%s: nothing delivered to %s", tc.fixture, tc.path)
				continue
			}
			r := got[0]
			for k := range f.Request.Headers {
				switch k {
				case "Host", "Accept", "Accept-Encoding", "Connection", "Content-Length":
					continue
				}
				if r.Header.Get(k) == "" {
					t.Errorf("%s: header %s missing", tc.fixture, k)
				}
			}
			for k := range r.Header {
				if strings.HasPrefix(k, "X-Wc-Webhook") && f.Request.Headers[http.CanonicalHeaderKey(k)] == "" && !hasHeader(f.Request.Headers, k) {
					t.Errorf("%s: unexpected header %s", tc.fixture, k)
				}
			}
			if sig := r.Header.Get("X-Wc-Webhook-Signature"); sig != "" && sig != Sign(r.Body, "fixture-secret") {
				t.Errorf("%s: signature does not verify", tc.fixture)
			}
			var recBody string
			_ = json.Unmarshal(f.Request.Body, &recBody)
			if strings.HasPrefix(recBody, "{") {
				var want, have any
				_ = json.Unmarshal([]byte(recBody), &want)
				if err := json.Unmarshal(r.Body, &have); err != nil {
					t.Fatalf("%s: %v", tc.fixture, err)
				}
				var diffs []string
				shapeDiff("$", want, have, &diffs)
				if len(diffs) > 0 {
					t.Errorf("%s body shape:\n%s", tc.fixture, strings.Join(diffs, "\n"))
				}
			}
		}
		// Order creation sent order.created and order.updated with byte-identical bodies (39, 40).
		created := byPath("/hooks/woocommerce/order-created", false)
		updated := byPath("/hooks/woocommerce/order-updated", false)
		if len(created) == 0 || len(updated) == 0 || !bytes.Equal(created[0].Body, updated[0].Body) {
			t.Errorf("order.created and order.updated bodies differ")
		}
		// 45: a ping after each of the first 6 counted failures, plus the creation ping.
		if n := len(byPath("/fail/", true)); n != 1+6+1 {
			t.Errorf("pings to failing receiver = %d, want 8 (create + 6 re-pings + re-enable)", n)
		}
	})
}

func hasHeader(h map[string]string, k string) bool {
	for hk := range h {
		if strings.EqualFold(hk, k) {
			return true
		}
	}
	return false
}

func do0(base, method, pq string, body []byte) *http.Response {
	req, _ := http.NewRequest(method, base+pq, bytes.NewReader(body))
	req.SetBasicAuth("ck_fixture", "cs_fixture")
	req.Header.Set("X-Forwarded-Proto", "https")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		panic(err)
	}
	return resp
}
