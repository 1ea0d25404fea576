package admin

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/intcomex-connector/connector/connector/audit"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/internal/correlation"
	"github.com/intcomex-connector/connector/iws"
)

// What the console shows of an answer: a JSON array (a catalog, a price list) up to
// iwsMaxItems items, anything else up to iwsMaxShown bytes. The API log keeps its own part.
const (
	iwsMaxItems = 200
	iwsMaxShown = 256 << 10
)

// iwsReserved are the console's own parameters, never sent to IWS.
var iwsReserved = []string{"account", "run", "body", confirmField}

// iwsCallView is one manual call: what was sent and what came back.
type iwsCallView struct {
	Method     string              `json:"method"`
	HTTPMethod string              `json:"http_method"`
	Account    productsAccountJSON `json:"account"`
	Request    iwsRequestView      `json:"request"`
	OK         bool                `json:"ok"`
	Calls      []iwsLogRow         `json:"calls"`
	Response   json.RawMessage     `json:"response,omitempty"`
	// ResponseText is the answer when it is not whole JSON (cut at iwsMaxShown, or text).
	ResponseText string `json:"response_text,omitempty"`
	// Shown describes how much of the answer is shown.
	Shown    iwsShown      `json:"shown"`
	IWSError *iwsErrorView `json:"iws_error,omitempty"`
	// Pretty is the answer as the page shows it (indented JSON, or text).
	Pretty string `json:"-"`
}

// iwsRequestView is what was asked: the query parameters as given and the JSON body.
type iwsRequestView struct {
	Query []iwsParam      `json:"query"`
	Body  json.RawMessage `json:"body,omitempty"`
	// PrettyBody is the body indented, for the page.
	PrettyBody string `json:"-"`
}

// iwsParam is one query parameter.
type iwsParam struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// iwsLogRow is an API log row the call produced (one per attempt).
type iwsLogRow struct {
	ID         int64  `json:"id"`
	URL        string `json:"url"`
	Status     int    `json:"status"`
	DurationMS int64  `json:"duration_ms"`
	Error      string `json:"error,omitempty"`
	Log        string `json:"log"`
}

// iwsShown says how much of the answer is shown: Kind is json, text, binary or empty; for a
// JSON array, Items of TotalItems; Bytes is what was read of it.
type iwsShown struct {
	Kind       string `json:"kind"`
	Items      int    `json:"items,omitempty"`
	TotalItems int    `json:"total_items,omitempty"`
	Bytes      int64  `json:"bytes"`
	Truncated  bool   `json:"truncated"`
}

// iwsErrorView is an IWS error as the console shows it.
type iwsErrorView struct {
	HTTPStatus int      `json:"http_status"`
	Code       int      `json:"code"`
	Message    string   `json:"message"`
	Reference  string   `json:"reference,omitempty"`
	Details    []string `json:"details,omitempty"`
	// Ambiguous: IWS may have acted although the call failed (a write that timed out).
	Ambiguous bool `json:"ambiguous"`
}

// iwsQuery collects the IWS query parameters of a request: every non-blank value but the
// console's own (Raw sends the names the spec knows in its spelling, others as given).
func iwsQuery(values url.Values) url.Values {
	q := url.Values{}
	for name, vs := range values {
		if slices.Contains(iwsReserved, name) {
			continue
		}
		for _, v := range vs {
			if v = strings.TrimSpace(v); v != "" {
				q.Add(name, v)
			}
		}
	}
	return q
}

// iwsBodyProblem checks a request body as `connector iws` does: the methods that take one need
// valid JSON, the others none. It returns the translation key of the problem, or "".
func iwsBodyProblem(ep iws.Endpoint, body []byte) string {
	switch {
	case ep.Body && len(body) == 0:
		return "iws.body_required"
	case !ep.Body && len(body) > 0:
		return "iws.body_refused"
	case len(body) > 0 && !json.Valid(body):
		return "iws.body_invalid"
	}
	return ""
}

// callIWS makes the call through the account's audited client and reads the answer for display.
// A failure to build the client is an error; an IWS error is part of the view.
func (u *UI) callIWS(ctx context.Context, acct store.IWSAccount, ep iws.Endpoint, q url.Values, body []byte) (iwsCallView, error) {
	v := iwsCallView{Method: ep.Name, HTTPMethod: ep.HTTPMethod, Account: productsAccountJSON{acct.ID, acct.Name},
		Calls: []iwsLogRow{}, Request: iwsRequestView{Query: []iwsParam{}}}
	for _, name := range slices.Sorted(maps.Keys(q)) {
		for _, val := range q[name] {
			v.Request.Query = append(v.Request.Query, iwsParam{name, val})
		}
	}
	if len(body) > 0 {
		v.Request.Body = json.RawMessage(body)
		v.Request.PrettyBody = indentJSON(body)
	}
	client, err := u.cfg.IWS.Client(ctx, acct)
	if err != nil {
		return v, fmt.Errorf("admin: IWS client of account %d: %w", acct.ID, err)
	}
	ctx, captured := audit.WithCapture(ctx)
	ctx = correlation.WithAccountID(correlation.WithMethod(ctx, strings.ToLower(ep.Name)), acct.ID)
	rc, err := client.Raw(ctx, ep.Name, q, body)
	if err == nil {
		v.OK = true
		v.readAnswer(rc)
		if cerr := rc.Close(); cerr != nil && v.IWSError == nil { // closing records the call
			v.OK, v.IWSError = false, &iwsErrorView{Message: cerr.Error()}
		}
	} else {
		v.IWSError = iwsErrorOf(err)
	}
	for _, call := range captured.Calls() {
		v.Calls = append(v.Calls, iwsLogRow{ID: call.ID, URL: call.URL, Status: call.StatusCode,
			DurationMS: call.Duration.Milliseconds(), Error: call.Error, Log: "/logs/" + strconv.FormatInt(call.ID, 10)})
	}
	return v, nil
}

// iwsErrorOf describes a failed call: an IWS answer with its code and reference, or the error's
// text (a network failure, a timeout).
func iwsErrorOf(err error) *iwsErrorView {
	e := &iwsErrorView{Message: err.Error(), Ambiguous: iws.IsAmbiguous(err)}
	apiErr, ok := iws.AsError(err)
	if !ok {
		return e
	}
	e.HTTPStatus, e.Code, e.Message, e.Reference = apiErr.HTTPStatus, apiErr.ErrorCode, apiErr.Message, apiErr.Reference
	if e.Message == "" {
		e.Message = apiErr.Body
	}
	e.Details = apiErr.Details()
	return e
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// readAnswer reads the answer for display: a JSON array item by item, keeping the first
// iwsMaxItems (within iwsMaxShown bytes) and counting the rest; anything else up to
// iwsMaxShown bytes, the rest unread.
func (v *iwsCallView) readAnswer(r io.Reader) {
	cr := &countingReader{r: r}
	br := bufio.NewReader(cr)
	first, err := firstNonSpace(br)
	switch {
	case errors.Is(err, io.EOF):
		v.Shown = iwsShown{Kind: "empty"}
		return
	case err != nil:
		v.OK, v.IWSError = false, &iwsErrorView{Message: "reading the answer: " + err.Error()}
		return
	case first == '[':
		if v.readArray(br, cr) {
			return
		}
		// Not a well-formed array: shown as text, as far as it was read.
	}
	raw, err := io.ReadAll(io.LimitReader(br, iwsMaxShown+1))
	if err != nil {
		v.OK, v.IWSError = false, &iwsErrorView{Message: "reading the answer: " + err.Error()}
		return
	}
	v.Shown.Bytes, v.Shown.Truncated = cr.n-int64(br.Buffered()), len(raw) > iwsMaxShown
	if v.Shown.Truncated {
		raw = trimToRune(raw[:iwsMaxShown])
	}
	switch {
	case !v.Shown.Truncated && json.Valid(raw):
		v.Shown.Kind, v.Response, v.Pretty = "json", json.RawMessage(bytes.TrimSpace(raw)), indentJSON(raw)
	case utf8.Valid(raw):
		v.Shown.Kind, v.ResponseText, v.Pretty = "text", string(raw), string(raw)
	default:
		v.Shown.Kind = "binary"
	}
}

// readArray reads a JSON array answer; false when it is not one (br is then spent as far as
// it was read, and the view says so).
func (v *iwsCallView) readArray(br *bufio.Reader, cr *countingReader) bool {
	dec := json.NewDecoder(br)
	if _, err := dec.Token(); err != nil {
		return false
	}
	kept := []json.RawMessage{}
	size := 0
	total := 0
	for dec.More() {
		var item json.RawMessage
		if err := dec.Decode(&item); err != nil {
			v.OK, v.IWSError = false, &iwsErrorView{Message: fmt.Sprintf("the answer is not valid JSON after %d items: %v", total, err)}
			v.Shown = iwsShown{Kind: "json", Items: len(kept), TotalItems: total, Bytes: cr.n, Truncated: true}
			v.setItems(kept)
			return true
		}
		total++
		if len(kept) < iwsMaxItems && size+len(item) <= iwsMaxShown {
			kept = append(kept, item)
			size += len(item)
		}
	}
	if _, err := dec.Token(); err != nil {
		v.OK, v.IWSError = false, &iwsErrorView{Message: "the answer is not valid JSON: " + err.Error()}
	}
	v.Shown = iwsShown{Kind: "json", Items: len(kept), TotalItems: total, Bytes: cr.n, Truncated: len(kept) < total}
	v.setItems(kept)
	return true
}

func (v *iwsCallView) setItems(kept []json.RawMessage) {
	b, err := json.Marshal(kept)
	if err != nil { // the items were decoded as JSON: cannot fail
		b = []byte("[]")
	}
	v.Response, v.Pretty = b, indentJSON(b)
}

func firstNonSpace(br *bufio.Reader) (byte, error) {
	for {
		b, err := br.ReadByte()
		if err != nil {
			return 0, err
		}
		if b != ' ' && b != '\n' && b != '\r' && b != '\t' {
			return b, br.UnreadByte()
		}
	}
}

// trimToRune drops a partial UTF-8 sequence at the end of b.
func trimToRune(b []byte) []byte {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if r, size := utf8.DecodeLastRune(b); r != utf8.RuneError || size != 1 {
			return b
		}
		b = b[:len(b)-1]
	}
	return b
}

// indentJSON indents JSON for people; text that is not JSON is returned as it is.
func indentJSON(b []byte) string {
	var out bytes.Buffer
	if err := json.Indent(&out, bytes.TrimSpace(b), "", "  "); err != nil {
		return string(b)
	}
	return out.String()
}
