package admin

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/rules"
	"github.com/intcomex-connector/connector/connector/store"
)

// RulesDeps are the services of the margin rules pages (/rules); main fills them.
type RulesDeps struct {
	// Rules reads, previews, edits and audits the shops' margin rules.
	Rules *rules.Service
}

// mountRules registers the margin rules pages (/rules) and their API when its services are set.
// Every change is a POST, PUT or DELETE, so the foundation keeps them for admins; the preview
// is a POST as well (see rulesAPIPreview for why).
func (u *UI) mountRules(rt Routes) {
	if u.cfg.Rules.Rules == nil {
		return
	}
	// The editors are admin pages: support, who changes nothing, is not shown forms it may not
	// send.
	p, ap := rt.Pages, rt.AdminPages
	p.GET("/rules", u.rulesShops)
	p.GET("/rules/:shop", u.rulesShop)
	p.GET("/rules/:shop/export", u.rulesExport)
	p.GET("/rules/:shop/history/:change", u.rulesChange)
	ap.GET("/rules/:shop/new", u.rulesNewForm)
	p.POST("/rules/:shop/new", u.rulesNewSubmit)
	ap.GET("/rules/:shop/settings", u.rulesSettingsForm)
	p.POST("/rules/:shop/settings", u.rulesSettingsSubmit)
	p.POST("/rules/:shop/import", u.rulesImport)
	ap.GET("/rules/:shop/:index/edit", u.rulesEditForm)
	p.POST("/rules/:shop/:index/edit", u.rulesEditSubmit)
	p.POST("/rules/:shop/:index/move", u.rulesMove)
	p.POST("/rules/:shop/:index/delete", u.rulesDelete)

	a := rt.API
	a.GET("/rules", u.rulesAPIShops)
	a.GET("/rules/:shop", u.rulesAPIDocument)
	a.GET("/rules/:shop/export", u.rulesAPIExport)
	a.GET("/rules/:shop/history", u.rulesAPIHistory)
	a.GET("/rules/:shop/history/:change", u.rulesAPIChange)
	a.GET("/rules/:shop/sample", u.rulesAPISample)
	a.POST("/rules/:shop/preview", u.rulesAPIPreview)
	a.POST("/rules/:shop/rules", u.rulesAPICreate)
	a.PUT("/rules/:shop/rules/:index", u.rulesAPIUpdate)
	a.DELETE("/rules/:shop/rules/:index", u.rulesAPIDelete)
	a.POST("/rules/:shop/rules/:index/move", u.rulesAPIMove)
	a.PUT("/rules/:shop/settings", u.rulesAPISettings)
	a.POST("/rules/:shop/import", u.rulesAPIImport)
}

// rulesSvc is the section's service.
func (u *UI) rulesSvc() *rules.Service { return u.cfg.Rules.Rules }

// rulesPathInt reads the path parameter name as a whole number (at least min); a malformed one
// answers 404, as no such page exists.
func (u *UI) rulesPathInt(c *gin.Context, name string, minimum int64) (int64, bool) {
	n, err := strconv.ParseInt(c.Param(name), 10, 64)
	if err != nil || n < minimum {
		u.fail(c, http.StatusNotFound, CodeNotFound, "error.not_found")
		return 0, false
	}
	return n, true
}

// rulesDocument reads the :shop parameter and the shop's rules document; an unknown shop
// answers 404 (a page or JSON).
func (u *UI) rulesDocument(c *gin.Context) (rules.Document, bool) {
	shopID, ok := u.rulesPathInt(c, "shop", 1)
	if !ok {
		return rules.Document{}, false
	}
	d, err := u.rulesSvc().Get(c.Request.Context(), shopID)
	if err != nil {
		u.rulesFailure(c, err)
		return rules.Document{}, false
	}
	return d, true
}

// rulesFailure answers an error of the rules service: JSON under /api/ (apiFailure), else the
// error page of its category.
func (u *UI) rulesFailure(c *gin.Context, err error) {
	if isAPIPath(c.Request.URL.Path) {
		if errors.Is(err, rules.ErrNoPricing) {
			u.apiError(c, http.StatusConflict, CodeConflict, "rules.no_pricing")
			return
		}
		u.apiFailure(c, err)
		return
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		u.errorPage(c, http.StatusNotFound, "error.not_found")
	case errors.Is(err, rules.ErrNoPricing):
		u.errorPage(c, http.StatusConflict, "rules.no_pricing")
	default:
		u.log.ErrorContext(c.Request.Context(), "admin: rules", "path", c.Request.URL.Path, "err", err)
		u.errorPage(c, http.StatusInternalServerError, "error.internal")
	}
}
