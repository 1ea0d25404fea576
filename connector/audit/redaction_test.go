package audit_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/audit"
	"github.com/intcomex-connector/connector/connector/audit/audittest"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

// Every kind of credential the connector handles goes through the transport; none of them may
// reach the api_calls table, whatever the database.
func TestNoSecretReachesTheDatabase(t *testing.T) {
	const (
		bearer         = "bearer-tok-7f3a9"
		cookie         = "session-cookie-55d1"
		shopToken      = "shpat_0123456789abcdef"
		wcSignature    = "wc-sig-b64-Zm9vYmFy"
		signature      = "iws-sig-c0ffee42"
		accessKey      = "iws-access-key-3be1"
		consumerKey    = "ck_5b7e1c2a9d"
		consumerSecret = "cs_8f6a4d3b2c"
		oauthCode      = "oauth-code-77aa1"
		clientSecret   = "client-secret-91bd"
		refreshToken   = "refresh-tok-10fe2"
		password       = "hunter2-password-x"
		respToken      = "resp-access-tok-4411"
		literal        = "literal-only-secret-62"
		truncSecret    = "truncated-secret-value-ABCDEFGHIJ"
	)
	secrets := []string{bearer, cookie, shopToken, wcSignature, signature, accessKey, consumerKey, consumerSecret,
		oauthCode, clientSecret, refreshToken, password, respToken, literal, truncSecret}

	storetest.Each(t, func(t *testing.T, st *store.Store) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			io.Copy(io.Discard, r.Body)
			w.Header().Set("Set-Cookie", "sid="+cookie)
			w.Header().Set("X-Shopify-Access-Token", shopToken)
			switch r.URL.Path {
			case "/oauth/access_token":
				w.Header().Set("Content-Type", "application/json")
				io.WriteString(w, `{"access_token":"`+respToken+`","scope":"write_products","refresh_token":"`+refreshToken+`"}`)
			case "/big":
				w.Header().Set("Content-Type", "application/json")
				// The secret sits across the body cap: only its first bytes are captured.
				io.WriteString(w, `{"pad":"`+strings.Repeat("p", 200)+`","client_secret":"`+truncSecret+`"}`)
			default:
				io.WriteString(w, "echo: "+literal)
			}
		}))
		defer srv.Close()
		c := &http.Client{Transport: audit.NewTransport(nil, st, audit.SystemShopify, audit.Options{
			SecretValues: []string{literal},
		})}
		capped := &http.Client{Transport: audit.NewTransport(nil, st, audit.SystemShopify, audit.Options{BodyLimit: 230})}

		do := func(c *http.Client, method, path, contentType, body string, hdr map[string]string) {
			t.Helper()
			req, err := http.NewRequestWithContext(context.Background(), method, srv.URL+path, strings.NewReader(body))
			if err != nil {
				t.Fatal(err)
			}
			if contentType != "" {
				req.Header.Set("Content-Type", contentType)
			}
			for k, v := range hdr {
				req.Header.Set(k, v)
			}
			resp, err := c.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
		}
		q := url.Values{
			"apiKey": {"public-api-key"}, "utcTimeStamp": {"2024-05-01T10:00:00Z"}, "signature": {signature},
			"accessKey": {accessKey}, "consumer_key": {consumerKey}, "consumer_secret": {consumerSecret},
		}
		do(c, http.MethodGet, "/v1/getcatalog?"+q.Encode(), "", "", map[string]string{
			"Authorization": "Bearer " + bearer, "Cookie": "sid=" + cookie,
		})
		do(c, http.MethodPost, "/webhook", "application/json", `{"id":1}`, map[string]string{
			"X-WC-Webhook-Signature": wcSignature, "X-Shopify-Access-Token": shopToken,
		})
		do(c, http.MethodPost, "/oauth/access_token", "application/json",
			`{"client_id":"public-client","client_secret":"`+clientSecret+`","code":"`+oauthCode+`"}`, nil)
		do(c, http.MethodPost, "/oauth/token", "application/x-www-form-urlencoded",
			url.Values{"grant_type": {"password"}, "password": {password}, "code": {oauthCode}, "refresh_token": {refreshToken}}.Encode(), nil)
		do(c, http.MethodGet, "/admin/callback?code="+oauthCode+"&shop=demo.myshopify.com", "", "", nil)
		do(c, http.MethodPost, "/echo", "text/plain", "my secret is "+literal, nil)
		do(capped, http.MethodGet, "/big", "", "", nil)

		calls, err := st.ListAPICalls(context.Background(), store.APICallFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(calls) != 7 {
			t.Fatalf("%d rows, want 7", len(calls))
		}
		audittest.AssertNoSecrets(t, calls, secrets...)
		// The truncated body is flagged and its redaction visible.
		big := calls[0]
		if !big.ResponseTruncated || !strings.Contains(big.ResponseBody, `"client_secret":"REDACTED"`) {
			t.Errorf("capped body = %q (truncated=%v)", big.ResponseBody, big.ResponseTruncated)
		}
		// What is not secret stays readable.
		first := calls[len(calls)-1]
		for _, keep := range []string{"apiKey=public-api-key", "utcTimeStamp=2024-05-01T10", "signature=REDACTED", "consumer_secret=REDACTED"} {
			if !strings.Contains(first.URL, keep) {
				t.Errorf("URL %q lacks %q", first.URL, keep)
			}
		}
		if !strings.Contains(first.RequestHeaders, "Authorization: REDACTED") {
			t.Errorf("request headers = %q", first.RequestHeaders)
		}
	})
}

func TestAssertNoSecretsCatchesLeaks(t *testing.T) {
	calls := []store.APICall{{ID: 1, System: "iws", URL: "https://x/?k=a%2Fb%2Bc", ResponseBody: `{"k":"q\"uote"}`}}
	for _, secret := range []string{"a/b+c", `q"uote`} {
		ft := &fakeT{TB: t}
		audittest.AssertNoSecrets(ft, calls, secret)
		if !ft.failed {
			t.Errorf("AssertNoSecrets missed %q", secret)
		}
		if strings.Contains(ft.msg, secret) {
			t.Errorf("failure message shows the secret: %s", ft.msg)
		}
	}
	ft := &fakeT{TB: t}
	audittest.AssertNoSecrets(ft, calls, "absent", "")
	if ft.failed {
		t.Error("AssertNoSecrets failed on clean rows")
	}
}

type fakeT struct {
	testing.TB
	failed bool
	msg    string
}

func (f *fakeT) Helper() {}
func (f *fakeT) Errorf(format string, args ...any) {
	f.failed = true
	f.msg += strings.TrimSpace(sprintf(format, args...))
}
