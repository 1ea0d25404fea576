package shops

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/policy"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/internal/iwscode"
	"github.com/intcomex-connector/connector/internal/money"
	"github.com/intcomex-connector/connector/pricing"
)

// SettingsChange is a change of a shop's settings as text, the way a person types it (the CLI's
// flags, the admin's form). A nil field stays as it is. Lists are comma-separated; "" clears one.
type SettingsChange struct {
	Currency     *string
	FXRate       *string // "" clears it (same currency as the IWS costs)
	TaxRate      *string // percent, 0 to 100; "" clears it
	TaxInclusive *string // true or false
	Locale       *string // es or en

	Warehouses *string // "all", or IWS warehouse ids that IWS has sent
	Buffer     *string // whole numbers, 0 or more
	MinStock   *string
	BelowMin   *string // out_of_stock or hide
	Cap        *string // 0: no cap
	Types      *string // IWS product types

	IncludeCategories, ExcludeCategories *string // dotted IWS category ids
	IncludeBrands, ExcludeBrands         *string // IWS brand ids or names

	// Order settings, sent with every PlaceOrder ("" clears one).
	OrderTag        *string
	OrderLocationID *string
	OrderCarrierID  *string
	OrderAddressID  *string // a whole number
	MaxCostRise     *string // percent; "" the default
	FulfilledStatus *string // completed or processing; "" the default (completed)
}

// SettingsChanged is a shop after a change of its settings, and what the person should know.
type SettingsChanged struct {
	Shop store.Shop
	// Warnings are accepted values that may not do what was meant: a filter that matches nothing
	// the mirror holds, a currency the store must sell in.
	Warnings []string
}

// ChangeSettings applies ch to the shop and saves it, after checking every value the way the
// rules file and the store check them (internal/money for the currency and the rates, pricing
// for the shop's rules in the new currency, connector/policy for the stock policy and the
// filters) and against what IWS has sent (warehouse ids). Every problem is reported at once in a
// *ProblemsError, and nothing is saved; an unknown shop wraps store.ErrNotFound.
func ChangeSettings(ctx context.Context, st *store.Store, shopID int64, ch SettingsChange) (SettingsChanged, error) {
	shop, err := st.Shop(ctx, shopID)
	if err != nil {
		return SettingsChanged{}, fmt.Errorf("shops: settings: %w", err)
	}
	codes, err := st.MirrorCodes(ctx, shop.IWSAccountID)
	if err != nil {
		return SettingsChanged{}, fmt.Errorf("shops: settings: %w", err)
	}
	old := shop
	var ps problems
	var warnings []string

	if v := ch.Currency; v != nil {
		c := strings.TrimSpace(*v)
		if err := money.CheckCurrency(c); err != nil {
			ps.add("currency", "%v", err)
		} else {
			shop.Currency = money.Normalize(c)
		}
	}
	rate := func(field string, v *string, check func(string) error, dst *string) {
		if v == nil {
			return
		}
		text := strings.TrimSpace(*v)
		if text != "" {
			if err := check(text); err != nil {
				ps.add(field, "%q: %v", text, err)
				return
			}
		}
		*dst = text
	}
	rate("fx-rate", ch.FXRate, money.CheckFXRate, &shop.FXRate)
	rate("tax-rate", ch.TaxRate, money.CheckTaxRate, &shop.TaxRate)
	if v := ch.TaxInclusive; v != nil {
		switch strings.ToLower(strings.TrimSpace(*v)) {
		case "true":
			shop.TaxInclusive = true
		case "false":
			shop.TaxInclusive = false
		default:
			ps.add("tax-inclusive", "takes true or false, not %q", *v)
		}
	}
	if v := ch.Locale; v != nil {
		if l := strings.TrimSpace(*v); l == "es" || l == "en" {
			shop.Locale = l
		} else {
			ps.add("locale", "%q is not es or en", *v)
		}
	}

	p := &shop.StockPolicy
	if v := ch.Warehouses; v != nil {
		ids := SplitList(*v)
		switch {
		case strings.EqualFold(strings.TrimSpace(*v), "all"):
			p.Locations = nil
		case len(ids) == 0:
			ps.add("warehouses", `is empty: give "all" or warehouse ids`)
		default:
			p.Locations = ids
		}
	}
	count := func(field string, v *string, dst *int) {
		if v == nil {
			return
		}
		n, err := strconv.Atoi(strings.TrimSpace(*v))
		if err != nil || n < 0 {
			ps.add(field, "takes a whole number of 0 or more, not %q", *v)
			return
		}
		*dst = n
	}
	count("buffer", ch.Buffer, &p.Buffer)
	count("min-stock", ch.MinStock, &p.MinStock)
	count("cap", ch.Cap, &p.MaxStock)
	if v := ch.BelowMin; v != nil {
		p.BelowMin = strings.TrimSpace(*v)
	}
	if v := ch.Types; v != nil {
		p.Types = SplitList(*v)
	}
	f := &shop.Filters
	for _, l := range []struct {
		v   *string
		dst *[]string
	}{{ch.IncludeCategories, &f.IncludeCategories}, {ch.ExcludeCategories, &f.ExcludeCategories},
		{ch.IncludeBrands, &f.IncludeBrands}, {ch.ExcludeBrands, &f.ExcludeBrands}} {
		if l.v != nil {
			*l.dst = SplitList(*l.v)
		}
	}

	for _, o := range []struct {
		v   *string
		dst *string
	}{{ch.OrderTag, &shop.OrderTag}, {ch.OrderLocationID, &shop.OrderLocationID}, {ch.OrderCarrierID, &shop.OrderCarrierID},
		{ch.OrderAddressID, &shop.OrderAddressID}, {ch.MaxCostRise, &shop.MaxCostRise}, {ch.FulfilledStatus, &shop.FulfilledStatus}} {
		if o.v != nil {
			*o.dst = strings.TrimSpace(*o.v)
		}
	}
	for _, e := range shop.OrderSettingsProblems() {
		ps.add(e.Field, "%s", e.Message)
	}

	// The stock policy and the filters check themselves, as the store does when it saves.
	for _, pr := range append(shop.StockPolicy.Problems(), shop.Filters.Problems()...) {
		ps.add(settingsField[pr.Field], "%s", pr.Message)
	}
	if ch.Warehouses != nil && len(p.Locations) > 0 {
		var unknown problems
		p.Locations, unknown = knownWarehouses(p.Locations, codes)
		ps = append(ps, unknown...)
	}
	if shop.Currency != old.Currency || shop.FXRate != old.FXRate || shop.TaxRate != old.TaxRate {
		more, err := pricingProblems(ctx, st, old, shop)
		if err != nil {
			return SettingsChanged{}, err
		}
		ps = append(ps, more...)
	}
	if err := ps.err(); err != nil {
		return SettingsChanged{}, err
	}

	if shop.Currency != old.Currency {
		warnings = append(warnings, fmt.Sprintf("prices change from %s to %s at the next sync: the store must sell in %s (WooCommerce and Shopify refuse prices in another currency)",
			old.Currency, shop.Currency, shop.Currency))
	}
	warnings = append(warnings, unknownFilterCodes(ch, shop.Filters, codes)...)
	saved, err := st.SaveShop(ctx, shop)
	if err != nil {
		return SettingsChanged{}, fmt.Errorf("shops: settings: %w", err)
	}
	return SettingsChanged{Shop: saved, Warnings: warnings}, nil
}

// settingsField names the policy's fields as the settings do.
var settingsField = map[string]string{
	"locations": "warehouses", "buffer": "buffer", "min_stock": "min-stock", "max_stock": "cap",
	"below_min": "below-min", "types": "types",
	"include_categories": "include-categories", "exclude_categories": "exclude-categories",
	"include_brands": "include-brands", "exclude_brands": "exclude-brands",
}

// knownWarehouses spells the ids as IWS sent them (any case may be typed) and refuses the ones
// IWS has not sent, listing those it has. An id that is not a warehouse code at all is left to
// the policy's own check.
func knownWarehouses(ids []string, codes store.MirrorCodes) ([]string, problems) {
	var ps problems
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if iwscode.CheckWarehouse(id) != nil {
			out = append(out, id)
			continue
		}
		if i := slices.IndexFunc(codes.Warehouses, func(k string) bool { return strings.EqualFold(k, id) }); i >= 0 {
			out = append(out, codes.Warehouses[i])
			continue
		}
		out = append(out, id)
		if len(codes.Warehouses) == 0 {
			ps.add("warehouses", "%q: no warehouse is known yet: IWS has sent no stock per warehouse for this account (it does after a stock sync, and only when Intcomex enabled per-warehouse stock for it)", id)
			continue
		}
		ps.add("warehouses", "%q is not a warehouse IWS has sent; the known ones are %s", id, strings.Join(codes.Warehouses, ", "))
	}
	return out, ps
}

// pricingProblems checks the shop's rules with the changed currency, exchange rate and tax rate
// as `rules import` would, and reports the problems the change brings (not those the rules had
// before): a rounding step the new currency cannot have, a rate out of range.
func pricingProblems(ctx context.Context, st *store.Store, old, changed store.Shop) (problems, error) {
	stored, err := st.ShopPricing(ctx, old.ID)
	if err != nil {
		return nil, fmt.Errorf("shops: settings: %w", err)
	}
	check := func(s store.Shop) []pricing.Problem {
		r := margin.FromStored(stored)
		r.Currency, r.FXRate, r.TaxRate = s.Currency, pricing.Number(s.FXRate), pricing.Number(s.TaxRate)
		var ve *pricing.ValidationError
		if err := r.Validate(); errors.As(err, &ve) {
			return ve.Problems
		}
		return nil
	}
	before := check(old)
	var ps problems
	for _, p := range check(changed) {
		if slices.Contains(before, p) {
			continue
		}
		switch p.Path {
		case "currency", "fx_rate", "tax_rate":
			// The same functions already refused the value itself.
		default:
			ps.add("currency", "%s: the shop's rules do not fit it (%s): import rules for %s first (`rules export`, edit, `rules import`)",
				changed.Currency, p, changed.Currency)
		}
	}
	return ps, nil
}

// unknownFilterCodes warns about filter entries that match nothing the mirror holds (a typo
// filters everything out), when there is a mirror to compare with.
func unknownFilterCodes(ch SettingsChange, f policy.Filters, codes store.MirrorCodes) []string {
	if codes.Products == 0 {
		return nil
	}
	var out []string
	categories := func(field string, v *string, list []string) {
		if v == nil {
			return
		}
		for _, c := range list {
			known := slices.ContainsFunc(codes.Categories, func(id string) bool {
				return (policy.Filters{IncludeCategories: []string{c}}).Includes(id, "", "")
			})
			if !known {
				out = append(out, fmt.Sprintf("--%s %q matches no category of the mirrored catalog", field, c))
			}
		}
	}
	brands := func(field string, v *string, list []string) {
		if v == nil {
			return
		}
		for _, b := range list {
			known := slices.ContainsFunc(codes.Brands, func(k store.BrandCode) bool {
				return strings.EqualFold(k.ID, b) || strings.EqualFold(k.Name, b)
			})
			if !known {
				out = append(out, fmt.Sprintf("--%s %q matches no brand of the mirrored catalog", field, b))
			}
		}
	}
	categories("include-categories", ch.IncludeCategories, f.IncludeCategories)
	categories("exclude-categories", ch.ExcludeCategories, f.ExcludeCategories)
	brands("include-brands", ch.IncludeBrands, f.IncludeBrands)
	brands("exclude-brands", ch.ExcludeBrands, f.ExcludeBrands)
	return out
}

// SplitList splits a comma-separated value (a list setting, a list flag), dropping blanks; ""
// gives nil.
func SplitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}
