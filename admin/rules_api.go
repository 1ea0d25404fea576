package admin

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/rules"
	"github.com/intcomex-connector/connector/pricing"
)

// rulesAPIShopList is GET /api/v1/rules.
type rulesAPIShopList struct {
	Shops   []rules.ShopSummary `json:"shops"`
	Total   int64               `json:"total"`
	Page    int                 `json:"page"`
	PerPage int                 `json:"per_page"`
	Sort    string              `json:"sort"`
	Desc    bool                `json:"desc"`
}

// rulesAPIShops is GET /api/v1/rules?q=&sort=&desc=1&page=&per_page=: the shops with the size
// of their rules.
func (u *UI) rulesAPIShops(c *gin.Context) {
	text, p := rulesShopsQuery(c)
	list, err := u.rulesSvc().Shops(c.Request.Context(), text, p)
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	c.JSON(http.StatusOK, rulesAPIShopList{Shops: list.Items, Total: list.Total, Page: list.Page.Offset/list.Page.Limit + 1,
		PerPage: list.Page.Limit, Sort: list.Page.Sort, Desc: list.Page.Desc})
}

// rulesAPIDocument is GET /api/v1/rules/:shop: the shop's rules document (rules.Document).
func (u *UI) rulesAPIDocument(c *gin.Context) {
	doc, ok := u.rulesDocument(c)
	if !ok {
		return
	}
	c.JSON(http.StatusOK, doc)
}

// rulesAPIExport is GET /api/v1/rules/:shop/export: the rules file.
func (u *UI) rulesAPIExport(c *gin.Context) { u.rulesExport(c) }

// rulesAPIHistory is GET /api/v1/rules/:shop/history: a page of the audit trail (rules.History),
// newest first unless sorted (sort: at, actor, action or rule; desc=1), filtered by actor, action,
// rule, from and to (days, YYYY-MM-DD, inclusive), paged by page and per_page. A wrong parameter
// is 400 invalid, naming it.
func (u *UI) rulesAPIHistory(c *gin.Context) {
	shopID, ok := u.rulesPathInt(c, "shop", 1)
	if !ok {
		return
	}
	errs := map[string]string{}
	_, q := rulesHistoryQueryOf(c, u.listParamsOf(c, errs))
	if len(errs) > 0 {
		u.apiErrorText(c, http.StatusBadRequest, CodeInvalid, listProblems(errs, "; "))
		return
	}
	h, err := u.rulesSvc().History(c.Request.Context(), shopID, q)
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	c.JSON(http.StatusOK, h)
}

// rulesAPIChange is GET /api/v1/rules/:shop/history/:change: one audit entry (rules.Change).
func (u *UI) rulesAPIChange(c *gin.Context) {
	shopID, ok := u.rulesPathInt(c, "shop", 1)
	if !ok {
		return
	}
	id, ok := u.rulesPathInt(c, "change", 1)
	if !ok {
		return
	}
	ch, err := u.rulesSvc().Change(c.Request.Context(), shopID, id)
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	c.JSON(http.StatusOK, ch)
}

// rulesAPISample is GET /api/v1/rules/:shop/sample?n=: the SKUs of the preview's sample.
func (u *UI) rulesAPISample(c *gin.Context) {
	shopID, ok := u.rulesPathInt(c, "shop", 1)
	if !ok {
		return
	}
	skus, err := u.rulesSvc().Sample(c.Request.Context(), shopID, rulesQueryInt(c, "n", 0))
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	c.JSON(http.StatusOK, gin.H{"skus": skus})
}

// rulesAPIEditBody is the JSON body of the write endpoints and of the preview. The endpoint says
// which edit it is; the preview names it in Action.
type rulesAPIEditBody struct {
	// Action (preview only): create, update, move, delete, settings or import.
	Action string `json:"action"`
	// Index is the rule updated, moved or deleted, or where a created rule goes (default: last).
	Index *int `json:"index"`
	// To is where a moved rule goes.
	To       *int                  `json:"to"`
	Rule     *pricing.Rule         `json:"rule"`
	Settings *rulesAPISettingsBody `json:"settings"`
	// Document is the whole rules file (import).
	Document *pricing.Rules `json:"document"`
	// Revision, when given, makes the edit apply only to that revision (Document.Revision).
	Revision *int64 `json:"revision"`
	// SKUs and Sample (preview only) choose the products priced; none: a sample.
	SKUs   []string `json:"skus"`
	Sample int      `json:"sample"`
}

// rulesAPISettingsBody are a document's settings as the rules file writes them.
type rulesAPISettingsBody struct {
	Currency string           `json:"currency"`
	FXRate   pricing.Number   `json:"fx_rate"`
	TaxRate  pricing.Number   `json:"tax_rate"`
	Rounding pricing.Rounding `json:"rounding"`
	Default  pricing.Action   `json:"default"`
}

// rulesAPIInvalid is the answer to an edit with problems: the API's error, every problem at its
// path in the document (the CLI's messages), and for a rule or the settings the problems by
// field as the editor shows them (Fields: by the field's path inside the rule or the document;
// General: the others).
type rulesAPIInvalid struct {
	Error    APIErrorDetail      `json:"error"`
	Problems []rulesAPIProblem   `json:"problems"`
	Fields   map[string][]string `json:"fields"`
	General  []string            `json:"general"`
}

type rulesAPIProblem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// rulesAPIInvalidAnswer answers 400 with the problems of err (a *rules.ValidationError, or
// prior problems of a form) for an edit in mode; false when err lists none.
func (u *UI) rulesAPIInvalidAnswer(c *gin.Context, mode string, err error, prior []pricing.Problem) bool {
	errs, ok := rulesProblems(mode, err, prior)
	if !ok {
		return false
	}
	body := rulesAPIInvalid{Error: APIErrorDetail{Code: CodeInvalid}, Problems: []rulesAPIProblem{},
		Fields: errs.Fields, General: errs.General}
	if body.Fields == nil {
		body.Fields = map[string][]string{}
	}
	if body.General == nil {
		body.General = []string{}
	}
	var ve *rules.ValidationError
	all := prior
	if errors.As(err, &ve) {
		all = append(append([]pricing.Problem{}, prior...), ve.Problems...)
		body.Error.Message = err.Error()
	} else if err != nil {
		body.Error.Message = err.Error()
	} else {
		body.Error.Message = (&pricing.ValidationError{Problems: prior}).Error()
	}
	for _, p := range all {
		body.Problems = append(body.Problems, rulesAPIProblem{Path: p.Path, Message: p.Message})
	}
	c.Header("Cache-Control", "no-store")
	c.AbortWithStatusJSON(http.StatusBadRequest, body)
	return true
}

// rulesMaxBody bounds a JSON edit (a rules document with its SKU lists).
const rulesMaxBody = 16 << 20

// rulesAPIBody decodes the JSON body (unknown fields refused); false when it answered 400.
func (u *UI) rulesAPIBody(c *gin.Context, into any) bool {
	dec := json.NewDecoder(http.MaxBytesReader(c.Writer, c.Request.Body, rulesMaxBody))
	dec.DisallowUnknownFields()
	if err := dec.Decode(into); err != nil {
		u.apiErrorText(c, http.StatusBadRequest, CodeInvalid, u.i18n.T(u.lang(c), "rules.api.bad_json", err.Error()))
		return false
	}
	return true
}

// rulesAPIEditOf builds the edit of a JSON body; index is the path's rule (-1 when none).
func (u *UI) rulesAPIEditOf(c *gin.Context, action string, b rulesAPIEditBody, doc rules.Document, index int) (rules.Edit, string, bool) {
	need := func(ok bool, what string) bool {
		if !ok {
			u.apiError(c, http.StatusBadRequest, CodeInvalid, "rules.api.missing", what)
		}
		return ok
	}
	if index < 0 && b.Index != nil {
		index = *b.Index
	}
	var (
		edit rules.Edit
		mode string
	)
	switch rules.Action(action) {
	case rules.ActionCreate:
		if !need(b.Rule != nil, "rule") {
			return edit, "", false
		}
		if index < 0 {
			index = len(doc.Rules.Rules)
		}
		edit, mode = rules.Create(index, *b.Rule), rulesModeNew
	case rules.ActionUpdate:
		if !need(b.Rule != nil, "rule") || !need(index >= 0, "index") {
			return edit, "", false
		}
		edit, mode = rules.Update(index, *b.Rule), rulesModeEdit
	case rules.ActionMove:
		if !need(b.To != nil, "to") || !need(index >= 0, "index") {
			return edit, "", false
		}
		edit, mode = rules.Move(index, *b.To), rulesModeImport
	case rules.ActionDelete:
		if !need(index >= 0, "index") {
			return edit, "", false
		}
		edit, mode = rules.Delete(index), rulesModeImport
	case rules.ActionSettings:
		if !need(b.Settings != nil, "settings") {
			return edit, "", false
		}
		s := b.Settings
		edit, mode = rules.ChangeSettings(rules.Settings{Currency: s.Currency, FXRate: s.FXRate, TaxRate: s.TaxRate,
			Rounding: s.Rounding, Default: s.Default}), rulesModeSettings
	case rules.ActionImport:
		if !need(b.Document != nil, "document") {
			return edit, "", false
		}
		edit, mode = rules.Import(b.Document), rulesModeImport
	default:
		u.apiError(c, http.StatusBadRequest, CodeInvalid, "rules.api.missing", "action")
		return edit, "", false
	}
	if b.Revision != nil {
		edit = edit.IfRevision(*b.Revision)
	}
	return edit, mode, true
}

// rulesAPIPreviewAnswer is the preview's answer: the products priced before and after, the
// impact on every listing, the sample's SKUs (to send back as skus for the same products), and,
// for the editor's script (fragments=1), the preview and the impact as the page renders them.
type rulesAPIPreviewAnswer struct {
	Items      []rules.PreviewItem `json:"items"`
	Impact     rules.Impact        `json:"impact"`
	Repriced   int                 `json:"repriced"`
	SampleSKUs []string            `json:"sample_skus"`
	// Error says why no product could be priced (too many SKUs …); the impact is there anyway.
	Error string            `json:"error,omitempty"`
	HTML  map[string]string `json:"html,omitempty"`
}

// rulesAPIPreview is POST /api/v1/rules/:shop/preview: what the proposed edit would do, saving
// nothing. It is a POST (admins only, as every POST) rather than a GET for three reasons: only
// admins edit rules, so only they see the editor it serves; a proposed document (SKU lists, a
// whole imported file) does not fit in a URL; and the editor's script sends the form as it
// stands, the same fields the page's Preview button posts. Its body is either the editor's form
// (application/x-www-form-urlencoded: mode, index, revision, the rule's or the settings' fields,
// document, preview_skus, sample_skus, fragments) or JSON (rulesAPIEditBody with action).
func (u *UI) rulesAPIPreview(c *gin.Context) {
	ctx := c.Request.Context()
	doc, ok := u.rulesDocument(c)
	if !ok {
		return
	}
	var (
		edit          rules.Edit
		mode          string
		prior         []pricing.Problem
		skus, sample  string
		wantFragments bool
	)
	if strings.HasPrefix(c.ContentType(), "application/json") {
		var b rulesAPIEditBody
		if !u.rulesAPIBody(c, &b) {
			return
		}
		if edit, mode, ok = u.rulesAPIEditOf(c, b.Action, b, doc, -1); !ok {
			return
		}
		skus = strings.Join(b.SKUs, ",")
		if b.Sample > 0 {
			s, err := u.rulesSvc().Sample(ctx, doc.ShopID, b.Sample)
			if err != nil {
				u.apiFailure(c, err)
				return
			}
			sample = strings.Join(s, ",")
		}
	} else {
		if err := c.Request.ParseForm(); err != nil {
			u.apiError(c, http.StatusBadRequest, CodeInvalid, "rules.bad_form")
			return
		}
		v := c.Request.PostForm
		mode, skus, sample, wantFragments = v.Get("mode"), v.Get("preview_skus"), v.Get("sample_skus"), v.Get("fragments") == "1"
		if rulesStale(v, doc) {
			u.apiError(c, http.StatusConflict, CodeConflict, "rules.stale")
			return
		}
		var err error
		edit, prior, err = rulesEditOf(mode, v, doc)
		if u.rulesAPIInvalidAnswer(c, mode, err, nil) {
			return
		}
		if err != nil {
			u.apiError(c, http.StatusBadRequest, CodeInvalid, "rules.bad_form")
			return
		}
	}
	proposed, err := u.rulesSvc().Proposed(ctx, doc.ShopID, edit)
	if u.rulesAPIInvalidAnswer(c, mode, err, prior) {
		return
	}
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	lang := u.lang(c)
	pv, err := u.rulesComputePreview(ctx, lang, doc.ShopID, proposed, skus, sample, true)
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	ans := rulesAPIPreviewAnswer{Items: pv.Items, SampleSKUs: rulesList(pv.SampleSKUs), Error: pv.Error}
	if pv.Impact != nil {
		ans.Impact, ans.Repriced = pv.Impact.Impact, pv.Impact.Repriced
	}
	if ans.Items == nil {
		ans.Items = []rules.PreviewItem{}
	}
	if ans.SampleSKUs == nil {
		ans.SampleSKUs = []string{}
	}
	if wantFragments {
		if ans.HTML, err = u.rulesFragments(lang, pv); err != nil {
			u.apiFailure(c, err)
			return
		}
	}
	c.JSON(http.StatusOK, ans)
}

// rulesFragments renders the editor's preview and impact as the page does.
func (u *UI) rulesFragments(lang string, pv rulesPreview) (map[string]string, error) {
	t := u.tmpl.pages[lang]["rules_edit"]
	out := map[string]string{}
	for _, part := range []struct {
		key, name string
		data      any
	}{{"preview", "rules-preview", pv}, {"impact", "rules-impact", pv.Impact}} {
		var b bytes.Buffer
		if err := t.ExecuteTemplate(&b, part.name, part.data); err != nil {
			return nil, fmt.Errorf("admin: rules: render %s: %w", part.name, err)
		}
		out[part.key] = b.String()
	}
	return out, nil
}

// rulesAPISave applies an edit made through the API and answers the outcome (rules.Saved:
// the change, the document after it, the queued push's job and how many listings it
// re-prices), status ok (or 200 when nothing changed).
func (u *UI) rulesAPISave(c *gin.Context, shopID int64, mode string, edit rules.Edit, ok int) {
	user, _ := CurrentUser(c)
	saved, err := u.rulesSvc().Apply(c.Request.Context(), shopID, user.Email, edit)
	if u.rulesAPIInvalidAnswer(c, mode, err, nil) {
		return
	}
	if err != nil && saved.Change.ID == 0 {
		u.apiFailure(c, err)
		return
	}
	if err != nil {
		u.log.ErrorContext(c.Request.Context(), "admin: rules: saved, not counted", "shop", shopID, "err", err)
	}
	if saved.Unchanged {
		ok = http.StatusOK
	}
	c.JSON(ok, saved)
}

// rulesAPIWrite is a write endpoint whose JSON body (rulesAPIEditBody) carries the edit of
// action; the rule's index, when the path has one, comes from the path.
func (u *UI) rulesAPIWrite(c *gin.Context, action rules.Action, status int) {
	doc, ok := u.rulesDocument(c)
	if !ok {
		return
	}
	index := -1
	if c.Param("index") != "" {
		n, ok := u.rulesPathInt(c, "index", 0)
		if !ok {
			return
		}
		index = int(n)
	}
	var b rulesAPIEditBody
	if !u.rulesAPIBody(c, &b) {
		return
	}
	edit, mode, ok := u.rulesAPIEditOf(c, string(action), b, doc, index)
	if !ok {
		return
	}
	u.rulesAPISave(c, doc.ShopID, mode, edit, status)
}

// rulesAPICreate is POST /api/v1/rules/:shop/rules {"rule": {...}, "index": n, "revision": r}.
func (u *UI) rulesAPICreate(c *gin.Context) {
	u.rulesAPIWrite(c, rules.ActionCreate, http.StatusCreated)
}

// rulesAPIUpdate is PUT /api/v1/rules/:shop/rules/:index {"rule": {...}, "revision": r}.
func (u *UI) rulesAPIUpdate(c *gin.Context) { u.rulesAPIWrite(c, rules.ActionUpdate, http.StatusOK) }

// rulesAPIMove is POST /api/v1/rules/:shop/rules/:index/move {"to": n, "revision": r}.
func (u *UI) rulesAPIMove(c *gin.Context) { u.rulesAPIWrite(c, rules.ActionMove, http.StatusOK) }

// rulesAPISettings is PUT /api/v1/rules/:shop/settings {"settings": {...}, "revision": r}.
func (u *UI) rulesAPISettings(c *gin.Context) {
	u.rulesAPIWrite(c, rules.ActionSettings, http.StatusOK)
}

// rulesAPIDelete is DELETE /api/v1/rules/:shop/rules/:index?revision=r (no body).
func (u *UI) rulesAPIDelete(c *gin.Context) {
	doc, ok := u.rulesDocument(c)
	if !ok {
		return
	}
	index, ok := u.rulesPathInt(c, "index", 0)
	if !ok {
		return
	}
	edit := rules.Delete(int(index))
	if rev, err := strconv.ParseInt(c.Query("revision"), 10, 64); err == nil {
		edit = edit.IfRevision(rev)
	}
	u.rulesAPISave(c, doc.ShopID, rulesModeImport, edit, http.StatusOK)
}

// rulesAPIImport is POST /api/v1/rules/:shop/import?revision=r: the body is a rules file (or a
// multipart form with it as "file"), read as `connector rules import` reads it; its problems
// come back with the same messages.
func (u *UI) rulesAPIImport(c *gin.Context) {
	doc, ok := u.rulesDocument(c)
	if !ok {
		return
	}
	body := io.Reader(http.MaxBytesReader(c.Writer, c.Request.Body, rulesMaxUpload))
	if strings.HasPrefix(c.ContentType(), "multipart/") {
		fh, err := c.FormFile("file")
		if err != nil {
			u.apiError(c, http.StatusBadRequest, CodeInvalid, "rules.import.no_file")
			return
		}
		f, err := fh.Open()
		if err != nil {
			u.apiError(c, http.StatusBadRequest, CodeInvalid, "rules.import.unreadable")
			return
		}
		defer f.Close()
		body = f
	}
	edit, err := rules.ParseImport(body)
	if u.rulesAPIInvalidAnswer(c, rulesModeImport, err, nil) {
		return
	}
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	if rev, err := strconv.ParseInt(c.Query("revision"), 10, 64); err == nil {
		edit = edit.IfRevision(rev)
	}
	u.rulesAPISave(c, doc.ShopID, rulesModeImport, edit, http.StatusOK)
}
