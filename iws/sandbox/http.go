package sandbox

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
)

// route is one IWS method.
type route struct {
	key    string // lower-case name
	name   string // the spec's spelling, for messages
	verb   string
	handle func(*Sandbox, *call) error
}

// routes maps lower-case method names to their handlers. Filled in init because the handlers reach
// back to ServeHTTP's helpers.
var routes map[string]route

func init() {
	routes = make(map[string]route)
	add := func(name, verb string, h func(*Sandbox, *call) error) {
		key := strings.ToLower(name)
		routes[key] = route{key: key, name: name, verb: verb, handle: h}
	}
	get, post := http.MethodGet, http.MethodPost
	add("authenticate", get, (*Sandbox).authenticateMethod)
	add("getcatalog", get, (*Sandbox).getCatalog)
	add("getproducts", get, (*Sandbox).getProducts)
	add("getproduct", get, (*Sandbox).getProduct)
	add("getpricelist", get, (*Sandbox).getPriceList)
	add("getinventory", get, (*Sandbox).getInventory)
	add("downloadextendedcatalog", get, (*Sandbox).downloadExtendedCatalog)
	add("placeorder", post, (*Sandbox).placeOrder)
	add("processorder", post, (*Sandbox).processOrder)
	add("GetProcess", get, (*Sandbox).getProcess)
	add("getorder", get, (*Sandbox).getOrder)
	add("getorders", get, (*Sandbox).getOrders)
	add("getorderstatus", get, (*Sandbox).getOrderStatus)
	add("getinvoice", get, (*Sandbox).getInvoice)
	add("cancelorder", post, (*Sandbox).cancelOrder)
	add("updateorder", post, (*Sandbox).updateOrder)
	add("registerpayments", post, (*Sandbox).registerPayments)
	add("releaseOrder", post, (*Sandbox).releaseOrder)
	add("calculateshippingrates", post, (*Sandbox).calculateShippingRates)
	add("GetCurrency", get, (*Sandbox).getCurrency)
	// Spec methods the sandbox does not simulate (ESD tokens, places, tax ids, attachments) exist, so
	// they answer 501 rather than the unknown-method 404.
	for _, name := range []string{"generatetokens", "gettokenstatus", "getplaces", "gettaxidvalidations", "validatetaxid", "downloadattachment"} {
		verb := get
		if name == "generatetokens" {
			verb = post
		}
		add(name, verb, notSimulated)
	}
}

func notSimulated(_ *Sandbox, c *call) error {
	return iwsErr(http.StatusNotImplemented, 900, fmt.Sprintf("Method '%s' is not simulated by the IWS sandbox.", c.route.name))
}

// call is one IWS request being served.
type call struct {
	w      http.ResponseWriter
	r      *http.Request
	route  route
	query  map[string][]string // parameter names lower-cased: IWS matches them case-insensitively
	apiKey string

	// commitDelay is the CommitDelay fault in force for this call.
	commitDelay time.Duration
}

func newCall(w http.ResponseWriter, r *http.Request, rt route) *call {
	q := make(map[string][]string)
	for k, vs := range r.URL.Query() {
		lk := strings.ToLower(k)
		q[lk] = append(q[lk], vs...)
	}
	return &call{w: w, r: r, route: rt, query: q}
}

// param returns the first value of a query parameter, trimmed; name must be lower-case.
func (c *call) param(name string) string {
	vs := c.query[name]
	if len(vs) == 0 {
		return ""
	}
	return strings.TrimSpace(vs[0])
}

// boolParam parses a boolean parameter; set is false when it is absent or empty.
func (c *call) boolParam(name string) (v, set bool, err error) {
	raw := c.param(name)
	if raw == "" {
		return false, false, nil
	}
	b, perr := strconv.ParseBool(strings.ToLower(raw))
	if perr != nil {
		return false, false, invalidRequest(fmt.Sprintf("The value '%s' is not valid for %s.", raw, name))
	}
	return b, true, nil
}

// intParam parses an integer parameter; set is false when it is absent or empty.
func (c *call) intParam(name string) (v int, set bool, err error) {
	raw := c.param(name)
	if raw == "" {
		return 0, false, nil
	}
	n, perr := strconv.Atoi(raw)
	if perr != nil {
		return 0, false, invalidRequest(fmt.Sprintf("The value '%s' is not valid for %s.", raw, name))
	}
	return n, true, nil
}

const maxBody = 8 << 20

// body reads the request body, bounded.
func (c *call) body() ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(c.r.Body, maxBody+1))
	if err != nil {
		return nil, invalidOrder()
	}
	if len(b) > maxBody {
		return nil, iwsErr(http.StatusRequestEntityTooLarge, 101, "Invalid request. The request body is too large.")
	}
	return b, nil
}

// apiError is an IWS error answer: HTTP status, ErrorCode, Message, and the extra context fields.
type apiError struct {
	status  int
	code    int
	message string
	extra   map[string]any
	// retryAfter, in seconds, becomes a Retry-After header when positive.
	retryAfter int
}

func (e *apiError) Error() string {
	return fmt.Sprintf("iws error %d (HTTP %d): %s", e.code, e.status, e.message)
}

// iwsErr builds an apiError; kv are extra field names and values.
func iwsErr(status, code int, message string, kv ...any) *apiError {
	e := &apiError{status: status, code: code, message: message}
	if len(kv) > 0 {
		e.extra = make(map[string]any, len(kv)/2)
		for i := 0; i+1 < len(kv); i += 2 {
			e.extra[kv[i].(string)] = kv[i+1]
		}
	}
	return e
}

func invalidRequest(detail string) *apiError {
	msg := "Invalid request."
	if detail != "" {
		msg += " " + detail
	}
	return iwsErr(http.StatusBadRequest, 101, msg)
}

func invalidOrder() *apiError {
	return iwsErr(http.StatusBadRequest, 31, "Invalid order specified. Make sure that the order is properly formatted in the request body.")
}

func missingOrderNumber() *apiError {
	return iwsErr(http.StatusBadRequest, 31, "Invalid order specified. Make sure that the order number is not null or empty.")
}

func invalidSalesOrder(number string) *apiError {
	return iwsErr(http.StatusNotFound, 30, "Invalid sales order.", "OrderNumber", number)
}

func generalError() *apiError {
	return iwsErr(http.StatusInternalServerError, 900, "An error has occurred. Please contact support for assistance.")
}

const (
	generalErrorWarning = "The cause of this exception will most likely NOT be resolved automatically. It is STRONGLY advised NOT to attempt this request again, until the problem has been resolved by our support staff."
	supportWebsite      = "https://intcomexsrv.powerappsportals.com/es-ES/create-case-anonymous/"
)

const contentTypeJSON = "application/json; charset=utf-8"

func writeError(w http.ResponseWriter, e *apiError) {
	body := make(map[string]any, 3+len(e.extra))
	for k, v := range e.extra {
		body[k] = v
	}
	body["Message"] = e.message
	body["ErrorCode"] = e.code
	body["Reference"] = uuid.NewString()
	if e.code == 900 {
		body["Warning"] = generalErrorWarning
		body["SupportWebsite"] = supportWebsite
	}
	if e.retryAfter > 0 {
		w.Header().Set("Retry-After", strconv.Itoa(e.retryAfter))
	}
	writeJSONStatus(w, e.status, body)
}

func writeJSON(w http.ResponseWriter, v any) { writeJSONStatus(w, http.StatusOK, v) }

func writeJSONStatus(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		// Only our own types are encoded here; failing to encode them is a bug.
		panic(fmt.Sprintf("sandbox: encoding %T: %v", v, err))
	}
	w.Header().Set("Content-Type", contentTypeJSON)
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	_, _ = w.Write(b) // a client that went away is not our error to report
}

// writeNotFound answers an unknown method the way ASP.NET Web API does.
func writeNotFound(w http.ResponseWriter, r *http.Request) {
	scheme := "http"
	if isHTTPS(r) {
		scheme = "https"
	}
	name := r.URL.Path
	if i := strings.LastIndexByte(strings.TrimRight(name, "/"), '/'); i >= 0 {
		name = strings.Trim(name[i+1:], "/")
	}
	writeJSONStatus(w, http.StatusNotFound, map[string]string{
		"Message":       fmt.Sprintf("No HTTP resource was found that matches the request URI '%s://%s%s'.", scheme, r.Host, r.URL.RequestURI()),
		"MessageDetail": fmt.Sprintf("No action was found on the controller 'IwsApi' that matches the name '%s'.", name),
	})
}

// dropConnection closes the client connection without writing a response.
func dropConnection(w http.ResponseWriter) {
	conn, _, err := http.NewResponseController(w).Hijack()
	if err == nil {
		_ = conn.Close()
		return
	}
	// HTTP/2 and wrapped writers cannot be hijacked; aborting the handler resets the stream instead.
	panic(http.ErrAbortHandler)
}

// statusRecorder remembers the status written, to learn whether a call succeeded.
type statusRecorder struct {
	http.ResponseWriter
	status int
}

func (r *statusRecorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
	r.ResponseWriter.WriteHeader(code)
}

func (r *statusRecorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.ResponseWriter.Write(b)
}

func (r *statusRecorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// captureWriter keeps a whole answer in memory so a fault can garble it.
type captureWriter struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func (c *captureWriter) Header() http.Header { return c.header }
func (c *captureWriter) WriteHeader(code int) {
	if c.status == 0 {
		c.status = code
	}
}
func (c *captureWriter) Write(b []byte) (int, error) {
	if c.status == 0 {
		c.status = http.StatusOK
	}
	return c.buf.Write(b)
}

// jsonArray streams a JSON array element by element through a buffered writer, so answers of any
// size cost one element's worth of memory. Each element is followed by a newline, as json.Encoder
// wrote them when the feeds went through it.
type jsonArray struct {
	bw  *bufio.Writer
	n   int
	err error
}

// newJSONArray starts the array; open is "[" or a longer prefix ending with it.
func newJSONArray(w io.Writer, open string) *jsonArray {
	a := &jsonArray{bw: bufio.NewWriterSize(w, 64<<10)}
	a.raw(open)
	return a
}

func (a *jsonArray) raw(s string) {
	if a.err == nil {
		_, a.err = a.bw.WriteString(s)
	}
}

// add writes one encoded element.
func (a *jsonArray) add(elem []byte) {
	if a.err != nil {
		return
	}
	if a.n > 0 {
		a.raw(",")
	}
	a.n++
	if a.err == nil {
		_, a.err = a.bw.Write(elem)
	}
	a.raw("\n")
}

// close ends the array, writes suffix (closing any enclosing object) and flushes.
func (a *jsonArray) close(suffix string) error {
	a.raw("]" + suffix)
	if a.err == nil {
		a.err = a.bw.Flush()
	}
	return a.err
}

// startJSON sets the headers of a streamed 200 JSON answer.
func startJSON(w http.ResponseWriter) {
	w.Header().Set("Content-Type", contentTypeJSON)
	w.WriteHeader(http.StatusOK)
}

// finishStream handles an error met after a streamed answer started: the status is already sent,
// so the only honest signal left is to abort the connection.
func finishStream(err error) error {
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	return nil
}
