package admin

import (
	"context"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/audit"
	"github.com/intcomex-connector/connector/connector/store"
)

// The sync runs list's choices.
var (
	syncKinds    = []string{"catalog", "prices", "stock", "content", "all"}
	syncStatuses = []string{store.SyncRunning, store.SyncSucceeded, store.SyncFailed}
)

const (
	syncPageSize    = 25
	syncMaxPageSize = 100
)

// syncQuery is the sync runs list's query: filters, order and page, as the request gave them,
// with a message beside each field that is wrong (translated).
type syncQuery struct {
	Kind, Status, From, To, Sort, Dir string
	Offset, Limit                     int
	Errors                            map[string]string
}

// syncQueryOf reads the list's query parameters. A wrong one gets its message in Errors and is
// left out of the filter.
func (u *UI) syncQueryOf(c *gin.Context) (syncQuery, store.SyncRunFilter, store.Page) {
	q := syncQuery{Kind: c.Query("kind"), Status: c.Query("status"), From: strings.TrimSpace(c.Query("from")),
		To: strings.TrimSpace(c.Query("to")), Sort: c.Query("sort"), Dir: c.Query("dir"), Limit: syncPageSize, Errors: map[string]string{}}
	var f store.SyncRunFilter
	l := u.listParamsOf(c, q.Errors)
	if l.choice("kind", q.Kind, syncKinds, "sync.error.kind", q.Kind) {
		f.Kind = q.Kind
	}
	if l.choice("status", q.Status, syncStatuses, "sync.error.status", q.Status) {
		f.Status = q.Status
	}
	f.Since = l.day("from", q.From, false, "sync.error.date")
	f.Until = l.day("to", q.To, true, "sync.error.date") // "to" is the last day shown: runs before the next
	l.dayRange("to", f.Since, &f.Until, "sync.error.range")
	p := store.Page{Limit: syncPageSize}
	if q.Sort != "" && l.choice("sort", q.Sort, store.SyncRunSorts, "sync.error.sort", q.Sort, strings.Join(store.SyncRunSorts, ", ")) {
		p.Sort = q.Sort
		p.Desc = q.Dir != "asc"
	}
	p.Offset, p.Limit = l.paging(c.Query("offset"), c.Query("limit"), syncPageSize, syncMaxPageSize, "sync.error.offset", "sync.error.limit")
	q.Offset, q.Limit = p.Offset, p.Limit
	return q, f, p
}

// URL is the list's address with the query, changed by the name/value pairs in set ("" drops
// a parameter): links keep every other parameter.
func (q syncQuery) URL(set ...string) string {
	v := listValues("kind", q.Kind, "status", q.Status, "from", q.From, "to", q.To, "sort", q.Sort, "dir", q.Dir)
	listPaging(v, q.Offset, q.Limit, syncPageSize)
	listSet(v, set...)
	if len(v) == 0 {
		return "/sync"
	}
	return "/sync?" + v.Encode()
}

// SortURL is the address that sorts by key: descending first, ascending when already
// descending by it; the page goes back to the first.
func (q syncQuery) SortURL(key string) string {
	dir := "desc"
	if q.Sort == key && q.Dir != "asc" {
		dir = "asc"
	}
	return q.URL("sort", key, "dir", dir, "offset", "")
}

// SortState is the aria-sort value of a column: ascending, descending or none.
func (q syncQuery) SortState(key string) string {
	sort := q.Sort
	if sort == "" {
		sort = "started"
	}
	switch {
	case sort != key:
		return "none"
	case q.Sort != "" && q.Dir == "asc":
		return "ascending"
	}
	return "descending"
}

// syncRunJSON is a sync run as the API and the progress script read it.
type syncRunJSON struct {
	ID         int64            `json:"id"`
	AccountID  int64            `json:"account_id"`
	Kind       string           `json:"kind"`
	Stages     []string         `json:"stages"`
	Status     string           `json:"status"` // running, succeeded, failed
	State      string           `json:"state"`  // the progress element's: running, finished, failed
	StartedAt  time.Time        `json:"started_at"`
	FinishedAt *time.Time       `json:"finished_at"`
	DurationMS int64            `json:"duration_ms"`
	Counts     store.SyncCounts `json:"counts"`
	Stats      []syncStageJSON  `json:"stats"`
	Error      string           `json:"error,omitempty"`
}

type syncStageJSON struct {
	Stage      string           `json:"stage"`
	Counts     store.SyncCounts `json:"counts"`
	DurationMS int64            `json:"duration_ms"`
	Error      string           `json:"error,omitempty"`
}

// Took is the run's duration as people read it ("" while it runs).
func (r syncRunJSON) Took() string {
	if r.FinishedAt == nil {
		return ""
	}
	return dashDuration(time.Duration(r.DurationMS) * time.Millisecond)
}

// Started is when the run started (templates).
func (r syncRunJSON) Started() string { return dashTime(r.StartedAt) }

// Took is the stage's duration as people read it.
func (s syncStageJSON) Took() string {
	return dashDuration(time.Duration(s.DurationMS) * time.Millisecond)
}

func syncRunOf(r store.SyncRun) syncRunJSON {
	out := syncRunJSON{ID: r.ID, AccountID: r.AccountID, Kind: r.Kind, Stages: r.Stages, Status: r.Status,
		State: syncRunState(r.Status), StartedAt: r.StartedAt, FinishedAt: r.FinishedAt, DurationMS: r.Duration().Milliseconds(),
		Counts: r.Counts, Stats: []syncStageJSON{}, Error: r.Error}
	if out.Stages == nil {
		out.Stages = []string{}
	}
	for _, s := range r.Stats {
		out.Stats = append(out.Stats, syncStageJSON{Stage: s.Stage, Counts: s.Counts, DurationMS: s.Duration.Milliseconds(), Error: s.Error})
	}
	return out
}

// syncRunState maps a run's status to the progress element's state.
func syncRunState(status string) string {
	switch status {
	case store.SyncSucceeded:
		return "finished"
	case store.SyncFailed:
		return "failed"
	}
	return "running"
}

// syncStageOf names the stage a call belongs to: the IWS feed it reads, or "listings" for a
// storefront's push.
func syncStageOf(c store.APICall) string {
	if c.System != audit.SystemIWS {
		return "listings"
	}
	switch strings.ToLower(c.Method) {
	case "getcatalog":
		return "catalog"
	case "getpricelist":
		return "prices"
	case "getinventory":
		return "stock"
	case "downloadextendedcatalog":
		return "content"
	}
	return "other"
}

// syncProgress is what the API call log says of a run or a job so far.
type syncProgress struct {
	Stage       string // of the newest call; "" without calls
	Calls       int64
	FailedCalls int64
}

func (u *UI) syncProgressOf(ctx context.Context, f store.APICallFilter) (syncProgress, error) {
	st := u.cfg.Sync.Store
	n, err := st.CountAPICalls(ctx, f)
	if err != nil {
		return syncProgress{}, err
	}
	p := syncProgress{Calls: n.Calls, FailedCalls: n.Failed}
	if n.Calls > 0 {
		f.Limit, f.OmitBodies = 1, true
		last, err := st.ListAPICalls(ctx, f)
		if err != nil {
			return syncProgress{}, err
		}
		if len(last) > 0 {
			p.Stage = syncStageOf(last[0])
		}
	}
	return p, nil
}

// syncListPage is the sync page's data.
type syncListPage struct {
	Query    syncQuery
	Runs     store.PageOf[syncRunJSON]
	Kinds    []string
	Statuses []string
	Sorts    []string
	// The buttons (admins, with the job client): the IWS accounts, the connected shops, the
	// jobs waiting or running.
	CanStart bool
	Accounts []store.IWSAccount
	Shops    []store.Shop
	Jobs     []syncJobJSON
}

// PrevURL and NextURL are the neighbouring pages ("" when there is none).
func (p syncListPage) PrevURL() string {
	if !p.Runs.HasPrev() {
		return ""
	}
	prev := ""
	if off := p.Runs.Page.Offset - p.Runs.Page.Limit; off > 0 {
		prev = strconv.Itoa(off)
	}
	return p.Query.URL("offset", prev)
}

func (p syncListPage) NextURL() string {
	if !p.Runs.HasNext() {
		return ""
	}
	return p.Query.URL("offset", strconv.Itoa(p.Runs.Page.Offset+p.Runs.Page.Limit))
}

// First and Last are the 1-based positions of the page's rows.
func (p syncListPage) First() int { return p.Runs.Page.Offset + 1 }
func (p syncListPage) Last() int  { return p.Runs.Page.Offset + len(p.Runs.Items) }

// syncRuns reads the page of runs the query asks for; a wrong query reads the first page of every run.
func (u *UI) syncRuns(ctx context.Context, f store.SyncRunFilter, p store.Page) (store.PageOf[syncRunJSON], error) {
	runs, err := u.cfg.Sync.Store.ListSyncRunsPage(ctx, f, p)
	if err != nil {
		return store.PageOf[syncRunJSON]{}, err
	}
	out := store.PageOf[syncRunJSON]{Total: runs.Total, Page: runs.Page, Items: make([]syncRunJSON, len(runs.Items))}
	for i, r := range runs.Items {
		out.Items[i] = syncRunOf(r)
	}
	return out, nil
}

// syncPage is GET /sync: the runs (filtered, sorted, paged on the server) and, for admins, the
// buttons that queue a sync of each feed or a push of each shop.
func (u *UI) syncPage(c *gin.Context) {
	ctx := c.Request.Context()
	q, f, p := u.syncQueryOf(c)
	status := http.StatusOK
	if len(q.Errors) > 0 {
		status = http.StatusBadRequest
	}
	runs, err := u.syncRuns(ctx, f, p)
	if err != nil {
		u.log.ErrorContext(ctx, "admin: sync runs", "err", err)
		u.errorPage(c, http.StatusInternalServerError, "error.internal")
		return
	}
	data := syncListPage{Query: q, Runs: runs, Kinds: syncKinds, Statuses: syncStatuses, Sorts: store.SyncRunSorts}
	user, _ := CurrentUser(c)
	if u.cfg.Sync.Jobs != nil && user.Role.CanWrite() {
		if err := u.syncStartData(ctx, &data); err != nil {
			u.log.ErrorContext(ctx, "admin: sync page", "err", err)
			u.errorPage(c, http.StatusInternalServerError, "error.internal")
			return
		}
	}
	u.render(c, status, "sync", data)
}

// syncStartData fills what the buttons need: accounts, connected shops, live jobs.
func (u *UI) syncStartData(ctx context.Context, data *syncListPage) error {
	st := u.cfg.Sync.Store
	accts, err := st.ListIWSAccounts(ctx)
	if err != nil {
		return err
	}
	shops, err := st.ListShops(ctx)
	if err != nil {
		return err
	}
	data.CanStart, data.Accounts = true, accts
	for _, s := range shops {
		if !s.Disconnected() {
			data.Shops = append(data.Shops, s)
		}
	}
	data.Jobs, err = u.syncLiveJobs(ctx)
	return err
}

// apiSyncRunsResponse is GET /api/v1/sync/runs's answer.
type apiSyncRunsResponse struct {
	Items  []syncRunJSON `json:"items"`
	Total  int64         `json:"total"`
	Offset int           `json:"offset"`
	Limit  int           `json:"limit"`
	Sort   string        `json:"sort"`
	Desc   bool          `json:"desc"`
}

// apiSyncRuns is GET /api/v1/sync/runs: the runs, with the page's filters and order
// (kind, status, from, to, sort, dir, offset, limit).
func (u *UI) apiSyncRuns(c *gin.Context) {
	q, f, p := u.syncQueryOf(c)
	for _, name := range []string{"kind", "status", "from", "to", "sort", "offset", "limit"} {
		if msg, bad := q.Errors[name]; bad {
			u.apiErrorText(c, http.StatusBadRequest, CodeInvalid, name+": "+msg)
			return
		}
	}
	runs, err := u.syncRuns(c.Request.Context(), f, p)
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	c.JSON(http.StatusOK, apiSyncRunsResponse{Items: runs.Items, Total: runs.Total, Offset: runs.Page.Offset,
		Limit: runs.Page.Limit, Sort: runs.Page.Sort, Desc: runs.Page.Desc})
}

// syncRunDetail is a run with what its API calls say.
type syncRunDetail struct {
	syncRunJSON
	Stage       string `json:"stage"` // while it runs: the stage of its newest call
	Calls       int64  `json:"calls"`
	FailedCalls int64  `json:"failed_calls"`
	LogsURL     string `json:"logs_url"`
	// RecentCalls are the run's newest calls (page only).
	RecentCalls []store.APICall `json:"-"`
}

// syncRunCalls is how many of a run's newest calls its page lists.
const syncRunCalls = 10

func (u *UI) syncRunDetail(c *gin.Context, page bool) (syncRunDetail, bool) {
	ctx := c.Request.Context()
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		u.fail(c, http.StatusNotFound, CodeNotFound, "error.not_found")
		return syncRunDetail{}, false
	}
	run, err := u.cfg.Sync.Store.SyncRun(ctx, id)
	if err == nil {
		d := syncRunDetail{syncRunJSON: syncRunOf(run), LogsURL: "/logs?sync_run=" + strconv.FormatInt(id, 10)}
		filter := store.APICallFilter{SyncRunID: strconv.FormatInt(id, 10)}
		var p syncProgress
		if p, err = u.syncProgressOf(ctx, filter); err == nil {
			d.Calls, d.FailedCalls = p.Calls, p.FailedCalls
			if run.Status == store.SyncRunning {
				d.Stage = p.Stage
			}
			if page {
				filter.Limit, filter.OmitBodies = syncRunCalls, true
				d.RecentCalls, err = u.cfg.Sync.Store.ListAPICalls(ctx, filter)
			}
		}
		if err == nil {
			return d, true
		}
	}
	switch {
	case errors.Is(err, store.ErrNotFound):
		u.fail(c, http.StatusNotFound, CodeNotFound, "error.not_found")
	case page:
		u.log.ErrorContext(ctx, "admin: sync run", "run", id, "err", err)
		u.errorPage(c, http.StatusInternalServerError, "error.internal")
	default:
		u.apiFailure(c, err)
	}
	return syncRunDetail{}, false
}

// syncRunPage is GET /sync/runs/:id: a run's stages, counts and durations, its API calls, and
// its progress while it runs.
func (u *UI) syncRunPage(c *gin.Context) {
	if d, ok := u.syncRunDetail(c, true); ok {
		u.render(c, http.StatusOK, "sync_run", d)
	}
}

// apiSyncRun is GET /api/v1/sync/runs/:id: a run, its stage while it runs and its calls.
func (u *UI) apiSyncRun(c *gin.Context) {
	if d, ok := u.syncRunDetail(c, false); ok {
		c.JSON(http.StatusOK, d)
	}
}

// CallWhen is when a call was made (templates).
func (d syncRunDetail) CallWhen(c store.APICall) string { return dashTime(c.CreatedAt) }
