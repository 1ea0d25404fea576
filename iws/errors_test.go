package iws

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"
)

func TestErrorDecoding(t *testing.T) {
	now := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	tests := []struct {
		name   string
		status int
		header http.Header
		body   string
		check  func(t *testing.T, e *Error)
	}{
		{"401/10 invalid signature", 401, nil, string(specExample(t, "getcatalog_401__invalid_signature")), func(t *testing.T, e *Error) {
			if e.ErrorCode != CodeInvalidSignature || e.Signature == "" || e.Reference != "c59d62a7-6451-4eb1-b27b-7b000aa437f2" {
				t.Errorf("e = %+v", e)
			}
			if !IsAuth(e) || IsNotFound(e) || IsThrottled(e) {
				t.Error("classification")
			}
			if strings.Contains(e.Error(), e.Signature) {
				t.Errorf("Error() prints the signature: %s", e)
			}
		}},
		{"401/14 client ip", 401, nil, string(specExample(t, "getcatalog_401__invalid_ip_address")), func(t *testing.T, e *Error) {
			if e.ClientIP != "10.212.1.214" || !IsAuth(e) {
				t.Errorf("e = %+v", e)
			}
		}},
		{"404/23 spec example with placeholders, lower-case reference and SKU", 404, nil, string(specExample(t, "placeorder_404__insufficient_stock")), func(t *testing.T, e *Error) {
			if e.ErrorCode != 23 || e.Reference != "f46a6b54-221b-4f6a-bad3-ba17d7edfea9" || e.Sku != "<SKU>" || e.CurrentStock != nil || e.QuantityAttempted != nil {
				t.Errorf("e = %+v", e)
			}
			if !IsInsufficientStock(e) || IsNotFound(e) {
				t.Error("classification")
			}
		}},
		{"404/23 with numbers", 404, nil, `{"Message":"Insufficient stock available for SKU XX100ABC01.","ErrorCode":23,"Reference":"r","Sku":"XX100ABC01","QuantityAttempted":"5","CurrentStock":2,"LocationId":"xclq1"}`, func(t *testing.T, e *Error) {
			if e.Sku != "XX100ABC01" || e.QuantityAttempted == nil || *e.QuantityAttempted != 5 || e.CurrentStock == nil || *e.CurrentStock != 2 || e.LocationID != "xclq1" {
				t.Errorf("e = %+v", e)
			}
		}},
		{"404/20 invalid product", 404, nil, string(specExample(t, "placeorder_404__invalid_product")), func(t *testing.T, e *Error) {
			if !IsInvalidProduct(e) || !IsNotFound(e) || e.Sku != "<SKU>" {
				t.Errorf("e = %+v", e)
			}
		}},
		{"GetProduct 404 with code 21", 404, nil, string(specExample(t, "getproduct_404__example")), func(t *testing.T, e *Error) {
			if !IsInvalidProduct(e) || !IsNotFound(e) || e.Sku != "CP839ITL30" {
				t.Errorf("e = %+v", e)
			}
		}},
		{"400/90 names the existing order", 400, nil, `{"Message":"Customer order number WC-10045 is already assigned to order 2020997","ErrorCode":90,"Reference":"r"}`, func(t *testing.T, e *Error) {
			if !IsOrderNumberInUse(e) || IsOrderInFlight(e) || ExistingOrderNumber(e) != "2020997" {
				t.Errorf("e = %+v, existing %q", e, ExistingOrderNumber(e))
			}
		}},
		{"400/90 quoted Intcomex order", 400, nil, `{"Message":"Customer order number 'WC-1' is already assigned to Intcomex order 'XAB-56548'.","ErrorCode":"90"}`, func(t *testing.T, e *Error) {
			if ExistingOrderNumber(e) != "XAB-56548" {
				t.Errorf("existing = %q", ExistingOrderNumber(e))
			}
		}},
		{"400/90 without a number", 400, nil, `{"Message":"Customer order number already assigned.","ErrorCode":90}`, func(t *testing.T, e *Error) {
			if !IsOrderNumberInUse(e) || ExistingOrderNumber(e) != "" {
				t.Errorf("existing = %q", ExistingOrderNumber(e))
			}
		}},
		{"400/92 in flight", 400, nil, string(specExample(t, "placeorder_400__pending_store_order")), func(t *testing.T, e *Error) {
			if !IsOrderNumberInUse(e) || !IsOrderInFlight(e) || ExistingOrderNumber(e) != "" || e.StoreOrderNumber != "12847962267" {
				t.Errorf("e = %+v", e)
			}
		}},
		{"500/900", 500, nil, string(specExample(t, "getcatalog_500__example")), func(t *testing.T, e *Error) {
			if !IsGeneralError(e) || e.Warning == "" {
				t.Errorf("e = %+v", e)
			}
		}},
		{"ASP.NET 404 without ErrorCode", 404, nil, `{"Message":"No HTTP resource was found that matches the request URI 'https://intcomex-test.apigee.net/v1/placaeorder'.","MessageDetail":"No action was found on the controller 'IwsApi' that matches the name 'placeorder'."}`, func(t *testing.T, e *Error) {
			if e.ErrorCode != 0 || !strings.HasPrefix(e.Message, "No HTTP resource") || !strings.Contains(e.MessageDetail, "IwsApi") || !IsNotFound(e) {
				t.Errorf("e = %+v", e)
			}
			if s := e.Error(); !strings.Contains(s, "HTTP 404") || !strings.Contains(s, "No action was found") {
				t.Errorf("Error() = %s", s)
			}
		}},
		{"HTML 502 from the gateway", 502, nil, "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title></head>\n<body>\n<h1>Bad   Gateway</h1>\n</body></html>", func(t *testing.T, e *Error) {
			if e.HTTPStatus != 502 || e.ErrorCode != 0 || e.Body != "502 Bad Gateway Bad Gateway" {
				t.Errorf("e = %+v", e)
			}
			if s := e.Error(); s != "iws: GetCatalog: HTTP 502 Bad Gateway: 502 Bad Gateway Bad Gateway" {
				t.Errorf("Error() = %s", s)
			}
		}},
		{"Apigee fault", 401, nil, `{"fault":{"faultstring":"Invalid ApiKey","detail":{"errorcode":"oauth.v2.InvalidApiKey"}}}`, func(t *testing.T, e *Error) {
			if e.Message != "Invalid ApiKey" || e.MessageDetail != "oauth.v2.InvalidApiKey" || !IsAuth(e) {
				t.Errorf("e = %+v", e)
			}
		}},
		{"429 with Retry-After date", 429, http.Header{"Retry-After": {now.Add(42 * time.Second).Format(http.TimeFormat)}}, ``, func(t *testing.T, e *Error) {
			if !IsThrottled(e) || RetryAfter(e) != 42*time.Second {
				t.Errorf("RetryAfter = %v", RetryAfter(e))
			}
		}},
		{"400/100 message beats a shorter header", 400, http.Header{"Retry-After": {"1"}}, `{"Message":"Excessive request attempts detected. Please wait 10 seconds from the last successful attempt before making a new request.","ErrorCode":100,"Reference":"5f3f3d43-bb1b-4381-9cac-305264b700d6"}`, func(t *testing.T, e *Error) {
			if RetryAfter(e) != 10*time.Second {
				t.Errorf("RetryAfter = %v", RetryAfter(e))
			}
		}},
		{"empty body", 503, nil, ``, func(t *testing.T, e *Error) {
			if e.Error() != "iws: GetCatalog: HTTP 503 Service Unavailable" {
				t.Errorf("Error() = %s", e)
			}
		}},
		{"JSON without message or code", 500, nil, `{"foo":1}`, func(t *testing.T, e *Error) {
			if e.Body != `{"foo":1}` {
				t.Errorf("e = %+v", e)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := tt.header
			if h == nil {
				h = http.Header{}
			}
			e := parseErrorResponse("GetCatalog", tt.status, h, []byte(tt.body), now)
			if e.HTTPStatus != tt.status || e.Method != "GetCatalog" {
				t.Fatalf("e = %+v", e)
			}
			tt.check(t, e)
		})
	}
}

func TestErrorString(t *testing.T) {
	e := &Error{Method: "PlaceOrder", HTTPStatus: 400, ErrorCode: 90, Message: "Customer order number X is already assigned to order 1", Reference: "abc",
		APIKey: "secret-ish", Signature: "deadbeef"}
	want := "iws: PlaceOrder: HTTP 400 Bad Request: code 90: Customer order number X is already assigned to order 1 (ref abc)"
	if e.Error() != want {
		t.Errorf("Error() = %s\nwant      %s", e, want)
	}
	wrapped := fmt.Errorf("placing: %w", e)
	if !IsOrderNumberInUse(wrapped) || ExistingOrderNumber(wrapped) != "1" {
		t.Error("helpers do not see through wrapping")
	}
	if IsThrottled(fmt.Errorf("plain")) || RetryAfter(e) != 0 || IsNotFound(nil) {
		t.Error("helpers on other errors")
	}
}

func TestSnippetIsBounded(t *testing.T) {
	s := snippet([]byte(strings.Repeat("é<b>x</b> ", 5000) + "\xff"))
	if n := len([]rune(s)); n > snippetLen+1 {
		t.Errorf("snippet has %d runes", n)
	}
}
