package admin

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/store"
)

// productsPageSize is the products list's default page size.
const productsPageSize = 50

// productsQuery is a products list request, from the query string of /products and
// /api/v1/products: account, q (text in the SKU, MPN, UPC, brand, manufacturer or name), brand
// (the whole name), category (an IWS category id and those below it), stock (in, out), active
// (yes, no), sort (a store.ProductSorts key), dir (asc, desc), offset and limit.
type productsQuery struct {
	Account  string
	Q        string
	Brand    string
	Category string
	Stock    string
	Active   string
	Sort     string
	Desc     bool
	Offset   int
	Limit    int
}

// parseProductsQuery reads q and checks it; errs maps a field to the translation key of its
// problem.
func parseProductsQuery(q url.Values) (pq productsQuery, errs map[string]string) {
	errs = map[string]string{}
	get := func(k string) string { return strings.TrimSpace(q.Get(k)) }
	pq = productsQuery{Account: get("account"), Q: get("q"), Brand: get("brand"), Category: get("category"),
		Stock: get("stock"), Active: get("active"), Sort: get("sort"), Limit: productsPageSize}
	l := listParamsKeys(errs)
	l.choice("stock", pq.Stock, []string{"in", "out"}, "products.invalid_choice")
	l.choice("active", pq.Active, []string{"yes", "no"}, "products.invalid_choice")
	l.choice("sort", pq.Sort, store.ProductSorts, "products.invalid_choice")
	if dir := get("dir"); l.choice("dir", dir, []string{"asc", "desc"}, "products.invalid_choice") {
		pq.Desc = dir == "desc"
	}
	pq.Offset, pq.Limit = l.paging(get("offset"), get("limit"), productsPageSize, store.MaxPageSize, "products.invalid_number", "products.invalid_number")
	return pq, errs
}

// filter is the store's filter of the query.
func (pq productsQuery) filter() store.ProductFilter {
	f := store.ProductFilter{Search: pq.Q, Brand: pq.Brand, CategoryPrefix: pq.Category}
	if pq.Stock != "" {
		in := pq.Stock == "in"
		f.InStock = &in
	}
	if pq.Active != "" {
		active := pq.Active == "yes"
		f.Active = &active
	}
	return f
}

// values is the query as URL parameters, defaults left out.
func (pq productsQuery) values() url.Values {
	v := listValues("account", pq.Account, "q", pq.Q, "brand", pq.Brand, "category", pq.Category, "stock", pq.Stock,
		"active", pq.Active, "sort", pq.Sort)
	if pq.Desc {
		v.Set("dir", "desc")
	}
	listPaging(v, pq.Offset, pq.Limit, productsPageSize)
	return v
}

// url is the list's address for the query.
func (pq productsQuery) url() string {
	if v := pq.values(); len(v) > 0 {
		return "/products?" + v.Encode()
	}
	return "/products"
}

// productSummary is a product as the list shows it (and as the API's list gives it).
type productSummary struct {
	SKU          string    `json:"sku"`
	MPN          string    `json:"mpn"`
	UPC          string    `json:"upc"`
	Name         string    `json:"name"`
	NameEN       string    `json:"name_en"`
	Brand        string    `json:"brand"`
	Manufacturer string    `json:"manufacturer"`
	CategoryID   string    `json:"category_id"`
	Category     string    `json:"category"`
	Type         string    `json:"type"`
	Cost         string    `json:"cost"`
	Currency     string    `json:"currency"`
	Sellable     bool      `json:"sellable"`
	StockTotal   int       `json:"stock_total"`
	Active       bool      `json:"active"`
	UpdatedAt    time.Time `json:"updated_at"`
	Link         string    `json:"-"`
}

func summarizeProduct(p *mirror.Product, account string) productSummary {
	var path []string
	for _, n := range p.CategoryPath {
		path = append(path, n.Name)
	}
	link := "/products/" + url.PathEscape(p.SKU)
	if account != "" {
		link += "?account=" + url.QueryEscape(account)
	}
	return productSummary{SKU: p.SKU, MPN: p.MPN, UPC: p.UPC, Name: p.DescriptionES, NameEN: p.DescriptionEN,
		Brand: p.Brand, Manufacturer: p.Manufacturer, CategoryID: p.CategoryID, Category: strings.Join(path, " › "),
		Type: p.Type, Cost: p.Cost.String(), Currency: p.Currency, Sellable: p.Sellable, StockTotal: p.StockTotal,
		Active: p.Active, UpdatedAt: p.UpdatedAt, Link: link}
}

// productsSortColumn is a sortable column heading: its link sorts by it (the other way when it
// is the current order).
type productsSortColumn struct {
	Key   string // translation key of the heading
	URL   string
	Order string // "ascending", "descending" or "" (aria-sort)
}

// productsListData is the products page's data.
type productsListData struct {
	Accounts  []iwsAccountOption
	Query     productsQuery
	Errors    map[string]string // field → translation key
	Problem   string            // translation key of a problem with the whole page
	Items     []productSummary
	Total     int64
	From, To  int
	PrevURL   string
	NextURL   string
	Columns   map[string]productsSortColumn
	SortKeys  []string
	Sort      string // the order used (the default when none is asked for)
	PageSizes []int
}

// productsSortable are the list's sortable columns, by sort key.
var productsSortable = []string{"sku", "name", "brand", "cost", "stock", "updated"}

// productsList is GET /products: the search form and one page of matching products.
func (u *UI) productsList(c *gin.Context) {
	pq, errs := parseProductsQuery(c.Request.URL.Query())
	d := productsListData{Query: pq, Errors: errs, Items: []productSummary{}, PageSizes: []int{25, 50, 100, 200}}
	status := http.StatusOK
	if len(errs) > 0 {
		status = http.StatusBadRequest
	}
	acct, opts, err := chooseIWSAccount(c.Request.Context(), u.cfg.Products.Store, pq.Account)
	d.Accounts = opts
	switch {
	case errors.Is(err, errNoIWSAccount):
		d.Problem = "iws.no_account"
	case err != nil && accountErrorKey(err) != "error.internal":
		errs["account"], status = accountErrorKey(err), http.StatusBadRequest
	case err != nil:
		u.log.ErrorContext(c.Request.Context(), "admin: products", "err", err)
		u.errorPage(c, http.StatusInternalServerError, "error.internal")
		return
	case len(errs) == 0:
		page, err := u.cfg.Products.Store.ListProductsPage(c.Request.Context(), acct.ID, pq.filter(),
			store.Page{Limit: pq.Limit, Offset: pq.Offset, Sort: pq.Sort, Desc: pq.Desc})
		if err != nil {
			u.log.ErrorContext(c.Request.Context(), "admin: products", "err", err)
			u.errorPage(c, http.StatusInternalServerError, "error.internal")
			return
		}
		for _, p := range page.Items {
			d.Items = append(d.Items, summarizeProduct(p, pq.Account))
		}
		d.Total = page.Total
		if len(page.Items) > 0 {
			d.From, d.To = page.Page.Offset+1, page.Page.Offset+len(page.Items)
		}
		if page.HasPrev() {
			prev := pq
			prev.Offset = max(pq.Offset-page.Page.Limit, 0)
			d.PrevURL = prev.url()
		}
		if page.HasNext() {
			next := pq
			next.Offset = pq.Offset + page.Page.Limit
			d.NextURL = next.url()
		}
	}
	d.Columns = productsColumns(pq)
	d.SortKeys, d.Sort = store.ProductSorts, pq.Sort
	if d.Sort == "" || errs["sort"] != "" {
		d.Sort = "sku"
	}
	u.render(c, status, "products", d)
}

// productsColumns are the sortable headings' links: the same filter from the first page.
func productsColumns(pq productsQuery) map[string]productsSortColumn {
	current := pq.Sort
	if current == "" {
		current = "sku"
	}
	cols := map[string]productsSortColumn{}
	for _, k := range productsSortable {
		next := pq
		next.Offset, next.Sort, next.Desc = 0, k, false
		col := productsSortColumn{Key: "products.col." + k}
		if k == current {
			next.Desc = !pq.Desc
			col.Order = "ascending"
			if pq.Desc {
				col.Order = "descending"
			}
		}
		col.URL = next.url()
		cols[k] = col
	}
	return cols
}

// productsListJSON is GET /api/v1/products's answer.
type productsListJSON struct {
	Account productsAccountJSON `json:"account"`
	Items   []productSummary    `json:"items"`
	Total   int64               `json:"total"`
	Limit   int                 `json:"limit"`
	Offset  int                 `json:"offset"`
	Sort    string              `json:"sort"`
	Desc    bool                `json:"desc"`
}

type productsAccountJSON struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

// apiProductsList is GET /api/v1/products: one page of the account's products, with the
// parameters of the page.
func (u *UI) apiProductsList(c *gin.Context) {
	pq, errs := parseProductsQuery(c.Request.URL.Query())
	for _, field := range slices.Sorted(maps.Keys(errs)) {
		u.apiErrorText(c, http.StatusBadRequest, CodeInvalid, field+": "+u.i18n.T(u.lang(c), errs[field]))
		return
	}
	acct, ok := u.apiIWSAccount(c, u.cfg.Products.Store, pq.Account)
	if !ok {
		return
	}
	page, err := u.cfg.Products.Store.ListProductsPage(c.Request.Context(), acct.ID, pq.filter(),
		store.Page{Limit: pq.Limit, Offset: pq.Offset, Sort: pq.Sort, Desc: pq.Desc})
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	out := productsListJSON{Account: productsAccountJSON{acct.ID, acct.Name}, Items: make([]productSummary, 0, len(page.Items)),
		Total: page.Total, Limit: page.Page.Limit, Offset: page.Page.Offset, Sort: page.Page.Sort, Desc: page.Page.Desc}
	for _, p := range page.Items {
		out.Items = append(out.Items, summarizeProduct(p, ""))
	}
	c.JSON(http.StatusOK, out)
}

// apiIWSAccount resolves the account parameter for an API request, answering the error itself.
func (u *UI) apiIWSAccount(c *gin.Context, st *store.Store, raw string) (store.IWSAccount, bool) {
	acct, _, err := chooseIWSAccount(c.Request.Context(), st, raw)
	switch key := accountErrorKey(err); {
	case err == nil:
		return acct, true
	case errors.Is(err, store.ErrInvalid):
		u.apiError(c, http.StatusBadRequest, CodeInvalid, key)
	case key != "error.internal":
		u.apiError(c, http.StatusNotFound, CodeNotFound, key)
	default:
		u.apiFailure(c, err)
	}
	return store.IWSAccount{}, false
}
