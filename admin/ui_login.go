package admin

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/users"
)

// loginData is the login page's data.
type loginData struct {
	Email string
	Next  string
	Error string // translated
}

// loginForm is GET /login?next=PATH. A signed-in visitor goes straight on.
func (u *UI) loginForm(c *gin.Context) {
	next := safeNext(c.Query("next"))
	if visitorOf(c).signedIn {
		c.Redirect(http.StatusSeeOther, afterLogin(next))
		return
	}
	u.render(c, http.StatusOK, "login", loginData{Next: next})
}

// login is POST /login (email, password, next). Throttled keys answer 429 before the password
// is checked; a wrong email or password gets one message that says neither; success starts a
// new session (ending the one the browser had) and goes to next.
func (u *UI) login(c *gin.Context) {
	ctx := c.Request.Context()
	email := strings.ToLower(strings.TrimSpace(c.PostForm("email")))
	password := c.PostForm("password")
	data := loginData{Email: email, Next: safeNext(c.PostForm("next"))}
	lang := u.lang(c)

	keys := u.limiter.keys(email, c.ClientIP())
	if wait := u.limiter.retryAfter(keys); wait > 0 {
		c.Header("Retry-After", strconv.Itoa(int((wait+time.Second-1)/time.Second)))
		data.Error = u.throttledMessage(lang, wait)
		u.log.WarnContext(ctx, "admin: login throttled", "client", c.ClientIP(), "wait", wait)
		u.render(c, http.StatusTooManyRequests, "login", data)
		return
	}
	if email == "" || password == "" {
		data.Error = u.i18n.T(lang, "login.missing")
		u.render(c, http.StatusBadRequest, "login", data)
		return
	}
	user, err := u.cfg.Accounts.Authenticate(ctx, email, password)
	if errors.Is(err, users.ErrBadCredentials) || errors.Is(err, users.ErrInvalid) {
		u.limiter.fail(keys)
		u.log.WarnContext(ctx, "admin: login failed", "client", c.ClientIP())
		data.Error = u.i18n.T(lang, "login.failed")
		u.render(c, http.StatusUnauthorized, "login", data)
		return
	}
	if err != nil {
		u.log.ErrorContext(ctx, "admin: login", "err", err)
		data.Error = u.i18n.T(lang, "error.internal")
		u.render(c, http.StatusInternalServerError, "login", data)
		return
	}
	u.limiter.reset(keys[0])

	// A new session on every login (no fixation): the browser's previous one ends.
	if old := visitorOf(c).token; old != "" {
		if err := u.cfg.Accounts.EndSession(ctx, old); err != nil && !errors.Is(err, users.ErrNoSession) {
			u.log.WarnContext(ctx, "admin: ending the previous session", "user", user.ID, "err", err)
		}
	}
	token, _, err := u.cfg.Accounts.StartSession(ctx, user.ID)
	if err != nil {
		u.log.ErrorContext(ctx, "admin: start session", "user", user.ID, "err", err)
		data.Error = u.i18n.T(lang, "error.internal")
		u.render(c, http.StatusInternalServerError, "login", data)
		return
	}
	u.setSessionCookie(c, token)
	u.log.InfoContext(ctx, "admin: signed in", "user", user.ID, "role", string(user.Role))
	c.Redirect(http.StatusSeeOther, afterLogin(data.Next))
}

// throttledMessage tells when to try again, in whole minutes rounded up.
func (u *UI) throttledMessage(lang string, wait time.Duration) string {
	minutes := int((wait + time.Minute - 1) / time.Minute)
	if minutes <= 1 {
		return u.i18n.T(lang, "login.throttled_one")
	}
	return u.i18n.T(lang, "login.throttled_many", minutes)
}

// logout is POST /logout: the session ends and the browser goes to the login page.
func (u *UI) logout(c *gin.Context) {
	ctx := c.Request.Context()
	v := visitorOf(c)
	if v.token != "" {
		if err := u.cfg.Accounts.EndSession(ctx, v.token); err != nil && !errors.Is(err, users.ErrNoSession) {
			u.log.ErrorContext(ctx, "admin: logout", "user", v.user.ID, "err", err)
			u.errorPage(c, http.StatusInternalServerError, "error.internal")
			return
		}
		u.log.InfoContext(ctx, "admin: signed out", "user", v.user.ID)
	}
	u.clearSessionCookie(c)
	u.flash(c, flashSuccess, "flash.signed_out")
	c.Redirect(http.StatusSeeOther, "/login")
}
