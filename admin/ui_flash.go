package admin

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// Flash kinds.
const (
	flashSuccess = "success"
	flashError   = "error"
	flashInfo    = "info"
)

// flashCookie carries one message to the page after a redirect, as "KIND:KEY". It holds a
// translation key, never text, so nobody can make the UI show words of their choosing.
const flashCookie = "connector_flash"

// Flash is a message at the top of a page.
type Flash struct {
	Kind string // success, error or info
	Text string // translated
}

// flash shows the message of key on the next page this browser renders (after a redirect).
func (u *UI) flash(c *gin.Context, kind, key string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: kind + ":" + key, Path: "/", MaxAge: 300,
		HttpOnly: true, Secure: u.cfg.Secure, SameSite: http.SameSiteLaxMode})
}

// takeFlashes reads and clears the pending flash message.
func (u *UI) takeFlashes(c *gin.Context, lang string) []Flash {
	raw, err := c.Cookie(flashCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: flashCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: u.cfg.Secure, SameSite: http.SameSiteLaxMode})
	kind, key, _ := strings.Cut(raw, ":")
	if (kind != flashSuccess && kind != flashError && kind != flashInfo) || !u.i18n.has(key) {
		return nil
	}
	return []Flash{{Kind: kind, Text: u.i18n.T(lang, key)}}
}
