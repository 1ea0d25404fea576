package admin

// DashboardDeps are the services of the dashboard (GET /): health at a glance; main fills them.
type DashboardDeps struct{}

// mountDashboard registers the dashboard (GET /): health at a glance when its services are set, and reports whether it did.
func (u *UI) mountDashboard(rt Routes) bool {
	_ = rt
	return false
}
