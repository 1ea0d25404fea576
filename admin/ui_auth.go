package admin

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/users"
)

// Cookie names. With Secure the session cookie takes the __Host- prefix: the browser then
// keeps it only when it was set over https, without Domain and with Path=/, so a sibling
// subdomain cannot plant or shadow it.
const (
	sessionCookie       = "connector_session"
	secureSessionCookie = "__Host-connector_session"
	// TokenPrefix starts every API token secret (Authorization: Bearer icx_...).
	TokenPrefix = "icx_"
)

// visitor is what the UI knows of the request's sender, kept in the gin context.
type visitor struct {
	user     users.User
	signedIn bool
	token    string // the session token, when signed in with a cookie
	lang     string // "en" or "es"
}

const visitorKey = "admin.visitor"

// visitorOf returns the request's visitor (anonymous, language not chosen yet, before identify
// ran).
func visitorOf(c *gin.Context) *visitor {
	if v, ok := c.Get(visitorKey); ok {
		return v.(*visitor)
	}
	v := &visitor{}
	c.Set(visitorKey, v)
	return v
}

// CurrentUser returns the signed-in user of the request, false when anonymous.
func CurrentUser(c *gin.Context) (users.User, bool) {
	v := visitorOf(c)
	return v.user, v.signedIn
}

func (u *UI) sessionCookieName() string {
	if u.cfg.Secure {
		return secureSessionCookie
	}
	return sessionCookie
}

// identify learns who sends the request: on the API an `Authorization: Bearer icx_...` token
// (then only the token counts) or else the session cookie; on pages the session cookie. An
// unknown or expired credential leaves the visitor anonymous (requireUser answers); a stale
// cookie is cleared. Then it picks the language.
func (u *UI) identify(api bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		v := visitorOf(c)
		ctx := c.Request.Context()
		if auth := c.GetHeader("Authorization"); api && auth != "" {
			scheme, secret, _ := strings.Cut(auth, " ")
			secret = strings.TrimSpace(secret)
			if strings.EqualFold(scheme, "Bearer") && strings.HasPrefix(secret, TokenPrefix) {
				user, err := u.cfg.Accounts.TokenUser(ctx, secret)
				switch {
				case err == nil:
					v.user, v.signedIn = user, true
				case !errors.Is(err, users.ErrNoSession):
					u.log.ErrorContext(ctx, "admin: API token", "err", err)
					u.fail(c, http.StatusInternalServerError, CodeInternal, "error.internal")
					return
				}
			}
		} else if token, err := c.Cookie(u.sessionCookieName()); err == nil && token != "" {
			s, err := u.cfg.Accounts.SessionUser(ctx, token)
			switch {
			case err == nil:
				v.user, v.signedIn, v.token = s.User, true, token
			case errors.Is(err, users.ErrNoSession):
				u.clearSessionCookie(c)
			default:
				u.log.ErrorContext(ctx, "admin: session", "err", err)
				u.fail(c, http.StatusInternalServerError, CodeInternal, "error.internal")
				return
			}
		}
		v.lang = u.negotiateLanguage(c, v)
		c.Next()
	}
}

// identifyOptional identifies the sender of a request no route matched (a 404 or 405 answer
// in the sender's language, JSON under /api/).
func (u *UI) identifyOptional(c *gin.Context) {
	u.identify(isAPIPath(c.Request.URL.Path))(c)
}

// requireUser lets signed-in users through. Pages send others to /login?next=PATH (the path
// they asked for, on a GET); the API answers 401.
func (u *UI) requireUser(api bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		if visitorOf(c).signedIn {
			c.Next()
			return
		}
		if api {
			c.Header("WWW-Authenticate", `Bearer realm="connector"`)
			u.apiError(c, http.StatusUnauthorized, CodeUnauthorized, "error.unauthorized")
			return
		}
		target := "/login"
		if c.Request.Method == http.MethodGet || c.Request.Method == http.MethodHead {
			if next := c.Request.URL.RequestURI(); next != "/" {
				target += "?next=" + url.QueryEscape(next)
			}
		}
		c.Redirect(http.StatusSeeOther, target)
		c.Abort()
	}
}

// safeMethod reports whether m changes nothing by HTTP's definition.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}

// writeGuard refuses a state-changing request from a user whose role changes nothing
// (support): every action registered on Routes.Pages and Routes.API is admin-only.
func (u *UI) writeGuard(api bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		if safeMethod(c.Request.Method) || visitorOf(c).user.Role.CanWrite() {
			c.Next()
			return
		}
		u.forbid(c, api)
	}
}

// requireAdmin lets only admins through, whatever the method.
func (u *UI) requireAdmin(api bool) gin.HandlerFunc {
	return func(c *gin.Context) {
		if visitorOf(c).user.Role == users.RoleAdmin {
			c.Next()
			return
		}
		u.forbid(c, api)
	}
}

func (u *UI) forbid(c *gin.Context, api bool) {
	if api {
		u.apiError(c, http.StatusForbidden, CodeForbidden, "error.forbidden")
		return
	}
	u.errorPage(c, http.StatusForbidden, "error.forbidden")
}

// fail answers an error in the form the request expects: JSON under /api/, else a page.
func (u *UI) fail(c *gin.Context, status int, code, key string) {
	if isAPIPath(c.Request.URL.Path) {
		u.apiError(c, status, code, key)
		return
	}
	u.errorPage(c, status, key)
}

func isAPIPath(p string) bool { return p == "/api" || strings.HasPrefix(p, "/api/") }

// setSessionCookie gives the browser its session token. The cookie has no Expires: the session's
// expiry slides on the server, which is what decides.
func (u *UI) setSessionCookie(c *gin.Context, token string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: u.sessionCookieName(), Value: token, Path: "/",
		HttpOnly: true, Secure: u.cfg.Secure, SameSite: http.SameSiteLaxMode})
}

func (u *UI) clearSessionCookie(c *gin.Context) {
	http.SetCookie(c.Writer, &http.Cookie{Name: u.sessionCookieName(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: u.cfg.Secure, SameSite: http.SameSiteLaxMode})
}

// safeNext returns next when it is a path on this site, else "/": a link must not send the
// person to another site (open redirect).
func safeNext(next string) string {
	if next == "" || next[0] != '/' || strings.HasPrefix(next, "//") || strings.ContainsAny(next, "\\\r\n\t") {
		return "/"
	}
	p, err := url.Parse(next)
	if err != nil || p.Scheme != "" || p.Host != "" || p.User != nil || !strings.HasPrefix(p.Path, "/") || strings.HasPrefix(p.Path, "//") {
		return "/"
	}
	return next
}

// afterLogin is where a login goes: next when local and not the login or logout page, else "/".
func afterLogin(next string) string {
	next = safeNext(next)
	if p, _ := url.Parse(next); p == nil || p.Path == "/login" || p.Path == "/logout" {
		return "/"
	}
	return next
}
