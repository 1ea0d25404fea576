package admin

import (
	"maps"
	"math"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"
)

// The parsing of the list pages' query parameters (paging, sort, choices, days), shared by the
// orders, API log, products, sync runs, reports, shops and users lists. Each check takes the
// value as the page read it (some pages trim it, some do not) and, when it is wrong, puts the
// message of key and args beside the field, in errs.

// listParams collects the problems of a list's query parameters, by field name.
type listParams struct {
	errs map[string]string
	// msg makes a problem's message of a key and its arguments.
	msg func(key string, args ...any) string
}

// listParamsOf checks parameters into errs with messages translated into the request's
// language.
func (u *UI) listParamsOf(c *gin.Context, errs map[string]string) listParams {
	lang := u.lang(c)
	return listParams{errs: errs, msg: func(key string, args ...any) string { return u.i18n.T(lang, key, args...) }}
}

// listParamsKeys checks parameters into errs with the messages' keys themselves (the template
// translates them).
func listParamsKeys(errs map[string]string) listParams {
	return listParams{errs: errs, msg: func(key string, _ ...any) string { return key }}
}

// fail puts the message of key beside the field name.
func (l listParams) fail(name, key string, args ...any) { l.errs[name] = l.msg(key, args...) }

// choice reports whether v is "" or one of choices; else the field name gets the message.
func (l listParams) choice(name, v string, choices []string, key string, args ...any) bool {
	if v == "" || slices.Contains(choices, v) {
		return true
	}
	l.fail(name, key, args...)
	return false
}

// whole reads v, a whole number from lo to hi (hi 0: no upper bound); ok is false when v is ""
// or wrong (then the field name gets the message).
func (l listParams) whole(name, v string, lo, hi int, key string, args ...any) (n int, ok bool) {
	if v == "" {
		return 0, false
	}
	if hi == 0 {
		hi = math.MaxInt
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < lo || n > hi {
		l.fail(name, key, args...)
		return 0, false
	}
	return n, true
}

// paging reads the offset (from 0, default 0) and limit (from 1 to most, default def) of a
// list, given as offsetV and limitV; their messages get the value (and the limit's, most).
func (l listParams) paging(offsetV, limitV string, def, most int, offsetKey, limitKey string) (offset, limit int) {
	offset, _ = l.whole("offset", offsetV, 0, 0, offsetKey, offsetV)
	limit = def
	if n, ok := l.whole("limit", limitV, 1, most, limitKey, limitV, most); ok {
		limit = n
	}
	return offset, limit
}

// id reads v, a positive whole number (a row's id); 0 when v is "" or wrong (then the field
// name gets the message, with v).
func (l listParams) id(name, v, key string) int64 {
	if v == "" {
		return 0
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 1 {
		l.fail(name, key, v)
		return 0
	}
	return n
}

// day reads v, a day (YYYY-MM-DD, UTC); end makes it the end of that day (the next midnight),
// for an inclusive "to". Zero when v is "" or wrong (then the field name gets the message, with
// v).
func (l listParams) day(name, v string, end bool, key string) time.Time {
	if v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.DateOnly, v)
	if err != nil {
		l.fail(name, key, v)
		return time.Time{}
	}
	if end {
		t = t.AddDate(0, 0, 1)
	}
	return t
}

// dayRange checks that a range read with day ends after it starts; else the field name (the
// range's end) gets the message and until is dropped.
func (l listParams) dayRange(name string, since time.Time, until *time.Time, key string) {
	if !since.IsZero() && !until.IsZero() && !until.After(since) {
		l.fail(name, key)
		*until = time.Time{}
	}
}

// listProblems is the problems of a list's parameters as one text, "field: message" in field
// order, joined by sep: what the API and the CSV downloads answer with a 400.
func listProblems(errs map[string]string, sep string) string {
	parts := make([]string, 0, len(errs))
	for _, k := range slices.Sorted(maps.Keys(errs)) {
		parts = append(parts, k+": "+errs[k])
	}
	return strings.Join(parts, sep)
}

// listValues are the parameters of pairs (name, value), those with value "" left out.
func listValues(pairs ...string) url.Values {
	v := url.Values{}
	listSet(v, pairs...)
	return v
}

// listSet changes v by the pairs (name, value): "" drops the parameter.
func listSet(v url.Values, pairs ...string) {
	for i := 0; i+1 < len(pairs); i += 2 {
		if pairs[i+1] == "" {
			v.Del(pairs[i])
		} else {
			v.Set(pairs[i], pairs[i+1])
		}
	}
}

// listPaging adds offset and limit to v, each when it is not its default (0 and def).
func listPaging(v url.Values, offset, limit, def int) {
	if offset > 0 {
		v.Set("offset", strconv.Itoa(offset))
	}
	if limit != def {
		v.Set("limit", strconv.Itoa(limit))
	}
}

// listLink is the list at u (the request's URL) with its query changed by the pairs (name,
// value; "" drops one): links that keep every other parameter.
func listLink(u *url.URL, pairs ...string) string {
	q := u.Query()
	listSet(q, pairs...)
	return (&url.URL{Path: u.Path, RawQuery: q.Encode()}).String()
}

// trimmedQuery is the query parameter name with spaces trimmed.
func trimmedQuery(c *gin.Context, name string) string { return strings.TrimSpace(c.Query(name)) }
