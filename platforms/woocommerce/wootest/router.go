package wootest

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

const restPrefix = "/wp-json/wc/v3"

const (
	allowCollection = "GET, POST"
	allowItem       = "GET, POST, PUT, PATCH, DELETE"
	allowBatch      = "POST, PUT, PATCH"
)

// apiError is WordPress's REST error body.
type apiError struct {
	Code    string    `json:"code"`
	Message string    `json:"message"`
	Data    errorData `json:"data"`
}

type errorData struct {
	Status     int                        `json:"status"`
	Params     map[string]string          `json:"params,omitempty"`
	Details    map[string]json.RawMessage `json:"details,omitempty"`
	ResourceID int                        `json:"resource_id,omitempty"`
	UniqueSKU  string                     `json:"unique_sku,omitempty"`
}

func (e *apiError) Error() string { return e.Code + ": " + e.Message }

func newError(status int, code, msg string) *apiError {
	return &apiError{Code: code, Message: msg, Data: errorData{Status: status}}
}

// invalidParam is rest_invalid_param for one parameter, as in fixtures 11, 13, 14.
func invalidParam(param, detailCode, msg string, withData bool) *apiError {
	var detail []byte
	if withData {
		detail, _ = json.Marshal(struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Data    struct {
				Param string `json:"param"`
			} `json:"data"`
		}{Code: detailCode, Message: msg, Data: struct {
			Param string `json:"param"`
		}{param}})
	} else {
		detail, _ = json.Marshal(struct {
			Code    string `json:"code"`
			Message string `json:"message"`
			Data    any    `json:"data"`
		}{Code: detailCode, Message: msg})
	}
	return &apiError{
		Code:    "rest_invalid_param",
		Message: "Invalid parameter(s): " + param,
		Data: errorData{
			Status:  http.StatusBadRequest,
			Params:  map[string]string{param: msg},
			Details: map[string]json.RawMessage{param: detail},
		},
	}
}

func errInvalidProductID(status int) *apiError {
	return newError(status, "woocommerce_rest_product_invalid_id", "Invalid ID.")
}

// commonHeaders are the headers WordPress sends on every REST response (fixtures 01–51).
func (s *Server) commonHeaders(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=UTF-8")
	h.Set("X-Robots-Tag", "noindex")
	h.Set("Link", "<"+s.restBase(r)+"/wp-json/>; rel=\"https://api.w.org/\"")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Access-Control-Expose-Headers", "X-WP-Total, X-WP-TotalPages, Link")
	h.Set("Access-Control-Allow-Headers", "Authorization, X-WP-Nonce, Content-Disposition, Content-MD5, Content-Type")
}

func noCache(w http.ResponseWriter) {
	w.Header().Set("Expires", "Wed, 11 Jan 1984 05:00:00 GMT")
	w.Header().Set("Cache-Control", "no-cache, must-revalidate, max-age=0, no-store, private")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.WriteHeader(status)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, e *apiError) { writeJSON(w, e.Data.Status, e) }

// route dispatches one request.
func (s *Server) route(w http.ResponseWriter, r *http.Request) {
	path := r.URL.Path
	if strings.HasPrefix(path, "/wc-auth/v1/") {
		s.serveWCAuth(w, r)
		return
	}
	if path == "/wp-json/" || path == "/wp-json" {
		s.serveIndex(w, r)
		return
	}
	if !strings.HasPrefix(path, restPrefix+"/") || s.cfg.WithoutWooCommerce {
		s.commonHeaders(w, r)
		writeError(w, newError(http.StatusNotFound, "rest_no_route", "No route was found matching the URL and request method."))
		return
	}
	s.commonHeaders(w, r)
	seg := strings.Split(strings.Trim(strings.TrimPrefix(path, restPrefix), "/"), "/")
	method := r.Method
	if method == http.MethodPatch {
		method = http.MethodPut
	}
	if o := r.URL.Query().Get("_method"); o != "" && method == http.MethodPost {
		method = strings.ToUpper(o)
	}

	op, allow, handler := s.match(method, seg)
	if handler == nil {
		writeError(w, newError(http.StatusNotFound, "rest_no_route", "No route was found matching the URL and request method."))
		return
	}
	if err := s.authenticate(r, op); err != nil {
		w.Header().Set("Vary", "Origin")
		writeError(w, err)
		return
	}
	noCache(w)
	w.Header().Set("Allow", allow)
	handler(w, r)
}

// operation is what a route does, for permission errors.
type operation int

const (
	opList operation = iota
	opView
	opCreate
	opEdit
	opDelete
	opBatch
)

type handlerFunc func(http.ResponseWriter, *http.Request)

func (s *Server) match(method string, seg []string) (operation, string, handlerFunc) {
	id := func(i int) (int, bool) {
		if i >= len(seg) {
			return 0, false
		}
		n, err := strconv.Atoi(seg[i])
		return n, err == nil
	}
	switch {
	case len(seg) == 1 && seg[0] == "products":
		switch method {
		case http.MethodGet:
			return opList, allowCollection, s.listProducts
		case http.MethodPost:
			return opCreate, allowCollection, s.createProduct
		}
	case len(seg) == 2 && seg[0] == "products" && seg[1] == "batch":
		if method == http.MethodPost || method == http.MethodPut {
			return opBatch, allowBatch, s.batchProducts
		}
	case len(seg) == 2 && seg[0] == "products" && seg[1] == "categories":
		switch method {
		case http.MethodGet:
			return opList, allowCollection, s.listCategories
		case http.MethodPost:
			return opCreate, allowCollection, s.createCategory
		}
	case len(seg) == 3 && seg[0] == "products" && seg[1] == "categories" && seg[2] == "batch":
		if method == http.MethodPost || method == http.MethodPut {
			return opBatch, allowBatch, s.batchCategories
		}
	case len(seg) == 3 && seg[0] == "products" && seg[1] == "categories":
		if n, ok := id(2); ok && method == http.MethodGet {
			return opView, allowItem, func(w http.ResponseWriter, r *http.Request) { s.getCategory(w, r, n) }
		}
	case len(seg) == 2 && seg[0] == "products":
		n, ok := id(1)
		if !ok {
			break
		}
		switch method {
		case http.MethodGet:
			return opView, allowItem, func(w http.ResponseWriter, r *http.Request) { s.getProduct(w, r, n) }
		case http.MethodPut:
			return opEdit, allowItem, func(w http.ResponseWriter, r *http.Request) { s.updateProduct(w, r, n) }
		case http.MethodDelete:
			return opDelete, allowItem, func(w http.ResponseWriter, r *http.Request) { s.deleteProduct(w, r, n) }
		}
	case len(seg) == 3 && seg[0] == "products" && seg[2] == "variations":
		n, ok := id(1)
		if !ok {
			break
		}
		switch method {
		case http.MethodGet:
			return opList, allowCollection, func(w http.ResponseWriter, r *http.Request) { s.listVariations(w, r, n) }
		case http.MethodPost:
			return opCreate, allowCollection, func(w http.ResponseWriter, r *http.Request) { s.createVariation(w, r, n) }
		}
	case len(seg) == 4 && seg[0] == "products" && seg[2] == "variations" && seg[3] == "batch":
		if n, ok := id(1); ok && (method == http.MethodPost || method == http.MethodPut) {
			return opBatch, allowBatch, func(w http.ResponseWriter, r *http.Request) { s.batchVariations(w, r, n) }
		}
	case len(seg) == 4 && seg[0] == "products" && seg[2] == "variations":
		n, ok1 := id(1)
		v, ok2 := id(3)
		if !ok1 || !ok2 {
			break
		}
		switch method {
		case http.MethodGet:
			return opView, allowItem, func(w http.ResponseWriter, r *http.Request) { s.getVariation(w, r, n, v) }
		case http.MethodPut:
			return opEdit, allowItem, func(w http.ResponseWriter, r *http.Request) { s.updateVariation(w, r, n, v) }
		}
	case len(seg) == 2 && seg[0] == "settings" && seg[1] == "general":
		if method == http.MethodGet {
			return opList, "GET", s.getSettingsGeneral
		}
	case len(seg) == 3 && seg[0] == "settings" && seg[1] == "general":
		if method == http.MethodGet {
			return opView, "GET, POST, PUT, PATCH", func(w http.ResponseWriter, r *http.Request) { s.getSetting(w, r, seg[2]) }
		}
	case len(seg) == 2 && seg[0] == "settings" && seg[1] == "products":
		if method == http.MethodGet {
			return opList, "GET", s.getSettingsProducts
		}
	case len(seg) == 3 && seg[0] == "settings" && seg[1] == "products":
		if method == http.MethodGet {
			return opView, "GET, POST, PUT, PATCH", func(w http.ResponseWriter, r *http.Request) { s.getProductSetting(w, r, seg[2]) }
		}
	case len(seg) == 3 && seg[0] == "data" && seg[1] == "currencies" && seg[2] == "current":
		if method == http.MethodGet {
			return opView, "GET", s.getCurrentCurrency
		}
	case len(seg) == 1 && seg[0] == "orders":
		switch method {
		case http.MethodGet:
			return opList, allowCollection, s.listOrders
		case http.MethodPost:
			return opCreate, allowCollection, s.createOrder
		}
	case len(seg) == 2 && seg[0] == "orders":
		n, ok := id(1)
		if !ok {
			break
		}
		switch method {
		case http.MethodGet:
			return opView, allowItem, func(w http.ResponseWriter, r *http.Request) { s.getOrder(w, r, n) }
		case http.MethodPut:
			return opEdit, allowItem, func(w http.ResponseWriter, r *http.Request) { s.updateOrder(w, r, n) }
		}
	case len(seg) == 3 && seg[0] == "orders" && seg[2] == "notes":
		n, ok := id(1)
		if !ok {
			break
		}
		switch method {
		case http.MethodGet:
			return opList, allowCollection, func(w http.ResponseWriter, r *http.Request) { s.listNotes(w, r, n) }
		case http.MethodPost:
			return opCreate, allowCollection, func(w http.ResponseWriter, r *http.Request) { s.createNote(w, r, n) }
		}
	case len(seg) == 1 && seg[0] == "webhooks":
		switch method {
		case http.MethodGet:
			return opList, allowCollection, s.listWebhooks
		case http.MethodPost:
			return opCreate, allowCollection, s.createWebhook
		}
	case len(seg) == 2 && seg[0] == "webhooks":
		n, ok := id(1)
		if !ok {
			break
		}
		switch method {
		case http.MethodGet:
			return opView, allowItem, func(w http.ResponseWriter, r *http.Request) { s.getWebhook(w, r, n) }
		case http.MethodPut:
			return opEdit, allowItem, func(w http.ResponseWriter, r *http.Request) { s.updateWebhook(w, r, n) }
		case http.MethodDelete:
			return opDelete, allowItem, func(w http.ResponseWriter, r *http.Request) { s.deleteWebhook(w, r, n) }
		}
	}
	return 0, "", nil
}

// pageParams reads per_page (1..100, default 10), page and offset.
func pageParams(q url.Values) (perPage, page, offset int, err *apiError) {
	perPage, page = 10, 1
	if v := q.Get("per_page"); v != "" {
		n, e := strconv.Atoi(v)
		if e != nil {
			return 0, 0, 0, invalidParam("per_page", "rest_invalid_type", "per_page is not of type integer.", true)
		}
		if n < 1 || n > 100 {
			return 0, 0, 0, invalidParam("per_page", "rest_out_of_bounds", "per_page must be between 1 (inclusive) and 100 (inclusive)", true)
		}
		perPage = n
	}
	if v := q.Get("page"); v != "" {
		n, e := strconv.Atoi(v)
		if e != nil || n < 1 {
			return 0, 0, 0, invalidParam("page", "rest_out_of_bounds", "page must be greater than or equal to 1", true)
		}
		page = n
	}
	offset = (page - 1) * perPage
	if v := q.Get("offset"); v != "" {
		n, e := strconv.Atoi(v)
		if e != nil || n < 0 {
			return 0, 0, 0, invalidParam("offset", "rest_invalid_type", "offset is not of type integer.", true)
		}
		offset = n
	}
	return perPage, page, offset, nil
}

// paginate slices total items and sets X-WP-Total, X-WP-TotalPages and the prev/next Link header
// the way fixtures 01 and 02 show (only prev and next, comma-joined in one header).
// writePage answers a list request with one page of items rendered by render (an empty page is
// the JSON array []), with the pagination headers paginate sets.
func writePage[T, O any](w http.ResponseWriter, r *http.Request, base string, items []T, perPage, page, offset int, render func(T) O) {
	lo, hi := paginate(w, r, base, len(items), perPage, page, offset)
	out := make([]O, 0, hi-lo)
	for _, it := range items[lo:hi] {
		out = append(out, render(it))
	}
	writeJSON(w, http.StatusOK, out)
}

func paginate(w http.ResponseWriter, r *http.Request, base string, total, perPage, page, offset int) (lo, hi int) {
	pages := (total + perPage - 1) / perPage
	w.Header().Set("X-WP-Total", strconv.Itoa(total))
	w.Header().Set("X-WP-TotalPages", strconv.Itoa(pages))
	var links []string
	if page > 1 && pages > 0 {
		prev := page - 1
		if prev > pages {
			prev = pages
		}
		links = append(links, fmt.Sprintf("<%s>; rel=\"prev\"", pageURL(base, r, prev)))
	}
	if page < pages {
		links = append(links, fmt.Sprintf("<%s>; rel=\"next\"", pageURL(base, r, page+1)))
	}
	if len(links) > 0 {
		w.Header().Set("Link", strings.Join(links, ", "))
	}
	lo, hi = offset, offset+perPage
	if lo > total {
		lo = total
	}
	if hi > total {
		hi = total
	}
	return lo, hi
}

// pageURL keeps the request's query order and replaces (or appends) page.
func pageURL(base string, r *http.Request, page int) string {
	var parts []string
	found := false
	for _, kv := range strings.Split(r.URL.RawQuery, "&") {
		if kv == "" {
			continue
		}
		k, _, _ := strings.Cut(kv, "=")
		if k == "page" {
			kv = "page=" + strconv.Itoa(page)
			found = true
		}
		parts = append(parts, kv)
	}
	if !found {
		parts = append(parts, "page="+strconv.Itoa(page))
	}
	return base + r.URL.Path + "?" + strings.Join(parts, "&")
}

// decodeBody reads a JSON object body into raw fields.
func decodeBody(r *http.Request) (map[string]json.RawMessage, *apiError) {
	fields := map[string]json.RawMessage{}
	dec := json.NewDecoder(http.MaxBytesReader(nil, r.Body, 32<<20))
	if err := dec.Decode(&fields); err != nil {
		if err.Error() == "EOF" {
			return fields, nil
		}
		return nil, newError(http.StatusBadRequest, "rest_invalid_json", "Invalid JSON body passed.")
	}
	return fields, nil
}

// link is one entry of _links.
type link struct {
	Href        string       `json:"href"`
	Embeddable  *bool        `json:"embeddable,omitempty"`
	TargetHints *targetHints `json:"targetHints,omitempty"`
}

type targetHints struct {
	Allow []string `json:"allow"`
}

func selfLink(href string, allow ...string) []link {
	return []link{{Href: href, TargetHints: &targetHints{Allow: allow}}}
}

var itemAllow = []string{"GET", "POST", "PUT", "PATCH", "DELETE"}
