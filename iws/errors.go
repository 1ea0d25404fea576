package iws

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/intcomex-connector/connector/internal/retryafter"
)

// IWS error codes the client and its callers act on (NOTES §3.2 has the full table).
const (
	CodeInvalidSignature    = 10
	CodeInvalidTimestamp    = 11
	CodeTimestampExpired    = 12
	CodeInvalidAPIKey       = 13
	CodeIPNotRegistered     = 14
	CodeInvalidProduct      = 20
	CodeUnauthorizedProduct = 21
	CodeInsufficientStock   = 23
	CodeAmbiguousProduct    = 25
	CodeTooManyProducts     = 26
	CodeInvalidOrder        = 30
	CodeCustomerOnHold      = 42
	CodeOrderNumberAssigned = 90 // customerOrderNumber already assigned to another Intcomex order
	CodeOrderNumberRequired = 91
	CodeOrderNumberInFlight = 92 // customerOrderNumber in use by a request still running
	CodeThrottled           = 100
	CodeInvoiceNotAvailable = 571
	CodeNoCredit            = 660
	CodeProductInactive     = 720
	CodeGeneralError        = 900
)

// ErrMalformedResponse is wrapped by errors for a 200 answer whose body is not the JSON expected (cut
// short, HTML, a different shape). Reads are retried; on a non-idempotent call the error is ambiguous.
var ErrMalformedResponse = errors.New("iws: malformed response")

// ErrProcessFailed is wrapped by WaitProcess when the asynchronous order process ends in Failed.
var ErrProcessFailed = errors.New("iws: process failed")

// Error is an error answer from IWS (or from the gateway in front of it). IWS's own errors carry
// ErrorCode, Message and Reference plus context fields that depend on the code; gateway and routing
// errors (an ASP.NET 404, an HTML 502) have only HTTPStatus and Message or Body.
//
// APIKey and Signature echo what IWS received; neither is secret (the access key is never sent), and
// Error() prints neither.
type Error struct {
	Method     string // IWS method, e.g. "PlaceOrder"
	HTTPStatus int
	ErrorCode  int // 0 when the body carried none
	Message    string
	Reference  string // support reference (GUID)

	MessageDetail  string // ASP.NET routing errors, Apigee fault codes
	Warning        string // ErrorCode 900: advice not to retry automatically
	SupportWebsite string

	Sku                 string
	OrderNumber         string
	CustomerOrderNumber string
	StoreOrderNumber    string
	StoreID             string
	LocationID          string
	QuantityAttempted   *int // ErrorCode 23
	CurrentStock        *int // ErrorCode 23
	InvoiceNumber       string
	Filename            string // ErrorCode 60
	CountryID           string
	ProductKey          string
	AttachmentID        string
	AmountPaid          string
	AmountRequired      string
	Balance             string
	AuthorizationCode   string
	PersonType          string
	DocumentType        string
	TaxID               string
	TimeStamp           string // ErrorCode 12: the timestamp IWS parsed
	ClientIP            string // ErrorCode 14
	APIKey              string // ErrorCode 13
	Signature           string // ErrorCode 10

	// RetryAfter is how long IWS asked us to wait: the Retry-After header or the seconds named in an
	// ErrorCode 100 message, whichever is longer. Zero when not throttled.
	RetryAfter time.Duration
	// Body is a cleaned-up snippet of a body that was not an IWS error object (HTML, plain text).
	Body string
}

// Error implements error: method, HTTP status, code, message and reference; never a key or signature.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("iws: ")
	if e.Method != "" {
		b.WriteString(e.Method)
		b.WriteString(": ")
	}
	fmt.Fprintf(&b, "HTTP %d", e.HTTPStatus)
	if t := http.StatusText(e.HTTPStatus); t != "" {
		b.WriteString(" " + t)
	}
	if e.ErrorCode != 0 {
		fmt.Fprintf(&b, ": code %d", e.ErrorCode)
	}
	switch {
	case e.Message != "":
		b.WriteString(": " + e.Message)
	case e.Body != "":
		b.WriteString(": " + e.Body)
	}
	if e.MessageDetail != "" {
		b.WriteString(" (" + e.MessageDetail + ")")
	}
	if e.Reference != "" {
		b.WriteString(" (ref " + e.Reference + ")")
	}
	return b.String()
}

// Throttled reports whether IWS refused the request for excess frequency.
func (e *Error) Throttled() bool {
	return e.ErrorCode == CodeThrottled || e.HTTPStatus == http.StatusTooManyRequests
}

// errorWire is the error body; every field is raw so that one odd value (CurrentStock: "stock available
// for product" in the spec's own example) cannot sink the rest. encoding/json matches the keys
// case-insensitively, which absorbs `reference`/`SKU`.
type errorWire struct {
	Message             json.RawMessage
	ErrorCode           json.RawMessage
	Reference           json.RawMessage
	MessageDetail       json.RawMessage
	Warning             json.RawMessage
	SupportWebsite      json.RawMessage
	Sku                 json.RawMessage
	OrderNumber         json.RawMessage
	CustomerOrderNumber json.RawMessage
	StoreOrderNumber    json.RawMessage
	StoreID             json.RawMessage `json:"StoreId"`
	LocationID          json.RawMessage `json:"LocationId"`
	QuantityAttempted   json.RawMessage
	CurrentStock        json.RawMessage
	InvoiceNumber       json.RawMessage
	Filename            json.RawMessage
	CountryID           json.RawMessage `json:"CountryId"`
	ProductKey          json.RawMessage
	AttachmentID        json.RawMessage `json:"AttachmentId"`
	AmountPaid          json.RawMessage
	AmountRequired      json.RawMessage
	Balance             json.RawMessage
	AuthorizationCode   json.RawMessage
	PersonType          json.RawMessage
	DocumentType        json.RawMessage
	TaxID               json.RawMessage `json:"TaxId"`
	TimeStamp           json.RawMessage
	ClientIP            json.RawMessage `json:"ClientIp"`
	APIKey              json.RawMessage `json:"ApiKey"`
	Signature           json.RawMessage
	// Apigee's own faults: {"fault":{"faultstring":"…","detail":{"errorcode":"…"}}}.
	Fault *struct {
		FaultString json.RawMessage `json:"faultstring"`
		Detail      *struct {
			ErrorCode json.RawMessage `json:"errorcode"`
		} `json:"detail"`
	} `json:"fault"`
}

// parseErrorResponse turns any non-200 answer into an *Error. It never fails: a body that is not an IWS
// error object still yields the status and a snippet.
func parseErrorResponse(method string, status int, header http.Header, body []byte, now time.Time) *Error {
	e := &Error{Method: method, HTTPStatus: status}
	if !decodeErrorBody(body, e) {
		e.Body = snippet(body)
	}
	if e.Throttled() {
		e.RetryAfter = max(throttleWait(e.Message), retryafter.Parse(header.Get("Retry-After"), now, maxRetryAfter))
		if e.RetryAfter <= 0 {
			e.RetryAfter = DefaultThrottleWait
		}
	}
	return e
}

// decodeErrorBody fills e from a JSON error object and reports whether the body was one.
func decodeErrorBody(body []byte, e *Error) bool {
	body = bytes.TrimSpace(bytes.TrimPrefix(body, utf8BOM))
	if len(body) == 0 || body[0] != '{' {
		return false
	}
	var w errorWire
	if err := json.Unmarshal(body, &w); err != nil {
		return false
	}
	e.Message = rawString(w.Message)
	if n := rawInt(w.ErrorCode); n != nil {
		e.ErrorCode = *n
	}
	if w.Fault != nil {
		if e.Message == "" {
			e.Message = rawString(w.Fault.FaultString)
		}
		if w.Fault.Detail != nil {
			e.MessageDetail = rawString(w.Fault.Detail.ErrorCode)
		}
	}
	if e.Message == "" && e.ErrorCode == 0 && e.MessageDetail == "" {
		return false
	}
	if d := rawString(w.MessageDetail); d != "" {
		e.MessageDetail = d
	}
	e.Reference = rawString(w.Reference)
	e.Warning = rawString(w.Warning)
	e.SupportWebsite = rawString(w.SupportWebsite)
	e.Sku = rawString(w.Sku)
	e.OrderNumber = rawString(w.OrderNumber)
	e.CustomerOrderNumber = rawString(w.CustomerOrderNumber)
	e.StoreOrderNumber = rawString(w.StoreOrderNumber)
	e.StoreID = rawString(w.StoreID)
	e.LocationID = rawString(w.LocationID)
	e.QuantityAttempted = rawInt(w.QuantityAttempted)
	e.CurrentStock = rawInt(w.CurrentStock)
	e.InvoiceNumber = rawString(w.InvoiceNumber)
	e.Filename = rawString(w.Filename)
	e.CountryID = rawString(w.CountryID)
	e.ProductKey = rawString(w.ProductKey)
	e.AttachmentID = rawString(w.AttachmentID)
	e.AmountPaid = rawString(w.AmountPaid)
	e.AmountRequired = rawString(w.AmountRequired)
	e.Balance = rawString(w.Balance)
	e.AuthorizationCode = rawString(w.AuthorizationCode)
	e.PersonType = rawString(w.PersonType)
	e.DocumentType = rawString(w.DocumentType)
	e.TaxID = rawString(w.TaxID)
	e.TimeStamp = rawString(w.TimeStamp)
	e.ClientIP = rawString(w.ClientIP)
	e.APIKey = rawString(w.APIKey)
	e.Signature = rawString(w.Signature)
	return true
}

// rawString renders a scalar JSON value as text; null, objects and arrays give "".
func rawString(raw json.RawMessage) string {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 || raw[0] == '{' || raw[0] == '[' || bytes.Equal(raw, jsonNull) {
		return ""
	}
	var s String
	if err := s.UnmarshalJSON(raw); err != nil {
		return ""
	}
	return strings.TrimSpace(string(s))
}

// rawInt reads an integer written as a number or a numeric string; anything else gives nil.
func rawInt(raw json.RawMessage) *int {
	s := rawString(raw)
	if s == "" {
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		f, ferr := strconv.ParseFloat(s, 64)
		if ferr != nil || f != float64(int(f)) {
			return nil
		}
		n = int(f)
	}
	return &n
}

var (
	htmlTag    = regexp.MustCompile(`<[^>]*>`)
	whitespace = regexp.MustCompile(`\s+`)
	// "Please wait 10 seconds from the last successful attempt…"
	waitSeconds = regexp.MustCompile(`(?i)wait\s+(\d{1,6})\s*(seconds?|secs?|s\b|minutes?|mins?)`)
	// "Customer order number X is already assigned to order 2020997" (quotes optional).
	assignedOrder = regexp.MustCompile(`(?i)assigned\s+to\s+(?:intcomex\s+)?order\s*(?:number\s*)?['"]?([A-Za-z0-9][A-Za-z0-9_/-]*)`)
)

const snippetLen = 300

// snippet returns a short single-line text of a non-JSON body, HTML tags removed.
func snippet(b []byte) string {
	if len(b) > 4*snippetLen {
		b = b[:4*snippetLen]
	}
	s := strings.ToValidUTF8(string(b), "")
	s = htmlTag.ReplaceAllString(s, " ")
	s = strings.TrimSpace(whitespace.ReplaceAllString(s, " "))
	if utf8.RuneCountInString(s) > snippetLen {
		r := []rune(s)
		s = string(r[:snippetLen]) + "…"
	}
	return s
}

// throttleWait reads the wait an ErrorCode 100 message asks for; 0 when it names none.
func throttleWait(msg string) time.Duration {
	m := waitSeconds.FindStringSubmatch(msg)
	if m == nil {
		return 0
	}
	n, err := strconv.Atoi(m[1])
	if err != nil {
		return 0
	}
	if strings.HasPrefix(strings.ToLower(m[2]), "m") {
		return time.Duration(n) * time.Minute
	}
	return time.Duration(n) * time.Second
}

// maxRetryAfter bounds the wait a throttle answer can name. Waits beyond RetryPolicy.MaxThrottleWait
// are not sat out but handed back (RetryAfter), so this only keeps absurd values out.
const maxRetryAfter = 24 * time.Hour

// AsError returns the *Error in err's chain.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

func hasCode(err error, codes ...int) bool {
	e, ok := AsError(err)
	if !ok || e.ErrorCode == 0 {
		return false
	}
	for _, c := range codes {
		if e.ErrorCode == c {
			return true
		}
	}
	return false
}

// IsAuth reports an authentication failure: ErrorCode 10–19, or a 401/403 without an IWS code (from the
// gateway). Only code 12 is retried, once, by the client itself.
func IsAuth(err error) bool {
	e, ok := AsError(err)
	if !ok {
		return false
	}
	if e.ErrorCode >= 10 && e.ErrorCode <= 19 {
		return true
	}
	return e.ErrorCode == 0 && (e.HTTPStatus == http.StatusUnauthorized || e.HTTPStatus == http.StatusForbidden)
}

// IsThrottled reports an IWS throttle answer (ErrorCode 100, or HTTP 429). Wait RetryAfter(err).
func IsThrottled(err error) bool {
	e, ok := AsError(err)
	return ok && e.Throttled()
}

// RetryAfter returns how long to wait before calling again after a throttle error (at least
// DefaultThrottleWait when IWS named no duration), and 0 for any other error.
func RetryAfter(err error) time.Duration {
	e, ok := AsError(err)
	if !ok || !e.Throttled() {
		return 0
	}
	if e.RetryAfter > 0 {
		return e.RetryAfter
	}
	return DefaultThrottleWait
}

// IsOrderNumberInUse reports that PlaceOrder/ProcessOrder refused the customer order number because it is
// already assigned to an Intcomex order (90: the order exists; see ExistingOrderNumber) or is in use by a
// request still running (92: wait, then look the order up; see IsOrderInFlight).
func IsOrderNumberInUse(err error) bool {
	return hasCode(err, CodeOrderNumberAssigned, CodeOrderNumberInFlight)
}

// IsOrderInFlight reports ErrorCode 92: another request with the same customer order number is running.
func IsOrderInFlight(err error) bool { return hasCode(err, CodeOrderNumberInFlight) }

// ExistingOrderNumber returns the Intcomex order number that an ErrorCode 90 message names ("…is already
// assigned to order 2020997"), or "" when err is not a 90 or the message names none (then look the order
// up with GetOrder by the customer order number).
func ExistingOrderNumber(err error) string {
	e, ok := AsError(err)
	if !ok || e.ErrorCode != CodeOrderNumberAssigned {
		return ""
	}
	if m := assignedOrder.FindStringSubmatch(e.Message); m != nil {
		return m[1]
	}
	return ""
}

// IsInsufficientStock reports ErrorCode 23; Error.Sku, QuantityAttempted, CurrentStock and LocationID
// say which line and how much is available.
func IsInsufficientStock(err error) bool { return hasCode(err, CodeInsufficientStock) }

// IsNoCredit reports ErrorCode 660: not enough credit to place the order. Not retried automatically.
func IsNoCredit(err error) bool { return hasCode(err, CodeNoCredit) }

// IsGeneralError reports ErrorCode 900, which IWS says will most likely not resolve by itself. The
// client repeats only the feeds after it (GetCatalog, GetPriceList, GetInventory,
// DownloadExtendedCatalog); a call that changes something is never repeated (and IsAmbiguous holds).
func IsGeneralError(err error) bool { return hasCode(err, CodeGeneralError) }

// notFoundCodes are codes meaning "no such thing", whatever HTTP status they come with.
var notFoundCodes = []int{20, 30, 50, 51, 60, 570, 571, 580, 590, 720, 800}

// IsNotFound reports that the product, order, invoice, file… asked for does not exist: one of the
// not-found codes (20, 30, 50, 51, 60, 570, 571, 580, 590, 720, 800) or an HTTP 404 other than the
// business refusals sent with 404 (23 insufficient stock, 657 negative total).
func IsNotFound(err error) bool {
	e, ok := AsError(err)
	if !ok {
		return false
	}
	if hasCode(err, notFoundCodes...) {
		return true
	}
	return e.HTTPStatus == http.StatusNotFound && e.ErrorCode != CodeInsufficientStock && e.ErrorCode != 657
}

// IsInvalidProduct reports a product that cannot be sold to this account: invalid (20), unauthorized
// (21, 27, 28) or inactive (720). Refresh the catalog.
func IsInvalidProduct(err error) bool {
	return hasCode(err, CodeInvalidProduct, CodeUnauthorizedProduct, 27, 28, CodeProductInactive)
}
