package store

import "context"

// OrderSorts are the sort keys of ListOrdersPage: "created" (the default, newest first),
// "updated", "placed", "paid", "state", "shop" and "number" (the storefront order number).
var OrderSorts = orderSorts.keys()

var orderSorts = sortSpec{
	list: "orders", def: "created", defDesc: true, tie: "id",
	columns: map[string]string{
		"created": "id", // ids grow with created_at
		"updated": "updated_at",
		"placed":  "placed_at",
		"paid":    "paid_at",
		"state":   "state",
		"shop":    "shop_id",
		"number":  "storefront_order_number",
	},
}

// ListOrdersPage returns one page of the orders matching f (its BeforeID and Limit are ignored:
// p pages), without their lines, and how many orders match. An unknown sort key is ErrInvalid.
func (s *Store) ListOrdersPage(ctx context.Context, f OrderFilter, p Page) (PageOf[Order], error) {
	q := f.apply(s.db.WithContext(ctx).Model(&orderRow{}))
	return findPage(q, orderSorts, s.dialect, p, func(r *orderRow) (Order, error) { return r.order(), nil })
}
