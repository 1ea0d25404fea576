package admin

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/users"
)

// The templates: templates/*.html are the layout and the partials every page shares;
// templates/pages/NAME.html is one page, rendered with render(c, status, "NAME", data). A page
// defines "title" (the text of <title> and of its heading) and "content" (what goes in <main>).
//
//go:embed templates
var templatesFS embed.FS

// templates holds each page parsed with the layout, once per language: T is bound to the
// language at load time, so {{T "key"}} works in every template and nested template.
type templates struct {
	pages map[string]map[string]*template.Template // language → page → template set
}

func loadTemplates(assets *assetSet, cs *catalogs) (*templates, error) {
	files, err := fs.Glob(templatesFS, "templates/pages/*.html")
	if err != nil {
		return nil, fmt.Errorf("admin: templates: %w", err)
	}
	ts := &templates{pages: map[string]map[string]*template.Template{}}
	for _, l := range uiLanguages {
		funcs := template.FuncMap{
			"T":     func(key string, args ...any) string { return cs.T(l.Code, key, args...) },
			"asset": assets.url,
			"dict":  templateDict,
			"join":  strings.Join,
		}
		base, err := template.New("layout").Funcs(funcs).ParseFS(templatesFS, "templates/*.html")
		if err != nil {
			return nil, fmt.Errorf("admin: templates: %w", err)
		}
		ts.pages[l.Code] = map[string]*template.Template{}
		for _, f := range files {
			t, err := base.Clone()
			if err == nil {
				t, err = t.ParseFS(templatesFS, f)
			}
			if err != nil {
				return nil, fmt.Errorf("admin: template %s: %w", f, err)
			}
			ts.pages[l.Code][strings.TrimSuffix(path.Base(f), ".html")] = t
		}
	}
	return ts, nil
}

// templateDict is the map of its name, value pairs: a partial's several arguments, as in
// {{template "filter-day" (dict "P" "orders" "D" . "Name" "from" "Value" .Form.From)}}.
func templateDict(pairs ...any) (map[string]any, error) {
	if len(pairs)%2 != 0 {
		return nil, errors.New("admin: dict: an odd number of arguments")
	}
	m := make(map[string]any, len(pairs)/2)
	for i := 0; i < len(pairs); i += 2 {
		k, ok := pairs[i].(string)
		if !ok {
			return nil, fmt.Errorf("admin: dict: name %v is not a string", pairs[i])
		}
		m[k] = pairs[i+1]
	}
	return m, nil
}

// View is what every page template gets as its dot: the layout's data and the page's own in
// .Data.
type View struct {
	Lang      string
	Languages []struct{ Code, Name string }
	User      users.User
	SignedIn  bool
	// CanWrite is true for admins: templates show the buttons that change anything only then.
	CanWrite bool
	IsAdmin  bool
	// Path is the current path (the navigation marks its section); RequestURI adds the query
	// (the language switcher comes back to it).
	Path       string
	RequestURI string
	Nav        []NavItem
	Flashes    []Flash
	// Common is UIConfig.Common's data.
	Common map[string]any
	// Data is the page's own data.
	Data any
}

// render writes page with data as its .Data, in the request's language, and ends the request.
// The layout's data (user, role, language, navigation, flash messages) is added here.
func (u *UI) render(c *gin.Context, status int, page string, data any) {
	lang := u.lang(c)
	t, ok := u.tmpl.pages[lang][page]
	if !ok {
		u.log.ErrorContext(c.Request.Context(), "admin: no such page template", "page", page)
		c.AbortWithStatus(http.StatusInternalServerError)
		return
	}
	v := visitorOf(c)
	view := View{
		Lang: lang, Languages: uiLanguages, User: v.user, SignedIn: v.signedIn,
		CanWrite: v.signedIn && v.user.Role.CanWrite(), IsAdmin: v.signedIn && v.user.Role == users.RoleAdmin,
		Path: c.Request.URL.Path, RequestURI: c.Request.URL.RequestURI(),
		Flashes: u.takeFlashes(c, lang), Data: data,
	}
	if v.signedIn {
		view.Nav = navFor(view.Path, view.IsAdmin)
		if u.cfg.Common != nil {
			common, err := u.cfg.Common(c.Request.Context(), v.user)
			if err != nil {
				u.log.WarnContext(c.Request.Context(), "admin: common page data", "err", err)
			}
			view.Common = common
		}
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", view); err != nil {
		u.log.ErrorContext(c.Request.Context(), "admin: render", "page", page, "err", err)
		c.AbortWithStatus(http.StatusInternalServerError)
		return
	}
	c.Data(status, "text/html; charset=utf-8", buf.Bytes())
	c.Abort()
}

// errorData is the error page's data.
type errorData struct {
	Status  int
	Message string // a translation key
}

// errorPage renders the error page with the translated message of key and ends the request.
func (u *UI) errorPage(c *gin.Context, status int, key string) {
	u.render(c, status, "error", errorData{Status: status, Message: key})
}

// notFound answers a path no route matched: JSON under /api/, else the error page.
func (u *UI) notFound(c *gin.Context) {
	u.fail(c, http.StatusNotFound, CodeNotFound, "error.not_found")
}

func (u *UI) methodNotAllowed(c *gin.Context) {
	u.fail(c, http.StatusMethodNotAllowed, CodeMethodNotAllowed, "error.method_not_allowed")
}
