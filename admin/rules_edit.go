package admin

import (
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/rules"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/pricing"
)

// rulesEditorData is the editor page's data: a rule, the settings, or an imported file to
// review; the preview and impact beside it.
type rulesEditorData struct {
	ShopID   int64
	ShopName string
	Mode     string
	// Index is the rule edited, or where a new rule goes; RuleName the edited rule's name.
	Index    int
	RuleName string
	// Revision is the document's revision the form was read at (IfRevision).
	Revision int64
	Groups   []rulesGroupView
	Errors   rulesFormErrors
	// Stale is set when the rules changed since the form was read: the save was refused.
	Stale bool
	// Document is the imported file's text (import mode).
	Document string
	Preview  rulesPreview
	// Action is where the form posts; PreviewURL the JSON endpoint of the live preview.
	Action     string
	PreviewURL string
}

// Number is the 1-based position of the edited rule, as the list shows it.
func (d rulesEditorData) Number() int { return d.Index + 1 }

type rulesGroupView struct {
	Legend string
	Key    string
	Errors []string
	Fields []rulesFieldView
}

type rulesFieldView struct {
	rulesField
	Value  string
	Errors []string
}

// rulesEditor builds the editor's data for mode on doc, with the form's values and errors.
func rulesEditor(mode string, doc rules.Document, shopName string, index int, v url.Values, errs rulesFormErrors) rulesEditorData {
	base := fmt.Sprintf("/rules/%d", doc.ShopID)
	d := rulesEditorData{ShopID: doc.ShopID, ShopName: shopName, Mode: mode, Index: index, Revision: doc.Revision,
		Errors: errs, PreviewURL: fmt.Sprintf("/api/v1/rules/%d/preview", doc.ShopID), Document: v.Get("document")}
	if rev, err := strconv.ParseInt(v.Get("revision"), 10, 64); err == nil {
		d.Revision = rev // the form's: a stale form stays stale
	}
	switch mode {
	case rulesModeNew:
		d.Action = base + "/new"
	case rulesModeEdit:
		d.Action = fmt.Sprintf("%s/%d/edit", base, index)
		if index < len(doc.Rules.Rules) {
			d.RuleName = doc.Rules.Rules[index].Name
		}
	case rulesModeSettings:
		d.Action = base + "/settings"
	case rulesModeImport:
		d.Action = base + "/import"
	}
	for _, g := range rulesGroupsOf(mode) {
		gv := rulesGroupView{Legend: g.Legend, Key: g.Key, Errors: errs.Fields[g.Key]}
		for _, f := range g.Fields {
			gv.Fields = append(gv.Fields, rulesFieldView{rulesField: f, Value: v.Get(f.Name), Errors: errs.Fields[f.Name]})
		}
		d.Groups = append(d.Groups, gv)
	}
	return d
}

// rulesNewForm is GET /rules/:shop/new: an empty rule, tried after the others, and the sample
// priced with the shop's rules as they are.
func (u *UI) rulesNewForm(c *gin.Context) {
	doc, ok := u.rulesDocument(c)
	if !ok {
		return
	}
	v := url.Values{}
	prio := 10
	for _, r := range doc.Rules.Rules {
		prio = max(prio, r.Priority+10)
	}
	v.Set("priority", strconv.Itoa(prio))
	u.rulesEditorPage(c, rulesModeNew, doc, len(doc.Rules.Rules), v)
}

// rulesEditForm is GET /rules/:shop/:index/edit.
func (u *UI) rulesEditForm(c *gin.Context) {
	doc, index, ok := u.rulesDocumentRule(c)
	if !ok {
		return
	}
	u.rulesEditorPage(c, rulesModeEdit, doc, index, ruleValues(doc.Rules.Rules[index]))
}

// rulesSettingsForm is GET /rules/:shop/settings: currency, exchange rate, tax, rounding and the
// default action.
func (u *UI) rulesSettingsForm(c *gin.Context) {
	doc, ok := u.rulesDocument(c)
	if !ok {
		return
	}
	u.rulesEditorPage(c, rulesModeSettings, doc, -1, rulesSettingsValues(doc.Rules))
}

// rulesDocumentRule reads the shop's rules and the index of the path's rule in them; a wrong one
// is answered (false).
func (u *UI) rulesDocumentRule(c *gin.Context) (rules.Document, int, bool) {
	doc, ok := u.rulesDocument(c)
	if !ok {
		return doc, 0, false
	}
	index, ok := u.rulesIndex(c, doc)
	return doc, index, ok
}

// rulesIndex reads the :index parameter, a rule of doc (404 otherwise).
func (u *UI) rulesIndex(c *gin.Context, doc rules.Document) (int, bool) {
	n, ok := u.rulesPathInt(c, "index", 0)
	if !ok {
		return 0, false
	}
	if n >= int64(len(doc.Rules.Rules)) {
		u.fail(c, http.StatusNotFound, CodeNotFound, "error.not_found")
		return 0, false
	}
	return int(n), true
}

// rulesEditorPage renders a fresh editor: the preview prices the sample with the shop's rules
// as they are (nothing is proposed yet, so there is no impact).
func (u *UI) rulesEditorPage(c *gin.Context, mode string, doc rules.Document, index int, v url.Values) {
	ctx := c.Request.Context()
	name, err := u.rulesSvc().ShopName(ctx, doc.ShopID)
	if err != nil {
		u.rulesFailure(c, err)
		return
	}
	v.Set("revision", strconv.FormatInt(doc.Revision, 10))
	d := rulesEditor(mode, doc, name, index, v, rulesFormErrors{})
	if !doc.Priced {
		d.Preview.Error = u.i18n.T(u.lang(c), "rules.no_pricing_yet")
	} else if d.Preview, err = u.rulesComputePreview(ctx, u.lang(c), doc.ShopID, doc.Rules, "", "", false); err != nil {
		u.rulesFailure(c, err)
		return
	}
	u.render(c, http.StatusOK, "rules_edit", d)
}

func (u *UI) rulesNewSubmit(c *gin.Context) { u.rulesEditorSubmit(c, rulesModeNew, nil) }

func (u *UI) rulesEditSubmit(c *gin.Context) { u.rulesEditorSubmit(c, rulesModeEdit, nil) }

func (u *UI) rulesSettingsSubmit(c *gin.Context) { u.rulesEditorSubmit(c, rulesModeSettings, nil) }

// rulesEditorSubmit handles a posted editor (v, or the request's form when nil). op=preview
// renders the editor again with the preview and the impact of what the form proposes; any other
// op saves it: the change is applied (at the form's revision) and its push queued, and the
// rules page says how many listings it re-prices. Problems are shown beside their fields (400);
// a stale form is refused with a message (409).
func (u *UI) rulesEditorSubmit(c *gin.Context, mode string, v url.Values) {
	ctx := c.Request.Context()
	lang := u.lang(c)
	doc, ok := u.rulesDocument(c)
	if !ok {
		return
	}
	if v == nil {
		if err := c.Request.ParseForm(); err != nil {
			u.errorPage(c, http.StatusBadRequest, "rules.bad_form")
			return
		}
		v = c.Request.PostForm
	}
	index := -1
	if mode == rulesModeEdit {
		if index, ok = u.rulesIndex(c, doc); !ok {
			return
		}
		v.Set("index", strconv.Itoa(index))
	} else if mode == rulesModeNew {
		index = len(doc.Rules.Rules)
		if n, err := strconv.Atoi(v.Get("index")); err == nil && n >= 0 {
			index = n
		}
	}
	name, err := u.rulesSvc().ShopName(ctx, doc.ShopID)
	if err != nil {
		u.rulesFailure(c, err)
		return
	}
	page := func(status int, errs rulesFormErrors, stale bool, pv rulesPreview) {
		d := rulesEditor(mode, doc, name, index, v, errs)
		d.Stale, d.Preview = stale, pv
		if d.Preview.Error == "" && d.Preview.Items == nil && !errs.empty() {
			d.Preview.Error = u.i18n.T(lang, "rules.preview.fix_errors")
		}
		u.render(c, status, "rules_edit", d)
	}
	keep := rulesPreview{SKUs: v.Get("preview_skus"), SampleSKUs: v.Get("sample_skus")}
	if rulesStale(v, doc) {
		page(http.StatusConflict, rulesFormErrors{}, true, keep)
		return
	}

	edit, prior, err := rulesEditOf(mode, v, doc)
	if err != nil {
		if errs, ok := rulesProblems(mode, err, nil); ok {
			page(http.StatusBadRequest, errs, false, keep)
			return
		}
		u.errorPage(c, http.StatusBadRequest, "rules.bad_form")
		return
	}
	proposed, err := u.rulesSvc().Proposed(ctx, doc.ShopID, edit)
	if errs, ok := rulesProblems(mode, err, prior); ok {
		page(http.StatusBadRequest, errs, false, keep)
		return
	}
	if err != nil {
		if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrInvalid) {
			page(http.StatusConflict, rulesFormErrors{}, true, keep)
			return
		}
		u.rulesFailure(c, err)
		return
	}

	if v.Get("op") == "preview" {
		pv, err := u.rulesComputePreview(ctx, lang, doc.ShopID, proposed, keep.SKUs, keep.SampleSKUs, true)
		if err != nil {
			u.rulesFailure(c, err)
			return
		}
		page(http.StatusOK, rulesFormErrors{}, false, pv)
		return
	}

	user, _ := CurrentUser(c)
	saved, err := u.rulesSvc().Apply(ctx, doc.ShopID, user.Email, edit)
	if errs, ok := rulesProblems(mode, err, nil); ok {
		page(http.StatusBadRequest, errs, false, keep)
		return
	}
	switch {
	case errors.Is(err, store.ErrConflict), err != nil && saved.Change.ID == 0 && errors.Is(err, store.ErrNotFound):
		page(http.StatusConflict, rulesFormErrors{}, true, keep)
		return
	case err != nil && saved.Change.ID == 0:
		u.rulesFailure(c, err)
		return
	}
	u.rulesSaved(c, doc.ShopID, saved, err)
}

// rulesStale reports a form read at another revision than the document's: its indexes may name
// other rules now, so it is neither previewed nor saved (Apply would refuse it anyway).
func rulesStale(v url.Values, doc rules.Document) bool {
	rev, err := strconv.ParseInt(v.Get("revision"), 10, 64)
	return err == nil && rev != doc.Revision
}

// rulesProblems turns an error that lists problems (a *rules.ValidationError, or prior problems
// of the form) into the editor's errors; false for any other error.
func rulesProblems(mode string, err error, prior []pricing.Problem) (rulesFormErrors, bool) {
	var ve *rules.ValidationError
	switch {
	case errors.As(err, &ve):
		return rulesFormErrorsOf(mode, ve, prior), true
	case err == nil && len(prior) > 0:
		return rulesFormErrorsOf(mode, nil, prior), true
	case err != nil && errors.Is(err, store.ErrInvalid) && mode == rulesModeImport:
		return rulesFormErrors{General: []string{err.Error()}}, true // a file that is not JSON
	}
	return rulesFormErrors{}, false
}

// rulesSavedCookie carries the outcome of a save to the rules page after the redirect, as
// "SHOP:QUEUED:JOB": numbers only, so a page can never be made to show text of someone's
// choosing.
const rulesSavedCookie = "connector_rules_saved"

// rulesSaved ends a save: the rules page will say how many listings the change re-prices and
// which job pushes them (or that nothing changed). countErr is a failure to count them after the
// change was committed: it is logged and the count left out.
func (u *UI) rulesSaved(c *gin.Context, shopID int64, saved rules.Saved, countErr error) {
	switch {
	case saved.Unchanged:
		u.flash(c, flashInfo, "rules.unchanged")
	case countErr != nil:
		u.log.ErrorContext(c.Request.Context(), "admin: rules: saved, not counted", "shop", shopID, "err", countErr)
		u.flash(c, flashSuccess, "rules.saved_uncounted")
	default:
		http.SetCookie(c.Writer, &http.Cookie{Name: rulesSavedCookie,
			Value: fmt.Sprintf("%d:%d:%d", shopID, saved.Queued, saved.PushJobID), Path: "/rules", MaxAge: 300,
			HttpOnly: true, Secure: u.cfg.Secure, SameSite: http.SameSiteLaxMode})
	}
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/rules/%d", shopID))
	c.Abort()
}

// rulesSavedNote is the outcome of the last save, shown once on the rules page.
type rulesSavedNote struct {
	Queued int
	Job    int64
}

// rulesTakeSaved reads and clears the outcome of a save of shopID's rules.
func (u *UI) rulesTakeSaved(c *gin.Context, shopID int64) *rulesSavedNote {
	raw, err := c.Cookie(rulesSavedCookie)
	if err != nil {
		return nil
	}
	http.SetCookie(c.Writer, &http.Cookie{Name: rulesSavedCookie, Value: "", Path: "/rules", MaxAge: -1,
		HttpOnly: true, Secure: u.cfg.Secure, SameSite: http.SameSiteLaxMode})
	var shop, job int64
	var queued int
	if n, err := fmt.Sscanf(raw, "%d:%d:%d", &shop, &queued, &job); err != nil || n != 3 || shop != shopID {
		return nil
	}
	return &rulesSavedNote{Queued: queued, Job: job}
}
