package admin

import (
	"cmp"
	"errors"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/store"
)

// The shops and users lists are short (a few shops, a few people): they are read whole, then
// filtered, sorted and cut into pages here, on the server, with the same query parameters as the
// store's paged lists: page (from 1), per_page, sort (a key of the list) and desc (1).

// memSort is one sort key of an in-memory list: how two items compare in ascending order.
type memSort[T any] map[string]func(a, b T) int

// memPageQuery reads page, per_page, sort and desc from the query. A sort key the list does not
// have, or a page or size that is not a positive whole number, is an error that says so.
func memPageQuery[T any](c *gin.Context, sorts memSort[T], def string) (store.Page, error) {
	p := store.Page{Sort: def}
	bad := map[string]string{}
	l := listParams{errs: bad, msg: fmt.Sprintf}
	page, per := 1, store.DefaultPageSize
	for _, num := range []struct {
		name string
		into *int
	}{{"page", &page}, {"per_page", &per}} {
		v := trimmedQuery(c, num.name)
		if n, ok := l.whole(num.name, v, 1, 0, "%s must be a whole number from 1, not %q", num.name, v); ok {
			*num.into = n
		} else if msg, wrong := bad[num.name]; wrong {
			return p, errors.New(msg)
		}
	}
	per = min(per, store.MaxPageSize)
	p.Limit, p.Offset = per, (page-1)*per
	if s := trimmedQuery(c, "sort"); s != "" {
		keys := slices.Sorted(maps.Keys(sorts))
		if !l.choice("sort", s, keys, "sort must be one of %s, not %q", strings.Join(keys, ", "), s) {
			return p, errors.New(bad["sort"])
		}
		p.Sort = s
	}
	p.Desc = c.Query("desc") == "1" || c.Query("desc") == "true"
	return p, nil
}

// memPaginate sorts items as p says (stable, so equal items keep their order) and returns the
// page p asks for.
func memPaginate[T any](items []T, sorts memSort[T], p store.Page) store.PageOf[T] {
	sorted := slices.Clone(items)
	if cmpFn, ok := sorts[p.Sort]; ok {
		slices.SortStableFunc(sorted, func(a, b T) int {
			if p.Desc {
				return cmpFn(b, a)
			}
			return cmpFn(a, b)
		})
	}
	out := store.PageOf[T]{Total: int64(len(sorted)), Page: p, Items: []T{}}
	if p.Offset < len(sorted) {
		out.Items = sorted[p.Offset:min(p.Offset+p.Limit, len(sorted))]
	}
	return out
}

// cmpFold compares text ignoring case.
func cmpFold(a, b string) int { return cmp.Compare(strings.ToLower(a), strings.ToLower(b)) }

// memPager is what a list's template needs to page and sort: links that keep every other query
// parameter.
type memPager struct {
	Total      int64
	Page       int // from 1
	Pages      int
	Sort       string
	Desc       bool
	PrevURL    string // "" on the first page
	NextURL    string // "" on the last page
	SortURLs   map[string]string
	SortedDesc map[string]bool // the key the list is sorted by, descending or not (for aria-sort)
}

// newMemPager builds the pager of pg for a list at u (the request's URL).
func newMemPager[T any](u *url.URL, pg store.PageOf[T], sorts memSort[T]) memPager {
	per := max(pg.Page.Limit, 1)
	m := memPager{Total: pg.Total, Page: pg.Page.Offset/per + 1, Pages: int((pg.Total + int64(per) - 1) / int64(per)),
		Sort: pg.Page.Sort, Desc: pg.Page.Desc, SortURLs: map[string]string{}, SortedDesc: map[string]bool{}}
	m.Pages = max(m.Pages, 1)
	if pg.HasPrev() {
		m.PrevURL = listLink(u, "page", strconv.Itoa(m.Page-1))
	}
	if pg.HasNext() {
		m.NextURL = listLink(u, "page", strconv.Itoa(m.Page+1))
	}
	for key := range sorts {
		desc := ""
		if key == m.Sort && !m.Desc {
			desc = "1" // a second click on the sorted column reverses it
		}
		m.SortURLs[key] = listLink(u, "sort", key, "desc", desc, "page", "")
	}
	m.SortedDesc[m.Sort] = m.Desc
	return m
}

// apiPage is a page of a list as the JSON API gives it.
type apiPage[T any] struct {
	Items   []T    `json:"items"`
	Total   int64  `json:"total"`
	Page    int    `json:"page"`
	PerPage int    `json:"per_page"`
	Sort    string `json:"sort"`
	Desc    bool   `json:"desc"`
}

// toAPIPage converts a page of S into the API's page of T.
func toAPIPage[S, T any](pg store.PageOf[S], conv func(S) T) apiPage[T] {
	per := max(pg.Page.Limit, 1)
	out := apiPage[T]{Items: make([]T, 0, len(pg.Items)), Total: pg.Total, Page: pg.Page.Offset/per + 1, PerPage: per,
		Sort: pg.Page.Sort, Desc: pg.Page.Desc}
	for _, it := range pg.Items {
		out.Items = append(out.Items, conv(it))
	}
	return out
}

// apiListPage answers pg (or err: a bad parameter is 400 with its message) as the API's page.
func apiListPage[S, T any](u *UI, c *gin.Context, pg store.PageOf[S], err error, conv func(S) T) {
	if errors.Is(err, store.ErrInvalid) {
		u.apiErrorText(c, http.StatusBadRequest, CodeInvalid, strings.TrimPrefix(err.Error(), store.ErrInvalid.Error()+": "))
		return
	}
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	c.JSON(http.StatusOK, toAPIPage(pg, conv))
}
