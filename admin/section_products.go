package admin

// ProductsDeps are the services of the products pages (/products); main fills them.
type ProductsDeps struct{}

// mountProducts registers the products pages (/products) when its services are set.
func (u *UI) mountProducts(rt Routes) {
	_ = rt
}
