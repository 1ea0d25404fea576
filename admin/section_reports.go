package admin

import "github.com/intcomex-connector/connector/connector/store"

// ReportsDeps are the services of the reports pages (/reports); main fills them.
type ReportsDeps struct {
	// Store reads the orders placed with Intcomex (the reconciliation register) and the shops.
	Store *store.Store
}

// mountReports registers the reports pages (/reports) when its services are set.
func (u *UI) mountReports(rt Routes) {
	if u.cfg.Reports.Store == nil {
		return
	}
	rt.Pages.GET("/reports", u.reportsPage)
	rt.Pages.GET("/reports/orders.csv", u.reportsCSV)
	rt.API.GET("/reports/orders", u.apiReportsOrders)
}
