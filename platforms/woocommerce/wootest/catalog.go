package wootest

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"strings"
)

type category struct {
	ID, Parent       int
	Name, Slug, Desc string
	Display          string
	MenuOrder        int
}

// Category is the REST v3 product category representation (fixtures 22–24).
type Category struct {
	ID          int            `json:"id"`
	Name        string         `json:"name"`
	Slug        string         `json:"slug"`
	Parent      int            `json:"parent"`
	Description string         `json:"description"`
	Display     string         `json:"display"`
	Image       *Image         `json:"image"`
	MenuOrder   int            `json:"menu_order"`
	Count       int            `json:"count"`
	Links       map[string]any `json:"_links"`
}

// countLocked counts the products in c and its descendants, as the recorded parent count shows.
func (s *Server) countLocked(c *category) int {
	n := 0
	for _, p := range s.products {
		if p.Type == "variation" {
			continue
		}
		for _, id := range p.Categories {
			if s.isUnderLocked(id, c.ID) {
				n++
				break
			}
		}
	}
	return n
}

func (s *Server) isUnderLocked(id, ancestor int) bool {
	for depth := 0; id != 0 && depth < 50; depth++ {
		if id == ancestor {
			return true
		}
		c := s.categories[id]
		if c == nil {
			return false
		}
		id = c.Parent
	}
	return false
}

func (s *Server) renderCategoryLocked(base string, c *category) Category {
	links := map[string]any{
		"self":       selfLink(fmt.Sprintf("%s%s/products/categories/%d", base, restPrefix, c.ID), itemAllow...),
		"collection": []link{{Href: base + restPrefix + "/products/categories"}},
	}
	if c.Parent != 0 {
		links["up"] = []link{{Href: fmt.Sprintf("%s%s/products/categories/%d", base, restPrefix, c.Parent)}}
	}
	return Category{ID: c.ID, Name: c.Name, Slug: c.Slug, Parent: c.Parent, Description: c.Desc, Display: c.Display,
		MenuOrder: c.MenuOrder, Count: s.countLocked(c), Links: links}
}

// categoryInput is the body of a category create, alone or in a batch.
type categoryInput struct {
	Name        string `json:"name"`
	Slug        string `json:"slug"`
	Parent      int    `json:"parent"`
	Description string `json:"description"`
	Display     string `json:"display"`
	MenuOrder   int    `json:"menu_order"`
}

// createCategoryLocked creates a product_cat term as wp_insert_term does: a name that exists
// under the same parent is term_exists with its id in resource_id (fixtures 22–23).
func (s *Server) createCategoryLocked(in categoryInput) (*category, *apiError) {
	if strings.TrimSpace(in.Name) == "" {
		return nil, newError(http.StatusBadRequest, "rest_missing_callback_param", "Missing parameter(s): name")
	}
	if in.Parent != 0 && s.categories[in.Parent] == nil {
		return nil, newError(http.StatusBadRequest, "woocommerce_rest_term_invalid", "Parent term does not exist.")
	}
	slug := firstNonEmpty(in.Slug, slugify(in.Name))
	for _, c := range s.categories {
		if c.Parent == in.Parent && strings.EqualFold(c.Name, in.Name) {
			e := newError(http.StatusBadRequest, "term_exists", "A term with the name provided already exists with this parent.")
			e.Data.ResourceID = c.ID
			return nil, e
		}
		if c.Slug == slug {
			slug = slug + "-" + strconv.Itoa(in.Parent)
		}
	}
	c := &category{ID: s.nextTermID, Parent: in.Parent, Name: in.Name, Slug: slug, Desc: in.Description,
		Display: firstNonEmpty(in.Display, "default"), MenuOrder: in.MenuOrder}
	s.nextTermID++
	s.categories[c.ID] = c
	return c, nil
}

func (s *Server) createCategory(w http.ResponseWriter, r *http.Request) {
	var in categoryInput
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeError(w, newError(http.StatusBadRequest, "rest_invalid_json", "Invalid JSON body passed."))
		return
	}
	base := s.restBase(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	c, err := s.createCategoryLocked(in)
	if err != nil {
		writeError(w, err)
		return
	}
	w.Header().Set("Location", fmt.Sprintf("%s%s/products/categories/%d", base, restPrefix, c.ID))
	writeJSON(w, http.StatusCreated, s.renderCategoryLocked(base, c))
}

// batchCategories serves POST /products/categories/batch (WC_REST_Terms_Controller's batch
// route): creates only; an item that fails is {"id":0,"error":{…}} in place, the others are
// created, and the answer is 200.
func (s *Server) batchCategories(w http.ResponseWriter, r *http.Request) {
	var req struct {
		Create []categoryInput   `json:"create"`
		Update []json.RawMessage `json:"update"`
		Delete []json.RawMessage `json:"delete"`
	}
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, newError(http.StatusBadRequest, "rest_invalid_json", "Invalid JSON body passed."))
		return
	}
	if n := len(req.Create) + len(req.Update) + len(req.Delete); n > s.cfg.BatchLimit {
		writeError(w, newError(http.StatusRequestEntityTooLarge, "woocommerce_rest_request_entity_too_large",
			fmt.Sprintf("Unable to accept more than %d items for this request.", s.cfg.BatchLimit)))
		return
	}
	if len(req.Update)+len(req.Delete) > 0 {
		writeError(w, newError(http.StatusNotImplemented, "wootest_not_implemented", "The fake batches category creates only."))
		return
	}
	base := s.restBase(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	var resp batchResponse
	for _, in := range req.Create {
		c, err := s.createCategoryLocked(in)
		if err != nil {
			resp.Create = append(resp.Create, batchError{ID: intPtr(0), Error: err})
			continue
		}
		resp.Create = append(resp.Create, s.renderCategoryLocked(base, c))
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) getCategory(w http.ResponseWriter, r *http.Request, id int) {
	base := s.restBase(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	c := s.categories[id]
	if c == nil {
		writeError(w, newError(http.StatusNotFound, "woocommerce_rest_term_invalid", "Resource does not exist."))
		return
	}
	writeJSON(w, http.StatusOK, s.renderCategoryLocked(base, c))
}

// listCategories is a flat list sorted by name (fixture 24).
func (s *Server) listCategories(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	perPage, page, offset, perr := pageParams(q)
	if perr != nil {
		writeError(w, perr)
		return
	}
	base := s.restBase(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []*category
	for _, c := range s.categories {
		if v := q.Get("parent"); v != "" && strconv.Itoa(c.Parent) != v {
			continue
		}
		list = append(list, c)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	writePage(w, r, base, list, perPage, page, offset, func(c *category) Category { return s.renderCategoryLocked(base, c) })
}

// Categories returns every category.
func (s *Server) Categories() []Category {
	base := s.site()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Category
	for _, c := range s.categories {
		out = append(out, s.renderCategoryLocked(base, c))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// settings_general.json is the recorded /settings/general body (fixture 25) without _links.
//
//go:embed settings_general.json
var settingsGeneral []byte

func (s *Server) settingValue(id string) (string, bool) {
	switch id {
	case "woocommerce_currency":
		return s.cfg.Currency, true
	case "woocommerce_price_num_decimals":
		return strconv.Itoa(s.cfg.PriceDecimals), true
	}
	return "", false
}

func (s *Server) settings(base string) ([]map[string]json.RawMessage, error) {
	var list []map[string]json.RawMessage
	if err := json.Unmarshal(settingsGeneral, &list); err != nil {
		return nil, fmt.Errorf("wootest: settings: %w", err)
	}
	for _, m := range list {
		var id string
		_ = json.Unmarshal(m["id"], &id)
		if v, ok := s.settingValue(id); ok {
			m["value"], _ = json.Marshal(v)
		}
		m["_links"], _ = json.Marshal(map[string]any{
			"self":       selfLink(base+restPrefix+"/settings/general/"+id, "GET", "POST", "PUT", "PATCH"),
			"collection": []link{{Href: base + restPrefix + "/settings/general"}},
		})
	}
	return list, nil
}

func (s *Server) getSettingsGeneral(w http.ResponseWriter, r *http.Request) {
	list, err := s.settings(s.restBase(r))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *Server) getSetting(w http.ResponseWriter, r *http.Request, id string) {
	list, err := s.settings(s.restBase(r))
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	for _, m := range list {
		var got string
		_ = json.Unmarshal(m["id"], &got)
		if got == id {
			m["group_id"] = json.RawMessage(`"general"`)
			writeJSON(w, http.StatusOK, m)
			return
		}
	}
	writeError(w, newError(http.StatusNotFound, "rest_setting_setting_invalid", "Invalid setting."))
}

var currencyNames = map[string][2]string{
	"EUR": {"Euro", "&euro;"}, "USD": {"United States (US) dollar", "&#36;"}, "CLP": {"Chilean peso", "&#36;"},
	"MXN": {"Mexican peso", "&#36;"}, "COP": {"Colombian peso", "&#36;"}, "PEN": {"Sol", "S/"},
	"CRC": {"Costa rican col&oacute;n", "&#x20a1;"}, "GTQ": {"Guatemalan quetzal", "Q"}, "ARS": {"Argentine peso", "&#36;"},
}

func currencySymbol(code string) string {
	if n, ok := currencyNames[code]; ok {
		return n[1]
	}
	return code
}

func (s *Server) getCurrentCurrency(w http.ResponseWriter, r *http.Request) {
	base := s.restBase(r)
	code := s.cfg.Currency
	name := code
	if n, ok := currencyNames[code]; ok {
		name = n[0]
	}
	writeJSON(w, http.StatusOK, struct {
		Code   string         `json:"code"`
		Name   string         `json:"name"`
		Symbol string         `json:"symbol"`
		Links  map[string]any `json:"_links"`
	}{code, name, currencySymbol(code), map[string]any{
		"self":       selfLink(base+restPrefix+"/data/currencies/"+code, "GET"),
		"collection": []link{{Href: base + restPrefix + "/data/currencies"}},
	}})
}
