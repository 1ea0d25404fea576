package shops

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/intcomex-connector/connector/connector/policy"
	"github.com/intcomex-connector/connector/connector/store"
)

// SettingNames are the settings a person changes (SettingsChange), by the names the CLI's flags
// (`shop settings --fx-rate`), the admin's form fields and Problem.Field give them, in the order
// they are shown.
var SettingNames = []string{
	"currency", "fx-rate", "tax-rate", "tax-inclusive", "locale",
	"warehouses", "buffer", "min-stock", "below-min", "cap", "types",
	"include-categories", "exclude-categories", "include-brands", "exclude-brands",
	"order-tag", "location-id", "carrier-id", "address-id", "max-cost-rise", "fulfilled-status",
}

// settingFields maps each setting name to its field of SettingsChange.
var settingFields = map[string]func(*SettingsChange) **string{
	"currency":           func(c *SettingsChange) **string { return &c.Currency },
	"fx-rate":            func(c *SettingsChange) **string { return &c.FXRate },
	"tax-rate":           func(c *SettingsChange) **string { return &c.TaxRate },
	"tax-inclusive":      func(c *SettingsChange) **string { return &c.TaxInclusive },
	"locale":             func(c *SettingsChange) **string { return &c.Locale },
	"warehouses":         func(c *SettingsChange) **string { return &c.Warehouses },
	"buffer":             func(c *SettingsChange) **string { return &c.Buffer },
	"min-stock":          func(c *SettingsChange) **string { return &c.MinStock },
	"below-min":          func(c *SettingsChange) **string { return &c.BelowMin },
	"cap":                func(c *SettingsChange) **string { return &c.Cap },
	"types":              func(c *SettingsChange) **string { return &c.Types },
	"include-categories": func(c *SettingsChange) **string { return &c.IncludeCategories },
	"exclude-categories": func(c *SettingsChange) **string { return &c.ExcludeCategories },
	"include-brands":     func(c *SettingsChange) **string { return &c.IncludeBrands },
	"exclude-brands":     func(c *SettingsChange) **string { return &c.ExcludeBrands },
	"order-tag":          func(c *SettingsChange) **string { return &c.OrderTag },
	"location-id":        func(c *SettingsChange) **string { return &c.OrderLocationID },
	"carrier-id":         func(c *SettingsChange) **string { return &c.OrderCarrierID },
	"address-id":         func(c *SettingsChange) **string { return &c.OrderAddressID },
	"max-cost-rise":      func(c *SettingsChange) **string { return &c.MaxCostRise },
	"fulfilled-status":   func(c *SettingsChange) **string { return &c.FulfilledStatus },
}

// Set sets the setting name (one of SettingNames) to value, as its flag would. An unknown name
// is an error wrapping ErrInvalid.
func (c *SettingsChange) Set(name, value string) error {
	field, ok := settingFields[name]
	if !ok {
		return fmt.Errorf("%w: %q is not a shop setting (the settings are %s)", ErrInvalid, name, strings.Join(SettingNames, ", "))
	}
	*field(c) = &value
	return nil
}

// SettingsText is every setting of the shop as text a person would type to give it that value
// again (a form's values): lists comma-separated, "all" for every warehouse, the stock policy's
// defaults spelled out. Settings left to a default ("" order settings) are "".
func SettingsText(shop store.Shop) map[string]string {
	p, f := shop.StockPolicy, shop.Filters
	belowMin := p.BelowMin
	if belowMin == "" {
		belowMin = policy.BelowMinOutOfStock
	}
	warehouses := "all"
	if len(p.Locations) > 0 {
		warehouses = strings.Join(p.Locations, ",")
	}
	return map[string]string{
		"currency":           shop.Currency,
		"fx-rate":            shop.FXRate,
		"tax-rate":           shop.TaxRate,
		"tax-inclusive":      strconv.FormatBool(shop.TaxInclusive),
		"locale":             shop.Locale,
		"warehouses":         warehouses,
		"buffer":             strconv.Itoa(p.Buffer),
		"min-stock":          strconv.Itoa(p.MinStock),
		"below-min":          belowMin,
		"cap":                strconv.Itoa(p.MaxStock),
		"types":              strings.Join(p.SoldTypes(), ","),
		"include-categories": strings.Join(f.IncludeCategories, ","),
		"exclude-categories": strings.Join(f.ExcludeCategories, ","),
		"include-brands":     strings.Join(f.IncludeBrands, ","),
		"exclude-brands":     strings.Join(f.ExcludeBrands, ","),
		"order-tag":          shop.OrderTag,
		"location-id":        shop.OrderLocationID,
		"carrier-id":         shop.OrderCarrierID,
		"address-id":         shop.OrderAddressID,
		"max-cost-rise":      shop.MaxCostRise,
		"fulfilled-status":   shop.FulfilledStatus,
	}
}

// ChangeFrom is the change a form makes: values holds settings by name (a form posts every one);
// only those that differ from the shop's SettingsText (spaces around them aside) are set, so a
// form sent back untouched changes nothing and warns of nothing. Names that are not settings are
// ignored. changed is false when nothing differs.
func ChangeFrom(shop store.Shop, values map[string]string) (ch SettingsChange, changed bool) {
	current := SettingsText(shop)
	for _, name := range SettingNames {
		v, ok := values[name]
		if !ok || strings.TrimSpace(v) == strings.TrimSpace(current[name]) {
			continue
		}
		_ = ch.Set(name, v) // name is one of SettingNames
		changed = true
	}
	return ch, changed
}
