package admin

import (
	"net/http"
	"strings"

	"github.com/gin-gonic/gin"
)

// section is one part of the UI in the navigation.
type section struct {
	Key       string // the translation key of its name, also "nav.KEY.about" for its description
	Path      string
	AdminOnly bool
}

// sections are the navigation's entries, in order. A section whose page is not built yet gets
// a placeholder page saying so (mountPlaceholders); registering its GET route replaces it.
var sections = []section{
	{"nav.dashboard", "/", false},
	{"nav.shops", "/shops", false},
	{"nav.rules", "/rules", false},
	{"nav.products", "/products", false},
	{"nav.orders", "/orders", false},
	{"nav.logs", "/logs", false},
	{"nav.sync", "/sync", false},
	{"nav.iws", "/iws", false},
	{"nav.reports", "/reports", false},
	{"nav.users", "/users", true},
}

// NavItem is a navigation entry as the layout shows it.
type NavItem struct {
	Key    string // translation key of the name
	About  string // translation key of the description
	Path   string
	Active bool
}

// navFor returns the navigation for a page at current, with its section marked.
func navFor(current string, admin bool) []NavItem {
	var nav []NavItem
	for _, s := range sections {
		if s.AdminOnly && !admin {
			continue
		}
		active := current == s.Path || (s.Path != "/" && strings.HasPrefix(current, s.Path+"/"))
		nav = append(nav, NavItem{Key: s.Key, About: s.Key + ".about", Path: s.Path, Active: active})
	}
	return nav
}

// mountPlaceholders registers, for every section whose GET route is not registered, a page that
// says the section is coming.
func (u *UI) mountPlaceholders(r *gin.Engine, rt Routes) {
	have := map[string]bool{}
	for _, route := range r.Routes() {
		if route.Method == http.MethodGet {
			have[route.Path] = true
		}
	}
	for _, s := range sections {
		if have[s.Path] {
			continue
		}
		g := rt.Pages
		if s.AdminOnly {
			g = rt.AdminPages
		}
		g.GET(s.Path, u.placeholder(s))
	}
}

// placeholder is the page of a section not built yet.
func (u *UI) placeholder(s section) gin.HandlerFunc {
	return func(c *gin.Context) {
		u.render(c, http.StatusOK, "placeholder", s)
	}
}
