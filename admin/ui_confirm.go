package admin

import (
	"maps"
	"net/http"
	"net/url"
	"slices"

	"github.com/gin-gonic/gin"
)

// confirmField marks a destructive action's form as confirmed. The script adds it when the
// person accepts the browser's dialog (forms with data-confirm); without the script the server
// asks on a page of its own.
const confirmField = "confirmed"

// confirmData is the confirmation page's data.
type confirmData struct {
	Question string // translated
	Action   string // where the confirmed form posts
	Fields   []confirmFormField
	Back     string
}

type confirmFormField struct{ Name, Value string }

// confirmed reports whether the person confirmed the destructive action of this POST. When not,
// it renders a page that asks the question of key and, on "yes", posts the same fields again
// with the confirmation; the handler then returns without acting:
//
//	if !u.confirmed(c, "rules.delete_confirm", rule.Name) { return }
func (u *UI) confirmed(c *gin.Context, key string, args ...any) bool {
	if c.PostForm(confirmField) == "yes" {
		return true
	}
	d := confirmData{Question: u.i18n.T(u.lang(c), key, args...), Action: c.Request.URL.RequestURI(), Back: "/"}
	for _, name := range slices.Sorted(maps.Keys(c.Request.PostForm)) {
		if name == confirmField {
			continue
		}
		for _, v := range c.Request.PostForm[name] {
			d.Fields = append(d.Fields, confirmFormField{name, v})
		}
	}
	if ref, err := url.Parse(c.GetHeader("Referer")); err == nil && ref.Host == c.Request.Host && ref.Path != "" {
		d.Back = safeNext(ref.RequestURI())
	}
	u.render(c, http.StatusOK, "confirm", d)
	return false
}
