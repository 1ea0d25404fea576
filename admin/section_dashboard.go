package admin

import (
	"context"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
)

// DashboardDeps are the services of the dashboard (GET /): health at a glance; main fills them.
type DashboardDeps struct {
	// Store reads the figures: the latest sync of each feed, listings per shop, orders by state,
	// held orders, webhook deliveries, failed API calls and the charts' series.
	Store *store.Store
	// Webhooks, when set, checks a shop's webhook subscriptions live with its platform
	// (shops.Setup.CheckWebhookHealth); the dashboard then lists the missing and disabled ones.
	Webhooks func(ctx context.Context, shop store.Shop) (shops.WebhookHealth, error)
}

// mountDashboard registers the dashboard (GET /): health at a glance when its services are set, and reports whether it did.
func (u *UI) mountDashboard(rt Routes) bool {
	if u.cfg.Dashboard.Store == nil {
		return false
	}
	rt.Pages.GET("/", u.dashboard)
	rt.API.GET("/dashboard", u.apiDashboard)
	return true
}

// dashboard is GET /: the connector's health at a glance, with its charts.
func (u *UI) dashboard(c *gin.Context) {
	d, err := u.dashboardReport(c.Request.Context())
	if err != nil {
		u.log.ErrorContext(c.Request.Context(), "admin: dashboard", "err", err)
		u.errorPage(c, http.StatusInternalServerError, "error.internal")
		return
	}
	u.render(c, http.StatusOK, "dashboard", dashboardPage{dashboardReport: d, Charts: u.dashboardCharts(u.lang(c), d)})
}

// apiDashboard is GET /api/v1/dashboard: the dashboard's figures and series as JSON.
func (u *UI) apiDashboard(c *gin.Context) {
	d, err := u.dashboardReport(c.Request.Context())
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	c.JSON(http.StatusOK, d)
}
