package sandbox_test

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
)

func TestThrottle(t *testing.T) {
	for _, status := range []int{http.StatusBadRequest, http.StatusTooManyRequests} {
		t.Run(http.StatusText(status), func(t *testing.T) {
			e := newEnv(t, sandbox.Config{ThrottleInterval: 10 * time.Second, ThrottleStatus: status,
				ThrottleMethods: map[string]time.Duration{"GetCatalog": time.Hour, "getcurrency": 0}})
			e.get("/v1/getinventory").want(t, 200, 0)
			r := e.get("/v1/getinventory").want(t, status, 100)
			want := "Excessive request attempts detected. Please wait 10 seconds from the last successful attempt before making a new request."
			if r.message() != want {
				t.Errorf("message %q", r.message())
			}
			if ra := r.header.Get("Retry-After"); (status == 429) != (ra == "10") {
				t.Errorf("Retry-After %q with %d", ra, status)
			}
			// Another method has its own clock; a failed call does not count as an attempt.
			e.get("/v1/getpricelist").want(t, 200, 0)
			e.get("/v1/getorder?orderNumber=1").want(t, 404, 30)
			e.get("/v1/getorder?orderNumber=1").want(t, 404, 30)
			e.clock.Advance(9 * time.Second)
			e.get("/v1/getinventory").want(t, status, 100)
			e.clock.Advance(time.Second)
			e.get("/v1/getinventory").want(t, 200, 0)

			e.get("/v1/getcatalog?page=1&limit=1").want(t, 200, 0)
			e.clock.Advance(59 * time.Minute)
			r = e.get("/v1/getcatalog?page=1&limit=1").want(t, status, 100)
			if !strings.Contains(r.message(), "wait 3600 seconds") {
				t.Errorf("per-method interval message %q", r.message())
			}
			e.get("/v1/GetCurrency?countryId=cl").want(t, 200, 0)
			e.get("/v1/GetCurrency?countryId=cl").want(t, 200, 0)
		})
	}
}

func TestFailRate(t *testing.T) {
	e := newEnv(t, sandbox.Config{Faults: sandbox.Faults{FailRate: 0.5}})
	var unavailable, gateway, ok int
	for range 200 {
		r := e.get("/v1/authenticate")
		switch {
		case r.status == http.StatusOK:
			ok++
		case r.status == http.StatusServiceUnavailable && r.errorCode() == 900:
			var body map[string]any
			r.decode(t, &body)
			if body["Warning"] == nil || body["SupportWebsite"] == nil {
				t.Fatalf("900 body without Warning/SupportWebsite: %s", r)
			}
			unavailable++
		case r.status == http.StatusBadGateway && strings.HasPrefix(r.header.Get("Content-Type"), "text/html"):
			gateway++
		default:
			t.Fatalf("unexpected %s", r)
		}
	}
	if ok < 60 || ok > 140 || unavailable == 0 || gateway == 0 {
		t.Errorf("ok %d, 503 %d, 502 %d of 200 at FailRate 0.5", ok, unavailable, gateway)
	}
}

func TestMalformedAnswers(t *testing.T) {
	e := newEnv(t, sandbox.Config{Faults: sandbox.Faults{MalformedRate: 1}})
	r := e.get("/v1/getcatalog").want(t, 200, 0)
	var v any
	if json.Unmarshal(r.body, &v) == nil || len(r.body) < 100 {
		t.Fatalf("malformed answer decodes or is empty: %q", r.body)
	}
	// The call was processed: a garbled PlaceOrder still placed its order.
	e.post("/v1/placeorder?customerOrderNumber=M-1", []map[string]any{{"Sku": e.physicalInStock(1)[0], "Quantity": 1}}).want(t, 200, 0)
	if len(e.sb.Orders()) != 1 {
		t.Fatal("garbled PlaceOrder did not place the order")
	}
}

// rawGet sends a signed GET and reads what comes back: the status (0 when no answer came), the body
// read until the connection ended, and the read error.
func (e *env) rawGet(t *testing.T, path string) (status int, body []byte, contentLength int64, readErr error) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, e.srv.URL+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+iws.Token(testAPIKey, testAccessKey, e.clock.Now()))
	// A fresh connection each time: net/http silently repeats a GET whose reused connection dropped.
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}}
	resp, err := client.Do(req)
	if err != nil {
		return 0, nil, 0, err
	}
	defer resp.Body.Close()
	body, readErr = io.ReadAll(resp.Body)
	return resp.StatusCode, body, resp.ContentLength, readErr
}

func TestCutAnswers(t *testing.T) {
	e := newEnv(t, sandbox.Config{SKUs: 50})
	whole := e.get("/v1/getinventory").want(t, 200, 0).body
	if err := e.sb.SetFaults(sandbox.Faults{Next: map[string][]sandbox.Fault{"getinventory": {{Kind: sandbox.FaultCut}}}}); err != nil {
		t.Fatal(err)
	}
	status, body, length, err := e.rawGet(t, "/v1/getinventory")
	if status != http.StatusOK || !errors.Is(err, io.ErrUnexpectedEOF) {
		t.Fatalf("cut answer: status %d, read error %v; want 200 and an unexpected EOF", status, err)
	}
	if length != int64(len(whole)) || len(body) == 0 || len(body) >= len(whole) || string(body) != string(whole[:len(body)]) {
		t.Errorf("cut answer: %d of %d bytes (Content-Length %d), want the start of the whole answer", len(body), len(whole), length)
	}
	e.get("/v1/getinventory").want(t, 200, 0)
}

func TestDropRate(t *testing.T) {
	e := newEnv(t, sandbox.Config{SKUs: 50, Faults: sandbox.Faults{DropRate: 0.5}})
	var ok, dropped, cut int
	for range 100 {
		status, body, length, err := e.rawGet(t, "/v1/getpricelist")
		switch {
		case status == 0 && err != nil:
			dropped++
		case status == http.StatusOK && err == nil:
			if !json.Valid(body) {
				t.Fatalf("complete answer is not JSON: %q", body)
			}
			ok++
		case status == http.StatusOK && errors.Is(err, io.ErrUnexpectedEOF) && int64(len(body)) < length:
			cut++
		default:
			t.Fatalf("unexpected answer: status %d, %d bytes, error %v", status, len(body), err)
		}
	}
	if ok < 25 || ok > 75 || dropped == 0 || cut == 0 {
		t.Errorf("ok %d, dropped %d, cut %d of 100 at DropRate 0.5", ok, dropped, cut)
	}
}

func TestDropAfterCommit(t *testing.T) {
	e := newEnv(t, sandbox.Config{Faults: sandbox.Faults{DropAfterCommit: true}})
	sku := e.physicalInStock(1)[0]
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/v1/placeorder?customerOrderNumber=DROP-1", strings.NewReader(`[{"Sku":"`+sku+`","Quantity":1}]`))
	req.Header.Set("Authorization", "Bearer "+iws.Token(testAPIKey, testAccessKey, e.clock.Now()))
	resp, err := e.srv.Client().Do(req)
	if err == nil {
		resp.Body.Close()
		t.Fatalf("PlaceOrder answered %d; want the connection dropped", resp.StatusCode)
	}
	if !errors.Is(err, io.EOF) && !strings.Contains(err.Error(), "EOF") && !strings.Contains(err.Error(), "reset") {
		t.Logf("client error: %v", err)
	}
	// The order was committed: the idempotent retry path finds it and a re-placement gets 90.
	var so iws.SalesOrder
	e.get("/v1/getorder?orderNumber=DROP-1").want(t, 200, 0).decode(t, &so)
	if so.CustomerOrderNumber != "DROP-1" {
		t.Errorf("order %+v", so)
	}
	if err := e.sb.SetFaults(sandbox.Faults{}); err != nil {
		t.Fatal(err)
	}
	e.post("/v1/placeorder?customerOrderNumber=DROP-1", []map[string]any{{"Sku": sku, "Quantity": 1}}).want(t, 400, 90)
}

func TestScriptedFaults(t *testing.T) {
	e := newEnv(t, sandbox.Config{})
	err := e.sb.SetFaults(sandbox.Faults{
		FailNext: map[string]int{"GetCatalog": 2},
		Next: map[string][]sandbox.Fault{
			"getinventory": {{Kind: sandbox.FaultGateway, Status: 504}, {Kind: sandbox.FaultThrottle}, {Kind: sandbox.FaultExpiredToken}, {Kind: sandbox.FaultMalformed}},
			"placeorder":   {{Kind: sandbox.FaultDrop}},
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	e.get("/v1/getcatalog?page=1&limit=1").want(t, 503, 900)
	e.get("/v1/getpricelist").want(t, 200, 0)
	e.get("/v1/getcatalog?page=1&limit=1").want(t, 503, 900)
	e.get("/v1/getcatalog?page=1&limit=1").want(t, 200, 0)

	r := e.get("/v1/getinventory").want(t, 504, 0)
	if !strings.Contains(string(r.body), "504 Gateway Timeout") {
		t.Errorf("gateway page %q", r.body)
	}
	e.get("/v1/getinventory").want(t, 400, 100)
	e.get("/v1/getinventory").want(t, 401, 12)
	if f := e.sb.Faults(); len(f.Next["getinventory"]) != 1 || len(f.FailNext) != 0 {
		t.Errorf("remaining faults %+v", f)
	}
	r = e.get("/v1/getinventory").want(t, 200, 0)
	if json.Valid(r.body) {
		t.Error("malformed fault answered valid JSON")
	}
	e.get("/v1/getinventory").want(t, 200, 0)

	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/v1/placeorder?customerOrderNumber=D-1", strings.NewReader(`[{"Sku":"`+e.sb.SKUs()[0]+`","Quantity":1}]`))
	req.Header.Set("Authorization", "Bearer "+iws.Token(testAPIKey, testAccessKey, e.clock.Now()))
	if resp, err := e.srv.Client().Do(req); err == nil {
		resp.Body.Close()
		t.Fatalf("drop answered %d", resp.StatusCode)
	}
	e.get("/v1/getorder?orderNumber=D-1").want(t, 404, 30) // dropped before processing: no order

	if err := e.sb.SetFaults(sandbox.Faults{FailRate: 2}); err == nil {
		t.Error("FailRate 2 accepted")
	}
	if err := e.sb.SetFaults(sandbox.Faults{Next: map[string][]sandbox.Fault{"x": {{Kind: "explode"}}}}); err == nil {
		t.Error("unknown fault kind accepted")
	}
}

// The Latency fault holds every answer for exactly its duration: measured on a synctest bubble's
// clock, which moves only while everything waits, so the machine's load cannot blur it.
func TestLatency(t *testing.T) {
	synctest.Test(t, func(t *testing.T) {
		sb := newSandbox(t, sandbox.Config{SKUs: 10, Seed: 7, Faults: sandbox.Faults{Latency: 80 * time.Millisecond}})
		req := httptest.NewRequest(http.MethodGet, "http://sandbox.test/v1/authenticate", nil)
		req.Header.Set("Authorization", "Bearer "+iws.Token(testAPIKey, testAccessKey, time.Now()))
		w := httptest.NewRecorder()
		start := time.Now()
		sb.ServeHTTP(w, req)
		if d := time.Since(start); w.Code != http.StatusOK || d != 80*time.Millisecond {
			t.Errorf("answered %d after %v with 80ms latency", w.Code, d)
		}
	})
}

func TestConfigValidation(t *testing.T) {
	_, err := sandbox.New(sandbox.Config{SKUs: -1, ThrottleStatus: 418, WebhookShape: "xml", Locale: "fr"})
	if err == nil {
		t.Fatal("bad config accepted")
	}
	for _, want := range []string{"APIKey", "AccessKey", "SKUs", "ThrottleStatus", "WebhookShape", "Locale"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not name %s: %v", want, err)
		}
	}
}
