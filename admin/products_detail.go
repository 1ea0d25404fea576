package admin

import (
	"errors"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
)

// productDetailData is the product page's data: the report `connector products show` prints
// (the IWS data, every shop's price with its explanation and listing), arranged for the page.
type productDetailData struct {
	Accounts   []iwsAccountOption
	Account    string // the account parameter to keep in links and forms
	Report     shops.ProductReport
	Category   string
	Warehouses []productsNamed
	Specs      []productsNamed
	CanPush    bool
	Back       string
}

// productsNamed is a name and its value (a warehouse and its stock, a specification).
type productsNamed struct {
	Name  string
	Value string
}

// productReport reads the product named in the path for the account parameter; on failure it
// answers (a page or JSON) and returns false.
func (u *UI) productReport(c *gin.Context) (shops.ProductReport, []iwsAccountOption, bool) {
	st := u.cfg.Products.Store
	api := isAPIPath(c.Request.URL.Path)
	acct, opts, err := chooseIWSAccount(c.Request.Context(), st, c.Query("account"))
	if err != nil {
		if api {
			u.apiIWSAccount(c, st, c.Query("account")) // answers the same error
			return shops.ProductReport{}, nil, false
		}
		status := http.StatusNotFound
		if accountErrorKey(err) == "error.internal" {
			status = http.StatusInternalServerError
			u.log.ErrorContext(c.Request.Context(), "admin: product", "err", err)
		}
		u.errorPage(c, status, accountErrorKey(err))
		return shops.ProductReport{}, nil, false
	}
	doc, err := shops.Report(c.Request.Context(), st, acct, strings.TrimSpace(c.Param("sku")))
	switch {
	case err == nil:
		return doc, opts, true
	case errors.Is(err, store.ErrNotFound) && api:
		u.apiError(c, http.StatusNotFound, CodeNotFound, "products.not_found")
	case errors.Is(err, store.ErrNotFound):
		u.errorPage(c, http.StatusNotFound, "products.not_found")
	case api:
		u.apiFailure(c, err)
	default:
		u.log.ErrorContext(c.Request.Context(), "admin: product", "err", err)
		u.errorPage(c, http.StatusInternalServerError, "error.internal")
	}
	return shops.ProductReport{}, nil, false
}

// productDetail is GET /products/:sku: the product's IWS data, stock per warehouse, images, and
// per shop its price explained, whether the shop lists it, its listing and "push now".
func (u *UI) productDetail(c *gin.Context) {
	doc, opts, ok := u.productReport(c)
	if !ok {
		return
	}
	p := doc.Product
	d := productDetailData{Accounts: opts, Account: strings.TrimSpace(c.Query("account")), Report: doc,
		CanPush: u.cfg.Products.Repush != nil, Back: "/products"}
	if d.Account != "" {
		d.Back += "?account=" + url.QueryEscape(d.Account)
	}
	var path []string
	for _, n := range p.CategoryPath {
		path = append(path, n.Name)
	}
	d.Category = strings.Join(path, " › ")
	for _, loc := range slices.Sorted(maps.Keys(p.StockByLocation)) {
		d.Warehouses = append(d.Warehouses, productsNamed{loc, strconv.Itoa(p.StockByLocation[loc])})
	}
	for _, k := range slices.Sorted(maps.Keys(p.Specs)) {
		d.Specs = append(d.Specs, productsNamed{k, p.Specs[k]})
	}
	u.render(c, http.StatusOK, "products_detail", d)
}

// apiProductDetail is GET /api/v1/products/:sku: the JSON of `connector products show --json`.
func (u *UI) apiProductDetail(c *gin.Context) {
	doc, _, ok := u.productReport(c)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, doc)
}
