package webhooks_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
	"github.com/intcomex-connector/connector/webhooks"
)

// recordingSink remembers what it was told and signals each call.
type recordingSink struct {
	mu    sync.Mutex
	got   []string // "account/order/status"
	calls chan struct{}
	fail  error
}

func newRecordingSink() *recordingSink { return &recordingSink{calls: make(chan struct{}, 1000)} }

func (s *recordingSink) Notify(_ context.Context, accountID int64, orderNumber string, status int) error {
	s.mu.Lock()
	s.got = append(s.got, strings.Join([]string{itoa(accountID), orderNumber, itoa(int64(status))}, "/"))
	s.mu.Unlock()
	s.calls <- struct{}{}
	return s.fail
}

func (s *recordingSink) notified() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.got...)
}

func itoa(n int64) string { b, _ := json.Marshal(n); return string(b) }

type iwsIntake struct {
	t      *testing.T
	st     *store.Store
	sink   *recordingSink
	router *gin.Engine
	acct   store.IWSAccount
	now    time.Time
}

func newIWSIntake(t *testing.T, st *store.Store) *iwsIntake {
	t.Helper()
	gin.SetMode(gin.TestMode)
	ctx := context.Background()
	acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
		BaseURL: "https://iws.example/v1/", APIKey: "api-key-1", AccessKey: "access-key-1"})
	if err != nil {
		t.Fatal(err)
	}
	// A second account: deliveries name theirs by API key.
	if _, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "other", Environment: store.EnvironmentProd,
		BaseURL: "https://iws.example/v1/", APIKey: "api-key-2", AccessKey: "access-key-2"}); err != nil {
		t.Fatal(err)
	}
	in := &iwsIntake{t: t, st: st, sink: newRecordingSink(), router: gin.New(), acct: acct,
		now: time.Date(2026, 11, 27, 15, 4, 5, 0, time.UTC)}
	h, err := webhooks.NewIWS(webhooks.IWSConfig{Store: st, Sink: in.sink, MaxBody: 4096, Now: func() time.Time { return in.now }})
	if err != nil {
		t.Fatal(err)
	}
	h.Mount(in.router)
	return in
}

func (in *iwsIntake) post(authorization, body string) (int, string) {
	in.t.Helper()
	req := httptest.NewRequest(http.MethodPost, webhooks.IWSPath, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if authorization != "" {
		req.Header.Set("Authorization", authorization)
	}
	rec := httptest.NewRecorder()
	in.router.ServeHTTP(rec, req)
	var doc struct{ Status string }
	_ = json.Unmarshal(rec.Body.Bytes(), &doc)
	return rec.Code, doc.Status
}

func (in *iwsIntake) stored() []store.IWSNotification {
	in.t.Helper()
	list, err := in.st.ListIWSNotifications(context.Background(), 0, "", 0)
	if err != nil {
		in.t.Fatal(err)
	}
	return list
}

const (
	objectBody = `{"CallId":"64724f0b-a308-4c88-ab62-bfc0f85b66be","WebhookType":"OrderStatusUpdate","TimeStamp":"2023-12-04T23:07:21.513",
		"Data":{"OrderNumber":"336446","Status":{"StatusCode":5,"Description":"Invoiced/Closed"}}}`
	stringBody = `{"CallId":"1c8b8c39-14d7-4641-8db5-607e1e032347","WebhookType":"OrderStatusUpdate","TimeStamp":"2024-01-09T15:17:23.4741638-05:00",
		"Data":[{"OrderNumber":"2020997","Status":"{\"StatusCode\":1,\"Description\":\"Open\"}"}]}`
	arrayBody = `{"CallId":"c3","WebhookType":"OrderStatusUpdate","TimeStamp":"2024-01-09T15:17:23.474",
		"Data":[{"OrderNumber":"4001","Status":[{"StatusCode":2,"Description":"In process"}]},{"OrderNumber":"4002","Status":[{"StatusCode":4}]}]}`
)

func TestIWSWebhook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		in := newIWSIntake(t, st)
		valid := func() string { return iws.WebhookAuthorization("api-key-1", "access-key-1", in.now) }
		id := itoa(in.acct.ID)
		steps := []struct {
			name   string
			auth   string
			body   string
			code   int
			word   string
			stored int      // rows after the step
			sink   []string // sink calls after the step
		}{
			{"no Authorization", "", objectBody, 401, "invalid signature", 0, nil},
			{"unknown API key", iws.WebhookAuthorization("api-key-9", "access-key-1", in.now), objectBody, 401, "invalid signature", 0, nil},
			{"wrong access key", iws.WebhookAuthorization("api-key-1", "access-key-2", in.now), objectBody, 401, "invalid signature", 0, nil},
			{"expired token", iws.WebhookAuthorization("api-key-1", "access-key-1", in.now.Add(-6*time.Minute)), objectBody, 401, "invalid signature", 0, nil},
			{"verified but not JSON", valid(), `Data=1`, 400, "malformed", 0, nil},
			{"verified but no order", valid(), `{"WebhookType":"OrderStatusUpdate","Data":[]}`, 400, "malformed", 0, nil},
			{"verified, other webhook type", valid(), `{"WebhookType":"ProductInventoryUpdate","Data":[{"LocalSku":"X","InStock":1}]}`, 400, "malformed", 0, nil},
			{"too large", valid(), `{"Data":"` + strings.Repeat("x", 5000) + `"}`, 413, "too large", 0, nil},

			{"x-webhooks example (one object)", valid(), objectBody, 200, "received", 1, []string{id + "/336446/5"}},
			{"redelivery of the same body, re-signed", "Bearer " + iws.Token("api-key-1", "access-key-1", in.now.Add(time.Second)), objectBody, 200, "duplicate", 1, []string{id + "/336446/5"}},
			{"introduction example (Status as a string)", "Bearer " + iws.Token("api-key-1", "access-key-1", in.now.Add(2*time.Second)), stringBody, 200, "received", 2,
				[]string{id + "/336446/5", id + "/2020997/1"}},
			{"schema (arrays), two orders", iws.WebhookAuthorization("api-key-1", "access-key-1", in.now.Add(3*time.Second)), arrayBody, 200, "received", 4,
				[]string{id + "/336446/5", id + "/2020997/1", id + "/4001/2", id + "/4002/4"}},
			{"a used token with another body", "Bearer " + iws.Token("api-key-1", "access-key-1", in.now.Add(2*time.Second)),
				strings.Replace(stringBody, "2020997", "666", 1), 401, "replayed token", 4,
				[]string{id + "/336446/5", id + "/2020997/1", id + "/4001/2", id + "/4002/4"}},
		}
		for _, s := range steps {
			code, word := in.post(s.auth, s.body)
			if code != s.code || word != s.word {
				t.Errorf("%s: %d %q, want %d %q", s.name, code, word, s.code, s.word)
			}
			if n := len(in.stored()); n != s.stored {
				t.Errorf("%s: %d rows stored, want %d", s.name, n, s.stored)
			}
			if got := in.sink.notified(); strings.Join(got, " ") != strings.Join(s.sink, " ") {
				t.Errorf("%s: sink got %v, want %v", s.name, got, s.sink)
			}
		}
		// The second account's deliveries are its own.
		code, _ := in.post(iws.WebhookAuthorization("api-key-2", "access-key-2", in.now), objectBody)
		if list, _ := st.ListIWSNotifications(context.Background(), in.acct.ID+1, "", 0); code != 200 || len(list) != 1 {
			t.Errorf("second account: %d, %d rows", code, len(list))
		}
	})
}

// A sink that fails does not fail the delivery: it is recorded, and tracking polls anyway.
func TestIWSWebhookSinkError(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		in := newIWSIntake(t, st)
		in.sink.fail = errors.New("tracking down")
		if code, word := in.post(iws.WebhookAuthorization("api-key-1", "access-key-1", in.now), objectBody); code != 200 || word != "received" {
			t.Errorf("%d %q", code, word)
		}
		if len(in.stored()) != 1 || len(in.sink.notified()) != 1 {
			t.Errorf("stored %d, notified %d", len(in.stored()), len(in.sink.notified()))
		}
	})
}

func TestNewIWSConfig(t *testing.T) {
	_, err := webhooks.NewIWS(webhooks.IWSConfig{MaxBody: -1})
	if err == nil || !strings.Contains(err.Error(), "Store is nil") || !strings.Contains(err.Error(), "IWSConfig.Sink is nil") ||
		!strings.Contains(err.Error(), "MaxBody is negative") {
		t.Errorf("NewIWS(zero) = %v", err)
	}
}

// The sandbox's own webhooks, in each Data shape, verify and reach the sink.
func TestIWSWebhookFromSandbox(t *testing.T) {
	t.Parallel()
	for _, shape := range []string{sandbox.WebhookObject, sandbox.WebhookArray, sandbox.WebhookString} {
		t.Run(shape, func(t *testing.T) {
			t.Parallel()
			st := storetest.New(t, "sqlite", true)
			ctx := context.Background()
			acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
				BaseURL: "https://iws.example/v1/", APIKey: "sb-api", AccessKey: "sb-access"})
			if err != nil {
				t.Fatal(err)
			}
			sink := newRecordingSink()
			h, err := webhooks.NewIWS(webhooks.IWSConfig{Store: st, Sink: sink})
			if err != nil {
				t.Fatal(err)
			}
			gin.SetMode(gin.TestMode)
			router := gin.New()
			h.Mount(router)
			intake := httptest.NewServer(router)
			t.Cleanup(intake.Close)

			sb, err := sandbox.New(sandbox.Config{APIKey: "sb-api", AccessKey: "sb-access", SKUs: 50,
				WebhookURL: intake.URL + webhooks.IWSPath, WebhookShape: shape})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { _ = sb.Close() })
			iwsSrv := httptest.NewServer(sb)
			t.Cleanup(iwsSrv.Close)
			client, err := iws.New(iws.Config{BaseURL: iwsSrv.URL + "/v1/", APIKey: "sb-api", AccessKey: "sb-access"})
			if err != nil {
				t.Fatal(err)
			}
			sku := inStockSKU(t, sb)
			so, err := client.PlaceOrder(ctx, &iws.PlaceOrderParams{CustomerOrderNumber: "W1N" + shape,
				Items: []iws.RequestOrderItem{{Sku: sku, Quantity: 1}}})
			if err != nil {
				t.Fatal(err)
			}
			if sb.AdvanceOrders(1) != 1 {
				t.Fatal("the order did not advance")
			}
			select {
			case <-sink.calls:
			case <-time.After(time.Minute):
				t.Fatalf("no webhook reached the sink; sandbox %+v", sb.Summary().Webhooks)
			}
			want := itoa(acct.ID) + "/" + string(so.OrderNumber) + "/2"
			if got := sink.notified(); len(got) != 1 || got[0] != want {
				t.Errorf("sink got %v, want [%s]", got, want)
			}
			list, err := st.ListIWSNotifications(ctx, acct.ID, string(so.OrderNumber), 0)
			if err != nil || len(list) != 1 || list[0].Status != iws.StatusInProcess || list[0].CallID == "" {
				t.Errorf("stored %+v, %v", list, err)
			}
		})
	}
}

func inStockSKU(t *testing.T, sb *sandbox.Sandbox) string {
	t.Helper()
	for _, sku := range sb.SKUs() {
		p, err := sb.Product(sku)
		if err != nil || p.Type != "Physical" {
			continue
		}
		stock, err := sb.Stock(sku)
		if err != nil {
			continue
		}
		total := 0
		for _, n := range stock {
			total += n
		}
		if total > 0 {
			return sku
		}
	}
	t.Fatal("no physical SKU in stock")
	return ""
}
