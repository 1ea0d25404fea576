package store

import (
	"fmt"
	"slices"
	"strings"

	"gorm.io/gorm"

	"github.com/intcomex-connector/connector/migrations"
)

// Page asks a list for one page of its rows: the web UI's lists (API calls, orders, sync runs,
// products, listings) all take one. Sort names one of the list's sort keys (APICallSorts,
// OrderSorts, SyncRunSorts, ProductSorts, ListingSorts): the store maps keys to columns, so no
// text from a request ever reaches the SQL.
type Page struct {
	Limit  int    // rows per page: 0 is DefaultPageSize, more than MaxPageSize is lowered to it
	Offset int    // rows skipped; a negative offset counts as 0
	Sort   string // a sort key of the list; "" is the list's default order (and direction)
	Desc   bool   // descending; ignored when Sort is ""
}

// Page sizes.
const (
	DefaultPageSize = defaultListLimit
	MaxPageSize     = maxListLimit
)

// PageOf is one page of a list and the number of rows the filter matches over all pages.
type PageOf[T any] struct {
	Items []T
	Total int64
	// Page is the page as served: Limit and Offset normalised, Sort and Desc the order used.
	Page Page
}

// HasNext reports whether rows follow this page.
func (p PageOf[T]) HasNext() bool { return int64(p.Page.Offset)+int64(len(p.Items)) < p.Total }

// HasPrev reports whether rows precede this page.
func (p PageOf[T]) HasPrev() bool { return p.Page.Offset > 0 }

// sortSpec is one list's whitelist of sort keys.
type sortSpec struct {
	list    string            // for error messages
	def     string            // default key
	defDesc bool              // default direction
	columns map[string]string // key → column (or expression); constants only
	// sqlite overrides columns whose SQLite form differs (decimal text sorted as numbers).
	sqlite map[string]string
	// tie is the unique column appended to every order so pages never overlap.
	tie string
}

// keys returns the sort keys, sorted.
func (s sortSpec) keys() []string {
	out := make([]string, 0, len(s.columns))
	for k := range s.columns {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// resolve normalises p for this list and returns the ORDER BY text.
func (s sortSpec) resolve(p Page, d migrations.Dialect) (Page, string, error) {
	if p.Limit <= 0 {
		p.Limit = DefaultPageSize
	}
	p.Limit = min(p.Limit, MaxPageSize)
	p.Offset = max(p.Offset, 0)
	if p.Sort == "" {
		p.Sort, p.Desc = s.def, s.defDesc
	}
	col, ok := s.columns[p.Sort]
	if !ok {
		return p, "", fmt.Errorf("store: list %s: %w: sort %q is not one of %s", s.list, ErrInvalid, p.Sort, strings.Join(s.keys(), ", "))
	}
	if o, ok := s.sqlite[p.Sort]; ok && d == migrations.SQLite {
		col = o
	}
	dir := " ASC"
	if p.Desc {
		dir = " DESC"
	}
	order := col + dir
	if col != s.tie {
		order += ", " + s.tie + dir
	}
	return p, order, nil
}

// findPage counts the rows q matches and reads one page of them in the order p names, converting
// each row with conv. q carries the filter (and the model); it is not modified.
func findPage[R, T any](q *gorm.DB, spec sortSpec, d migrations.Dialect, p Page, conv func(*R) (T, error)) (PageOf[T], error) {
	p, order, err := spec.resolve(p, d)
	if err != nil {
		return PageOf[T]{}, err
	}
	out := PageOf[T]{Page: p}
	base := q.Session(&gorm.Session{})
	if err := base.Count(&out.Total).Error; err != nil {
		return PageOf[T]{}, fmt.Errorf("store: list %s: count: %w", spec.list, err)
	}
	if out.Total <= int64(p.Offset) {
		out.Items = []T{}
		return out, nil
	}
	var rows []R
	if err := base.Order(order).Limit(p.Limit).Offset(p.Offset).Find(&rows).Error; err != nil {
		return PageOf[T]{}, fmt.Errorf("store: list %s: %w", spec.list, err)
	}
	out.Items = make([]T, len(rows))
	for i := range rows {
		if out.Items[i], err = conv(&rows[i]); err != nil {
			return PageOf[T]{}, fmt.Errorf("store: list %s: %w", spec.list, err)
		}
	}
	return out, nil
}

// likeAny matches a search text anywhere in any of columns, ignoring case (LOWER on both sides:
// SKUs and order numbers compare exactly, utf8mb4_bin, on MySQL). Blank text adds nothing.
func likeAny(q *gorm.DB, text string, columns ...string) *gorm.DB {
	text = strings.TrimSpace(text)
	if text == "" {
		return q
	}
	pattern := "%" + escapeLike(strings.ToLower(text)) + "%"
	conds := make([]string, len(columns))
	args := make([]any, len(columns))
	for i, c := range columns {
		conds[i] = "LOWER(" + c + ") LIKE ? ESCAPE '!'"
		args[i] = pattern
	}
	return q.Where("("+strings.Join(conds, " OR ")+")", args...)
}

// whereFlag adds onTrue or onFalse to q as flag says; nil adds nothing.
func whereFlag(q *gorm.DB, flag *bool, onTrue, onFalse string) *gorm.DB {
	switch {
	case flag == nil:
		return q
	case *flag:
		return q.Where(onTrue)
	default:
		return q.Where(onFalse)
	}
}
