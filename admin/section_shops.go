package admin

// ShopsDeps are the services of the shops pages (/shops); main fills them.
type ShopsDeps struct{}

// mountShops registers the shops pages (/shops) when its services are set.
func (u *UI) mountShops(rt Routes) {
	_ = rt
}
