package admin

import (
	"bytes"
	"encoding/json"
	"maps"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/store"
)

// The server-side paging, sorting and filter parsing of the orders and API log lists. The query
// parameters: page (from 1), per (rows per page), sort (a sort key of the list) and dir (asc or
// desc); every link keeps the list's other parameters.

// ordersFieldErrors are a form's validation messages by field name, translated.
type ordersFieldErrors map[string]string

// ordersListQuery reads the paging and sort parameters of a list whose sort keys are sorts;
// problems go into errs (by parameter) and the defaults are used instead.
func (u *UI) ordersListQuery(c *gin.Context, sorts []string, errs ordersFieldErrors) store.Page {
	l := u.listParamsOf(c, errs)
	p := store.Page{Limit: store.DefaultPageSize}
	if n, ok := l.whole("per", trimmedQuery(c, "per"), 1, store.MaxPageSize, "orders.err.per", store.MaxPageSize); ok {
		p.Limit = n
	}
	if n, ok := l.whole("page", trimmedQuery(c, "page"), 1, 0, "orders.err.page"); ok {
		p.Offset = (n - 1) * p.Limit
	}
	if v := trimmedQuery(c, "sort"); v != "" && l.choice("sort", v, sorts, "orders.err.sort", v, strings.Join(sorts, ", ")) {
		p.Sort = v
		p.Desc = true
	}
	if v := trimmedQuery(c, "dir"); v != "" && l.choice("dir", v, []string{"asc", "desc"}, "orders.err.dir") {
		p.Desc = v == "desc"
	}
	return p
}

// ordersPager is the paging of a list page as its template shows it.
type ordersPager struct {
	From, To int   // the rows shown, from 1; 0 when none
	Total    int64 // rows over all pages
	Page     int   // this page, from 1
	Pages    int
	PrevURL  string
	NextURL  string
}

// ordersSortLink is a sortable column header: its link sorts by the column (the other way when
// it is the current sort).
type ordersSortLink struct {
	URL string
	// Aria is the column's aria-sort: ascending, descending or none.
	Aria string
}

// ordersListLinks builds the pager and the sort links of a page p of total rows served for the
// request's URL, keeping its other parameters.
func ordersListLinks(c *gin.Context, p store.Page, shown int, total int64, sorts []string) (ordersPager, map[string]ordersSortLink) {
	base := c.Request.URL
	limit := max(p.Limit, 1)
	pg := ordersPager{Total: total, Page: p.Offset/limit + 1, Pages: int((total + int64(limit) - 1) / int64(limit))}
	if shown > 0 {
		pg.From, pg.To = p.Offset+1, p.Offset+shown
	}
	if p.Offset > 0 {
		prev := pg.Page - 1
		if int64(p.Offset) >= total && pg.Pages > 0 { // past the end: back to the last page
			prev = pg.Pages
		}
		pg.PrevURL = listLink(base, "page", strconv.Itoa(max(prev, 1)))
	}
	if int64(p.Offset+shown) < total {
		pg.NextURL = listLink(base, "page", strconv.Itoa(pg.Page+1))
	}
	links := make(map[string]ordersSortLink, len(sorts))
	for _, k := range sorts {
		l := ordersSortLink{Aria: "none"}
		dir := "desc"
		if k == p.Sort {
			if p.Desc {
				l.Aria, dir = "descending", "asc"
			} else {
				l.Aria = "ascending"
			}
		}
		l.URL = listLink(base, "sort", k, "dir", dir, "page", "")
		links[k] = l
	}
	return pg, links
}

// ordersPageJSON is one page of a list in the JSON API.
type ordersPageJSON[T any] struct {
	Items  []T    `json:"items"`
	Total  int64  `json:"total"`
	Limit  int    `json:"limit"`
	Offset int    `json:"offset"`
	Sort   string `json:"sort"`
	Desc   bool   `json:"desc"`
}

func ordersPageOf[T any](items []T, total int64, p store.Page) ordersPageJSON[T] {
	if items == nil {
		items = []T{}
	}
	return ordersPageJSON[T]{Items: items, Total: total, Limit: p.Limit, Offset: p.Offset, Sort: p.Sort, Desc: p.Desc}
}

// ordersFirstError is the first of errs, by field name, as the API's one message.
func ordersFirstError(errs ordersFieldErrors) string {
	for _, n := range slices.Sorted(maps.Keys(errs)) {
		return n + ": " + errs[n]
	}
	return ""
}

// ordersPrettyJSON is raw indented when it is JSON (ok), else raw as it is.
func ordersPrettyJSON(raw string) (string, bool) {
	t := strings.TrimSpace(raw)
	if t == "" || !json.Valid([]byte(t)) {
		return raw, false
	}
	var b bytes.Buffer
	if err := json.Indent(&b, []byte(t), "", "  "); err != nil {
		return raw, false
	}
	return b.String(), true
}
