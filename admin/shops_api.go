package admin

import (
	"errors"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/platforms"
)

// Codes of the shops API's errors, beside the shared ones.
const (
	// CodeNotConfigured: the connector lacks the configuration the action needs (the Shopify
	// app, an https public URL).
	CodeNotConfigured = "not_configured"
	// CodeStorefrontFailed: the shop's store could not be asked or refused (webhooks).
	CodeStorefrontFailed = "storefront_failed"
	// CodeStoreCheckFailed: the store refused the keys of a shop being connected.
	CodeStoreCheckFailed = "store_check_failed"
)

// apiShop is a shop in the JSON API: never its credentials.
type apiShop struct {
	ID            int64            `json:"id"`
	Name          string           `json:"name"`
	Platform      string           `json:"platform"`
	BaseURL       string           `json:"base_url"`
	Currency      string           `json:"currency"`
	Status        string           `json:"status"` // ok, held or disconnected
	HoldReason    string           `json:"orders_hold_reason"`
	HeldAt        *time.Time       `json:"orders_held_at"`
	Listings      map[string]int64 `json:"listings"` // by state
	Published     int64            `json:"published"`
	HeldOrders    int64            `json:"held_orders"`
	LastWebhookAt *time.Time       `json:"last_webhook_at"`
}

// apiShopDetail is a shop with its settings, by setting name (shops.SettingNames), as text.
type apiShopDetail struct {
	apiShop
	Settings map[string]string `json:"settings"`
}

func timeOrNil(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}

func toAPIShop(s shopSummary) apiShop {
	return apiShop{ID: s.ID, Name: s.Name, Platform: s.Platform, BaseURL: s.BaseURL, Currency: s.Currency, Status: s.Status,
		HoldReason: s.HoldReason, HeldAt: timeOrNil(s.HeldAt), Listings: s.Listings, Published: s.Published,
		HeldOrders: s.HeldOrders, LastWebhookAt: timeOrNil(s.LastWebhookAt)}
}

// apiProblem is one problem of a request, by the field (setting, flag) it is about.
type apiProblem struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// apiProblemsError is a validation error with every problem: {"error":{"code":"invalid",
// "message":"...","problems":[{"field","message"}]}}.
type apiProblemsError struct {
	Error struct {
		APIErrorDetail
		Problems []apiProblem `json:"problems"`
	} `json:"error"`
}

// apiProblems answers 400 with the problems of ps.
func (u *UI) apiProblems(c *gin.Context, ps *shops.ProblemsError) {
	var body apiProblemsError
	body.Error.Code, body.Error.Message = CodeInvalid, ps.Error()
	body.Error.Problems = make([]apiProblem, len(ps.Problems))
	for i, p := range ps.Problems {
		body.Error.Problems[i] = apiProblem{Field: p.Field, Message: p.Message}
	}
	c.AbortWithStatusJSON(http.StatusBadRequest, body)
}

// apiShopsList is GET /api/v1/shops?q=&platform=&status=&sort=&desc=&page=&per_page=.
func (u *UI) apiShopsList(c *gin.Context) {
	pg, err := u.shopsPage(c)
	apiListPage(u, c, pg, err, toAPIShop)
}

// apiShop is GET /api/v1/shops/:id: the shop with its settings.
func (u *UI) apiShop(c *gin.Context) {
	shop, ok := u.shopParam(c)
	if !ok {
		return
	}
	sum, err := u.shopSummaryOf(c.Request.Context(), shop)
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	c.JSON(http.StatusOK, apiShopDetail{apiShop: toAPIShop(sum), Settings: shops.SettingsText(shop)})
}

// apiShopSettings is PUT /api/v1/shops/:id/settings with {"SETTING": "value", ...}: the settings
// given change (an empty value clears a list or a rate), checked all at once; 400 lists every
// problem by setting. The answer is the shop and the warnings.
func (u *UI) apiShopSettings(c *gin.Context) {
	shop, ok := u.shopParam(c)
	if !ok {
		return
	}
	var body map[string]string
	if err := c.ShouldBindJSON(&body); err != nil {
		u.apiError(c, http.StatusBadRequest, CodeInvalid, "shops.api.bad_json")
		return
	}
	var ch shops.SettingsChange
	var unknown []shops.Problem
	for name, v := range body {
		if err := ch.Set(name, v); err != nil {
			unknown = append(unknown, shops.Problem{Field: name, Message: "is not a shop setting"})
		}
	}
	if len(unknown) > 0 {
		u.apiProblems(c, &shops.ProblemsError{Problems: unknown})
		return
	}
	ctx := c.Request.Context()
	res, err := shops.ChangeSettings(ctx, u.cfg.Shops.Store, shop.ID, ch)
	var ps *shops.ProblemsError
	switch {
	case errors.As(err, &ps):
		u.apiProblems(c, ps)
		return
	case err != nil:
		u.apiFailure(c, err)
		return
	}
	sum, err := u.shopSummaryOf(ctx, res.Shop)
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	warnings := res.Warnings
	if warnings == nil {
		warnings = []string{}
	}
	c.JSON(http.StatusOK, gin.H{"shop": apiShopDetail{apiShop: toAPIShop(sum), Settings: shops.SettingsText(res.Shop)}, "warnings": warnings})
}

// apiLink answers the start of a connection: {"authorize_url": link}.
func (u *UI) apiLink(c *gin.Context, link string, err error) {
	var ps *shops.ProblemsError
	switch {
	case errors.Is(err, ErrShopifyAppNotConfigured):
		u.apiError(c, http.StatusConflict, CodeNotConfigured, "shops.connect.shopify_not_configured")
	case errors.Is(err, errHandoffUnavailable):
		u.apiError(c, http.StatusConflict, CodeNotConfigured, "shops.connect.handoff_unavailable")
	case errors.As(err, &ps):
		u.apiProblems(c, ps)
	case err != nil:
		u.apiFailure(c, err)
	default:
		c.JSON(http.StatusOK, gin.H{"authorize_url": link})
	}
}

// apiShopsShopifyInstall is POST /api/v1/shops/shopify/install with {"domain"}: the link to
// Shopify's grant page for the shop.
func (u *UI) apiShopsShopifyInstall(c *gin.Context) {
	var body struct {
		Domain string `json:"domain"`
	}
	if err := c.ShouldBindJSON(&body); err != nil {
		u.apiError(c, http.StatusBadRequest, CodeInvalid, "shops.api.bad_json")
		return
	}
	link, err := u.startShopify(c.Request.Context(), body.Domain)
	u.apiLink(c, link, err)
}

// apiShopsWooCommerceAuthorize is POST /api/v1/shops/woocommerce/authorize with {"url"}: the
// site's page where its admin approves the connector (the key handoff).
func (u *UI) apiShopsWooCommerceAuthorize(c *gin.Context) {
	var body struct {
		URL string `json:"url"`
	}
	if err := c.ShouldBindJSON(&body); err != nil {
		u.apiError(c, http.StatusBadRequest, CodeInvalid, "shops.api.bad_json")
		return
	}
	link, err := u.startWooCommerce(c.Request.Context(), body.URL)
	var ps *shops.ProblemsError
	if errors.As(err, &ps) { // the page's field is woo-url; the API's is url
		for i := range ps.Problems {
			ps.Problems[i].Field = "url"
		}
	}
	u.apiLink(c, link, err)
}

// apiNewShop is the body of POST /api/v1/shops/woocommerce: `connector shop add woocommerce`'s
// flags.
type apiNewShop struct {
	URL      string `json:"url"`
	Key      string `json:"key"`
	Secret   string `json:"secret"`
	Name     string `json:"name"`
	Currency string `json:"currency"`
	FXRate   string `json:"fx_rate"`
	Locale   string `json:"locale"`
	Margin   string `json:"margin"`
	Markup   string `json:"markup"`
	NoCheck  bool   `json:"no_check"`
}

// apiShopsAddWooCommerce is POST /api/v1/shops/woocommerce: connects a WooCommerce shop with its
// keys after asking its store; 201 with the shop and the notes.
func (u *UI) apiShopsAddWooCommerce(c *gin.Context) {
	var body apiNewShop
	if err := c.ShouldBindJSON(&body); err != nil {
		u.apiError(c, http.StatusBadRequest, CodeInvalid, "shops.api.bad_json")
		return
	}
	ctx := c.Request.Context()
	added, err := u.addWooCommerce(ctx, shops.NewShop{URL: body.URL, ConsumerKey: body.Key, ConsumerSecret: body.Secret,
		Name: body.Name, Currency: body.Currency, FXRate: body.FXRate, Locale: body.Locale,
		MarginPercent: body.Margin, MarkupPercent: body.Markup, NoCheck: body.NoCheck})
	var ps *shops.ProblemsError
	var refused *shops.CheckFailedError
	var dup *shops.AlreadyConnectedError
	switch {
	case errors.As(err, &ps):
		u.apiProblems(c, ps)
		return
	case errors.As(err, &refused):
		u.apiErrorText(c, http.StatusUnprocessableEntity, CodeStoreCheckFailed, "store check failed: "+refused.Error())
		return
	case errors.As(err, &dup):
		u.apiErrorText(c, http.StatusConflict, CodeConflict, dup.Error())
		return
	case errors.Is(err, errNoIWSAccount):
		u.apiErrorText(c, http.StatusConflict, CodeNotConfigured, err.Error())
		return
	case err != nil:
		u.apiFailure(c, err)
		return
	}
	sum, err := u.shopSummaryOf(ctx, added.Shop)
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	notes := added.Notes
	if notes == nil {
		notes = []string{}
	}
	c.JSON(http.StatusCreated, gin.H{"shop": apiShopDetail{apiShop: toAPIShop(sum), Settings: shops.SettingsText(added.Shop)},
		"store": added.Store, "notes": notes})
}

// apiWebhooks answers a webhook check or repair.
func (u *UI) apiWebhooks(c *gin.Context, repair bool) {
	shop, ok := u.shopParam(c)
	if !ok {
		return
	}
	health, repaired, err := u.checkWebhooks(c.Request.Context(), shop, repair)
	if err != nil {
		u.log.WarnContext(c.Request.Context(), "admin: shop webhooks", "shop", shop.ID, "repair", repair, "err", err)
		u.apiErrorText(c, http.StatusBadGateway, CodeStorefrontFailed, err.Error())
		return
	}
	if !repair {
		c.JSON(http.StatusOK, health)
		return
	}
	c.JSON(http.StatusOK, struct {
		shops.WebhookHealth
		Repaired []platforms.WebhookState `json:"repaired"`
	}{health, repaired})
}

// apiShopWebhooks is GET /api/v1/shops/:id/webhooks: the live check.
func (u *UI) apiShopWebhooks(c *gin.Context) { u.apiWebhooks(c, false) }

// apiShopRepairWebhooks is POST /api/v1/shops/:id/webhooks/repair.
func (u *UI) apiShopRepairWebhooks(c *gin.Context) { u.apiWebhooks(c, true) }

// apiShopResumeOrders is POST /api/v1/shops/:id/resume-orders: {"hold_lifted", "resumed"}.
func (u *UI) apiShopResumeOrders(c *gin.Context) {
	shop, ok := u.shopParam(c)
	if !ok {
		return
	}
	out, err := u.resumeOrders(c.Request.Context(), shop)
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	c.JSON(http.StatusOK, out)
}
