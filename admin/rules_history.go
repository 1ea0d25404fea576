package admin

import (
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/rules"
)

// rulesHistoryForm is the audit trail's filter as the request gave it, to fill the form again.
type rulesHistoryForm struct {
	Actor  string
	Action string
	Rule   string
	From   string
	To     string
	Sort   string
	Desc   bool
}

// filtered reports whether the form narrows the trail.
func (f rulesHistoryForm) filtered() bool {
	return f.Actor != "" || f.Action != "" || f.Rule != "" || f.From != "" || f.To != ""
}

// rulesHistoryQueryOf reads the audit trail's query parameters (actor, action, rule, from, to,
// sort, desc, page, per_page) for the rules page and the API. A wrong one is put in l's errors,
// by field, and left out of the query.
func rulesHistoryQueryOf(c *gin.Context, l listParams) (rulesHistoryForm, rules.HistoryQuery) {
	f := rulesHistoryForm{Actor: trimmedQuery(c, "actor"), Action: trimmedQuery(c, "action"), Rule: trimmedQuery(c, "rule"),
		From: trimmedQuery(c, "from"), To: trimmedQuery(c, "to"), Sort: trimmedQuery(c, "sort"), Desc: c.Query("desc") == "1"}
	q := rules.HistoryQuery{Page: rulesQueryInt(c, "page", 1), PerPage: rulesQueryInt(c, "per_page", 0), Actor: f.Actor, Rule: f.Rule}
	actions := make([]string, len(rules.Actions))
	for i, a := range rules.Actions {
		actions[i] = string(a)
	}
	if l.choice("action", f.Action, actions, "rules.history.bad_action", f.Action, strings.Join(actions, ", ")) {
		q.Action = rules.Action(f.Action)
	}
	q.Since = l.day("from", f.From, false, "orders.err.day")
	q.Until = l.day("to", f.To, true, "orders.err.day")
	l.dayRange("to", q.Since, &q.Until, "orders.err.range")
	if l.choice("sort", f.Sort, rules.HistorySorts, "rules.history.bad_sort", f.Sort, strings.Join(rules.HistorySorts, ", ")) {
		q.Sort, q.Desc = f.Sort, f.Desc
	}
	return f, q
}

// rulesSortHeaders are the column headers of a list sorted by current (desc: descending) for each
// of keys.
func rulesSortHeaders(u *url.URL, keys []string, current string, desc bool) map[string]ordersSortLink {
	out := make(map[string]ordersSortLink, len(keys))
	for _, k := range keys {
		h := ordersSortLink{URL: rulesSortLink(u, k, current, desc), Aria: "none"}
		if k == current {
			h.Aria = "ascending"
			if desc {
				h.Aria = "descending"
			}
		}
		out[k] = h
	}
	return out
}
