// Package rules is the core of a shop's margin rules page: it reads and edits the shop's rules
// document (the rules file of pricing.Rules: currency, fx_rate, tax, rounding, the default
// action and the ordered rules), keeps the audit trail of every change, previews prices under a
// proposed document with every step explained, and counts what a proposed document would do to
// the shop's prices (Impact) before it is saved.
//
// A change is an Edit (Create, Update, Move, Delete, ChangeSettings, Import). Edit.Apply
// computes the document it makes, validated as `connector rules import` validates a file (the
// same messages, each at its path, see ValidationError); Service.Apply saves it: in one
// transaction the shop's pricing is replaced, an audit entry (actor, action, the whole document
// before and after) is written and a push of the shop's listings is queued
// (syncjob.EnqueuePushTx, the push_listings job); `connector rules import` goes the same way with
// actor "cli".
//
// Nothing here makes a network call: previews and impacts read the mirror and price it.
package rules

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"slices"
	"strings"
	"time"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/syncjob"
	"github.com/intcomex-connector/connector/pricing"
)

// ActorCLI is the actor of changes made from the command line.
const ActorCLI = "cli"

// ErrNoPricing reports a shop whose pricing was never set: it has no default action, so none of
// its products is priced and there is no rules file to export.
var ErrNoPricing = errors.New("rules: the shop has no pricing yet")

// Service edits, previews and audits shops' rules. It is safe for concurrent use.
type Service struct {
	store  *store.Store
	jobs   *jobs.Client
	logger *slog.Logger
}

// New builds a Service. jobs queues the push after a save (an insert-only client is enough: the
// serving process works the job); logger may be nil.
func New(st *store.Store, jobsClient *jobs.Client, logger *slog.Logger) (*Service, error) {
	switch {
	case st == nil:
		return nil, errors.New("rules: nil store")
	case jobsClient == nil:
		return nil, errors.New("rules: nil job client")
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return &Service{store: st, jobs: jobsClient, logger: logger}, nil
}

// Document is a shop's rules document as stored.
type Document struct {
	ShopID int64          `json:"shop_id"`
	Rules  *pricing.Rules `json:"rules"`
	// Revision is the id of the shop's newest audit entry (0: none): pass it to Edit.IfRevision
	// so an edit of an index fails rather than change another rule than the one shown.
	Revision int64 `json:"revision"`
	// TryOrder lists the indexes of Rules.Rules in the order they are tried (see TryOrder).
	TryOrder []int `json:"try_order"`
	// Priced is false when the shop has no pricing yet (no default action; ErrNoPricing).
	Priced bool `json:"priced"`
}

// Get returns the shop's rules document; an unknown shop gives an error wrapping
// store.ErrNotFound.
func (s *Service) Get(ctx context.Context, shopID int64) (Document, error) {
	doc, err := margin.Rules(ctx, s.store, shopID)
	if err != nil {
		return Document{}, fmt.Errorf("rules: %w", err)
	}
	rev, err := s.store.LatestMarginRuleChange(ctx, shopID)
	if err != nil {
		return Document{}, fmt.Errorf("rules: %w", err)
	}
	normalize(doc)
	return Document{ShopID: shopID, Rules: doc, Revision: rev, TryOrder: TryOrder(doc), Priced: doc.Default != (pricing.Action{})}, nil
}

// Export returns the shop's rules file, as `connector rules export` writes it (import reads it
// back to the same document). A shop without pricing gives ErrNoPricing: its file would be one
// import refuses.
func (s *Service) Export(ctx context.Context, shopID int64) ([]byte, error) {
	d, err := s.Get(ctx, shopID)
	if err != nil {
		return nil, err
	}
	if !d.Priced {
		return nil, fmt.Errorf("%w: shop %d", ErrNoPricing, shopID)
	}
	return encode(d.Rules)
}

func encode(doc *pricing.Rules) ([]byte, error) {
	var b bytes.Buffer
	if err := doc.WriteJSON(&b); err != nil {
		return nil, fmt.Errorf("rules: %w", err)
	}
	return b.Bytes(), nil
}

// Proposed returns the shop's document with the edit applied, validated but not saved: what a
// live preview prices (see Preview, Impact).
func (s *Service) Proposed(ctx context.Context, shopID int64, e Edit) (*pricing.Rules, error) {
	d, err := s.Get(ctx, shopID)
	if err != nil {
		return nil, err
	}
	return e.Apply(d.Rules)
}

// Saved is the outcome of Service.Apply.
type Saved struct {
	// Unchanged: the edit left the document as it was; nothing was written or queued.
	Unchanged bool `json:"unchanged"`
	// Change is the audit entry written.
	Change Change `json:"change"`
	// Document is the shop's rules after the change.
	Document Document `json:"document"`
	// PushJobID is the push_listings job that pushes the new prices (queued by this save, or a
	// push of the shop already waiting to run).
	PushJobID int64 `json:"push_job_id"`
	// Queued is how many of the shop's listings the change re-prices (Impact.Repriced between
	// the documents before and after): what the queued push sends for it.
	Queued int `json:"queued"`
	// Impact is the change's effect on the shop's prices.
	Impact Impact `json:"impact"`
}

// maxActor bounds the actor's length (the audit column).
const maxActor = 255

// Apply saves an edit of the shop's rules made by actor (a user's email, or ActorCLI): in one
// transaction the document is read (locked), the edit applied and validated, the shop's pricing
// replaced, the audit entry written and the push of the shop's listings queued. Then it counts
// the listings the change re-prices (Saved.Queued). Errors: an unknown shop or rule wraps
// store.ErrNotFound; a document with problems is a *ValidationError (wrapping
// store.ErrInvalid); a revision other than the current one (Edit.IfRevision) wraps
// store.ErrConflict. An error counting the listings comes with the Saved of the committed change.
func (s *Service) Apply(ctx context.Context, shopID int64, actor string, e Edit) (Saved, error) {
	actor = strings.TrimSpace(actor)
	if actor == "" || len(actor) > maxActor {
		return Saved{}, fmt.Errorf("rules: %w: the actor must be 1 to %d bytes", store.ErrInvalid, maxActor)
	}
	var (
		saved         Saved
		before, after *pricing.Rules
	)
	err := s.store.Transaction(ctx, func(tx *store.Tx) error {
		stored, err := s.store.ShopPricingTx(ctx, tx, shopID)
		if err != nil {
			return fmt.Errorf("rules: %w", err)
		}
		rev, err := s.store.LatestMarginRuleChangeTx(ctx, tx, shopID)
		if err != nil {
			return fmt.Errorf("rules: %w", err)
		}
		if e.revision != nil && *e.revision != rev {
			return fmt.Errorf("rules: %w: the shop's rules changed since revision %d (now %d); reload them", store.ErrConflict, *e.revision, rev)
		}
		before = margin.FromStored(stored)
		normalize(before)
		after, err = e.Apply(before)
		if err != nil {
			return err
		}
		if reflect.DeepEqual(before, after) {
			saved = Saved{Unchanged: true, Document: document(shopID, after, rev)}
			return nil
		}
		if err := s.store.ReplaceShopPricingTx(ctx, tx, shopID, margin.ToStored(after)); err != nil {
			return fmt.Errorf("rules: %w", err)
		}
		c, err := auditEntry(shopID, actor, e, before, after)
		if err != nil {
			return err
		}
		row, err := s.store.InsertMarginRuleChangeTx(ctx, tx, c)
		if err != nil {
			return fmt.Errorf("rules: %w", err)
		}
		job, err := syncjob.EnqueuePushTx(ctx, s.jobs, tx, shopID)
		if err != nil {
			return fmt.Errorf("rules: %w", err)
		}
		saved = Saved{Change: changeOf(row), Document: document(shopID, after, row.ID), PushJobID: job.ID}
		return nil
	})
	if err != nil || saved.Unchanged {
		return saved, err
	}
	s.logger.InfoContext(ctx, "margin rules changed", "shop", shopID, "actor", actor, "action", string(e.action),
		"change", saved.Change.ID, "job", saved.PushJobID)
	im, err := s.impact(ctx, shopID, before, after)
	if err != nil {
		return saved, fmt.Errorf("rules: the change is saved and its push queued, but counting the listings it re-prices failed: %w", err)
	}
	saved.Impact, saved.Queued = im, im.Repriced()
	return saved, nil
}

func document(shopID int64, doc *pricing.Rules, rev int64) Document {
	return Document{ShopID: shopID, Rules: doc, Revision: rev, TryOrder: TryOrder(doc), Priced: doc.Default != (pricing.Action{})}
}

// auditEntry is the audit record of e turning before into after.
func auditEntry(shopID int64, actor string, e Edit, before, after *pricing.Rules) (store.MarginRuleChange, error) {
	b, err := encode(before)
	if err != nil {
		return store.MarginRuleChange{}, err
	}
	a, err := encode(after)
	if err != nil {
		return store.MarginRuleChange{}, err
	}
	c := store.MarginRuleChange{ShopID: shopID, Actor: actor, Action: string(e.action), Before: string(b), After: string(a)}
	idx := func(i int) *int { return &i }
	switch e.action {
	case ActionCreate:
		c.RuleName, c.ToIndex = after.Rules[e.index].Name, idx(e.index)
	case ActionUpdate:
		c.RuleName, c.FromIndex, c.ToIndex = after.Rules[e.index].Name, idx(e.index), idx(e.index)
	case ActionMove:
		c.RuleName, c.FromIndex, c.ToIndex = after.Rules[e.to].Name, idx(e.index), idx(e.to)
	case ActionDelete:
		c.RuleName, c.FromIndex = before.Rules[e.index].Name, idx(e.index)
	}
	return c, nil
}

// Change is one entry of a shop's audit trail.
type Change struct {
	ID     int64  `json:"id"`
	ShopID int64  `json:"shop_id"`
	Actor  string `json:"actor"` // a user's email, or ActorCLI
	Action Action `json:"action"`
	// RuleName, FromIndex and ToIndex say which rule the change touched: its index before
	// (update, move, delete) and after (create, update, move); empty and nil for settings and
	// import.
	RuleName  string    `json:"rule_name"`
	FromIndex *int      `json:"from_index"`
	ToIndex   *int      `json:"to_index"`
	At        time.Time `json:"at"`
	// Before and After are the whole rules document, as the rules file writes it.
	Before string `json:"before"`
	After  string `json:"after"`
}

// BeforeRules decodes Before.
func (c Change) BeforeRules() (*pricing.Rules, error) { return decode(c.Before) }

// AfterRules decodes After.
func (c Change) AfterRules() (*pricing.Rules, error) { return decode(c.After) }

func decode(text string) (*pricing.Rules, error) {
	var doc pricing.Rules
	if err := json.Unmarshal([]byte(text), &doc); err != nil {
		return nil, fmt.Errorf("rules: audit document: %w", err)
	}
	normalize(&doc)
	return &doc, nil
}

func changeOf(c store.MarginRuleChange) Change {
	return Change{ID: c.ID, ShopID: c.ShopID, Actor: c.Actor, Action: Action(c.Action), RuleName: c.RuleName,
		FromIndex: c.FromIndex, ToIndex: c.ToIndex, At: c.At, Before: c.Before, After: c.After}
}

// History is one page of a shop's audit trail.
type History struct {
	Changes []Change `json:"changes"` // in the order asked for (newest first by default)
	Total   int      `json:"total"`   // entries matching the filter, in all
	Page    int      `json:"page"`    // 1-based
	PerPage int      `json:"per_page"`
	Sort    string   `json:"sort"` // the order served: one of HistorySorts
	Desc    bool     `json:"desc"`
}

// Pages is the number of pages of the trail (at least 1).
func (h History) Pages() int {
	if h.PerPage <= 0 || h.Total == 0 {
		return 1
	}
	return (h.Total + h.PerPage - 1) / h.PerPage
}

// DefaultPerPage is History's page size when none is given; MaxPerPage bounds it.
const (
	DefaultPerPage = 20
	MaxPerPage     = store.MaxMarginRuleChangesPage
)

// HistorySorts are the orders the audit trail can be read in: "at" (when; the default, newest
// first), "actor", "action" and "rule".
var HistorySorts = store.MarginRuleChangeSorts

// Actions are the kinds of change the audit trail records.
var Actions = []Action{ActionCreate, ActionUpdate, ActionMove, ActionDelete, ActionSettings, ActionImport}

// HistoryQuery asks for a page of the audit trail. Zero fields filter nothing.
type HistoryQuery struct {
	Page    int // 1-based; less than 1 is 1
	PerPage int // DefaultPerPage when 0 or less, at most MaxPerPage
	Actor   string
	Action  Action
	Rule    string    // part of the rule's name
	Since   time.Time // changes at or after
	Until   time.Time // changes before
	Sort    string    // one of HistorySorts; "" is "at", newest first
	Desc    bool      // descending; ignored when Sort is ""
}

// History returns a page of the shop's audit trail entries matching q: by the actor (part of the
// email, any case), the action, the rule (part of its name, any case) and the time, sorted as q
// says. An unknown shop wraps store.ErrNotFound; an unknown action or sort, or an Until not after
// Since, wraps store.ErrInvalid.
func (s *Service) History(ctx context.Context, shopID int64, q HistoryQuery) (History, error) {
	if q.Action != "" && !slices.Contains(Actions, q.Action) {
		return History{}, fmt.Errorf("rules: history: %w: action %q is not one of %s", store.ErrInvalid, q.Action, joinActions())
	}
	if !q.Since.IsZero() && !q.Until.IsZero() && !q.Until.After(q.Since) {
		return History{}, fmt.Errorf("rules: history: %w: the period ends before it starts", store.ErrInvalid)
	}
	if _, err := s.store.ShopWithoutCredentials(ctx, shopID); err != nil {
		return History{}, fmt.Errorf("rules: %w", err)
	}
	perPage := q.PerPage
	if perPage <= 0 {
		perPage = DefaultPerPage
	}
	perPage = min(perPage, MaxPerPage)
	page := max(q.Page, 1)
	rows, err := s.store.MarginRuleChangesPage(ctx, shopID,
		store.MarginRuleChangeFilter{Actor: q.Actor, Action: string(q.Action), Rule: q.Rule, Since: q.Since, Until: q.Until},
		store.Page{Limit: perPage, Offset: (page - 1) * perPage, Sort: q.Sort, Desc: q.Desc})
	if err != nil {
		return History{}, fmt.Errorf("rules: history: %w", err)
	}
	h := History{Changes: make([]Change, len(rows.Items)), Total: int(rows.Total), Page: page, PerPage: perPage,
		Sort: rows.Page.Sort, Desc: rows.Page.Desc}
	for i, r := range rows.Items {
		h.Changes[i] = changeOf(r)
	}
	return h, nil
}

func joinActions() string {
	words := make([]string, len(Actions))
	for i, a := range Actions {
		words[i] = string(a)
	}
	return strings.Join(words, ", ")
}

// Change returns one entry of the shop's audit trail; an unknown one wraps store.ErrNotFound.
func (s *Service) Change(ctx context.Context, shopID, id int64) (Change, error) {
	c, err := s.store.MarginRuleChange(ctx, shopID, id)
	if err != nil {
		return Change{}, fmt.Errorf("rules: %w", err)
	}
	return changeOf(c), nil
}
