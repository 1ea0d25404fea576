package admin

import (
	"fmt"
	"net/http"
	"runtime/debug"

	"github.com/gin-gonic/gin"
)

// contentSecurityPolicy allows only the UI's own scripts, styles and images (and data: images
// for small inline pictures): no inline script or style, no framing, forms post only here.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'"

// securityHeaders sends the headers every UI, API and asset response carries.
func (u *UI) securityHeaders(c *gin.Context) {
	h := c.Writer.Header()
	h.Set("Content-Security-Policy", contentSecurityPolicy)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Next()
}

// noStore keeps pages and API answers, which hold private data, out of every cache.
func (u *UI) noStore(c *gin.Context) {
	c.Header("Cache-Control", "no-store")
	c.Next()
}

// crossOrigin refuses state-changing requests a browser sends from another site (CSRF), with
// Go's http.CrossOriginProtection: Sec-Fetch-Site, or Origin against Host for older browsers.
// Requests without either header (curl, scripts with an API token) are not a browser's and
// pass. Safe methods always pass, so no GET handler may change anything.
func (u *UI) crossOrigin(api bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		if err := u.csrf.Check(c.Request); err != nil {
			u.log.WarnContext(c.Request.Context(), "admin: cross-origin request refused", "method", c.Request.Method,
				"path", c.Request.URL.Path, "origin", c.GetHeader("Origin"), "sec_fetch_site", c.GetHeader("Sec-Fetch-Site"))
			if api {
				u.apiError(c, http.StatusForbidden, CodeForbidden, "error.cross_origin")
				return
			}
			u.errorPage(c, http.StatusForbidden, "error.cross_origin")
			return
		}
		c.Next()
	}
}

// recoverPanic answers a handler's panic with the UI's own 500 (a page, or the API's JSON
// error with its stable code) instead of the router's generic answer, and logs it.
func (u *UI) recoverPanic(c *gin.Context) {
	defer func() {
		p := recover()
		if p == nil {
			return
		}
		if p == http.ErrAbortHandler {
			panic(p)
		}
		u.log.ErrorContext(c.Request.Context(), "admin: handler panicked", "path", c.Request.URL.Path,
			"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
		if c.Writer.Written() {
			c.Abort()
			return
		}
		u.fail(c, http.StatusInternalServerError, CodeInternal, "error.internal")
	}()
	c.Next()
}
