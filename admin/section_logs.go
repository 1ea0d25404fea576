package admin

import "github.com/intcomex-connector/connector/connector/store"

// LogsDeps are the services of the API log pages (/logs); main fills them. The section is
// mounted when Store is set.
type LogsDeps struct {
	// Store reads the audit log (api_calls, redacted when written), the shops and the orders.
	Store *store.Store
}

// mountLogs registers the API log pages (/logs) when its services are set: the list, a call
// with its request and response (/logs/:id), the CSV export of the filtered list (/logs.csv),
// and the same under /api/v1.
func (u *UI) mountLogs(rt Routes) {
	if u.cfg.Logs.Store == nil {
		return
	}
	rt.Pages.GET("/logs", u.logsList)
	rt.Pages.GET("/logs.csv", u.logsCSV)
	rt.Pages.GET("/logs/:id", u.logsCall)
	rt.API.GET("/logs", u.apiLogsList)
	rt.API.GET("/logs.csv", u.logsCSV)
	rt.API.GET("/logs/:id", u.apiLogsCall)
}
