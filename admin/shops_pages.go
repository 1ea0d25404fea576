package admin

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
)

// shopSummary is a shop as the list and the shop's page show it: never its credentials.
type shopSummary struct {
	ID           int64
	Name         string
	Platform     string
	BaseURL      string
	Currency     string
	Disconnected bool
	// Listings counts the shop's listings by state; Published is the "published" ones.
	Listings  map[string]int64
	Published int64
	// HeldOrders counts the shop's orders waiting for a person (each for its own reason or the
	// shop's hold).
	HeldOrders int64
	// HoldReason, when set, holds every new order of the shop (IWS refused the account).
	HoldReason string
	HeldAt     time.Time
	// LastWebhookAt is the newest verified webhook delivery (zero: never).
	LastWebhookAt time.Time
	// Status is "ok", "held" or "disconnected".
	Status string
}

// shopStatuses are the values of the list's status filter.
var shopStatuses = []string{"ok", "held", "disconnected"}

// shopSorts are the shops list's sort keys.
var shopSorts = memSort[shopSummary]{
	"id":        func(a, b shopSummary) int { return cmp.Compare(a.ID, b.ID) },
	"name":      func(a, b shopSummary) int { return cmpFold(a.Name, b.Name) },
	"platform":  func(a, b shopSummary) int { return cmp.Compare(a.Platform, b.Platform) },
	"currency":  func(a, b shopSummary) int { return cmp.Compare(a.Currency, b.Currency) },
	"published": func(a, b shopSummary) int { return cmp.Compare(a.Published, b.Published) },
	"held":      func(a, b shopSummary) int { return cmp.Compare(a.HeldOrders, b.HeldOrders) },
	"webhook":   func(a, b shopSummary) int { return a.LastWebhookAt.Compare(b.LastWebhookAt) },
}

// shopSummaries reads every shop with its counts.
func (u *UI) shopSummaries(ctx context.Context) ([]shopSummary, error) {
	st := u.cfg.Shops.Store
	list, err := st.ListShops(ctx)
	if err != nil {
		return nil, err
	}
	listings, err := st.ListingStateCounts(ctx)
	if err != nil {
		return nil, err
	}
	held, err := st.HeldOrderCounts(ctx, 0)
	if err != nil {
		return nil, err
	}
	hooks, err := st.LastWebhookDeliveries(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]shopSummary, 0, len(list))
	for _, s := range list {
		sum := summarizeShop(s)
		for _, l := range listings {
			if l.ShopID == s.ID {
				sum.Listings[l.State] = l.Count
			}
		}
		sum.Published = sum.Listings[store.ListingPublished]
		for _, h := range held {
			if h.ShopID == s.ID {
				sum.HeldOrders += h.Count
			}
		}
		sum.LastWebhookAt = hooks[s.ID]
		out = append(out, sum)
	}
	return out, nil
}

func summarizeShop(s store.Shop) shopSummary {
	sum := shopSummary{ID: s.ID, Name: s.Name, Platform: s.Platform, BaseURL: s.BaseURL, Currency: s.Currency,
		Disconnected: s.Disconnected(), Listings: map[string]int64{}, HoldReason: s.OrdersHoldReason, HeldAt: s.OrdersHeldAt, Status: "ok"}
	switch {
	case s.OrdersHoldReason != "":
		sum.Status = "held"
	case sum.Disconnected:
		sum.Status = "disconnected"
	}
	return sum
}

// shopFilter is the shops list's filter: text in the name or address, platform, status.
type shopFilter struct {
	Q, Platform, Status string
}

func shopFilterOf(c *gin.Context) shopFilter {
	return shopFilter{Q: strings.TrimSpace(c.Query("q")), Platform: c.Query("platform"), Status: c.Query("status")}
}

func (f shopFilter) keep(s shopSummary) bool {
	if f.Q != "" {
		q := strings.ToLower(f.Q)
		if !strings.Contains(strings.ToLower(s.Name), q) && !strings.Contains(strings.ToLower(s.BaseURL), q) {
			return false
		}
	}
	return (f.Platform == "" || s.Platform == f.Platform) && (f.Status == "" || s.Status == f.Status)
}

// shopsPage reads the list's page the query asks for.
func (u *UI) shopsPage(c *gin.Context) (store.PageOf[shopSummary], error) {
	p, err := memPageQuery(c, shopSorts, "id")
	if err != nil {
		return store.PageOf[shopSummary]{}, fmt.Errorf("%w: %s", store.ErrInvalid, err.Error())
	}
	all, err := u.shopSummaries(c.Request.Context())
	if err != nil {
		return store.PageOf[shopSummary]{}, err
	}
	f := shopFilterOf(c)
	kept := make([]shopSummary, 0, len(all))
	for _, s := range all {
		if f.keep(s) {
			kept = append(kept, s)
		}
	}
	return memPaginate(kept, shopSorts, p), nil
}

// shopsListData is the shops list page's data.
type shopsListData struct {
	Shops     []shopSummary
	Filter    shopFilter
	Platforms []string
	Statuses  []string
	Columns   []string // the sortable columns, in order
	Pager     memPager
}

// shopsList is GET /shops: the shops with their currency, published listings, held orders and
// last webhook delivery; filter (q, platform, status), sort and pages.
func (u *UI) shopsList(c *gin.Context) {
	pg, err := u.shopsPage(c)
	if errors.Is(err, store.ErrInvalid) {
		u.errorPage(c, http.StatusBadRequest, "shops.bad_query")
		return
	}
	if err != nil {
		u.failWithLog(c, "shops list", err)
		return
	}
	u.render(c, http.StatusOK, "shops", shopsListData{Shops: pg.Items, Filter: shopFilterOf(c),
		Platforms: []string{store.PlatformWooCommerce, store.PlatformShopify, store.PlatformMemory}, Statuses: shopStatuses,
		Columns: []string{"name", "platform", "currency", "published", "held", "webhook"}, Pager: newMemPager(c.Request.URL, pg, shopSorts)})
}

// failWithLog logs err and answers the error page (or JSON) of an internal error.
func (u *UI) failWithLog(c *gin.Context, what string, err error) {
	u.log.ErrorContext(c.Request.Context(), "admin: "+what, "path", c.Request.URL.Path, "err", err)
	u.fail(c, http.StatusInternalServerError, CodeInternal, "error.internal")
}

// shopParam reads the shop of the path's :id; an unknown one answers 404 and returns false.
func (u *UI) shopParam(c *gin.Context) (store.Shop, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		u.fail(c, http.StatusNotFound, CodeNotFound, "shops.not_found")
		return store.Shop{}, false
	}
	shop, err := u.cfg.Shops.Store.Shop(c.Request.Context(), id)
	if errors.Is(err, store.ErrNotFound) {
		u.fail(c, http.StatusNotFound, CodeNotFound, "shops.not_found")
		return store.Shop{}, false
	}
	if err != nil {
		u.failWithLog(c, "shop", err)
		return store.Shop{}, false
	}
	return shop, true
}

// shopSummaryOf reads one shop's summary.
func (u *UI) shopSummaryOf(ctx context.Context, shop store.Shop) (shopSummary, error) {
	all, err := u.shopSummaries(ctx)
	if err != nil {
		return shopSummary{}, err
	}
	for _, s := range all {
		if s.ID == shop.ID {
			return s, nil
		}
	}
	return summarizeShop(shop), nil
}

// settingInput is one control of the settings form.
type settingInput struct {
	Name    string   // the setting's name (shops.SettingNames): the field's name and its label's key
	Kind    string   // text, number or select
	Options []string // a select's values ("" the default)
	Group   string   // the fieldset: pricing, stock, filters or orders
}

// settingInputs are the settings form's controls, in shops.SettingNames order.
var settingInputs = []settingInput{
	{"currency", "text", nil, "pricing"},
	{"fx-rate", "text", nil, "pricing"},
	{"tax-rate", "text", nil, "pricing"},
	{"tax-inclusive", "select", []string{"false", "true"}, "pricing"},
	{"locale", "select", []string{"es", "en"}, "pricing"},
	{"warehouses", "text", nil, "stock"},
	{"buffer", "number", nil, "stock"},
	{"min-stock", "number", nil, "stock"},
	{"below-min", "select", []string{"out_of_stock", "hide"}, "stock"},
	{"cap", "number", nil, "stock"},
	{"types", "text", nil, "stock"},
	{"include-categories", "text", nil, "filters"},
	{"exclude-categories", "text", nil, "filters"},
	{"include-brands", "text", nil, "filters"},
	{"exclude-brands", "text", nil, "filters"},
	{"order-tag", "text", nil, "orders"},
	{"location-id", "text", nil, "orders"},
	{"carrier-id", "text", nil, "orders"},
	{"address-id", "text", nil, "orders"},
	{"max-cost-rise", "text", nil, "orders"},
	{"fulfilled-status", "select", []string{"", "completed", "processing"}, "orders"},
}

// settingGroups are the settings form's fieldsets, in order.
var settingGroups = []string{"pricing", "stock", "filters", "orders"}

// shopPageData is a shop's page: its summary and its settings form.
type shopPageData struct {
	Shop     shopSummary
	Inputs   []settingInput
	Groups   []string
	Values   map[string]string   // the form's values: the shop's, or what was posted
	Errors   map[string][]string // problems by setting name, shown beside it
	Warnings []string
	Saved    bool // the settings were just saved (with Warnings)
	Added    bool // the shop was just connected (with Warnings: what to know before the first sync)
	// MaxCostRiseDefault is the tolerance used when max-cost-rise is empty.
	MaxCostRiseDefault string
}

func (u *UI) newShopPageData(ctx context.Context, shop store.Shop) (shopPageData, error) {
	sum, err := u.shopSummaryOf(ctx, shop)
	if err != nil {
		return shopPageData{}, err
	}
	return shopPageData{Shop: sum, Inputs: settingInputs, Groups: settingGroups, Values: shops.SettingsText(shop),
		Errors: map[string][]string{}, MaxCostRiseDefault: orders.DefaultMaxCostRise.String()}, nil
}

// shopPage is GET /shops/:id: the shop, its order hold, its settings (a form for admins).
func (u *UI) shopPage(c *gin.Context) {
	shop, ok := u.shopParam(c)
	if !ok {
		return
	}
	data, err := u.newShopPageData(c.Request.Context(), shop)
	if err != nil {
		u.failWithLog(c, "shop page", err)
		return
	}
	u.render(c, http.StatusOK, "shops_shop", data)
}

// problemsByField groups a ProblemsError's problems by field.
func problemsByField(ps *shops.ProblemsError) map[string][]string {
	out := map[string][]string{}
	for _, p := range ps.Problems {
		out[p.Field] = append(out[p.Field], p.Message)
	}
	return out
}

// shopSaveSettings is POST /shops/:id/settings: the settings form. Only the settings that differ
// from the shop's are changed (shops.ChangeFrom), all checked at once by shops.ChangeSettings, as
// `connector shop settings` does; each problem is shown beside its field and nothing is saved.
func (u *UI) shopSaveSettings(c *gin.Context) {
	shop, ok := u.shopParam(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	values := map[string]string{}
	for _, name := range shops.SettingNames {
		if v, ok := c.GetPostForm(name); ok {
			values[name] = v
		}
	}
	ch, changed := shops.ChangeFrom(shop, values)
	if !changed {
		u.flash(c, flashInfo, "shops.flash.unchanged")
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/shops/%d", shop.ID))
		return
	}
	res, err := shops.ChangeSettings(ctx, u.cfg.Shops.Store, shop.ID, ch)
	var ps *shops.ProblemsError
	switch {
	case errors.As(err, &ps):
		data, derr := u.newShopPageData(ctx, shop)
		if derr != nil {
			u.failWithLog(c, "shop settings", derr)
			return
		}
		for k, v := range values {
			data.Values[k] = v
		}
		data.Errors = problemsByField(ps)
		u.render(c, http.StatusBadRequest, "shops_shop", data)
		return
	case errors.Is(err, store.ErrNotFound):
		u.fail(c, http.StatusNotFound, CodeNotFound, "shops.not_found")
		return
	case err != nil:
		u.failWithLog(c, "shop settings", err)
		return
	}
	u.log.InfoContext(ctx, "admin: shop settings changed", "shop", shop.ID, "user", visitorOf(c).user.ID)
	if len(res.Warnings) == 0 {
		u.flash(c, flashSuccess, "shops.flash.saved")
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/shops/%d", shop.ID))
		return
	}
	// The warnings are the core's sentences: they are shown on the page itself, which a flash
	// (a translation key) cannot carry.
	data, err := u.newShopPageData(ctx, res.Shop)
	if err != nil {
		u.failWithLog(c, "shop settings", err)
		return
	}
	data.Saved, data.Warnings = true, res.Warnings
	u.render(c, http.StatusOK, "shops_shop", data)
}
