package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"
	"gorm.io/gorm"

	"github.com/intcomex-connector/connector/connector/policy"
	"github.com/intcomex-connector/connector/internal/money"
)

// Shop platforms.
const (
	PlatformWooCommerce = "woocommerce"
	PlatformShopify     = "shopify"
	PlatformMemory      = "memory" // in-process demo/test storefront
)

// Shop is one connected storefront. Credentials are plain in memory (adapter-specific, typically
// a JSON document of keys or tokens) and sealed with the store's secret box at rest; String and
// LogValue leave them out.
//
// Currency, FXRate, TaxInclusive and TaxRate are also part of the shop's pricing configuration
// (see ShopPricing): saving either one changes both.
type Shop struct {
	ID           int64
	Name         string
	Platform     string
	BaseURL      string // WooCommerce site URL or Shopify shop domain as https URL
	Credentials  string
	IWSAccountID int64
	Currency     string // ISO 4217
	FXRate       string // decimal text: shop-currency units per IWS cost unit; "" when the same currency
	TaxInclusive bool
	TaxRate      string // decimal text, percent
	Locale       string // "es" or "en": language of titles and descriptions
	StockPolicy  policy.Stock
	Filters      policy.Filters
	// Order settings (`shop settings --order-tag ...`), sent with every PlaceOrder; "" sends
	// nothing. OrderAddressID is IWS's AddressId, a whole number. MaxCostRise is the percent
	// an IWS cost may exceed the cost the shop's price was computed from before an order is
	// held ("" means connector/orders' default, 3).
	OrderTag        string
	OrderLocationID string
	OrderCarrierID  string
	OrderAddressID  string
	MaxCostRise     string
	// FulfilledStatus is the storefront status an order gets once its tracking is written back
	// (WooCommerce, memory): "" or "completed" completes it, "processing" leaves it as it is.
	FulfilledStatus string
	// OrdersHoldReason, when set, holds every new order of the shop (IWS said the customer
	// account is on hold, or the credentials failed): HoldShopOrders sets it, ResumeShopOrders
	// clears it. SaveShop leaves both alone.
	OrdersHoldReason string
	OrdersHeldAt     time.Time
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

// String describes the shop without its credentials.
func (s Shop) String() string {
	return fmt.Sprintf("Shop{ID:%d Name:%q Platform:%s BaseURL:%s Credentials:REDACTED}", s.ID, s.Name, s.Platform, s.BaseURL)
}

// GoString describes the shop without its credentials.
func (s Shop) GoString() string { return s.String() }

// LogValue describes the shop without its credentials.
func (s Shop) LogValue() slog.Value {
	return slog.GroupValue(slog.Int64("id", s.ID), slog.String("name", s.Name), slog.String("platform", s.Platform))
}

func (s Shop) validate() error {
	var errs []error
	if strings.TrimSpace(s.Name) == "" || len(s.Name) > 100 {
		errs = append(errs, errors.New("name is empty or longer than 100 bytes"))
	}
	switch s.Platform {
	case PlatformWooCommerce, PlatformShopify, PlatformMemory:
	default:
		errs = append(errs, fmt.Errorf("platform %q is not woocommerce, shopify or memory", s.Platform))
	}
	if s.Platform != PlatformMemory {
		if u, err := url.Parse(s.BaseURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			errs = append(errs, errors.New("base URL is not an absolute http(s) URL"))
		}
		if s.Credentials == "" {
			errs = append(errs, errors.New("credentials are empty"))
		}
	}
	if s.IWSAccountID <= 0 {
		errs = append(errs, errors.New("IWS account is not set"))
	}
	// The same checks as the rules file and the shop settings (internal/money).
	if err := money.CheckCurrency(s.Currency); err != nil {
		errs = append(errs, fmt.Errorf("currency: %w", err))
	}
	if s.FXRate != "" {
		if err := money.CheckFXRate(s.FXRate); err != nil {
			errs = append(errs, fmt.Errorf("fx_rate: %w", err))
		}
	}
	if s.TaxRate != "" {
		if err := money.CheckTaxRate(s.TaxRate); err != nil {
			errs = append(errs, fmt.Errorf("tax_rate: %w", err))
		}
	}
	if s.Locale != "es" && s.Locale != "en" {
		errs = append(errs, fmt.Errorf("locale %q is not es or en", s.Locale))
	}
	errs = append(errs, s.orderSettingsProblems()...)
	if err := s.StockPolicy.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("stock policy: %w", err))
	}
	if err := s.Filters.Validate(); err != nil {
		errs = append(errs, fmt.Errorf("filters: %w", err))
	}
	if len(errs) > 0 {
		return fmt.Errorf("%w: shop: %w", ErrInvalid, errors.Join(errs...))
	}
	return nil
}

type shopRow struct {
	ID             int64      `gorm:"column:id;primaryKey"`
	Name           string     `gorm:"column:name"`
	Platform       string     `gorm:"column:platform"`
	BaseURL        string     `gorm:"column:base_url"`
	CredentialsEnc string     `gorm:"column:credentials_enc"`
	IWSAccountID   int64      `gorm:"column:iws_account_id"`
	Currency       string     `gorm:"column:currency"`
	FXRate         string     `gorm:"column:fx_rate"`
	TaxInclusive   bool       `gorm:"column:tax_inclusive"`
	TaxRate        string     `gorm:"column:tax_rate"`
	Locale         string     `gorm:"column:locale"`
	StockPolicy    string     `gorm:"column:stock_policy"`
	Filters        string     `gorm:"column:filters"`
	RoundingStep   string     `gorm:"column:rounding_step"`
	RoundingMinus  string     `gorm:"column:rounding_minus"`
	DefaultMarkup  string     `gorm:"column:default_markup_percent"`
	DefaultMargin  string     `gorm:"column:default_margin_percent"`
	DefaultFixed   string     `gorm:"column:default_fixed_amount"`
	DefaultMinProf string     `gorm:"column:default_min_profit"`
	OrderTag       string     `gorm:"column:order_tag"`
	OrderLocation  string     `gorm:"column:order_location_id"`
	OrderCarrier   string     `gorm:"column:order_carrier_id"`
	OrderAddress   string     `gorm:"column:order_address_id"`
	MaxCostRise    string     `gorm:"column:max_cost_rise"`
	Fulfilled      string     `gorm:"column:fulfilled_status"`
	HoldReason     string     `gorm:"column:orders_hold_reason"`
	HeldAt         *time.Time `gorm:"column:orders_held_at"`
	CreatedAt      time.Time  `gorm:"column:created_at"`
	UpdatedAt      time.Time  `gorm:"column:updated_at"`
}

func (shopRow) TableName() string { return "shops" }

// SaveShop creates the shop (ID 0) or updates the one with its ID, and returns it as stored.
// Credentials are sealed before they are written. Margin rules, rounding and the default action
// are left alone: ReplaceShopPricing owns them.
func (s *Store) SaveShop(ctx context.Context, shop Shop) (Shop, error) {
	shop.Name = strings.TrimSpace(shop.Name)
	shop.Currency = money.Normalize(shop.Currency)
	if err := shop.validate(); err != nil {
		return Shop{}, fmt.Errorf("store: save shop: %w", err)
	}
	if s.box == nil {
		return Shop{}, fmt.Errorf("store: save shop: %w", errNoBox)
	}
	sealed, err := s.box.Seal(shop.Credentials)
	if err != nil {
		return Shop{}, fmt.Errorf("store: save shop: %w", err)
	}
	policy, err := json.Marshal(shop.StockPolicy)
	if err != nil {
		return Shop{}, fmt.Errorf("store: save shop: %w", err)
	}
	filters, err := json.Marshal(shop.Filters)
	if err != nil {
		return Shop{}, fmt.Errorf("store: save shop: %w", err)
	}
	now := s.now()
	fields := map[string]any{
		"name": shop.Name, "platform": shop.Platform, "base_url": shop.BaseURL, "credentials_enc": sealed,
		"iws_account_id": shop.IWSAccountID, "currency": shop.Currency, "fx_rate": shop.FXRate,
		"tax_inclusive": shop.TaxInclusive, "tax_rate": shop.TaxRate, "locale": shop.Locale,
		"stock_policy": string(policy), "filters": string(filters), "updated_at": now,
		"order_tag": shop.OrderTag, "order_location_id": shop.OrderLocationID, "order_carrier_id": shop.OrderCarrierID,
		"order_address_id": shop.OrderAddressID, "max_cost_rise": shop.MaxCostRise, "fulfilled_status": shop.FulfilledStatus,
	}
	db := s.db.WithContext(ctx)
	if shop.ID == 0 {
		row := shopRow{
			Name: shop.Name, Platform: shop.Platform, BaseURL: shop.BaseURL, CredentialsEnc: sealed,
			IWSAccountID: shop.IWSAccountID, Currency: shop.Currency, FXRate: shop.FXRate,
			TaxInclusive: shop.TaxInclusive, TaxRate: shop.TaxRate, Locale: shop.Locale,
			StockPolicy: string(policy), Filters: string(filters), CreatedAt: now, UpdatedAt: now,
			OrderTag: shop.OrderTag, OrderLocation: shop.OrderLocationID, OrderCarrier: shop.OrderCarrierID,
			OrderAddress: shop.OrderAddressID, MaxCostRise: shop.MaxCostRise, Fulfilled: shop.FulfilledStatus,
		}
		if err := db.Create(&row).Error; err != nil {
			return Shop{}, fmt.Errorf("store: create shop: %w", shopWriteError(shop, err))
		}
		return s.Shop(ctx, row.ID)
	}
	res := db.Model(&shopRow{}).Where("id = ?", shop.ID).Updates(fields)
	if res.Error != nil {
		return Shop{}, fmt.Errorf("store: update shop: %w", shopWriteError(shop, res.Error))
	}
	if res.RowsAffected == 0 {
		// MySQL counts changed rows, not matched ones, but updated_at always changes.
		return Shop{}, fmt.Errorf("store: update shop %d: %w", shop.ID, ErrNotFound)
	}
	return s.Shop(ctx, shop.ID)
}

// shopWriteError turns the unique index on shop names (the only one a shop write can hit) into
// ErrConflict; other errors pass through.
func shopWriteError(shop Shop, err error) error {
	if isDuplicateKey(err) {
		return fmt.Errorf("another shop is named %q: %w", shop.Name, ErrConflict)
	}
	return err
}

// Shop returns the shop with this id, credentials decrypted, or ErrNotFound.
func (s *Store) Shop(ctx context.Context, id int64) (Shop, error) {
	var row shopRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return Shop{}, notFound("shop", err)
	}
	return s.openShop(row)
}

// ListShops returns every shop, oldest first, credentials decrypted.
func (s *Store) ListShops(ctx context.Context) ([]Shop, error) {
	return listOpened(ctx, s, "shops", s.openShop)
}

// ConnectedShops returns the shops of an IWS account that are connected (not Disconnected),
// oldest first: the shops syncs push to and reports show.
func (s *Store) ConnectedShops(ctx context.Context, accountID int64) ([]Shop, error) {
	all, err := s.ListShops(ctx)
	if err != nil {
		return nil, err
	}
	var out []Shop
	for _, sh := range all {
		if sh.IWSAccountID == accountID && !sh.Disconnected() {
			out = append(out, sh)
		}
	}
	return out, nil
}

// DeleteShop deletes the shop with its rules and listings (not its storefront products).
func (s *Store) DeleteShop(ctx context.Context, id int64) error {
	res := s.db.WithContext(ctx).Where("id = ?", id).Delete(&shopRow{})
	if res.Error != nil {
		return fmt.Errorf("store: delete shop: %w", res.Error)
	}
	if res.RowsAffected == 0 {
		return fmt.Errorf("store: delete shop %d: %w", id, ErrNotFound)
	}
	return nil
}

// DisconnectedCredentials is the credentials document DisconnectShop leaves: an empty object, so
// the shop still opens but no adapter can be built for it (every required field is missing).
const DisconnectedCredentials = "{}"

// Disconnected reports a WooCommerce or Shopify shop whose credentials DisconnectShop removed
// (an uninstall or an erasure request): nothing is pushed to it and its webhooks are refused
// until it is connected again. A memory shop has no credentials at all and is never
// disconnected.
func (s Shop) Disconnected() bool {
	return s.Platform != PlatformMemory && s.Credentials == DisconnectedCredentials
}

// DisconnectShop forgets what the connector holds for a shop that uninstalled it or asked for
// its data to be erased: its credentials become DisconnectedCredentials, and its listings,
// margin rules with their audit trail and API call log rows are deleted, in one transaction. The shop row stays (name,
// platform, address), because the webhook_events rows that record the uninstall refer to it
// and a merchant who reinstalls gets the same shop back with new credentials. Calling it again
// changes nothing.
func (s *Store) DisconnectShop(ctx context.Context, id int64) error {
	if s.box == nil {
		return fmt.Errorf("store: disconnect shop: %w", errNoBox)
	}
	sealed, err := s.box.Seal(DisconnectedCredentials)
	if err != nil {
		return fmt.Errorf("store: disconnect shop: %w", err)
	}
	err = s.db.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		res := tx.Model(&shopRow{}).Where("id = ?", id).
			Updates(map[string]any{"credentials_enc": sealed, "updated_at": s.now()})
		if res.Error != nil {
			return res.Error
		}
		if res.RowsAffected == 0 {
			return fmt.Errorf("shop %d: %w", id, ErrNotFound)
		}
		for _, m := range []any{&listingRow{}, &marginRuleRow{}, &marginRuleChangeRow{}, &apiCallRow{}} {
			if err := tx.Where("shop_id = ?", id).Delete(m).Error; err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: disconnect shop: %w", err)
	}
	return nil
}

// ShopWithoutCredentials returns the shop with this id, or ErrNotFound, leaving Credentials
// empty: it needs no secret box, for the readers of a shop's settings that never talk to its
// storefront (connector/rules prices its catalog with its filters).
func (s *Store) ShopWithoutCredentials(ctx context.Context, id int64) (Shop, error) {
	var row shopRow
	if err := s.db.WithContext(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
		return Shop{}, notFound("shop", err)
	}
	return shopOf(row, "")
}

func (s *Store) openShop(r shopRow) (Shop, error) {
	if s.box == nil {
		return Shop{}, fmt.Errorf("store: shop %d: %w", r.ID, errNoBox)
	}
	creds, err := s.box.Open(r.CredentialsEnc)
	if err != nil {
		return Shop{}, fmt.Errorf("store: shop %d: credentials: %w", r.ID, err)
	}
	return shopOf(r, creds)
}

// shopOf is the shop of a row, with its credentials already opened.
func shopOf(r shopRow, creds string) (Shop, error) {
	sh := Shop{
		ID: r.ID, Name: r.Name, Platform: r.Platform, BaseURL: r.BaseURL, Credentials: creds,
		IWSAccountID: r.IWSAccountID, Currency: r.Currency, FXRate: r.FXRate,
		TaxInclusive: r.TaxInclusive, TaxRate: r.TaxRate, Locale: r.Locale,
		OrderTag: r.OrderTag, OrderLocationID: r.OrderLocation, OrderCarrierID: r.OrderCarrier,
		OrderAddressID: r.OrderAddress, MaxCostRise: r.MaxCostRise, FulfilledStatus: r.Fulfilled, OrdersHoldReason: r.HoldReason,
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(),
	}
	if r.HeldAt != nil {
		sh.OrdersHeldAt = r.HeldAt.UTC()
	}
	if err := json.Unmarshal([]byte(r.StockPolicy), &sh.StockPolicy); err != nil {
		return Shop{}, fmt.Errorf("store: shop %d: stock policy: %w", r.ID, err)
	}
	if err := json.Unmarshal([]byte(r.Filters), &sh.Filters); err != nil {
		return Shop{}, fmt.Errorf("store: shop %d: filters: %w", r.ID, err)
	}
	return sh, nil
}

// Values of Shop.FulfilledStatus besides "" (completed).
const (
	FulfilledCompleted  = "completed"
	FulfilledProcessing = "processing"
)

// SettingProblem is one problem of a shop setting, named as `shop settings` names its flag.
type SettingProblem struct{ Field, Message string }

// OrderSettingsProblems checks the order settings the way the MySQL columns and IWS take them:
// tags and ids without spaces and short, AddressId a positive whole number, the cost rise a
// percent from 0 to 1000.
func (s Shop) OrderSettingsProblems() []SettingProblem {
	var ps []SettingProblem
	for _, f := range []struct {
		name, value string
	}{{"order-tag", s.OrderTag}, {"location-id", s.OrderLocationID}, {"carrier-id", s.OrderCarrierID}} {
		if len(f.value) > 64 || strings.ContainsAny(f.value, " \t\r\n") {
			ps = append(ps, SettingProblem{f.name, fmt.Sprintf("%q has spaces or is longer than 64 bytes", f.value)})
		}
	}
	if s.OrderAddressID != "" {
		if n, err := strconv.ParseInt(s.OrderAddressID, 10, 64); err != nil || n <= 0 {
			ps = append(ps, SettingProblem{"address-id", fmt.Sprintf("%q is not a positive whole number", s.OrderAddressID)})
		}
	}
	switch s.FulfilledStatus {
	case "", FulfilledCompleted, FulfilledProcessing:
	default:
		ps = append(ps, SettingProblem{"fulfilled-status", fmt.Sprintf("%q is not %s or %s", s.FulfilledStatus, FulfilledCompleted, FulfilledProcessing)})
	}
	if s.MaxCostRise != "" {
		d, err := decimal.NewFromString(s.MaxCostRise)
		if err != nil || d.IsNegative() || d.GreaterThan(decimal.NewFromInt(1000)) || len(s.MaxCostRise) > 20 {
			ps = append(ps, SettingProblem{"max-cost-rise", fmt.Sprintf("%q is not a percent from 0 to 1000", s.MaxCostRise)})
		}
	}
	return ps
}

func (s Shop) orderSettingsProblems() []error {
	var errs []error
	for _, p := range s.OrderSettingsProblems() {
		errs = append(errs, fmt.Errorf("%s: %s", p.Field, p.Message))
	}
	return errs
}
