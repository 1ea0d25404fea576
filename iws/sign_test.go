package iws

import (
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"
)

// The three verified rows of NOTES §2.5.
func TestSignatureVectors(t *testing.T) {
	tests := []struct {
		name, apiKey, accessKey, ts, want string
	}{
		{
			name:      "spec step 2, upper-case keys",
			apiKey:    "21B17E10-351D-40EC-9042-3AD080858584",
			accessKey: "F46EF264-4FC5-4671-92D9-CE69B888F62F",
			ts:        "2015-02-26T15:06:18Z",
			want:      "9c6151ff51fac712cc596c4fc0a8b65482e262e7391f8cbab6c7d5b8a386fbc3",
		},
		{
			name:      "spec sample token, lower-case keys",
			apiKey:    "21b17e10-351d-40ec-9042-3ad080858584",
			accessKey: "f46ef264-4fc5-4671-92d9-ce69b888f62f",
			ts:        "2015-02-26T15:06:18Z",
			want:      "c99f870db10f4fd62706ef13afc2d6a46f1022e94b4a3c7f5096fb07d14a7296",
		},
		{
			name:      "synthetic keys",
			apiKey:    testAPIKey,
			accessKey: testAccessKey,
			ts:        "2024-01-02T03:04:05Z",
			want:      "89ee9b2f2ee67cf73d4df18894c75d31a289300100552a60e4bd196757d6877e",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Signature(tt.apiKey, tt.accessKey, tt.ts); got != tt.want {
				t.Errorf("Signature = %s, want %s", got, tt.want)
			}
			now, err := time.Parse(TimestampLayout, tt.ts)
			if err != nil {
				t.Fatal(err)
			}
			want := "apiKey=" + tt.apiKey + "&utcTimeStamp=" + tt.ts + "&signature=" + tt.want
			// A non-UTC clock must still sign in UTC.
			if got := Token(tt.apiKey, tt.accessKey, now.In(time.FixedZone("X", -5*3600))); got != want {
				t.Errorf("Token = %s, want %s", got, want)
			}
		})
	}
}

func TestAuthorizationHeaderFormat(t *testing.T) {
	var got http.Header
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Clone()
		w.WriteHeader(http.StatusOK)
	}), func(cfg *Config) {
		cfg.Now = func() time.Time { return time.Date(2024, 1, 2, 3, 4, 5, 999, time.UTC) }
	})
	if err := c.Authenticate(t.Context()); err != nil {
		t.Fatal(err)
	}
	want := "Bearer apiKey=00000000-0000-0000-0000-000000000001&utcTimeStamp=2024-01-02T03:04:05Z" +
		"&signature=89ee9b2f2ee67cf73d4df18894c75d31a289300100552a60e4bd196757d6877e"
	if a := got.Get("Authorization"); a != want {
		t.Errorf("Authorization = %q\nwant            %q", a, want)
	}
	if got.Get("Accept") != "application/json" || got.Get("Content-Type") != "application/json" {
		t.Errorf("Accept/Content-Type = %q/%q", got.Get("Accept"), got.Get("Content-Type"))
	}
	if got.Get("User-Agent") != DefaultUserAgent {
		t.Errorf("User-Agent = %q", got.Get("User-Agent"))
	}
	if strings.Contains(strings.Join(got.Values("Authorization"), ""), testAccessKey) {
		t.Error("access key sent")
	}
}

func TestFreshTimestampPerAttempt(t *testing.T) {
	var mu sync.Mutex
	var stamps []string
	c, _ := newTestClient(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ts, ok := verifyAuth(r)
		if !ok {
			writeJSON(w, 401, `{"Message":"Invalid signature.","ErrorCode":10}`)
			return
		}
		mu.Lock()
		stamps = append(stamps, ts)
		n := len(stamps)
		mu.Unlock()
		if n < 3 {
			writeJSON(w, 503, `upstream unavailable`)
			return
		}
		writeJSON(w, 200, `{"Status":{"StatusCode":1,"Description":"Open"}}`)
	}))
	if _, err := c.GetOrderStatus(t.Context(), "123"); err != nil {
		t.Fatal(err)
	}
	if len(stamps) != 3 {
		t.Fatalf("attempts = %d, want 3", len(stamps))
	}
	seen := map[string]bool{}
	for _, s := range stamps {
		if seen[s] {
			t.Errorf("timestamp %s reused across attempts: %v", s, stamps)
		}
		seen[s] = true
	}
}
