package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
)

// shopsConnectData is the page that connects a shop: a Shopify install link, a WooCommerce key
// handoff link, WooCommerce manual keys.
type shopsConnectData struct {
	// ShopifyReady: the connector's Shopify app is configured (client id, secret, public URL).
	ShopifyReady bool
	// HandoffReady: the connector has an https public URL for WooCommerce to send keys to.
	HandoffReady bool

	ShopifyDomain string
	ShopifyLink   string
	WooURL        string
	WooLink       string
	// Manual holds the manual keys form's values (never the secret).
	Manual map[string]string
	// Errors are problems by field: "domain" (Shopify), "woo-url" (handoff) and the manual
	// form's fields (url, key, secret, name, currency, fx-rate, locale, margin, markup).
	Errors map[string][]string
	// ShopifyError, WooError and ManualError are problems of a whole form (the store refused
	// the keys, the shop is connected already ...).
	ShopifyError, WooError, ManualError string
}

// manualFields are the manual keys form's fields, the flags of `connector shop add woocommerce`.
var manualFields = []string{"url", "key", "secret", "name", "currency", "fx-rate", "locale", "margin", "markup"}

// manualInput is one control of the manual keys form.
type manualInput struct {
	Name     string // the field, named as the CLI's flag
	Kind     string // an input type, "select" or "checkbox"
	Options  []string
	Required bool
	Value    string
	Errors   []string
}

// ManualInputs are the manual keys form's controls with their values and problems.
func (d shopsConnectData) ManualInputs() []manualInput {
	out := make([]manualInput, 0, len(manualFields)+1)
	for _, name := range append(slices.Clone(manualFields), "no-check") {
		in := manualInput{Name: name, Kind: "text", Value: d.Manual[name], Errors: d.Errors[name]}
		switch name {
		case "url":
			in.Kind, in.Required = "url", true
		case "key":
			in.Required = true
		case "secret":
			in.Kind, in.Required = "password", true
		case "locale":
			in.Kind, in.Options = "select", []string{"es", "en"}
		case "no-check":
			in.Kind = "checkbox"
		}
		out = append(out, in)
	}
	return out
}

func (u *UI) newConnectData() shopsConnectData {
	in := u.cfg.Shops.Install
	return shopsConnectData{
		ShopifyReady: in.ShopifyConfigured(),
		HandoffReady: in != nil && strings.HasPrefix(in.PublicURL, "https://"),
		Manual:       map[string]string{"locale": "es"},
		Errors:       map[string][]string{},
	}
}

// shopsConnect is GET /shops/connect: the three ways to connect a shop (admins see the forms).
func (u *UI) shopsConnect(c *gin.Context) {
	u.render(c, http.StatusOK, "shops_connect", u.newConnectData())
}

// startShopify starts a Shopify install for domain: the link, or the problem as the page or the
// API says it (a field problem, or the app is not configured).
func (u *UI) startShopify(ctx context.Context, domain string) (string, error) {
	return u.cfg.Shops.Install.StartShopify(ctx, domain)
}

// shopsConnectShopify is POST /shops/connect/shopify (domain): the link to Shopify's grant page
// for the shop, which the person opens (or sends to the shop's owner) within ten minutes.
func (u *UI) shopsConnectShopify(c *gin.Context) {
	d := u.newConnectData()
	d.ShopifyDomain = strings.TrimSpace(c.PostForm("domain"))
	link, err := u.startShopify(c.Request.Context(), d.ShopifyDomain)
	u.renderConnectLink(c, &d, connectLink{link: link, err: err, unavailable: ErrShopifyAppNotConfigured,
		unavailableKey: "shops.connect.shopify_not_configured", problem: &d.ShopifyError, into: &d.ShopifyLink, what: "shopify install link"})
}

// startWooCommerce starts the key handoff of the site at raw (normalised as `shop add` does):
// the site's approval page.
func (u *UI) startWooCommerce(ctx context.Context, raw string) (string, error) {
	site, err := shops.SiteURL(raw)
	if err != nil {
		return "", &shops.ProblemsError{Problems: []shops.Problem{{Field: "woo-url", Message: err.Error()}}}
	}
	in := u.cfg.Shops.Install
	if in == nil || !strings.HasPrefix(in.PublicURL, "https://") {
		return "", errHandoffUnavailable
	}
	return in.StartWooCommerce(ctx, site)
}

// errHandoffUnavailable: the connector has no https public URL for WooCommerce to call back.
var errHandoffUnavailable = errors.New("admin: CONNECTOR_PUBLIC_URL must be the connector's https address (WooCommerce only calls back over https)")

// shopsConnectWooCommerce is POST /shops/connect/woocommerce (woo-url): the site's page where its
// admin approves the connector, as `connector shop connect woocommerce` prints it.
func (u *UI) shopsConnectWooCommerce(c *gin.Context) {
	d := u.newConnectData()
	d.WooURL = strings.TrimSpace(c.PostForm("woo-url"))
	link, err := u.startWooCommerce(c.Request.Context(), d.WooURL)
	u.renderConnectLink(c, &d, connectLink{link: link, err: err, unavailable: errHandoffUnavailable,
		unavailableKey: "shops.connect.handoff_unavailable", problem: &d.WooError, into: &d.WooLink, what: "woocommerce handoff link"})
}

// connectLink is the outcome of asking for a platform's connect link (err nil: link).
type connectLink struct {
	link, what     string // what: the log's name of the step
	err            error
	unavailable    error  // the platform's side is not set up here
	unavailableKey string // its message's translation key
	problem, into  *string
}

// renderConnectLink answers a connect form: the page d with the link put into l.into, or with the
// problem: unavailable (409, its message into l.problem), bad fields (400), or a failure (logged).
func (u *UI) renderConnectLink(c *gin.Context, d *shopsConnectData, l connectLink) {
	var ps *shops.ProblemsError
	switch {
	case errors.Is(l.err, l.unavailable):
		*l.problem = u.i18n.T(u.lang(c), l.unavailableKey)
		u.render(c, http.StatusConflict, "shops_connect", *d)
	case errors.As(l.err, &ps):
		d.Errors = problemsByField(ps)
		u.render(c, http.StatusBadRequest, "shops_connect", *d)
	case l.err != nil:
		u.failWithLog(c, l.what, l.err)
	default:
		*l.into = l.link
		u.render(c, http.StatusOK, "shops_connect", *d)
	}
}

// addWooCommerce connects a WooCommerce shop with its keys to the default IWS account, as
// `connector shop add woocommerce` does (the store is asked first unless noCheck).
func (u *UI) addWooCommerce(ctx context.Context, req shops.NewShop) (shops.Added, error) {
	acct, err := u.cfg.Shops.Store.DefaultIWSAccount(ctx)
	if errors.Is(err, store.ErrNotFound) {
		return shops.Added{}, errNoIWSAccount
	}
	if err != nil {
		return shops.Added{}, err
	}
	req.Platform = store.PlatformWooCommerce
	return u.cfg.Shops.Setup.Add(ctx, acct, req)
}

// addFailure says why a shop was not added, as `connector shop add` says it: problems by field,
// or one sentence for the whole form. ok is false for an error that is not the person's to fix.
func addFailure(err error) (fields map[string][]string, message string, ok bool) {
	var ps *shops.ProblemsError
	var refused *shops.CheckFailedError
	var dup *shops.AlreadyConnectedError
	switch {
	case errors.As(err, &ps):
		return problemsByField(ps), "", true
	case errors.As(err, &refused):
		return nil, "store check failed: " + refused.Error(), true
	case errors.As(err, &dup):
		return nil, dup.Error(), true
	case errors.Is(err, errNoIWSAccount):
		return nil, err.Error(), true
	}
	return nil, "", false
}

// shopsAddWooCommerce is POST /shops/connect/woocommerce/keys: the manual keys form (url, key,
// secret and the optional name, currency, fx-rate, locale, margin or markup, no-check).
func (u *UI) shopsAddWooCommerce(c *gin.Context) {
	ctx := c.Request.Context()
	req := shops.NewShop{URL: c.PostForm("url"), ConsumerKey: c.PostForm("key"), ConsumerSecret: c.PostForm("secret"),
		Name: c.PostForm("name"), Currency: c.PostForm("currency"), FXRate: c.PostForm("fx-rate"), Locale: c.PostForm("locale"),
		MarginPercent: c.PostForm("margin"), MarkupPercent: c.PostForm("markup"), NoCheck: c.PostForm("no-check") == "1"}
	added, err := u.addWooCommerce(ctx, req)
	if err != nil {
		fields, msg, ok := addFailure(err)
		if !ok {
			u.failWithLog(c, "add woocommerce shop", err)
			return
		}
		d := u.newConnectData()
		for _, f := range manualFields {
			if f != "secret" {
				d.Manual[f] = c.PostForm(f)
			}
		}
		if req.NoCheck {
			d.Manual["no-check"] = "1"
		}
		if fields != nil {
			d.Errors = fields
		}
		d.ManualError = msg
		u.render(c, http.StatusBadRequest, "shops_connect", d)
		return
	}
	u.log.InfoContext(ctx, "admin: shop added", "shop", added.Shop.ID, "platform", added.Shop.Platform, "user", visitorOf(c).user.ID)
	if len(added.Notes) == 0 {
		u.flash(c, flashSuccess, "shops.flash.added")
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/shops/%d", added.Shop.ID))
		return
	}
	// What to know before the first sync (an exchange rate to set ...) is the core's sentences:
	// the new shop's page shows them at once.
	data, err := u.newShopPageData(ctx, added.Shop)
	if err != nil {
		u.failWithLog(c, "add woocommerce shop", err)
		return
	}
	data.Added, data.Warnings = true, added.Notes
	u.render(c, http.StatusCreated, "shops_shop", data)
}
