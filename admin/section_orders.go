package admin

// OrdersDeps are the services of the orders pages (/orders); main fills them.
type OrdersDeps struct{}

// mountOrders registers the orders pages (/orders) when its services are set.
func (u *UI) mountOrders(rt Routes) {
	_ = rt
}
