package store

import (
	"context"

	"github.com/intcomex-connector/connector/connector/mirror"
)

// ProductSorts are the sort keys of ListProductsPage: "sku" (the default, ascending), "name"
// (the Spanish description, IWS's title), "name_en", "brand", "cost", "stock" and "updated".
var ProductSorts = productSorts.keys()

var productSorts = sortSpec{
	list: "products", def: "sku", tie: "id",
	columns: map[string]string{
		"sku":     "sku",
		"name":    "description_es",
		"name_en": "description_en",
		"brand":   "brand",
		"cost":    "cost",
		"stock":   "stock_total",
		"updated": "updated_at",
	},
	sqlite: map[string]string{
		// cost is decimal text on SQLite; sorted as text "100" would come before "20". REAL
		// only orders the rows here; amounts are read as text.
		"cost": "CAST(cost AS REAL)",
	},
}

// ListProductsPage returns one page of the account's products matching f and how many match.
// An unknown sort key is ErrInvalid.
func (s *Store) ListProductsPage(ctx context.Context, accountID int64, f ProductFilter, p Page) (PageOf[*mirror.Product], error) {
	q := f.apply(s.db.WithContext(ctx).Model(&productRow{}).Where("account_id = ?", accountID))
	return findPage(q, productSorts, s.dialect, p, (*productRow).product)
}
