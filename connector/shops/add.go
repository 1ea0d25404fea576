package shops

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/internal/money"
	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/pricing"
)

// DefaultMarginPercent is the margin a new shop prices with until its rules say otherwise: the
// price is the IWS cost divided by 0.8, so 20 % of it is margin.
const DefaultMarginPercent = "20"

// DefaultCurrency is the currency of a shop whose store was not asked (NewShop.NoCheck).
const DefaultCurrency = "USD"

// NewShop is a shop to connect, as a person gives it (the CLI's flags, the admin's form).
type NewShop struct {
	Platform string // store.PlatformWooCommerce or store.PlatformShopify
	// URL is a WooCommerce site's address or a Shopify shop's NAME.myshopify.com domain; it is
	// normalised (SiteURL, ShopifyDomain).
	URL  string
	Name string // default: the site's host (and folder), or the Shopify shop's name

	ConsumerKey, ConsumerSecret string // WooCommerce
	AccessToken, LocationID     string // Shopify; LocationID is optional

	// Currency is the currency the shop sells in; "" takes the store's. One that differs from
	// the store's is refused: the store would refuse every price.
	Currency string
	// FXRate is shop-currency units per IWS cost unit, when they differ ("" none).
	FXRate string
	Locale string // es (default) or en
	// MarginPercent or MarkupPercent (at most one) prices every product; neither gives
	// DefaultMarginPercent.
	MarginPercent, MarkupPercent string
	// NoCheck saves the shop without asking its store (currency DefaultCurrency unless given).
	NoCheck bool
}

// Added is a connected shop and what connecting it found.
type Added struct {
	Shop store.Shop
	// Store is what the store said about itself; nil when it was not asked (NoCheck).
	Store *platforms.StoreInfo
	// Rules is the pricing the shop starts with (the rules file `connector rules export` writes).
	Rules *pricing.Rules
	// Notes are what the person should know before the first sync: a currency nobody checked, an
	// exchange rate still to set.
	Notes []string
}

// CheckFailedError is a store that refused to be connected: the check's finding in the store's
// words, and what to do about it.
type CheckFailedError struct {
	Check *platforms.CheckError
	// Hint says what to change ("" when the finding says it already).
	Hint string
}

func (e *CheckFailedError) Error() string {
	if e.Hint == "" {
		return e.Check.Message
	}
	return e.Check.Message + ": " + e.Hint
}

func (e *CheckFailedError) Unwrap() error { return e.Check }

// Add connects a shop to the IWS account: it checks what was given (every problem at once),
// refuses a store or a name already connected, asks the store (unless NoCheck) whether the
// address and credentials work and may write and which currency and decimals it keeps, and saves
// the shop with pricing it can sell with at once (DefaultRules). Errors: *ProblemsError (wraps
// ErrInvalid), *AlreadyConnectedError (wraps store.ErrConflict), *CheckFailedError.
func (s Setup) Add(ctx context.Context, acct store.IWSAccount, req NewShop) (Added, error) {
	shop, action, err := s.newShop(acct, req)
	if err != nil {
		return Added{}, err
	}
	if err := s.refuseDuplicates(ctx, shop); err != nil {
		return Added{}, err
	}
	var out Added
	digits := platforms.CurrencyDecimals
	if req.NoCheck {
		if shop.Currency == "" {
			shop.Currency = DefaultCurrency
		}
		out.Notes = append(out.Notes, fmt.Sprintf("the store was not asked (no check): the shop sells in %s with %s's decimals; a store that sells in another currency, or shows fewer decimals, refuses every price (`shop settings` and `rules import` change them)",
			shop.Currency, shop.Currency))
	} else {
		info, err := s.Storefronts.Check(ctx, shop)
		if err != nil {
			return Added{}, checkFailed(shop, err)
		}
		out.Store = &info
		if err := money.CheckCurrency(info.Currency); err != nil {
			return Added{}, fmt.Errorf("the store sells in %q, which the connector cannot price in: %w", info.Currency, err)
		}
		storeCurrency := money.Normalize(info.Currency)
		switch {
		case shop.Currency == "":
			shop.Currency = storeCurrency
		case shop.Currency != storeCurrency:
			return Added{}, (problems{{Field: "currency", Message: fmt.Sprintf(
				"%s: the store sells in %s, so it refuses prices in %s: leave --currency out (the store's currency is used), or change the store's currency first",
				shop.Currency, storeCurrency, shop.Currency)}}).err()
		}
		digits = info.PriceDecimals
	}
	rules := DefaultRules(shop.Currency, shop.FXRate, digits, action)
	if err := rules.Validate(); err != nil {
		return Added{}, rulesProblems(err)
	}
	costs, err := s.costCurrencies(ctx, acct, shop)
	if err != nil {
		return Added{}, err
	}

	saved, err := s.Store.SaveShop(ctx, shop)
	switch {
	case errors.Is(err, store.ErrConflict):
		return Added{}, (problems{{Field: "name", Message: fmt.Sprintf("%q is the name of another shop: choose another", shop.Name)}}).err()
	case err != nil:
		return Added{}, fmt.Errorf("shops: add: %w", err)
	}
	if err := margin.Replace(ctx, s.Store, saved.ID, rules); err != nil {
		// Without pricing the shop is half made: take it back.
		if derr := s.Store.DeleteShop(ctx, saved.ID); derr != nil {
			err = errors.Join(err, derr)
		}
		return Added{}, fmt.Errorf("shops: add: pricing: %w", err)
	}
	if out.Shop, err = s.Store.Shop(ctx, saved.ID); err != nil {
		return Added{}, fmt.Errorf("shops: add: %w", err)
	}
	if n := fxNote(out.Shop, costs); n != "" {
		out.Notes = append(out.Notes, n)
	}
	out.Rules = rules
	return out, nil
}

// newShop checks and normalises what was given and builds the shop to save (without its
// currency when the store is to say it) and the default action.
func (s Setup) newShop(acct store.IWSAccount, req NewShop) (store.Shop, pricing.Action, error) {
	var ps problems
	shop := store.Shop{Platform: req.Platform, IWSAccountID: acct.ID, Locale: strings.TrimSpace(req.Locale)}
	name := ""
	required := func(field, value, what string) string {
		v := strings.TrimSpace(value)
		if v == "" {
			ps.add(field, "is required (%s)", what)
		}
		return v
	}
	switch req.Platform {
	case store.PlatformWooCommerce:
		site, err := SiteURL(req.URL)
		if err != nil {
			ps.add("url", "%v", err)
		}
		key := required("key", req.ConsumerKey, "the REST API consumer key, ck_…")
		secret := required("secret", req.ConsumerSecret, "the REST API consumer secret, cs_…")
		if site != "" && key != "" && secret != "" {
			// The webhook secret is the connector's own: `shop webhooks ID` registers it.
			hookSecret, err := NewWebhookSecret()
			if err != nil {
				return store.Shop{}, pricing.Action{}, err
			}
			if shop.Credentials, err = MarshalCredentials(WooCommerceCredentials{ConsumerKey: key, ConsumerSecret: secret, WebhookSecret: hookSecret}); err != nil {
				return store.Shop{}, pricing.Action{}, err
			}
			shop.BaseURL = site
			name = strings.TrimPrefix(strings.TrimPrefix(site, "https://"), "http://")
		}
	case store.PlatformShopify:
		domain, err := ShopifyDomain(req.URL)
		if err != nil {
			ps.add("domain", "%v", err)
		}
		token := required("token", req.AccessToken, "the Admin API access token, shpat_…")
		if domain != "" && token != "" {
			if shop.Credentials, err = MarshalCredentials(ShopifyCredentials{AccessToken: token,
				LocationID: strings.TrimSpace(req.LocationID), Shop: domain}); err != nil {
				return store.Shop{}, pricing.Action{}, err
			}
			shop.BaseURL = "https://" + domain
			name = strings.TrimSuffix(domain, ".myshopify.com")
		}
	default:
		ps.add("platform", "%q is not woocommerce or shopify", req.Platform)
	}
	if req.Name != "" {
		name = strings.TrimSpace(req.Name)
		if name == "" || len(name) > 100 {
			ps.add("name", "%q is blank or longer than 100 bytes", req.Name)
		}
	}
	shop.Name = name
	if shop.Locale == "" {
		shop.Locale = "es"
	} else if shop.Locale != "es" && shop.Locale != "en" {
		ps.add("locale", "%q is not es or en", req.Locale)
	}
	if c := strings.TrimSpace(req.Currency); c != "" {
		if err := money.CheckCurrency(c); err != nil {
			ps.add("currency", "%v", err)
		}
		shop.Currency = money.Normalize(c)
	}
	if fx := strings.TrimSpace(req.FXRate); fx != "" {
		if err := money.CheckFXRate(fx); err != nil {
			ps.add("fx-rate", "%q: %v", fx, err)
		}
		shop.FXRate = fx
	}
	action := pricing.Action{MarginPercent: DefaultMarginPercent}
	margin, markup := strings.TrimSpace(req.MarginPercent), strings.TrimSpace(req.MarkupPercent)
	switch {
	case margin != "" && markup != "":
		ps.add("margin", "and --markup are both given: keep one")
	case markup != "":
		action = pricing.Action{MarkupPercent: pricing.Number(markup)}
	case margin != "":
		action = pricing.Action{MarginPercent: pricing.Number(margin)}
	}
	if err := (&pricing.Rules{Currency: "USD", Default: action}).Validate(); err != nil {
		var ve *pricing.ValidationError
		if errors.As(err, &ve) {
			for _, p := range ve.Problems {
				field := "margin"
				if p.Path == "default.markup_percent" {
					field = "markup"
				}
				ps.add(field, "%q: %s", margin+markup, p.Message)
			}
		}
	}
	if err := ps.err(); err != nil {
		return store.Shop{}, pricing.Action{}, err
	}
	return shop, action, nil
}

// refuseDuplicates refuses a store that is already a shop (the same platform at the same site or
// Shopify domain) and a name that is taken, naming the shop that has it.
func (s Setup) refuseDuplicates(ctx context.Context, shop store.Shop) error {
	existing, err := s.Store.ListShops(ctx)
	if err != nil {
		return fmt.Errorf("shops: add: %w", err)
	}
	key := siteKey(shop.BaseURL)
	for _, e := range existing {
		if e.Platform != shop.Platform {
			continue
		}
		other := siteKey(e.BaseURL)
		if e.Platform == store.PlatformShopify {
			if d, err := s.Storefronts.ShopifyDomain(e); err == nil {
				other = d
			}
		}
		if other == key {
			state := ""
			if e.Disconnected() {
				state = ", disconnected since its store removed the connector: connecting it again goes through the store's approval (`shop connect`) or app install"
			}
			return &AlreadyConnectedError{Shop: e, msg: fmt.Sprintf("%s is already connected as shop %d %q%s", shop.BaseURL, e.ID, e.Name, state)}
		}
	}
	for _, e := range existing {
		if strings.EqualFold(e.Name, shop.Name) {
			return (problems{{Field: "name", Message: fmt.Sprintf("%q is the name of shop %d (%s, %s): choose another", shop.Name, e.ID, e.Platform, e.BaseURL)}}).err()
		}
	}
	return nil
}

// AlreadyConnectedError refuses a store that is already a shop; Shop is that shop. It wraps
// store.ErrConflict.
type AlreadyConnectedError struct {
	Shop store.Shop
	msg  string
}

func (e *AlreadyConnectedError) Error() string { return e.msg }
func (e *AlreadyConnectedError) Unwrap() error { return store.ErrConflict }

// checkFailed adds to a failed check what to change.
func checkFailed(shop store.Shop, err error) error {
	var ce *platforms.CheckError
	if !errors.As(err, &ce) {
		return fmt.Errorf("shops: checking the store: %w", err)
	}
	woo := shop.Platform == store.PlatformWooCommerce
	hint := ""
	switch ce.Problem {
	case platforms.CheckAddress:
		hint = "use " + ce.Suggest
	case platforms.CheckCredentials:
		if woo {
			hint = "check the consumer key and secret (WooCommerce → Settings → Advanced → REST API)"
		} else {
			hint = "check the access token (the app's Admin API access token, shpat_…)"
		}
	case platforms.CheckReadOnly:
		if woo {
			hint = "make a key with Read/Write permission (WooCommerce → Settings → Advanced → REST API)"
		}
	case platforms.CheckUnreachable:
		hint = "check the address and that this machine can reach it"
	}
	return &CheckFailedError{Check: ce, Hint: hint}
}

// DefaultRules is the pricing a shop starts with: the currency, the exchange rate when given,
// action for every product (DefaultMarginPercent of margin when action is empty), and, when the
// store keeps fewer price decimals than the currency has (a USD store with 0 decimals), a
// rounding step of the store's smallest amount, so no price has more decimals than the store
// shows. priceDecimals is platforms.CurrencyDecimals when the store follows the currency.
func DefaultRules(currency, fxRate string, priceDecimals int, action pricing.Action) *pricing.Rules {
	if action == (pricing.Action{}) {
		action = pricing.Action{MarginPercent: DefaultMarginPercent}
	}
	r := &pricing.Rules{Currency: money.Normalize(currency), FXRate: pricing.Number(fxRate), Default: action}
	if digits, ok := money.Digits(currency); ok && priceDecimals >= 0 && int32(priceDecimals) < digits {
		r.Rounding.Step = pricing.Number(decimal.New(1, -int32(priceDecimals)).String())
	}
	return r
}

// rulesProblems turns the rules' validation of a new shop's pricing into problems of what was
// given.
func rulesProblems(err error) error {
	var ve *pricing.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	var ps problems
	for _, p := range ve.Problems {
		field := map[string]string{"currency": "currency", "fx_rate": "fx-rate", "default.margin_percent": "margin",
			"default.markup_percent": "markup"}[p.Path]
		if field == "" {
			field = "currency"
		}
		ps.add(field, "%s", p.String())
	}
	return ps.err()
}

// costCurrencies returns the currencies of the account's IWS costs other than the shop's (nil
// when there is no mirror yet), and refuses an exchange rate for costs already in the shop's
// currency: pricing would leave every product unpriced.
func (s Setup) costCurrencies(ctx context.Context, acct store.IWSAccount, shop store.Shop) (*[]string, error) {
	codes, err := s.Store.MirrorCodes(ctx, acct.ID)
	if err != nil {
		return nil, fmt.Errorf("shops: add: %w", err)
	}
	if codes.Products == 0 {
		return nil, nil
	}
	other := []string{}
	for _, c := range codes.CostCurrencies {
		if c := money.Normalize(c); c != shop.Currency && !slices.Contains(other, c) {
			other = append(other, c)
		}
	}
	if len(other) == 0 && shop.FXRate != "" {
		return nil, (problems{{Field: "fx-rate", Message: fmt.Sprintf("%q: IWS costs are already in %s, so an exchange rate would leave every product unpriced: leave it out",
			shop.FXRate, shop.Currency)}}).err()
	}
	return &other, nil
}

// fxNote says when the shop cannot price until it has an exchange rate: costs (nil: no mirror
// yet) are the IWS cost currencies other than the shop's.
func fxNote(shop store.Shop, costs *[]string) string {
	if shop.FXRate != "" {
		return ""
	}
	set := fmt.Sprintf("`connector shop settings %d --fx-rate N`", shop.ID)
	switch {
	case costs == nil && shop.Currency != "USD":
		return fmt.Sprintf("the IWS catalog is not mirrored yet: if its costs are not in %s, set the shop's exchange rate before the first sync: %s (N %s per cost unit)",
			shop.Currency, set, shop.Currency)
	case costs != nil && len(*costs) > 0:
		return fmt.Sprintf("IWS costs are in %s and the shop sells in %s: no product gets a price until the shop has an exchange rate: %s (N %s per %s)",
			strings.Join(*costs, ", "), shop.Currency, set, shop.Currency, (*costs)[0])
	}
	return ""
}
