package woocommerce

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

func TestAuthorizeURL(t *testing.T) {
	p := AuthorizeParams{AppName: "IWS Connector", UserID: "store-cl-001", ReturnURL: "https://connector.example/shops/1/done",
		CallbackURL: "https://connector.example/wc-auth/callback?shop=1"}
	got, err := AuthorizeURL("https://shop.example/tienda/", p)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(got)
	q := u.Query()
	if u.Scheme != "https" || u.Host != "shop.example" || u.Path != "/tienda/wc-auth/v1/authorize" ||
		q.Get("app_name") != p.AppName || q.Get("scope") != "read_write" || q.Get("user_id") != p.UserID ||
		q.Get("return_url") != p.ReturnURL || q.Get("callback_url") != p.CallbackURL || len(q) != 5 {
		t.Errorf("AuthorizeURL = %s", got)
	}
	for name, mod := range map[string]func(*AuthorizeParams, *string){
		"http callback":     func(p *AuthorizeParams, _ *string) { p.CallbackURL = "http://connector.example/cb" },
		"relative callback": func(p *AuthorizeParams, _ *string) { p.CallbackURL = "/cb" },
		"no app name":       func(p *AuthorizeParams, _ *string) { p.AppName = " " },
		"no user id":        func(p *AuthorizeParams, _ *string) { p.UserID = "" },
		"no return url":     func(p *AuthorizeParams, _ *string) { p.ReturnURL = "" },
		"store not a url":   func(_ *AuthorizeParams, s *string) { *s = "shop.example" },
	} {
		t.Run(name, func(t *testing.T) {
			pp, store := p, "https://shop.example"
			mod(&pp, &store)
			if _, err := AuthorizeURL(store, pp); !errors.Is(err, platforms.ErrInvalid) {
				t.Errorf("err %v, want ErrInvalid", err)
			}
		})
	}
}

const handoffSecret = "cs_fedcba9876543210fedcba9876543210fedcba98"

func TestParseKeyHandoff(t *testing.T) {
	good := `{"key_id":3,"user_id":"store-cl-001","consumer_key":"ck_0123456789abcdef0123456789abcdef0123abcd","consumer_secret":"` + handoffSecret + `","key_permissions":"read_write"}`
	k, err := ParseKeyHandoff([]byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if k.KeyID != 3 || k.UserID != "store-cl-001" || k.ConsumerSecret != handoffSecret || k.Permissions != "read_write" || !strings.HasPrefix(k.ConsumerKey, "ck_") {
		t.Errorf("handoff %v", k)
	}
	if k, err := ParseKeyHandoff([]byte(strings.Replace(good, `"store-cl-001"`, `42`, 1))); err != nil || k.UserID != "42" {
		t.Errorf("numeric user_id: %v, %v", k, err)
	}
	for name, body := range map[string]string{
		"read only":      strings.Replace(good, `"read_write"`, `"read"`, 1),
		"no permissions": strings.Replace(good, `,"key_permissions":"read_write"`, ``, 1),
		"bad key":        strings.Replace(good, `"ck_`, `"xx_`, 1),
		"bad secret":     strings.Replace(good, `"cs_`, `"xx_`, 1),
		"no user":        strings.Replace(good, `"store-cl-001"`, `""`, 1),
		"bad key id":     strings.Replace(good, `"key_id":3`, `"key_id":-3`, 1),
		"truncated":      good[:len(good)-20],
		"secret as int":  strings.Replace(good, `"`+handoffSecret+`"`, `12345`, 1),
		"not json":       handoffSecret,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := ParseKeyHandoff([]byte(body))
			if !errors.Is(err, platforms.ErrInvalid) {
				t.Fatalf("err %v, want ErrInvalid", err)
			}
			if strings.Contains(err.Error(), "fedcba9876543210fedcba98") {
				t.Errorf("secret in error: %v", err)
			}
		})
	}
}

func TestKeyHandoffRedacted(t *testing.T) {
	k := KeyHandoff{KeyID: 3, UserID: "store-1", ConsumerKey: "ck_0123456789abcdef0123456789abcdef0123abcd", ConsumerSecret: handoffSecret, Permissions: "read_write"}
	var logged bytes.Buffer
	slog.New(slog.NewJSONHandler(&logged, nil)).Info("handoff", "key", k)
	js, _ := json.Marshal(k)
	for _, out := range []string{k.String(), fmt.Sprint(k), fmt.Sprintf("%+v", k), fmt.Sprintf("%#v", k), fmt.Sprintf("%v", &k), logged.String(), string(js)} {
		if strings.Contains(out, "fedcba9876543210fedcba98") {
			t.Errorf("secret shown: %s", out)
		}
	}
	if !strings.Contains(logged.String(), `"consumer_secret":"<redacted>"`) || !strings.Contains(logged.String(), "ck_…abcd") {
		t.Errorf("log %s", logged.String())
	}
}

// TestKeyHandoffEndToEnd runs the merchant's approval against the fake: it POSTs a new key to
// an HTTPS callback, which parses it; the key then works against the store.
func TestKeyHandoffEndToEnd(t *testing.T) {
	got := make(chan KeyHandoff, 1)
	callback := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		k, err := ParseKeyHandoff(body)
		if err != nil || r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Errorf("callback %s %s: %v", r.Method, r.Header.Get("Content-Type"), err)
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		got <- k
	}))
	defer callback.Close()
	s, base := wootest.Start(t, wootest.Config{AutoApprove: true, WebhookClient: callback.Client()})
	authURL, err := AuthorizeURL(base, AuthorizeParams{AppName: "IWS Connector", UserID: "store-cl-001",
		ReturnURL: "https://connector.example/done", CallbackURL: callback.URL + "/wc-auth/callback"})
	if err != nil {
		t.Fatal(err)
	}
	browser := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := browser.Get(authURL)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if loc := resp.Header.Get("Location"); resp.StatusCode != http.StatusFound || loc != "https://connector.example/done?success=1&user_id=store-cl-001" {
		t.Fatalf("authorize answered %d to %q", resp.StatusCode, loc)
	}
	k := <-got
	if k.UserID != "store-cl-001" || k.Permissions != "read_write" {
		t.Errorf("handoff %v", k)
	}
	c, err := New(Config{BaseURL: base, ConsumerKey: k.ConsumerKey, ConsumerSecret: k.ConsumerSecret, WebhookSecret: testWebhookSecret})
	if err != nil {
		t.Fatal(err)
	}
	id := placeOrder(t, s, true)
	if _, err := c.GetOrder(context.Background(), id); err != nil {
		t.Errorf("the handed-off key does not work: %v", err)
	}
}
