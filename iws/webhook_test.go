package iws

import (
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestVerifyWebhook(t *testing.T) {
	const apiKey, accessKey = "00000000-0000-0000-0000-000000000001", "11111111-2222-3333-4444-555555555555"
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	token := func(ts string) string {
		return "apiKey=" + apiKey + "&utcTimeStamp=" + ts + "&signature=" + Signature(apiKey, accessKey, ts)
	}
	tests := []struct {
		name   string
		header string
		ok     bool
	}{
		{"API token form", "Bearer " + Token(apiKey, accessKey, now), true},
		{"spec's captured form: Bearer twice, milliseconds", WebhookAuthorization(apiKey, accessKey, now), true},
		{"lower-case scheme", "bearer bearer " + token("2024-01-02T03:04:05.123Z"), true},
		{"upper-case hex signature", "Bearer apiKey=" + apiKey + "&utcTimeStamp=2024-01-02T03:04:05Z&signature=" +
			strings.ToUpper(Signature(apiKey, accessKey, "2024-01-02T03:04:05Z")), true},
		{"URL-encoded token", "Bearer apiKey=" + apiKey + "&utcTimeStamp=2024-01-02T03%3A04%3A05Z&signature=" +
			Signature(apiKey, accessKey, "2024-01-02T03:04:05Z"), true},
		{"lower-case field names", "Bearer apikey=" + apiKey + "&utctimestamp=2024-01-02T03:04:05Z&SIGNATURE=" +
			Signature(apiKey, accessKey, "2024-01-02T03:04:05Z"), true},
		{"4m59s old", "Bearer " + Token(apiKey, accessKey, now.Add(-4*time.Minute-59*time.Second)), true},
		{"50s ahead", "Bearer " + Token(apiKey, accessKey, now.Add(50*time.Second)), true},

		{"no header", "", false},
		{"no scheme", token("2024-01-02T03:04:05Z"), false},
		{"Basic scheme", "Basic " + token("2024-01-02T03:04:05Z"), false},
		{"Bearer alone", "Bearer", false},
		{"Bearer Bearer alone", "Bearer Bearer ", false},
		{"wrong access key", "Bearer " + Token(apiKey, "other", now), false},
		{"other API key", "Bearer " + Token("other", accessKey, now), false},
		{"signature over another timestamp", "Bearer apiKey=" + apiKey + "&utcTimeStamp=2024-01-02T03:04:05.000Z&signature=" +
			Signature(apiKey, accessKey, "2024-01-02T03:04:05Z"), false},
		{"expired", "Bearer " + Token(apiKey, accessKey, now.Add(-5*time.Minute-time.Second)), false},
		{"from the future", "Bearer " + Token(apiKey, accessKey, now.Add(2*time.Minute)), false},
		{"local time without zone", "Bearer " + token("2024-01-02T03:04:05"), false},
		{"no signature", "Bearer apiKey=" + apiKey + "&utcTimeStamp=2024-01-02T03:04:05Z", false},
		{"two signatures", "Bearer " + token("2024-01-02T03:04:05Z") + "&signature=x", false},
		{"bad escape", "Bearer apiKey=%zz&utcTimeStamp=2024-01-02T03:04:05Z&signature=x", false},
		{"huge header", "Bearer " + token("2024-01-02T03:04:05Z") + "&pad=" + strings.Repeat("x", 2000), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.header != "" {
				h.Set("Authorization", tt.header)
			}
			tok, err := VerifyWebhook(h, apiKey, accessKey, now)
			if tt.ok {
				if err != nil {
					t.Fatalf("VerifyWebhook(%q) = %v", tt.header, err)
				}
				if tok.APIKey != apiKey || tok.Time.IsZero() || tok.Signature == "" {
					t.Errorf("token %+v", tok)
				}
				return
			}
			if !errors.Is(err, ErrWebhookAuth) {
				t.Fatalf("VerifyWebhook(%q) = %v, want ErrWebhookAuth", tt.header, err)
			}
			if err != nil && strings.Contains(err.Error(), accessKey) {
				t.Errorf("error names the access key: %v", err)
			}
		})
	}
	if _, err := VerifyWebhook(http.Header{"Authorization": {"Bearer " + Token(apiKey, accessKey, now)}}, apiKey, "", now); !errors.Is(err, ErrWebhookAuth) {
		t.Errorf("empty access key verified: %v", err)
	}
}

func TestWebhookAuthorizationMatchesSpecExample(t *testing.T) {
	// The spec's captured delivery: "Bearer Bearer apiKey=f81dd7c9-…&utcTimeStamp=2024-01-09T20:17:23.472Z&signature=…".
	at := time.Date(2024, 1, 9, 20, 17, 23, 472_900_000, time.UTC)
	got := WebhookAuthorization("f81dd7c9-d5d1-4126-aeaa-be17556d12ae", "secret", at)
	want := "Bearer Bearer apiKey=f81dd7c9-d5d1-4126-aeaa-be17556d12ae&utcTimeStamp=2024-01-09T20:17:23.472Z&signature=" +
		Signature("f81dd7c9-d5d1-4126-aeaa-be17556d12ae", "secret", "2024-01-09T20:17:23.472Z")
	if got != want {
		t.Errorf("WebhookAuthorization = %q\nwant %q", got, want)
	}
}

func TestParseOrderStatusUpdate(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		orders []string
		codes  []int
	}{
		{"x-webhooks example: one object", `{"CallId":"64724f0b-a308-4c88-ab62-bfc0f85b66be","WebhookType":"OrderStatusUpdate",
			"TimeStamp":"2023-12-04T23:07:21.513","Data":{"OrderNumber":"336446","Status":{"StatusCode":5,"Description":"Invoiced/Closed"}}}`,
			[]string{"336446"}, []int{5}},
		{"introduction example: Status as a JSON string", `{"CallId":"1c8b8c39-14d7-4641-8db5-607e1e032347","WebhookType":"OrderStatusUpdate",
			"TimeStamp":"2024-01-09T15:17:23.4741638-05:00","Data":[{"OrderNumber":"2020997","Status":"{\"StatusCode\":1,\"Description\":\"Open\"}"}]}`,
			[]string{"2020997"}, []int{1}},
		{"schema: array of status lists, the last one wins", `{"CallId":"c","WebhookType":"OrderStatusUpdate","Data":[
			{"OrderNumber":"1","Status":[{"StatusCode":2},{"StatusCode":4}]},{"OrderNumber":"2","Status":[{"StatusCode":"6"}]}]}`,
			[]string{"1", "2"}, []int{4, 6}},
		{"numeric order number, no webhook type", `{"Data":{"OrderNumber":77,"Status":{"StatusCode":"3"}}}`, []string{"77"}, []int{3}},
		{"webhook type in other case", `{"WebhookType":"orderstatusupdate","Data":{"OrderNumber":"9","Status":{"StatusCode":7}}}`,
			[]string{"9"}, []int{7}},

		{"not JSON", `OrderNumber=1`, nil, nil},
		{"other webhook type", `{"WebhookType":"ProductInventoryUpdate","Data":[{"LocalSku":"X","InStock":1}]}`, nil, nil},
		{"no data", `{"WebhookType":"OrderStatusUpdate"}`, nil, nil},
		{"empty array", `{"Data":[]}`, nil, nil},
		{"no order number", `{"Data":{"Status":{"StatusCode":5}}}`, nil, nil},
		{"no status", `{"Data":{"OrderNumber":"1"}}`, nil, nil},
		{"status code zero", `{"Data":{"OrderNumber":"1","Status":{"StatusCode":0}}}`, nil, nil},
		{"empty status list", `{"Data":[{"OrderNumber":"1","Status":[]}]}`, nil, nil},
		{"status string not JSON", `{"Data":[{"OrderNumber":"1","Status":"Open"}]}`, nil, nil},
		{"data a string", `{"Data":"336446"}`, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, changes, err := ParseOrderStatusUpdate([]byte(tt.body))
			if tt.orders == nil {
				if !errors.Is(err, ErrWebhookMalformed) || changes != nil {
					t.Fatalf("ParseOrderStatusUpdate = %+v, %v; want ErrWebhookMalformed", changes, err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(changes) != len(tt.orders) {
				t.Fatalf("changes %+v", changes)
			}
			for i, c := range changes {
				if c.OrderNumber != tt.orders[i] || int(c.Status.StatusCode) != tt.codes[i] {
					t.Errorf("change %d = %+v, want order %s status %d", i, c, tt.orders[i], tt.codes[i])
				}
			}
		})
	}
}

// FuzzWebhookDelivery feeds arbitrary Authorization headers and bodies to the receiver's parsers:
// they must never panic, a verified token must really carry the key pair's signature, and a parsed
// delivery always names orders with status codes.
func FuzzWebhookDelivery(f *testing.F) {
	const apiKey, accessKey = "k", "a"
	now := time.Date(2024, 1, 9, 20, 17, 23, 0, time.UTC)
	f.Add(WebhookAuthorization(apiKey, accessKey, now), []byte(`{"Data":{"OrderNumber":"1","Status":{"StatusCode":5}}}`))
	f.Add("Bearer "+Token(apiKey, accessKey, now), []byte(`{"Data":[{"OrderNumber":"1","Status":"{\"StatusCode\":1}"}]}`))
	f.Add("Bearer apiKey=k&utcTimeStamp=x&signature=y", []byte(`{"Data":[{"OrderNumber":"1","Status":[{"StatusCode":4}]}]}`))
	f.Add("Bearer Bearer Bearer apiKey=%", []byte(`{"Data":[{"Status":"\"[\""}]}`))
	f.Fuzz(func(t *testing.T, authorization string, body []byte) {
		h := http.Header{"Authorization": {authorization}}
		if tok, err := VerifyWebhook(h, apiKey, accessKey, now); err == nil {
			if tok.APIKey != apiKey || !strings.EqualFold(tok.Signature, Signature(apiKey, accessKey, tok.UTCTimeStamp)) {
				t.Fatalf("verified a token that does not carry the signature: %+v", tok)
			}
		} else if !errors.Is(err, ErrWebhookAuth) {
			t.Fatalf("error of the wrong kind: %v", err)
		}
		_, changes, err := ParseOrderStatusUpdate(body)
		if err != nil {
			if !errors.Is(err, ErrWebhookMalformed) || changes != nil {
				t.Fatalf("changes %v with error %v", changes, err)
			}
			return
		}
		if len(changes) == 0 {
			t.Fatal("no changes and no error")
		}
		for _, c := range changes {
			if strings.TrimSpace(c.OrderNumber) == "" || c.Status.StatusCode <= 0 {
				t.Fatalf("change %+v accepted", c)
			}
		}
	})
}
