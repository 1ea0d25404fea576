package store

import "context"

// ShopPageSorts are the sort keys of ShopsWithoutCredentialsPage: "name" (the default, A to Z),
// "id" (oldest first), "platform" and "currency".
var ShopPageSorts = shopPageSorts.keys()

var shopPageSorts = sortSpec{
	list: "shops", def: "name", tie: "id",
	columns: map[string]string{
		"name":     "name",
		"id":       "id",
		"platform": "platform",
		"currency": "currency",
	},
}

// ShopsWithoutCredentialsPage returns one page of the shops whose name or address contains text
// (ignoring case; "" for every shop), with their credentials left empty (no secret box is
// needed: for the pages that list shops to pick one), and how many shops match. An unknown sort
// key is ErrInvalid.
func (s *Store) ShopsWithoutCredentialsPage(ctx context.Context, text string, p Page) (PageOf[Shop], error) {
	q := likeAny(s.db.WithContext(ctx).Model(&shopRow{}), text, "name", "base_url")
	return findPage(q, shopPageSorts, s.dialect, p, func(r *shopRow) (Shop, error) { return shopOf(*r, "") })
}
