package admin

// IWSDeps are the services of the IWS console (/iws); main fills them.
type IWSDeps struct{}

// mountIWS registers the IWS console (/iws) when its services are set.
func (u *UI) mountIWS(rt Routes) {
	_ = rt
}
