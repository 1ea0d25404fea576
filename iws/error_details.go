package iws

import "strconv"

// Details lists the error's fields beyond its code, message and reference that are set, as
// "name: value" lines for people: the detail, the SKU, order and location concerned, the
// quantity attempted and the stock there was, the wait IWS asks for, its warning. The CLI and
// the web UI's IWS console show them.
func (e *Error) Details() []string {
	var out []string
	add := func(name, v string) {
		if v != "" {
			out = append(out, name+": "+v)
		}
	}
	add("detail", e.MessageDetail)
	add("sku", e.Sku)
	add("order number", e.OrderNumber)
	add("location", e.LocationID)
	if e.QuantityAttempted != nil {
		add("quantity attempted", strconv.Itoa(*e.QuantityAttempted))
	}
	if e.CurrentStock != nil {
		add("current stock", strconv.Itoa(*e.CurrentStock))
	}
	if e.RetryAfter > 0 {
		add("retry after", e.RetryAfter.String())
	}
	add("warning", e.Warning)
	return out
}
