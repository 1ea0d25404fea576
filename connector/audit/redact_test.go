package audit

import (
	"bytes"
	"compress/gzip"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"pgregory.net/rapid"
)

func TestRedactJSON(t *testing.T) {
	r := newRedactor(nil, nil)
	tests := []struct {
		name, in, want string
	}{
		{"flat", `{"apiKey":"pub","accessKey":"s3cr3t","n":1}`, `{"apiKey":"pub","accessKey":"REDACTED","n":1}`},
		{"case and spacing", `{ "Access_Key" : "x1", "PASSWORD":"p" }`, `{ "Access_Key" : "REDACTED", "PASSWORD":"REDACTED" }`},
		{"nested and arrays", `{"a":[{"token":"t1"},{"client_secret":"c"}],"b":{"refresh_token":"r"}}`,
			`{"a":[{"token":"REDACTED"},{"client_secret":"REDACTED"}],"b":{"refresh_token":"REDACTED"}}`},
		{"number and literal values", `{"secret":12345,"password":null,"ok":true}`, `{"secret":"REDACTED","password":"REDACTED","ok":true}`},
		{"object value", `{"secret":{"a":"b","c":[1,2]},"x":1}`, `{"secret":"REDACTED","x":1}`},
		{"suffix rule", `{"webhookSecret":"w","storefrontAccessToken":"s","token_type":"bearer"}`,
			`{"webhookSecret":"REDACTED","storefrontAccessToken":"REDACTED","token_type":"bearer"}`},
		{"escaped quotes in value", `{"password":"a\"b\\","x":"y"}`, `{"password":"REDACTED","x":"y"}`},
		{"escaped key", `{"pass\u0077ord":"p"}`, `{"pass\u0077ord":"REDACTED"}`},
		{"string values that look like keys are untouched", `{"note":"password","k":"token: x"}`, `{"note":"password","k":"token: x"}`},
		{"IWS error code kept", `{"Code":"90","Message":"already placed"}`, `{"Code":"90","Message":"already placed"}`},
		{"truncated inside secret value", `{"a":1,"accessKey":"s3cr3`, `{"a":1,"accessKey":"REDACTED"`},
		{"truncated inside secret object", `{"secret":{"a":"b`, `{"secret":"REDACTED"`},
		{"truncated after colon", `{"token": `, `{"token": `},
		{"truncated in key", `{"a":"b","acce`, `{"a":"b","acce`},
		{"json lines", "{\"token\":\"a\"}\n{\"token\":\"b\"}\n", "{\"token\":\"REDACTED\"}\n{\"token\":\"REDACTED\"}\n"},
		{"invalid json still scanned", `{token: "x", "password": "y"`, `{token: "x", "password": "REDACTED"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := string(redactJSON([]byte(tt.in), r.sensitiveKey)); got != tt.want {
				t.Errorf("redactJSON(%s)\n got %s\nwant %s", tt.in, got, tt.want)
			}
		})
	}
}

// Whatever byte a JSON document is cut at, no piece of a secret value survives.
func TestRedactJSONAnyPrefix(t *testing.T) {
	r := newRedactor(nil, nil)
	rapid.Check(t, func(t *rapid.T) {
		secret := "Zq" + rapid.StringMatching(`[A-Za-z0-9+/=]{10,30}`).Draw(t, "secret") + "Xk"
		key := rapid.SampledFrom([]string{"accessKey", "password", "client_secret", "Authorization", "refresh_token", "consumer_secret", "api_secret"}).Draw(t, "key")
		pad := rapid.StringMatching(`[a-z ]{0,40}`).Draw(t, "pad")
		ws := rapid.SampledFrom([]string{"", " ", "\n  "}).Draw(t, "ws")
		doc := `{"items":[{"sku":"` + pad + `"}],` + ws + `"` + key + `"` + ws + ":" + ws + `"` + secret + `",` + ws + `"after":"` + pad + `"}`
		cut := rapid.IntRange(0, len(doc)).Draw(t, "cut")
		out := string(redactJSON([]byte(doc[:cut]), r.sensitiveKey))
		for i := 0; i+4 <= len(secret); i++ {
			if strings.Contains(out, secret[i:i+4]) {
				t.Fatalf("cut %d of %q leaks %q: %q", cut, doc, secret[i:i+4], out)
			}
		}
	})
}

func TestRedactURL(t *testing.T) {
	r := newRedactor(nil, []string{"literal-secret-value"})
	tests := []struct{ in, want string }{
		{"https://intcomex-test.apigee.net/v1/getcatalog?apiKey=pub&utcTimeStamp=2024-01-01T00:00:00Z&signature=abc123&locale=en",
			"https://intcomex-test.apigee.net/v1/getcatalog?apiKey=pub&utcTimeStamp=2024-01-01T00:00:00Z&signature=REDACTED&locale=en"},
		{"https://shop.example/wp-json/wc/v3/products?consumer_key=ck_1&consumer_secret=cs_2&per_page=100",
			"https://shop.example/wp-json/wc/v3/products?consumer_key=REDACTED&consumer_secret=REDACTED&per_page=100"},
		{"https://shop.example/cb?code=oauthcode&hmac=h&shop=s.myshopify.com&state=n",
			"https://shop.example/cb?code=REDACTED&hmac=REDACTED&shop=s.myshopify.com&state=n"},
		{"https://ck_user:cs_pass@shop.example/x#frag", "https://REDACTED@shop.example/x"},
		{"https://x/y?AccessKey=a&oauth_signature=b&access_token=c&password=d&client_secret=e&token=f",
			"https://x/y?AccessKey=REDACTED&oauth_signature=REDACTED&access_token=REDACTED&password=REDACTED&client_secret=REDACTED&token=REDACTED"},
		{"https://x/literal-secret-value/y?q=literal-secret-value", "https://x/REDACTED/y?q=REDACTED"},
	}
	for _, tt := range tests {
		u, err := url.Parse(tt.in)
		if err != nil {
			t.Fatal(err)
		}
		if got := r.redactURL(u); got != tt.want {
			t.Errorf("redactURL(%s)\n got %s\nwant %s", tt.in, got, tt.want)
		}
	}
}

func TestRedactHeaders(t *testing.T) {
	r := newRedactor(nil, nil)
	h := http.Header{
		"Authorization":          {"Bearer abc"},
		"Cookie":                 {"sid=1"},
		"X-Shopify-Access-Token": {"shpat_1"},
		"X-Wc-Webhook-Signature": {"sig"},
		"X-Custom-Api-Token":     {"t"},
		"Content-Type":           {"application/json"},
		"Retry-After":            {"2"},
	}
	got := r.redactHeaders(h)
	for _, secret := range []string{"Bearer abc", "sid=1", "shpat_1", "sig\n", ": t\n"} {
		if strings.Contains(got, secret) {
			t.Errorf("headers leak %q:\n%s", secret, got)
		}
	}
	for _, kept := range []string{"Content-Type: application/json\n", "Retry-After: 2\n", "Authorization: REDACTED\n"} {
		if !strings.Contains(got, kept) {
			t.Errorf("headers lack %q:\n%s", kept, got)
		}
	}
	big := http.Header{"X-Big": {strings.Repeat("a", maxHeaderBytes)}}
	if got := r.redactHeaders(big); len(got) > maxHeaderBytes+64 || !strings.Contains(got, "truncated") {
		t.Errorf("oversized header block not capped: %d bytes", len(got))
	}
}

func TestBody(t *testing.T) {
	r := newRedactor(nil, []string{"shpat_literal"})
	gz := func(s string) []byte {
		var b bytes.Buffer
		w := gzip.NewWriter(&b)
		w.Write([]byte(s))
		w.Close()
		return b.Bytes()
	}
	tests := []struct {
		name      string
		body      []byte
		truncated bool
		header    http.Header
		want      string
		wantTrunc bool
	}{
		{"json by type", []byte(`{"password":"p"}`), false, http.Header{"Content-Type": {"application/json; charset=utf-8"}}, `{"password":"REDACTED"}`, false},
		{"json sniffed", []byte(` [{"token":"p"}]`), false, nil, ` [{"token":"REDACTED"}]`, false},
		{"form", []byte(`client_id=a&client_secret=b&code=c`), false, http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}, `client_id=a&client_secret=REDACTED&code=REDACTED`, false},
		{"form sniffed truncated", []byte(`grant_type=x&password=hunt`), true, nil, `grant_type=x&password=REDACTED`, true},
		{"plain text scrubbed", []byte(`token is shpat_literal ok`), false, http.Header{"Content-Type": {"text/plain"}}, `token is REDACTED ok`, false},
		{"binary", []byte{0x89, 'P', 'N', 'G', 0, 1, 2}, false, http.Header{"Content-Type": {"image/png"}}, `[binary body not stored: 7 bytes, content type "image/png"]`, false},
		{"multipart", []byte("--b\r\nContent-Disposition: form-data; name=\"signature\"\r\n\r\nx\r\n"), false, http.Header{"Content-Type": {"multipart/form-data; boundary=b"}}, `[multipart/form-data body not stored: 10 bytes]`, false},
		{"partial rune at cut", []byte("{\"n\":\"caf\xc3"), true, http.Header{"Content-Type": {"application/json"}}, `{"n":"caf`, true},
		{"gzip", gz(`{"accessKey":"k","a":1}`), false, http.Header{"Content-Encoding": {"gzip"}, "Content-Type": {"application/json"}}, `{"accessKey":"REDACTED","a":1}`, false},
		{"gzip cut", gz(strings.Repeat("x", 10000))[:40], true, http.Header{"Content-Encoding": {"gzip"}}, "", true},
		{"brotli", []byte("xx"), false, http.Header{"Content-Encoding": {"br"}}, `[br-encoded body not stored: 10 bytes]`, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			// total (10) is the caller's byte count; it only shows in the notes.
			total := int64(10)
			if tt.name == "binary" {
				total = 7
			}
			got, trunc := r.body(tt.body, 1000, tt.truncated, total, h, true)
			if tt.name == "gzip cut" {
				if !strings.HasPrefix(got, "xxx") || !trunc {
					t.Errorf("got %q, %v", got, trunc)
				}
				return
			}
			if got != tt.want || trunc != tt.wantTrunc {
				t.Errorf("body = %q, %v; want %q, %v", got, trunc, tt.want, tt.wantTrunc)
			}
		})
	}
}

func TestBodyCodeOnlyRedactedInRequests(t *testing.T) {
	r := newRedactor(nil, nil)
	h := http.Header{"Content-Type": {"application/json"}}
	in := []byte(`{"client_id":"c","code":"oauth-code"}`)
	if got, _ := r.body(in, 1000, false, 0, h, true); got != `{"client_id":"c","code":"REDACTED"}` {
		t.Errorf("request body = %s", got)
	}
	iwsErr := []byte(`{"Code":"90","Message":"Order already placed"}`)
	if got, _ := r.body(iwsErr, 1000, false, 0, h, false); got != string(iwsErr) {
		t.Errorf("response body = %s", got)
	}
}

func TestMethodFromPath(t *testing.T) {
	tests := map[string]string{
		"/v1/getcatalog":                          "getcatalog",
		"/v1/GetProducts/":                        "getproducts",
		"/wp-json/wc/v3/products/123":             "products",
		"/wp-json/wc/v3/orders/55/notes":          "notes",
		"/admin/api/2024-07/graphql.json":         "graphql",
		"/admin/api/2024-07/products/987.json":    "products",
		"/x/3f2504e0-4f89-11d3-9a0c-0305e82c3301": "x",
		"/": "/",
		"":  "/",
	}
	for in, want := range tests {
		if got := MethodFromPath(in); got != want {
			t.Errorf("MethodFromPath(%q) = %q, want %q", in, got, want)
		}
	}
}
