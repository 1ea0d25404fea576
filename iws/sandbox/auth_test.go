package sandbox_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
)

func queryToken(key, secret string, at time.Time) string {
	ts := at.UTC().Format(iws.TimestampLayout)
	return url.Values{"apiKey": {key}, "utcTimeStamp": {ts}, "signature": {iws.Signature(key, secret, ts)}}.Encode()
}

func TestAuthentication(t *testing.T) {
	e := newEnv(t, sandbox.Config{})
	now := e.clock.Now()
	bearer := func(token string) reqOption { return withHeader("Authorization", "Bearer "+token) }
	cases := []struct {
		name   string
		path   string
		opts   []reqOption
		status int
		code   int
		extra  map[string]string // fields the error must echo
	}{
		{"header", "/v1/authenticate", nil, 200, 0, nil},
		{"query", "/v1/authenticate?" + queryToken(testAPIKey, testAccessKey, now), []reqOption{unsigned()}, 200, 0, nil},
		{"query names any case", "/v1/getcatalog?APIKEY=" + testAPIKey + "&UtcTimeStamp=" + now.Format(iws.TimestampLayout) +
			"&SIGNATURE=" + iws.Signature(testAPIKey, testAccessKey, now.Format(iws.TimestampLayout)), []reqOption{unsigned()}, 200, 0, nil},
		{"lower-case scheme", "/v1/authenticate", []reqOption{withHeader("Authorization", "bearer "+iws.Token(testAPIKey, testAccessKey, now))}, 200, 0, nil},
		{"fractional seconds", "/v1/authenticate", []reqOption{bearer(fractionalToken(now))}, 200, 0, nil},
		{"header wins over a valid query", "/v1/authenticate?" + queryToken(testAPIKey, testAccessKey, now),
			[]reqOption{bearer(iws.Token(testAPIKey, "wrong", now))}, 401, 10, nil},
		{"empty header with a valid query", "/v1/authenticate?" + queryToken(testAPIKey, testAccessKey, now),
			[]reqOption{withHeader("Authorization", "")}, 401, 18, nil},
		{"nothing", "/v1/authenticate", []reqOption{unsigned()}, 401, 19, nil},
		{"basic scheme", "/v1/authenticate", []reqOption{withHeader("Authorization", "Basic Zm9vOmJhcg==")}, 401, 18, nil},
		{"empty bearer", "/v1/authenticate", []reqOption{withHeader("Authorization", "Bearer ")}, 401, 18, nil},
		{"unknown key", "/v1/authenticate", []reqOption{bearer(iws.Token("someone-else", testAccessKey, now))}, 401, 13,
			map[string]string{"ApiKey": "someone-else"}},
		{"key in other case", "/v1/authenticate", []reqOption{bearer(iws.Token("00000000-0000-0000-0000-00000000000A", testAccessKey, now))}, 401, 13, nil},
		{"bad signature", "/v1/authenticate", []reqOption{bearer("apiKey=" + testAPIKey + "&utcTimeStamp=" + now.Format(iws.TimestampLayout) + "&signature=abc")}, 401, 10,
			map[string]string{"Signature": "abc"}},
		{"upper-case hex", "/v1/authenticate", []reqOption{bearer("apiKey=" + testAPIKey + "&utcTimeStamp=" + now.Format(iws.TimestampLayout) +
			"&signature=" + upper(iws.Signature(testAPIKey, testAccessKey, now.Format(iws.TimestampLayout))))}, 401, 10, nil},
		{"malformed time stamp", "/v1/authenticate", []reqOption{bearer("apiKey=" + testAPIKey + "&utcTimeStamp=03/10/2026&signature=" +
			iws.Signature(testAPIKey, testAccessKey, "03/10/2026"))}, 401, 11, nil},
		{"missing time stamp", "/v1/authenticate", []reqOption{bearer("apiKey=" + testAPIKey + "&signature=abc")}, 401, 11, nil},
		{"expired", "/v1/authenticate", []reqOption{bearer(iws.Token(testAPIKey, testAccessKey, now.Add(-5*time.Minute-time.Second)))}, 401, 12,
			map[string]string{"TimeStamp": now.Add(-5*time.Minute - time.Second).Format(iws.TimestampLayout)}},
		{"just inside the window", "/v1/authenticate", []reqOption{bearer(iws.Token(testAPIKey, testAccessKey, now.Add(-5*time.Minute)))}, 200, 0, nil},
		{"slightly in the future", "/v1/authenticate", []reqOption{bearer(iws.Token(testAPIKey, testAccessKey, now.Add(59*time.Second)))}, 200, 0, nil},
		{"far in the future", "/v1/authenticate", []reqOption{bearer(iws.Token(testAPIKey, testAccessKey, now.Add(2*time.Minute)))}, 401, 11, nil},
		{"unknown method still needs no auth to 404", "/v1/getfoo", []reqOption{unsigned()}, 404, 0, nil},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := e.get(tc.path, tc.opts...).want(t, tc.status, tc.code)
			if tc.status == http.StatusOK && len(r.body) != 0 && tc.path == "/v1/authenticate" {
				t.Errorf("authenticate answered a body: %q", r.body)
			}
			if tc.status == http.StatusUnauthorized {
				var body map[string]any
				r.decode(t, &body)
				if ref, _ := body["Reference"].(string); len(ref) != 36 {
					t.Errorf("Reference %q is not a GUID", body["Reference"])
				}
				for k, v := range tc.extra {
					if body[k] != v {
						t.Errorf("%s = %v, want %q", k, body[k], v)
					}
				}
			}
		})
	}
}

// TestTokenWindowOnClock signs once and moves the sandbox's clock: the same token is good for five
// minutes after its time stamp, then 401/12.
func TestTokenWindowOnClock(t *testing.T) {
	e := newEnv(t, sandbox.Config{})
	token := withHeader("Authorization", "Bearer "+iws.Token(testAPIKey, testAccessKey, e.clock.Now()))
	e.get("/v1/authenticate", token).want(t, 200, 0)
	e.clock.Advance(4*time.Minute + 59*time.Second)
	e.get("/v1/authenticate", token).want(t, 200, 0)
	e.clock.Advance(2 * time.Second)
	e.get("/v1/authenticate", token).want(t, 401, 12)
}

// TestSpecTestVectors uses the keys of NOTES §2.5: the spec's upper-case example signature, and the
// lower-case variant its sample header carries, each accepted with the key bytes it was made from.
func TestSpecTestVectors(t *testing.T) {
	at := time.Date(2015, 2, 26, 15, 6, 18, 0, time.UTC)
	cases := []struct {
		apiKey, accessKey, signature string
	}{
		{"21B17E10-351D-40EC-9042-3AD080858584", "F46EF264-4FC5-4671-92D9-CE69B888F62F", "9c6151ff51fac712cc596c4fc0a8b65482e262e7391f8cbab6c7d5b8a386fbc3"},
		{"21b17e10-351d-40ec-9042-3ad080858584", "f46ef264-4fc5-4671-92d9-ce69b888f62f", "c99f870db10f4fd62706ef13afc2d6a46f1022e94b4a3c7f5096fb07d14a7296"},
	}
	for _, tc := range cases {
		sb, err := sandbox.New(sandbox.Config{APIKey: tc.apiKey, AccessKey: tc.accessKey, SKUs: 10, Clock: func() time.Time { return at }})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = sb.Close() })
		req, _ := http.NewRequest(http.MethodGet, "http://intcomex-test.apigee.net/v1/authenticate", nil)
		req.Header.Set("Authorization", "Bearer apiKey="+tc.apiKey+"&utcTimeStamp=2015-02-26T15:06:18Z&signature="+tc.signature)
		w := httptest.NewRecorder()
		sb.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			t.Errorf("%s: %d %s", tc.apiKey, w.Code, w.Body.String())
		}
		// The query-string form of the same token.
		req, _ = http.NewRequest(http.MethodGet, "http://intcomex-test.apigee.net/v1/authenticate?apiKey="+tc.apiKey+
			"&utcTimeStamp=2015-02-26T15:06:18Z&signature="+tc.signature, nil)
		w = httptest.NewRecorder()
		sb.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			t.Errorf("%s query: %d %s", tc.apiKey, w.Code, w.Body.String())
		}
	}
	// The other case's signature fails: keys are hashed byte for byte.
	sb, err := sandbox.New(sandbox.Config{APIKey: cases[0].apiKey, AccessKey: cases[0].accessKey, SKUs: 10, Clock: func() time.Time { return at }})
	if err != nil {
		t.Fatal(err)
	}
	defer sb.Close()
	req, _ := http.NewRequest(http.MethodGet, "http://x/v1/authenticate", nil)
	req.Header.Set("Authorization", "Bearer apiKey="+cases[0].apiKey+"&utcTimeStamp=2015-02-26T15:06:18Z&signature="+cases[1].signature)
	w := httptest.NewRecorder()
	sb.ServeHTTP(w, req)
	var body struct{ ErrorCode int }
	_ = json.Unmarshal(w.Body.Bytes(), &body)
	if w.Code != http.StatusUnauthorized || body.ErrorCode != 10 {
		t.Errorf("mixed-case signature: %d %s", w.Code, w.Body.String())
	}
}

func TestTransportRules(t *testing.T) {
	e := newEnv(t, sandbox.Config{RequireHTTPS: true})
	e.get("/v1/authenticate").want(t, http.StatusForbidden, 0)
	e.get("/v1/authenticate", withHeader("X-Forwarded-Proto", "https")).want(t, http.StatusOK, 0)

	ip := newEnv(t, sandbox.Config{AllowedIPs: []string{"203.0.113.9"}})
	r := ip.get("/v1/authenticate").want(t, http.StatusUnauthorized, 14)
	var body map[string]any
	r.decode(t, &body)
	if body["ClientIp"] != "127.0.0.1" {
		t.Errorf("ClientIp = %v", body["ClientIp"])
	}
}

func fractionalToken(at time.Time) string {
	ts := at.UTC().Format("2006-01-02T15:04:05.000Z")
	return "apiKey=" + testAPIKey + "&utcTimeStamp=" + ts + "&signature=" + iws.Signature(testAPIKey, testAccessKey, ts)
}

func upper(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'a' && c <= 'f' {
			b[i] = c - 'a' + 'A'
		}
	}
	return string(b)
}
