package shopifytest_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/platforms/shopify"
	"github.com/intcomex-connector/connector/platforms/shopify/shopifytest"
)

func TestBulkMutationEndToEnd(t *testing.T) {
	s, _ := newFake(t, nil)
	var staged struct {
		StagedTargets []struct {
			URL        string
			Parameters []struct{ Name, Value string }
		} `json:"stagedTargets"`
	}
	field(t, gql(t, s, shopify.OpStagedUploadsCreate, map[string]any{"input": []any{map[string]any{"resource": "BULK_MUTATION_VARIABLES", "filename": "vars.jsonl", "mimeType": "text/jsonl", "httpMethod": "POST"}}}), "stagedUploadsCreate", &staged)
	tgt := staged.StagedTargets[0]
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	key := ""
	for _, p := range tgt.Parameters {
		_ = mw.WriteField(p.Name, p.Value)
		if p.Name == "key" {
			key = p.Value
		}
	}
	fw, _ := mw.CreateFormFile("file", "vars.jsonl")
	for _, sku := range []string{"B1", "B2", "B3"} {
		line, _ := json.Marshal(productInput(sku))
		fw.Write(append(line, '\n'))
	}
	mw.Close()
	resp, err := http.Post(tgt.URL, mw.FormDataContentType(), &buf)
	if err != nil || resp.StatusCode != http.StatusCreated {
		t.Fatalf("upload: %v %v", err, resp.Status)
	}
	resp.Body.Close()
	var run struct {
		BulkOperation struct{ ID, Status string } `json:"bulkOperation"`
		UserErrors    []struct{ Message string }  `json:"userErrors"`
	}
	field(t, gql(t, s, shopify.OpBulkOperationRunMutation, map[string]any{"mutation": shopify.Document(shopify.OpProductSet), "stagedUploadPath": key}), "bulkOperationRunMutation", &run)
	if run.BulkOperation.Status != "RUNNING" {
		t.Fatalf("%+v", run)
	}
	var op struct {
		Status string
		URL    *string `json:"url"`
	}
	s.Wait() // the bulk run, in the background
	field(t, gql(t, s, shopify.OpBulkOperation, map[string]any{"id": run.BulkOperation.ID}), "bulkOperation", &op)
	if op.Status != "COMPLETED" || op.URL == nil {
		t.Fatalf("%+v", op)
	}
	res, err := http.Get(*op.URL)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(res.Body)
	res.Body.Close()
	lines := strings.Split(strings.TrimSpace(string(body)), "\n")
	if len(lines) != 3 || !strings.Contains(lines[2], `"__lineNumber":2`) || !strings.Contains(lines[0], "productSet") {
		t.Fatalf("results: %s", body)
	}
	if len(s.Products()) != 3 {
		t.Fatalf("%d products", len(s.Products()))
	}
	// A missing staged file is a userError.
	var bad struct {
		UserErrors []struct{ Code string } `json:"userErrors"`
	}
	field(t, gql(t, s, shopify.OpBulkOperationRunMutation, map[string]any{"mutation": shopify.Document(shopify.OpProductSet), "stagedUploadPath": "nope"}), "bulkOperationRunMutation", &bad)
	if len(bad.UserErrors) != 1 || bad.UserErrors[0].Code != "NO_SUCH_FILE" {
		t.Fatalf("%+v", bad)
	}
}

func TestWebhookHMAC(t *testing.T) {
	s, _ := newFake(t, func(c *shopifytest.Config) { c.ClientSecret = "hush" })
	got := make(chan *http.Request, 4)
	bodies := make(chan []byte, 4)
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got <- r
		bodies <- b
	}))
	defer hook.Close()
	gql(t, s, shopify.OpWebhookSubscriptionCreate, map[string]any{"topic": "ORDERS_PAID", "webhookSubscription": map[string]any{"uri": hook.URL}})
	s.CreateOrder(shopifytest.NewOrder{Email: "x@y.z", Lines: []shopifytest.OrderLine{{SKU: "A", Quantity: 1}}})
	r, body := <-got, <-bodies
	m := hmac.New(sha256.New, []byte("hush"))
	m.Write(body)
	if want := base64.StdEncoding.EncodeToString(m.Sum(nil)); r.Header.Get("X-Shopify-Hmac-Sha256") != want {
		t.Fatal("HMAC does not verify")
	}
	for _, h := range []string{"X-Shopify-Topic", "X-Shopify-Shop-Domain", "X-Shopify-API-Version", "X-Shopify-Webhook-Id", "X-Shopify-Event-Id", "X-Shopify-Triggered-At"} {
		if r.Header.Get(h) == "" {
			t.Errorf("missing %s", h)
		}
	}
	if r.Header.Get("X-Shopify-Topic") != "orders/paid" {
		t.Fatalf("topic %q", r.Header.Get("X-Shopify-Topic"))
	}
}

func TestOAuthCodeAndRefresh(t *testing.T) {
	s, c := newFake(t, func(c *shopifytest.Config) { c.ClientID, c.ClientSecret = "cid", "csecret" })
	noRedirect := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noRedirect.Get(s.URL() + "/admin/oauth/authorize?client_id=cid&scope=write_products&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback&state=nonce1")
	if err != nil || resp.StatusCode != http.StatusFound {
		t.Fatalf("%v %v", err, resp)
	}
	loc, _ := resp.Location()
	q := loc.Query()
	if q.Get("state") != "nonce1" || q.Get("shop") != "demo.myshopify.com" || q.Get("hmac") != shopifytest.QueryHMAC("csecret", q) {
		t.Fatalf("callback %s", loc)
	}
	exchange := func(body map[string]any) (int, map[string]any) {
		b, _ := json.Marshal(body)
		r, err := http.Post(s.URL()+"/admin/oauth/access_token", "application/json", bytes.NewReader(b))
		if err != nil {
			t.Fatal(err)
		}
		defer r.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(r.Body).Decode(&out)
		return r.StatusCode, out
	}
	code, tok := exchange(map[string]any{"client_id": "cid", "client_secret": "csecret", "code": q.Get("code"), "expiring": "1"})
	if code != 200 || tok["refresh_token"] == nil || tok["expires_in"] == nil || tok["refresh_token_expires_in"] == nil {
		t.Fatalf("%d %v", code, tok)
	}
	if c2, _ := exchange(map[string]any{"client_id": "cid", "client_secret": "csecret", "code": q.Get("code")}); c2 != 400 {
		t.Fatal("code reused")
	}
	access := tok["access_token"].(string)
	if st, _ := post(t, s, access, shopify.Document(shopify.OpShop), nil); st != 200 {
		t.Fatal("new token refused")
	}
	c.Add(61 * time.Minute)
	if st, _ := post(t, s, access, shopify.Document(shopify.OpShop), nil); st != 401 {
		t.Fatal("expired token accepted")
	}
	code, tok2 := exchange(map[string]any{"client_id": "cid", "client_secret": "csecret", "grant_type": "refresh_token", "refresh_token": tok["refresh_token"]})
	if code != 200 || tok2["access_token"] == access {
		t.Fatalf("%d %v", code, tok2)
	}
	if st, _ := post(t, s, tok2["access_token"].(string), shopify.Document(shopify.OpShop), nil); st != 200 {
		t.Fatal("refreshed token refused")
	}
	if c3, _ := exchange(map[string]any{"client_id": "cid", "client_secret": "csecret", "grant_type": "refresh_token", "refresh_token": tok["refresh_token"]}); c3 != 400 {
		t.Fatal("refresh token reused")
	}
}
