package admin

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/rules"
	"github.com/intcomex-connector/connector/connector/store"
)

// rulesShopsData is the shop picker's data.
type rulesShopsData struct {
	Shops []rules.ShopSummary
	Query string
	Sort  string
	Desc  bool
	// SortLinks are the column headers' links, by sort key.
	SortLinks map[string]string
	Pager     rulesPager
}

// rulesShopsQuery reads the picker's query: text (q), sort, desc and the page (page, per_page).
func rulesShopsQuery(c *gin.Context) (string, store.Page) {
	per := rulesQueryInt(c, "per_page", store.DefaultPageSize)
	page := max(rulesQueryInt(c, "page", 1), 1)
	per = min(max(per, 1), store.MaxPageSize)
	return c.Query("q"), store.Page{Limit: per, Offset: (page - 1) * per, Sort: c.Query("sort"), Desc: c.Query("desc") == "1"}
}

// rulesShops is GET /rules: the shops, to pick the one whose rules to see (filtered by name or
// address, sorted, paginated on the server).
func (u *UI) rulesShops(c *gin.Context) {
	text, p := rulesShopsQuery(c)
	list, err := u.rulesSvc().Shops(c.Request.Context(), text, p)
	if errors.Is(err, store.ErrInvalid) {
		u.errorPage(c, http.StatusBadRequest, "rules.bad_sort")
		return
	}
	if err != nil {
		u.rulesFailure(c, err)
		return
	}
	d := rulesShopsData{Shops: list.Items, Query: text, Sort: list.Page.Sort, Desc: list.Page.Desc, SortLinks: map[string]string{}}
	for _, k := range store.ShopPageSorts {
		d.SortLinks[k] = rulesSortLink(c.Request.URL, k, d.Sort, d.Desc)
	}
	page := list.Page.Offset/list.Page.Limit + 1
	pages := int((list.Total + int64(list.Page.Limit) - 1) / int64(list.Page.Limit))
	d.Pager = rulesPagerOf(c, "page", page, pages, list.Total)
	u.render(c, http.StatusOK, "rules", d)
}

// rulesShopData is the rules page's data: a shop's settings, its ordered rules, the import form
// and the audit trail.
type rulesShopData struct {
	ShopID   int64
	ShopName string
	Doc      rules.Document
	Settings []rulesPair
	Default  []rulesPair
	Rules    []rulesRow
	History  []rulesHistoryRow
	Pager    rulesPager
	// HistoryForm is the audit trail's filter as asked (query parameters actor, action, rule,
	// from, to, sort, desc); HistoryErrors its problems by field; HistorySort the column headers'
	// sort state and links.
	HistoryForm    rulesHistoryForm
	HistoryErrors  map[string]string
	HistorySort    map[string]ordersSortLink
	HistoryActions []rules.Action
	// HistoryFiltered is set when the form narrows the trail.
	HistoryFiltered bool
	Saved           *rulesSavedNote
	// ImportErrors are the problems of a refused rules file, as `connector rules import` prints
	// them.
	ImportErrors []string
}

// rulesRow is one rule in the list.
type rulesRow struct {
	Index    int // in the document (file order)
	Number   int // 1-based
	Tried    int // 1-based place in the order rules are tried
	Name     string
	Priority int
	Match    []rulesPair
	Action   []rulesPair
	First    bool
	Last     bool
	// Up and Down are the indexes the rule moves to one place up or down.
	Up, Down int
}

// rulesHistoryRow is one entry of the audit trail.
type rulesHistoryRow struct {
	rules.Change
	When string
	From string // 1-based positions, "" when none
	To   string
}

func rulesPosition(i *int) string {
	if i == nil {
		return ""
	}
	return strconv.Itoa(*i + 1)
}

// rulesShop is GET /rules/:shop: the shop's rules page (history page in ?page=).
func (u *UI) rulesShop(c *gin.Context) {
	doc, ok := u.rulesDocument(c)
	if !ok {
		return
	}
	u.rulesShopPage(c, http.StatusOK, doc, nil)
}

// rulesShopPage renders the rules page of doc's shop, with the problems of a refused import.
func (u *UI) rulesShopPage(c *gin.Context, status int, doc rules.Document, importErrors []string) {
	ctx := c.Request.Context()
	name, err := u.rulesSvc().ShopName(ctx, doc.ShopID)
	if err != nil {
		u.rulesFailure(c, err)
		return
	}
	errs := map[string]string{}
	form, q := rulesHistoryQueryOf(c, u.listParamsOf(c, errs))
	h, err := u.rulesSvc().History(ctx, doc.ShopID, q)
	if err != nil {
		u.rulesFailure(c, err)
		return
	}
	d := rulesShopData{ShopID: doc.ShopID, ShopName: name, Doc: doc, Settings: rulesSettingsPairs(doc.Rules),
		Default: rulesActionPairs(doc.Rules.Default), Saved: u.rulesTakeSaved(c, doc.ShopID), ImportErrors: importErrors,
		Pager:       rulesPagerOf(c, "page", h.Page, h.Pages(), int64(h.Total)),
		HistoryForm: form, HistoryErrors: errs, HistoryActions: rules.Actions, HistoryFiltered: form.filtered(),
		HistorySort: rulesSortHeaders(c.Request.URL, rules.HistorySorts, h.Sort, h.Desc)}
	tried := make([]int, len(doc.TryOrder))
	for place, i := range doc.TryOrder {
		tried[i] = place + 1
	}
	for i, r := range doc.Rules.Rules {
		d.Rules = append(d.Rules, rulesRow{Index: i, Number: i + 1, Tried: tried[i], Name: r.Name, Priority: r.Priority,
			Match: rulesMatchPairs(r.Match), Action: rulesActionPairs(r.Action), First: i == 0, Last: i == len(doc.Rules.Rules)-1,
			Up: i - 1, Down: i + 1})
	}
	for _, ch := range h.Changes {
		d.History = append(d.History, rulesHistoryRow{Change: ch, When: rulesTime(ch), From: rulesPosition(ch.FromIndex), To: rulesPosition(ch.ToIndex)})
	}
	u.render(c, status, "rules_shop", d)
}

func rulesTime(ch rules.Change) string { return ch.At.UTC().Format("2006-01-02 15:04:05 UTC") }

// rulesExport is GET /rules/:shop/export: the rules file, as `connector rules export` writes it.
func (u *UI) rulesExport(c *gin.Context) {
	shopID, ok := u.rulesPathInt(c, "shop", 1)
	if !ok {
		return
	}
	data, err := u.rulesSvc().Export(c.Request.Context(), shopID)
	if err != nil {
		u.rulesFailure(c, err)
		return
	}
	c.Header("Content-Disposition", fmt.Sprintf(`attachment; filename="rules-shop-%d.json"`, shopID))
	c.Data(http.StatusOK, "application/json; charset=utf-8", data)
}

// rulesChangeData is the page of one audit entry: who, when, what, and the documents before and
// after, compared.
type rulesChangeData struct {
	ShopID   int64
	ShopName string
	Change   rulesHistoryRow
	Diff     rulesDiff
}

// rulesChange is GET /rules/:shop/history/:change.
func (u *UI) rulesChange(c *gin.Context) {
	ctx := c.Request.Context()
	shopID, ok := u.rulesPathInt(c, "shop", 1)
	if !ok {
		return
	}
	id, ok := u.rulesPathInt(c, "change", 1)
	if !ok {
		return
	}
	ch, err := u.rulesSvc().Change(ctx, shopID, id)
	if err != nil {
		u.rulesFailure(c, err)
		return
	}
	name, err := u.rulesSvc().ShopName(ctx, shopID)
	if err != nil {
		u.rulesFailure(c, err)
		return
	}
	diff, err := rulesDiffOf(ch)
	if err != nil {
		u.rulesFailure(c, err)
		return
	}
	u.render(c, http.StatusOK, "rules_change", rulesChangeData{ShopID: shopID, ShopName: name,
		Change: rulesHistoryRow{Change: ch, When: rulesTime(ch), From: rulesPosition(ch.FromIndex), To: rulesPosition(ch.ToIndex)},
		Diff:   diff})
}

// rulesMaxUpload bounds an uploaded rules file (pricing reads at most 16 MiB).
const rulesMaxUpload = 16<<20 + 64<<10

// rulesImport is POST /rules/:shop/import. With a file (multipart "file"), it reads it as
// `connector rules import` does: a file with problems is refused on the rules page with every
// problem listed beside the upload; a good one opens the review, the editor in import mode with
// the file's preview and impact, which saves it (the same route, with the text in "document").
func (u *UI) rulesImport(c *gin.Context) {
	doc, ok := u.rulesDocument(c)
	if !ok {
		return
	}
	c.Request.Body = http.MaxBytesReader(c.Writer, c.Request.Body, rulesMaxUpload)
	if _, err := c.MultipartForm(); err != nil && !errors.Is(err, http.ErrNotMultipart) {
		u.rulesShopPage(c, http.StatusBadRequest, doc, []string{u.i18n.T(u.lang(c), "rules.import.unreadable")})
		return
	}
	if c.Request.PostForm.Has("document") {
		u.rulesEditorSubmit(c, rulesModeImport, c.Request.PostForm)
		return
	}
	fh, err := c.FormFile("file")
	if err != nil {
		u.rulesShopPage(c, http.StatusBadRequest, doc, []string{u.i18n.T(u.lang(c), "rules.import.no_file")})
		return
	}
	f, err := fh.Open()
	if err != nil {
		u.rulesShopPage(c, http.StatusBadRequest, doc, []string{u.i18n.T(u.lang(c), "rules.import.unreadable")})
		return
	}
	defer f.Close()
	text, err := io.ReadAll(f)
	if err != nil {
		u.rulesShopPage(c, http.StatusBadRequest, doc, []string{u.i18n.T(u.lang(c), "rules.import.unreadable")})
		return
	}
	if _, err := rules.ParseImport(strings.NewReader(string(text))); err != nil {
		u.rulesShopPage(c, http.StatusBadRequest, doc, rulesImportProblems(err))
		return
	}
	v := url.Values{"document": {string(text)}, "op": {"preview"}, "revision": {c.PostForm("revision")}}
	u.rulesEditorSubmit(c, rulesModeImport, v)
}

// rulesImportProblems lists a refused file's problems as `connector rules import` prints them:
// one line each, at its path.
func rulesImportProblems(err error) []string {
	var ve *rules.ValidationError
	if !errors.As(err, &ve) {
		return []string{err.Error()}
	}
	out := make([]string, len(ve.Problems))
	for i, p := range ve.Problems {
		out[i] = p.String()
	}
	return out
}

// rulesMove is POST /rules/:shop/:index/move (to, revision): the rule moves to index to.
func (u *UI) rulesMove(c *gin.Context) {
	doc, index, ok := u.rulesDocumentRule(c)
	if !ok {
		return
	}
	to, err := strconv.Atoi(c.PostForm("to"))
	if err != nil {
		u.errorPage(c, http.StatusBadRequest, "rules.bad_form")
		return
	}
	u.rulesApplyAction(c, doc.ShopID, rules.Move(index, to))
}

// rulesDelete is POST /rules/:shop/:index/delete (revision), confirmed.
func (u *UI) rulesDelete(c *gin.Context) {
	doc, index, ok := u.rulesDocumentRule(c)
	if !ok {
		return
	}
	if !u.confirmed(c, "rules.delete_confirm", doc.Rules.Rules[index].Name) {
		return
	}
	u.rulesApplyAction(c, doc.ShopID, rules.Delete(index))
}

// rulesApplyAction saves a move or a delete from the rules page, at the form's revision: a
// stale page is sent back to the fresh one with a message.
func (u *UI) rulesApplyAction(c *gin.Context, shopID int64, edit rules.Edit) {
	if rev, err := strconv.ParseInt(c.PostForm("revision"), 10, 64); err == nil {
		edit = edit.IfRevision(rev)
	}
	user, _ := CurrentUser(c)
	saved, err := u.rulesSvc().Apply(c.Request.Context(), shopID, user.Email, edit)
	var ve *rules.ValidationError
	switch {
	case err == nil || saved.Change.ID != 0:
		u.rulesSaved(c, shopID, saved, err)
		return
	case errors.Is(err, store.ErrConflict):
		u.flash(c, flashError, "rules.stale")
	case errors.As(err, &ve), errors.Is(err, store.ErrInvalid), errors.Is(err, store.ErrNotFound):
		// A move past either end; a delete that would leave the document unable to price.
		u.log.InfoContext(c.Request.Context(), "admin: rules: refused", "shop", shopID, "err", err)
		u.flash(c, flashError, "rules.refused")
	default:
		u.rulesFailure(c, err)
		return
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/rules/%d", shopID))
	c.Abort()
}
