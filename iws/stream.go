package iws

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Large feeds (GetCatalog, GetInventory, GetPriceList, the extended catalog) are walked token by token
// with json.Decoder and handed to the caller one element at a time, so memory stays bounded whatever the
// catalog size. Three response forms are accepted (NOTES §4.5, §11):
//
//	[ item, item, … ]                                                a plain array
//	{ "page":1, "pageSize":5, "totalRows":9, "totalPages":2, "data":[ item, … ] }   the schema's wrapper
//	[ { "page":1, …, "data":[ item, … ] } ]                           the examples' wrapper in an array
//
// An object carrying an IWS ErrorCode instead of data is returned as an *Error.

var utf8BOM = []byte{0xEF, 0xBB, 0xBF}

// StreamInfo describes a streamed feed once it has been read.
type StreamInfo struct {
	Items      int  // elements in the answers read (a page read again after it broke off counts once)
	Pages      int  // responses read
	Paginated  bool // IWS answered with the pagination wrapper
	TotalRows  int  // totalRows of the last wrapper read (0 when not paginated)
	TotalPages int  // totalPages of the last wrapper read (0 when not paginated)
}

// pageMeta is what one response told about itself.
type pageMeta struct {
	items                                 int
	paged                                 bool
	page, pageSize, totalRows, totalPages int
}

// callbackError carries an error returned by the caller's per-item function.
type callbackError struct{ err error }

func (e *callbackError) Error() string { return e.err.Error() }
func (e *callbackError) Unwrap() error { return e.err }

// normalizer is implemented by items that fix themselves up after decoding (PriceListItem).
type normalizer interface{ Normalize() }

type streamDecoder[T any] struct {
	dec  *json.Decoder
	fn   func(*T) error
	meta pageMeta
	// An object shaped like an IWS error instead of a feed.
	errCode            int
	errMsg, errRef     string
	sawData, sawPaging bool
}

// decodeStream walks one response body and calls fn for every element. Errors are a *callbackError
// (fn failed), an *Error (a 200 body carrying an IWS ErrorCode) or an error wrapping ErrMalformedResponse.
func decodeStream[T any](r io.Reader, fn func(*T) error) (pageMeta, error) {
	s := &streamDecoder[T]{dec: json.NewDecoder(skipBOM(r)), fn: fn}
	err := s.top()
	return s.meta, err
}

// skipBOM drops a UTF-8 byte-order mark at the start of r (files served by .NET often carry one).
func skipBOM(r io.Reader) io.Reader {
	head := make([]byte, len(utf8BOM))
	n, err := io.ReadFull(r, head)
	if n == len(utf8BOM) && bytes.Equal(head, utf8BOM) {
		return r
	}
	if err != nil && err != io.ErrUnexpectedEOF && err != io.EOF {
		return io.MultiReader(bytes.NewReader(head[:n]), errReader{err})
	}
	return io.MultiReader(bytes.NewReader(head[:n]), r)
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func malformed(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrMalformedResponse, fmt.Sprintf(format, args...))
}

func (s *streamDecoder[T]) malformedAt(err error) error {
	if errors.Is(err, io.EOF) {
		err = io.ErrUnexpectedEOF
	}
	return fmt.Errorf("%w: after %d items (offset %d): %w", ErrMalformedResponse, s.meta.items, s.dec.InputOffset(), err)
}

func (s *streamDecoder[T]) top() error {
	tok, err := s.dec.Token()
	if err == io.EOF {
		return malformed("empty body")
	}
	if err != nil {
		return s.malformedAt(err)
	}
	switch tok {
	case json.Delim('['):
		err = s.array()
	case json.Delim('{'):
		err = s.object(false)
	case nil: // null: nothing
	default:
		return malformed("unexpected %v at top level", tok)
	}
	if err != nil {
		return err
	}
	if tok, err := s.dec.Token(); err != io.EOF {
		if err != nil {
			return s.malformedAt(err)
		}
		return malformed("data after the JSON value: %v", tok)
	}
	return nil
}

// array reads the elements of a top-level array. The first one decides: a pagination wrapper (then every
// element must be one) or an item.
func (s *streamDecoder[T]) array() error {
	wrapped := false
	for i := 0; s.dec.More(); i++ {
		if i > 0 && !wrapped {
			if err := s.decodeItem(); err != nil {
				return err
			}
			continue
		}
		tok, err := s.dec.Token()
		if err != nil {
			return s.malformedAt(err)
		}
		if tok != json.Delim('{') {
			return malformed("array element %d is %v, not an object", i, tok)
		}
		isWrapper, err := s.objectBody(i == 0)
		if err != nil {
			return err
		}
		wrapped = wrapped || isWrapper
	}
	return s.expect(json.Delim(']'))
}

// object reads an object whose '{' has been consumed: a wrapper, an error object, or (allowItem) an item.
func (s *streamDecoder[T]) object(allowItem bool) error {
	_, err := s.objectBody(allowItem)
	return err
}

func (s *streamDecoder[T]) objectBody(allowItem bool) (wrapper bool, err error) {
	if !s.dec.More() {
		if err := s.expect(json.Delim('}')); err != nil {
			return false, err
		}
		if !allowItem {
			return false, malformed("empty object where a pagination wrapper was expected")
		}
		return false, s.deliver([]byte("{}"))
	}
	key, err := s.key()
	if err != nil {
		return false, err
	}
	if wrapperKey(key) || errorKey(key) {
		return true, s.wrapper(key)
	}
	if !allowItem {
		return false, malformed("object with key %q where a pagination wrapper was expected", key)
	}
	return false, s.firstItem(key)
}

func wrapperKey(k string) bool {
	switch strings.ToLower(k) {
	case "page", "pagesize", "totalrows", "totalpages", "data":
		return true
	}
	return false
}

func errorKey(k string) bool {
	switch strings.ToLower(k) {
	case "errorcode", "message":
		return true
	}
	return false
}

func (s *streamDecoder[T]) key() (string, error) {
	tok, err := s.dec.Token()
	if err != nil {
		return "", s.malformedAt(err)
	}
	k, ok := tok.(string)
	if !ok {
		return "", malformed("object key expected, got %v", tok)
	}
	return k, nil
}

func (s *streamDecoder[T]) expect(want json.Delim) error {
	tok, err := s.dec.Token()
	if err != nil {
		return s.malformedAt(err)
	}
	if tok != want {
		return malformed("expected %v, got %v", want, tok)
	}
	return nil
}

// wrapper reads the rest of a pagination wrapper (or error object) whose first key is key.
func (s *streamDecoder[T]) wrapper(key string) error {
	for {
		var err error
		switch strings.ToLower(key) {
		case "data":
			s.sawPaging = true
			err = s.data()
		case "page":
			err = s.intField(&s.meta.page)
		case "pagesize":
			err = s.intField(&s.meta.pageSize)
		case "totalrows":
			err = s.intField(&s.meta.totalRows)
		case "totalpages":
			err = s.intField(&s.meta.totalPages)
		case "errorcode":
			var raw json.RawMessage
			if err = s.dec.Decode(&raw); err == nil {
				if n := rawInt(raw); n != nil {
					s.errCode = *n
				}
			}
		case "message", "reference":
			var raw json.RawMessage
			if err = s.dec.Decode(&raw); err == nil {
				if strings.EqualFold(key, "message") {
					s.errMsg = rawString(raw)
				} else {
					s.errRef = rawString(raw)
				}
			}
		default:
			var skip json.RawMessage
			err = s.dec.Decode(&skip)
		}
		if err != nil {
			var cb *callbackError
			if errors.As(err, &cb) || errors.Is(err, ErrMalformedResponse) {
				return err
			}
			return s.malformedAt(err)
		}
		if !s.dec.More() {
			break
		}
		if key, err = s.key(); err != nil {
			return err
		}
	}
	if err := s.expect(json.Delim('}')); err != nil {
		return err
	}
	if !s.sawData && s.errCode != 0 {
		return &Error{HTTPStatus: http.StatusOK, ErrorCode: s.errCode, Message: s.errMsg, Reference: s.errRef}
	}
	if !s.sawPaging {
		return malformed("object is neither an item nor a pagination wrapper")
	}
	s.meta.paged = true
	return nil
}

func (s *streamDecoder[T]) intField(dst *int) error {
	s.sawPaging = true
	var n Int
	if err := s.dec.Decode(&n); err != nil {
		return err
	}
	*dst = int(n)
	return nil
}

// data streams the wrapper's data array.
func (s *streamDecoder[T]) data() error {
	tok, err := s.dec.Token()
	if err != nil {
		return s.malformedAt(err)
	}
	if tok == nil {
		return nil
	}
	if tok != json.Delim('[') {
		return malformed("data is %v, not an array", tok)
	}
	s.sawData = true
	for s.dec.More() {
		if err := s.decodeItem(); err != nil {
			return err
		}
	}
	return s.expect(json.Delim(']'))
}

// firstItem rebuilds an item whose '{' and first key were consumed while telling items from wrappers.
func (s *streamDecoder[T]) firstItem(key string) error {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for {
		k, _ := json.Marshal(key)
		buf.Write(k)
		buf.WriteByte(':')
		var raw json.RawMessage
		if err := s.dec.Decode(&raw); err != nil {
			return s.malformedAt(err)
		}
		buf.Write(raw)
		if !s.dec.More() {
			break
		}
		buf.WriteByte(',')
		var err error
		if key, err = s.key(); err != nil {
			return err
		}
	}
	if err := s.expect(json.Delim('}')); err != nil {
		return err
	}
	buf.WriteByte('}')
	return s.deliver(buf.Bytes())
}

func (s *streamDecoder[T]) deliver(raw []byte) error {
	item := new(T)
	if err := json.Unmarshal(raw, item); err != nil {
		return s.malformedAt(err)
	}
	return s.emit(item)
}

func (s *streamDecoder[T]) decodeItem() error {
	item := new(T)
	if err := s.dec.Decode(item); err != nil {
		return s.malformedAt(err)
	}
	return s.emit(item)
}

func (s *streamDecoder[T]) emit(item *T) error {
	if n, ok := any(item).(normalizer); ok {
		n.Normalize()
	}
	s.meta.items++
	if err := s.fn(item); err != nil {
		return &callbackError{err: err}
	}
	return nil
}

// pageTx makes a broken answer retryable after elements reached the caller: reset runs before every
// attempt at a page, commit after the page was read whole. collectFeed drops what the failed attempt
// collected; a stream resumes (see resume).
type pageTx struct {
	reset, commit func()
}

// resume hands a streamed page's elements to fn once each, however many attempts the page takes: an
// answer that breaks off (cut connection, garbled body) is requested again and the elements earlier
// attempts delivered are skipped, recognised by their key (the SKU). Keys are counted, so a SKU the
// feed lists twice is delivered twice; an element that only the new answer has (the feed changed
// meanwhile) is delivered wherever it comes. Only 8 bytes per delivered element are kept, for the
// length of a page.
type resume[T any] struct {
	fn        func(*T) error
	key       func(*T) string
	seed      maphash.Seed
	delivered []uint64       // key hashes of the elements delivered, this page
	skip      map[uint64]int // during a retry: delivered keys not met again yet
}

func newResume[T any](fn func(*T) error, key func(*T) string) *resume[T] {
	return &resume[T]{fn: fn, key: key, seed: maphash.MakeSeed()}
}

func (r *resume[T]) tx() *pageTx {
	return &pageTx{reset: r.reset, commit: r.commit}
}

// reset prepares an attempt: the first one delivers everything, a retry skips what was delivered.
func (r *resume[T]) reset() {
	r.skip = nil
	if len(r.delivered) == 0 {
		return
	}
	r.skip = make(map[uint64]int, len(r.delivered))
	for _, h := range r.delivered {
		r.skip[h]++
	}
}

// commit forgets a page read whole.
func (r *resume[T]) commit() {
	r.delivered, r.skip = r.delivered[:0], nil
}

func (r *resume[T]) deliver(item *T) error {
	h := maphash.String(r.seed, r.key(item))
	if n := r.skip[h]; n > 0 {
		r.skip[h] = n - 1
		return nil
	}
	r.delivered = append(r.delivered, h)
	return r.fn(item)
}

// streamConsume decodes a 200 body with decodeStream. A body that breaks off is an error wrapping
// ErrMalformedResponse, retried on reads; tx.reset makes the retry safe for what was delivered.
func streamConsume[T any](method string, fn func(*T) error, meta *pageMeta, tx *pageTx) consumeFunc {
	return func(resp *http.Response) error {
		defer resp.Body.Close()
		tx.reset()
		m, err := decodeStream(resp.Body, fn)
		*meta = m
		if err == nil {
			return nil
		}
		var cb *callbackError
		if errors.As(err, &cb) {
			return &finalError{err: cb.err, callback: true}
		}
		if e, ok := AsError(err); ok {
			e.Method = method
			e.RetryAfter = okBodyThrottleWait(e)
			return e
		}
		return fmt.Errorf("iws: %s: %w", method, err)
	}
}

// okBodyThrottleWait is the wait for a throttle error found inside a 200 body.
func okBodyThrottleWait(e *Error) time.Duration {
	if !e.Throttled() {
		return 0
	}
	if w := throttleWait(e.Message); w > 0 {
		return w
	}
	return DefaultThrottleWait
}

// pagedQuery is a feed request that may be paginated.
type pagedQuery struct {
	query url.Values
	page  int // > 0: only this page
	limit int // page size; with page == 0, every page from 1 to totalPages
	body  []byte
}

// streamFeed fetches a feed and calls fn for every element: one unpaginated request, one given page, or
// page after page until totalPages. Pagination is never cut short: a page number that IWS does not echo
// back is an error rather than a loop. tx (required) makes a page that breaks off retryable.
func streamFeed[T any](ctx context.Context, c *Client, ep *Endpoint, pq pagedQuery, fn func(*T) error, tx *pageTx) (StreamInfo, error) {
	var info StreamInfo
	fetch := func(page int) (pageMeta, error) {
		q := cloneValues(pq.query)
		if page > 0 {
			q.Set("page", fmt.Sprint(page))
			if pq.limit > 0 {
				q.Set("limit", fmt.Sprint(pq.limit))
			}
		}
		var m pageMeta
		err := c.send(ctx, ep, q, pq.body, streamConsume(ep.Name, fn, &m, tx))
		if err == nil {
			tx.commit()
		}
		info.Pages++
		info.Items += m.items
		if m.paged {
			info.Paginated = true
			info.TotalRows, info.TotalPages = m.totalRows, m.totalPages
		}
		return m, err
	}
	switch {
	case pq.page > 0:
		_, err := fetch(pq.page)
		return info, err
	case pq.limit <= 0:
		_, err := fetch(0)
		return info, err
	}
	for page := 1; ; page++ {
		m, err := fetch(page)
		if err != nil {
			return info, err
		}
		if !m.paged {
			// IWS ignored paging and sent the whole list.
			return info, nil
		}
		if m.page != 0 && m.page != page {
			return info, fmt.Errorf("iws: %s: asked for page %d, got page %d: %w", ep.Name, page, m.page, ErrMalformedResponse)
		}
		last := m.totalPages
		if last == 0 && m.totalRows > 0 {
			// A wrapper without totalPages: derive it rather than stop after page 1.
			last = (m.totalRows + pq.limit - 1) / pq.limit
		}
		if page >= last {
			return info, nil
		}
	}
}

// catalogMaster is a GetCatalog product without its price, stock and dates: the fields a
// catalog mirror keeps when it takes price and stock from GetPriceList and GetInventory.
type catalogMaster struct {
	Sku            string        `json:"Sku"`
	Mpn            string        `json:"Mpn"`
	Manufacturer   *Manufacturer `json:"Manufacturer,omitempty"`
	Brand          *Brand        `json:"Brand"`
	Category       *Category     `json:"Category,omitempty"`
	Description    string        `json:"Description"`
	Type           string        `json:"Type"`
	Upc            *string       `json:"Upc,omitempty"`
	Freight        *Freight      `json:"Freight,omitempty"`
	RealStockValue *bool         `json:"RealStockValue,omitempty"`
}

// StreamCatalogMaster streams GET /getcatalog as StreamCatalog does, decoding of each product
// only Sku, Mpn, Manufacturer, Brand, Category, Description, Type, Upc, Freight and
// RealStockValue; the other fields of the Product handed to fn are zero. Price, stock,
// locations and dates are most of a catalog item's decoding cost, and a mirror that reads them
// from GetPriceList and GetInventory does not use them. An item malformed only in those fields
// is not reported here (StreamCatalog reports it).
func (c *Client) StreamCatalogMaster(ctx context.Context, params *CatalogParams, fn func(*Product) error) (StreamInfo, error) {
	pq, err := params.query()
	if err != nil {
		return StreamInfo{}, fmt.Errorf("iws: GetCatalog: %w", err)
	}
	return streamResumable(ctx, c, &epGetCatalog, pq, func(m *catalogMaster) error {
		return fn(&Product{Sku: m.Sku, Mpn: m.Mpn, Manufacturer: m.Manufacturer, Brand: m.Brand, Category: m.Category,
			Description: m.Description, Type: m.Type, Upc: m.Upc, Freight: m.Freight, RealStockValue: m.RealStockValue})
	}, func(m *catalogMaster) string { return m.Sku })
}

// StreamCatalogDescriptions streams GET /getcatalog as StreamCatalog does, decoding of each
// product only its Sku and Description: what a second-locale pass over the catalog keeps. Skipping
// the other fields makes it several times cheaper than decoding whole products; it also means an
// item malformed only in its other fields is not reported here (StreamCatalog reports it).
func (c *Client) StreamCatalogDescriptions(ctx context.Context, params *CatalogParams, fn func(*CatalogDescription) error) (StreamInfo, error) {
	pq, err := params.query()
	if err != nil {
		return StreamInfo{}, fmt.Errorf("iws: GetCatalog: %w", err)
	}
	return streamResumable(ctx, c, &epGetCatalog, pq, func(d *catalogDescription) error {
		return fn((*CatalogDescription)(d))
	}, func(d *catalogDescription) string { return d.Sku })
}

// streamResumable is streamFeed for a caller's callback: a page that breaks off is retried (on reads)
// and resumed, each element reaching fn once (see resume); key names an element (its SKU).
func streamResumable[T any](ctx context.Context, c *Client, ep *Endpoint, pq pagedQuery, fn func(*T) error, key func(*T) string) (StreamInfo, error) {
	r := newResume(fn, key)
	return streamFeed(ctx, c, ep, pq, r.deliver, r.tx())
}

// collectFeed is streamFeed into a slice. A page cut short is retried (on reads) from a clean slate.
func collectFeed[T any](ctx context.Context, c *Client, ep *Endpoint, pq pagedQuery) ([]T, error) {
	var out []T
	mark := 0
	tx := &pageTx{reset: func() { out = out[:mark] }, commit: func() { mark = len(out) }}
	_, err := streamFeed(ctx, c, ep, pq, func(item *T) error {
		out = append(out, *item)
		return nil
	}, tx)
	if err != nil {
		return nil, err
	}
	return out, nil
}

func cloneValues(v url.Values) url.Values {
	out := make(url.Values, len(v)+2)
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// decodeObject decodes a single-object 200 body into v. A body carrying an IWS ErrorCode is an *Error.
func decodeObject(method string, body []byte, v any) error {
	body = bytes.TrimSpace(bytes.TrimPrefix(body, utf8BOM))
	if len(body) == 0 {
		return fmt.Errorf("iws: %s: %w: empty body", method, ErrMalformedResponse)
	}
	if body[0] == '{' {
		var e Error
		if decodeErrorBody(body, &e) && e.ErrorCode != 0 {
			e.Method, e.HTTPStatus = method, http.StatusOK
			e.RetryAfter = okBodyThrottleWait(&e)
			return &e
		}
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("iws: %s: %w: %w", method, ErrMalformedResponse, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return fmt.Errorf("iws: %s: %w: data after the JSON value", method, ErrMalformedResponse)
	}
	return nil
}

// maxObjectBody caps a single-object response (an order, an invoice).
const maxObjectBody = 32 << 20

// objectConsume reads a single-object 200 body into v.
func objectConsume(method string, v any) consumeFunc {
	return func(resp *http.Response) error {
		defer resp.Body.Close()
		body, err := io.ReadAll(io.LimitReader(resp.Body, maxObjectBody))
		if err != nil {
			return fmt.Errorf("iws: %s: %w: reading body: %w", method, ErrMalformedResponse, err)
		}
		return decodeObject(method, body, v)
	}
}
