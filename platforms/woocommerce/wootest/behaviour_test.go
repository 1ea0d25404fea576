package wootest_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

const restRoot = "/wp-json/wc/v3"

// call sends one request to the fake and returns the status and raw body. A nil body sends none.
func call(t *testing.T, method, target string, body any, hdr http.Header) (int, []byte) {
	t.Helper()
	var rd io.Reader
	if body != nil {
		b, ok := body.([]byte)
		if !ok {
			var err error
			if b, err = json.Marshal(body); err != nil {
				t.Fatal(err)
			}
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, target, rd)
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header[k] = v
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	out, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, out
}

// basicHTTPS is Basic auth behind a TLS-terminating proxy, as in the recordings.
func basicHTTPS(key, secret string) http.Header {
	h := http.Header{}
	h.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte(key+":"+secret)))
	h.Set("X-Forwarded-Proto", "https")
	return h
}

// api calls the fake with its default key over "HTTPS".
func api(t *testing.T, base, method, path string, body any) (int, []byte) {
	t.Helper()
	return call(t, method, base+restRoot+path, body, basicHTTPS("ck_test", "cs_test"))
}

func decode(t *testing.T, b []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(b, v); err != nil {
		t.Fatalf("decode %s: %v", b, err)
	}
}

type apiErr struct {
	Code    string         `json:"code"`
	Message string         `json:"message"`
	Data    map[string]any `json:"data"`
}

func errCode(t *testing.T, b []byte) string {
	t.Helper()
	var e apiErr
	decode(t, b, &e)
	return e.Code
}

// oauthURL signs GET base+path with one-legged OAuth 1.0a HMAC-SHA256 in the query string.
func oauthURL(base, path, key, secret, nonce string, ts time.Time) string {
	params := map[string]string{
		"oauth_consumer_key":     key,
		"oauth_timestamp":        strconv.FormatInt(ts.Unix(), 10),
		"oauth_nonce":            nonce,
		"oauth_signature_method": "HMAC-SHA256",
	}
	params["oauth_signature"] = wootest.OAuthSignature(sha256.New, http.MethodGet, base+path, params, secret)
	q := url.Values{}
	for k, v := range params {
		q.Set(k, v)
	}
	return base + path + "?" + q.Encode()
}

func TestAuth(t *testing.T) {
	_, base := wootest.Start(t, wootest.Config{ImageCheck: wootest.AllowImages})
	path := restRoot + "/products"
	basicPlain := http.Header{}
	basicPlain.Set("Authorization", "Basic "+base64.StdEncoding.EncodeToString([]byte("ck_test:cs_test")))
	now := time.Now()

	type step struct {
		name     string
		target   string
		hdr      http.Header
		status   int
		wantCode string // "" for a success
	}
	for _, tc := range []struct {
		name  string
		steps []step
	}{
		{"basic over plain HTTP is not tried (is_ssl false)", []step{
			{"basic", base + path, basicPlain, 401, "woocommerce_rest_cannot_view"},
		}},
		{"basic behind X-Forwarded-Proto https", []step{
			{"basic", base + path, basicHTTPS("ck_test", "cs_test"), 200, ""},
		}},
		{"basic with wrong secret", []step{
			{"basic", base + path, basicHTTPS("ck_test", "cs_wrong"), 401, "woocommerce_rest_authentication_error"},
		}},
		{"oauth1 HMAC-SHA256 over plain HTTP, nonce single-use", []step{
			{"first", oauthURL(base, path, "ck_test", "cs_test", "nonce-a", now), nil, 200, ""},
			{"replayed nonce", oauthURL(base, path, "ck_test", "cs_test", "nonce-a", now), nil, 401, "woocommerce_rest_authentication_error"},
		}},
		{"oauth1 timestamp outside the 15-minute window", []step{
			{"20 minutes old", oauthURL(base, path, "ck_test", "cs_test", "nonce-old", now.Add(-20*time.Minute)), nil, 401, "woocommerce_rest_authentication_error"},
		}},
		{"oauth1 signed with the wrong secret", []step{
			{"bad signature", oauthURL(base, path, "ck_test", "cs_wrong", "nonce-bad", now), nil, 401, "woocommerce_rest_authentication_error"},
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, s := range tc.steps {
				status, body := call(t, http.MethodGet, s.target, nil, s.hdr)
				if status != s.status {
					t.Fatalf("%s: status %d, want %d: %s", s.name, status, s.status, body)
				}
				if s.wantCode != "" {
					if got := errCode(t, body); got != s.wantCode {
						t.Fatalf("%s: code %q, want %q", s.name, got, s.wantCode)
					}
				} else {
					var list []wootest.Product
					decode(t, body, &list)
				}
			}
		})
	}
}

func TestBatchLimit(t *testing.T) {
	for _, tc := range []struct {
		items    int
		status   int
		wantCode string
		created  int
	}{
		{items: 101, status: http.StatusRequestEntityTooLarge, wantCode: "woocommerce_rest_request_entity_too_large", created: 0},
		{items: 100, status: http.StatusOK, created: 100},
	} {
		t.Run(strconv.Itoa(tc.items), func(t *testing.T) {
			srv, base := wootest.Start(t, wootest.Config{ImageCheck: wootest.AllowImages})
			create := make([]map[string]any, tc.items)
			for i := range create {
				create[i] = map[string]any{"name": fmt.Sprintf("Cable %d", i), "sku": fmt.Sprintf("CBL-%03d", i), "regular_price": "4.90"}
			}
			status, body := api(t, base, http.MethodPost, "/products/batch", map[string]any{"create": create})
			if status != tc.status {
				t.Fatalf("status %d, want %d: %.300s", status, tc.status, body)
			}
			if tc.wantCode != "" {
				if got := errCode(t, body); got != tc.wantCode {
					t.Fatalf("code %q, want %q", got, tc.wantCode)
				}
			} else {
				var res struct {
					Create []struct {
						ID    int     `json:"id"`
						Error *apiErr `json:"error"`
					} `json:"create"`
				}
				decode(t, body, &res)
				if len(res.Create) != tc.items {
					t.Fatalf("%d create results, want %d", len(res.Create), tc.items)
				}
				for i, c := range res.Create {
					if c.Error != nil || c.ID == 0 {
						t.Fatalf("item %d: id %d error %+v", i, c.ID, c.Error)
					}
				}
			}
			if got := len(srv.Products()); got != tc.created {
				t.Fatalf("%d products in store, want %d", got, tc.created)
			}
		})
	}
}

func TestBatchPerItemErrors(t *testing.T) {
	srv, base := wootest.Start(t, wootest.Config{ImageCheck: wootest.AllowImages})
	status, body := api(t, base, http.MethodPost, "/products", map[string]any{"name": "Monitor", "sku": "MON-24", "regular_price": "129.99"})
	if status != http.StatusCreated {
		t.Fatalf("create: %d %s", status, body)
	}
	var existing wootest.Product
	decode(t, body, &existing)

	status, body = api(t, base, http.MethodPost, "/products/batch", map[string]any{
		"create": []any{map[string]any{"name": "Monitor again", "sku": "MON-24", "regular_price": "129.99"}},
		"update": []any{map[string]any{"sku": "MON-24", "regular_price": "99.00"}},
	})
	if status != http.StatusOK {
		t.Fatalf("batch status %d, want 200 despite item errors: %s", status, body)
	}
	type item struct {
		ID    int     `json:"id"`
		Error *apiErr `json:"error"`
	}
	var res struct {
		Create []item `json:"create"`
		Update []item `json:"update"`
	}
	decode(t, body, &res)

	for _, tc := range []struct {
		name  string
		items []item
		code  string
		check func(t *testing.T, e *apiErr)
	}{
		{"duplicate SKU on create", res.Create, "product_invalid_sku", func(t *testing.T, e *apiErr) {
			if got, _ := e.Data["resource_id"].(float64); int(got) != existing.ID {
				t.Errorf("resource_id %v, want the existing product %d", e.Data["resource_id"], existing.ID)
			}
			if got := e.Data["unique_sku"]; got != "MON-24-1" {
				t.Errorf("unique_sku %v, want MON-24-1", got)
			}
			if got, _ := e.Data["status"].(float64); got != 400 {
				t.Errorf("data.status %v, want 400", e.Data["status"])
			}
		}},
		{"update without id (no upsert by SKU)", res.Update, "woocommerce_rest_product_invalid_id", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.items) != 1 {
				t.Fatalf("%d results, want 1", len(tc.items))
			}
			it := tc.items[0]
			if it.ID != 0 || it.Error == nil {
				t.Fatalf("got id %d error %+v, want id 0 with an error", it.ID, it.Error)
			}
			if it.Error.Code != tc.code {
				t.Fatalf("code %q, want %q", it.Error.Code, tc.code)
			}
			if tc.check != nil {
				tc.check(t, it.Error)
			}
		})
	}
	if got := len(srv.Products()); got != 1 {
		t.Fatalf("%d products, want only the original", got)
	}
	if p, _ := srv.ProductBySKU("MON-24"); p.RegularPrice != "129.99" {
		t.Fatalf("regular_price %q changed by a failed update", p.RegularPrice)
	}
}

func TestFieldTypes(t *testing.T) {
	for _, tc := range []struct {
		name      string
		body      string
		status    int
		param     string // the rejected param for a 400
		wantStock int
	}{
		{"regular_price as a JSON number", `{"name":"Mouse","sku":"M1","regular_price":12.5}`, 400, "regular_price", 0},
		{"stock_quantity numeric string", `{"name":"Mouse","sku":"M2","regular_price":"12.50","manage_stock":true,"stock_quantity":"7"}`, 201, "", 7},
		{"stock_quantity decimal string", `{"name":"Mouse","sku":"M3","regular_price":"12.50","manage_stock":true,"stock_quantity":"7.5"}`, 400, "stock_quantity", 0},
		{"stock_quantity decimal number", `{"name":"Mouse","sku":"M4","regular_price":"12.50","manage_stock":true,"stock_quantity":7.5}`, 400, "stock_quantity", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv, base := wootest.Start(t, wootest.Config{ImageCheck: wootest.AllowImages})
			status, body := api(t, base, http.MethodPost, "/products", []byte(tc.body))
			if status != tc.status {
				t.Fatalf("status %d, want %d: %.300s", status, tc.status, body)
			}
			if tc.status == 400 {
				var e apiErr
				decode(t, body, &e)
				if e.Code != "rest_invalid_param" {
					t.Fatalf("code %q, want rest_invalid_param", e.Code)
				}
				params, _ := e.Data["params"].(map[string]any)
				if _, ok := params[tc.param]; !ok {
					t.Fatalf("data.params %v does not name %s", e.Data["params"], tc.param)
				}
				if n := len(srv.Products()); n != 0 {
					t.Fatalf("%d products created by a rejected request", n)
				}
				return
			}
			var p wootest.Product
			decode(t, body, &p)
			if p.StockQuantity == nil || *p.StockQuantity != tc.wantStock {
				t.Fatalf("stock_quantity %v, want %d", p.StockQuantity, tc.wantStock)
			}
			if raw := string(body); !bytes.Contains([]byte(raw), []byte(`"stock_quantity":7,`)) {
				t.Fatalf("stock_quantity not rendered as the integer 7: %.200s", raw)
			}
		})
	}
}

func TestImagesAttachments(t *testing.T) {
	srv, base := wootest.Start(t, wootest.Config{ImageCheck: wootest.AllowImages})
	const src = "https://cdn.example.com/img/red.png"
	create := func(sku string, images []map[string]any) wootest.Product {
		t.Helper()
		status, body := api(t, base, http.MethodPost, "/products", map[string]any{"name": sku, "sku": sku, "regular_price": "1.00", "images": images})
		if status != http.StatusCreated {
			t.Fatalf("create %s: %d %s", sku, status, body)
		}
		var p wootest.Product
		decode(t, body, &p)
		if len(p.Images) != 1 {
			t.Fatalf("%s: %d images, want 1", sku, len(p.Images))
		}
		return p
	}
	first := create("IMG-1", []map[string]any{{"src": src}})
	if got := srv.Attachments(); got != 1 {
		t.Fatalf("after first src: %d attachments, want 1", got)
	}
	second := create("IMG-2", []map[string]any{{"src": src}})
	if got := srv.Attachments(); got != 2 {
		t.Fatalf("same src again: %d attachments, want 2 (WooCommerce downloads it again)", got)
	}
	if first.Images[0].ID == second.Images[0].ID {
		t.Fatalf("same src reused attachment %d, want a new one", first.Images[0].ID)
	}
	third := create("IMG-3", []map[string]any{{"id": first.Images[0].ID}})
	if got := srv.Attachments(); got != 2 {
		t.Fatalf("{id}: %d attachments, want still 2", got)
	}
	if third.Images[0].ID != first.Images[0].ID {
		t.Fatalf("{id} gave attachment %d, want %d", third.Images[0].ID, first.Images[0].ID)
	}
}

// receiver is an httptest webhook receiver that records every request.
type receiver struct {
	mu     sync.Mutex
	status int
	reqs   []received
}

type received struct {
	header http.Header
	body   []byte
}

func newReceiver(t *testing.T, status int) (*receiver, string) {
	rc := &receiver{status: status}
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		rc.reqs = append(rc.reqs, received{header: r.Header.Clone(), body: b})
		rc.mu.Unlock()
		w.WriteHeader(rc.status)
	}))
	t.Cleanup(ts.Close)
	return rc, ts.URL + "/hook"
}

func (rc *receiver) all() []received {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]received(nil), rc.reqs...)
}

func createWebhook(t *testing.T, base, topic, target, secret string) wootest.Webhook {
	t.Helper()
	status, body := api(t, base, http.MethodPost, "/webhooks", map[string]any{"name": topic, "topic": topic, "delivery_url": target, "secret": secret})
	if status != http.StatusCreated {
		t.Fatalf("create webhook: %d %s", status, body)
	}
	var h wootest.Webhook
	decode(t, body, &h)
	return h
}

func createOrder(t *testing.T, base string) {
	t.Helper()
	status, body := api(t, base, http.MethodPost, "/orders", map[string]any{"status": "pending"})
	if status != http.StatusCreated {
		t.Fatalf("create order: %d %s", status, body)
	}
}

func assertPing(t *testing.T, r received, id int) {
	t.Helper()
	if got, want := string(r.body), "webhook_id="+strconv.Itoa(id); got != want {
		t.Errorf("ping body %q, want %q", got, want)
	}
	if ct := r.header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
		t.Errorf("ping Content-Type %q, want form-urlencoded", ct)
	}
	if sig, ok := r.header["X-Wc-Webhook-Signature"]; ok {
		t.Errorf("ping carries a signature header %q", sig)
	}
}

func TestWebhookDeliveries(t *testing.T) {
	srv, base := wootest.Start(t, wootest.Config{ImageCheck: wootest.AllowImages, Delivery: wootest.DeliverSync})
	rc, target := newReceiver(t, http.StatusOK)
	const secret = "s3cr3t-for-tests"
	created := createWebhook(t, base, "order.created", target, secret)
	updated := createWebhook(t, base, "order.updated", target, secret)

	reqs := rc.all()
	if len(reqs) != 2 {
		t.Fatalf("%d requests after creating two webhooks, want two pings", len(reqs))
	}
	assertPing(t, reqs[0], created.ID)
	assertPing(t, reqs[1], updated.ID)

	createOrder(t, base)
	reqs = rc.all()[2:] // synchronous mode: delivered before the API answered
	if len(reqs) != 2 {
		t.Fatalf("%d deliveries after creating an order, want order.created and order.updated", len(reqs))
	}
	for i, want := range []wootest.Webhook{created, updated} {
		r := reqs[i]
		if got := r.header.Get("X-WC-Webhook-Topic"); got != want.Topic {
			t.Errorf("delivery %d topic %q, want %q", i, got, want.Topic)
		}
		if got := r.header.Get("X-WC-Webhook-ID"); got != strconv.Itoa(want.ID) {
			t.Errorf("delivery %d webhook id %q, want %d", i, got, want.ID)
		}
		mac := hmac.New(sha256.New, []byte(secret))
		mac.Write(r.body)
		sig, err := base64.StdEncoding.DecodeString(r.header.Get("X-WC-Webhook-Signature"))
		if err != nil || !hmac.Equal(sig, mac.Sum(nil)) {
			t.Errorf("delivery %d: signature %q does not verify against the raw body", i, r.header.Get("X-WC-Webhook-Signature"))
		}
		var o wootest.Order
		decode(t, r.body, &o)
		if o.ID == 0 {
			t.Errorf("delivery %d body is not an order: %.200s", i, r.body)
		}
	}
	if !bytes.Equal(reqs[0].body, reqs[1].body) {
		t.Errorf("order.created and order.updated bodies differ:\n%s\n%s", reqs[0].body, reqs[1].body)
	}
	if reqs[0].header.Get("X-WC-Webhook-Delivery-ID") == reqs[1].header.Get("X-WC-Webhook-Delivery-ID") {
		t.Errorf("delivery ids are not unique per delivery")
	}
	if n := len(srv.Deliveries()); n != 4 {
		t.Errorf("Deliveries() has %d entries, want 2 pings + 2 deliveries", n)
	}
}

func TestWebhookDisabledAfterFailures(t *testing.T) {
	srv, base := wootest.Start(t, wootest.Config{ImageCheck: wootest.AllowImages, Delivery: wootest.DeliverSync})
	rc, target := newReceiver(t, http.StatusInternalServerError)
	hook := createWebhook(t, base, "order.updated", target, "secret")

	type counts struct{ pings, deliveries int }
	count := func() counts {
		var c counts
		for _, d := range srv.Deliveries() {
			if d.WebhookID != hook.ID {
				continue
			}
			if d.Ping {
				c.pings++
			} else {
				c.deliveries++
			}
		}
		return c
	}
	status := func() string {
		t.Helper()
		code, body := api(t, base, http.MethodGet, "/webhooks/"+strconv.Itoa(hook.ID), nil)
		if code != http.StatusOK {
			t.Fatalf("get webhook: %d %s", code, body)
		}
		var h wootest.Webhook
		decode(t, body, &h)
		return h.Status
	}
	if c := count(); c.pings != 1 || c.deliveries != 0 {
		t.Fatalf("after create: %+v, want one (failed) ping", c)
	}
	if s := status(); s != "active" {
		t.Fatalf("webhook %s after a failed ping, want active (creation succeeds)", s)
	}

	for i := 1; i <= 7; i++ {
		createOrder(t, base)
		if c := count(); c.deliveries != i {
			t.Fatalf("order %d: %d deliveries, want %d", i, c.deliveries, i)
		}
		want := "active"
		if i == 7 {
			want = "disabled"
		}
		if s := status(); s != want {
			t.Fatalf("after failure %d the webhook is %s, want %s", i, s, want)
		}
	}
	createOrder(t, base)
	if c := count(); c.deliveries != 7 {
		t.Fatalf("a disabled webhook was delivered to: %d deliveries", c.deliveries)
	}

	before := count().pings
	code, body := api(t, base, http.MethodPut, "/webhooks/"+strconv.Itoa(hook.ID), map[string]any{"status": "active"})
	if code != http.StatusOK {
		t.Fatalf("re-enable: %d %s", code, body)
	}
	if got := count().pings; got != before+1 {
		t.Fatalf("re-enabling sent %d pings, want 1", got-before)
	}
	reqs := rc.all()
	assertPing(t, reqs[len(reqs)-1], hook.ID)
	if s := status(); s != "active" {
		t.Fatalf("after re-enable: %s", s)
	}

	// The failure count survives re-enabling, so the next failure disables it again (fixture 48).
	createOrder(t, base)
	if s := status(); s != "disabled" {
		t.Fatalf("after one more failure the re-enabled webhook is %s, want disabled", s)
	}
}
