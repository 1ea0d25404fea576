package admin

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/syncjob"
)

func init() {
	run := syncRunOf(store.SyncRun{ID: 4, AccountID: 1, Kind: "all", Stages: []string{"catalog"}, Status: store.SyncFailed, StartedAt: dashEpoch,
		FinishedAt: &dashEpoch, Error: "boom", Stats: []store.SyncStageStats{{Stage: "catalog", Duration: time.Second, Error: "boom"}}})
	job := syncJobJSON{ID: 9, Kind: syncjob.KindPushListings, Feed: "push", ShopID: 2, State: "running", Stage: "listings", RunID: 4, Error: "x", CreatedAt: dashEpoch}
	pageSamples["sync"] = syncListPage{Query: syncQuery{Kind: "x", Errors: map[string]string{"kind": "bad", "from": "bad", "to": "bad", "sort": "bad", "status": "bad", "offset": "bad", "limit": "bad"}},
		Runs: store.PageOf[syncRunJSON]{Items: []syncRunJSON{run}, Total: 3, Page: store.Page{Offset: 1, Limit: 1}}, Kinds: syncKinds, Statuses: syncStatuses,
		Sorts: store.SyncRunSorts, CanStart: true, Accounts: []store.IWSAccount{{ID: 1, Name: "default"}, {ID: 2, Name: "other"}},
		Shops: []store.Shop{{ID: 2, Name: "S"}}, Jobs: []syncJobJSON{job, {ID: 8, Feed: "stock", AccountID: 1, State: "queued"}}}
	pageSamples["sync_run"] = syncRunDetail{syncRunJSON: run, Stage: "other", Calls: 2, FailedCalls: 1, LogsURL: "/logs?sync_run=4",
		RecentCalls: []store.APICall{{ID: 1, Method: "getcatalog", StatusCode: 500, Error: "x"}}}
	pageSamples["sync_job"] = syncJobPageData{Job: job, Shop: "S"}
}

// syncFixture is a UI with the sync pages on a seeded store and a job client without workers.
func syncFixture(t *testing.T, w *dashWorld, client *jobs.Client) *fixture {
	t.Helper()
	if client == nil {
		var err error
		if client, err = jobs.NewClient(w.st, jobs.Config{}); err != nil {
			t.Fatal(err)
		}
	}
	return dashFixture(t, w, func(c *UIConfig) { c.Sync = SyncDeps{Store: w.st, Jobs: client} })
}

var jobLocationRE = regexp.MustCompile(`^/sync/jobs/(\d+)$`)

func TestSyncRoutesByRole(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		w := seedDash(t, st, clock)
		client, err := jobs.NewClient(st, jobs.Config{})
		if err != nil {
			t.Fatal(err)
		}
		queued, err := syncjob.EnqueueManualSync(context.Background(), client, st, "stock", w.acct.ID)
		if err != nil {
			t.Fatal(err)
		}
		f := syncFixture(t, w, client)
		run, job := dashID(w.runs["all"].ID), dashID(queued.Job.ID)
		type want struct {
			status   int
			location string // "job" for /sync/jobs/N
		}
		tests := []struct {
			method, path string
			form         url.Values
			json         string
			want         [3]want
		}{
			{"GET", "/sync", nil, "", [3]want{{303, "/login?next=%2Fsync"}, {200, ""}, {200, ""}}},
			{"GET", "/sync/runs/" + run, nil, "", [3]want{{303, "/login?next=%2Fsync%2Fruns%2F" + run}, {200, ""}, {200, ""}}},
			{"GET", "/sync/jobs/" + job, nil, "", [3]want{{303, "/login?next=%2Fsync%2Fjobs%2F" + job}, {200, ""}, {200, ""}}},
			{"POST", "/sync/run", url.Values{"kind": {"catalog"}}, "", [3]want{{303, "/login"}, {403, ""}, {303, "job"}}},
			{"POST", "/sync/push", url.Values{"shop": {dashID(w.woo.ID)}}, "", [3]want{{303, "/login"}, {403, ""}, {303, "job"}}},
			{"GET", "/api/v1/sync/runs", nil, "", [3]want{{401, ""}, {200, ""}, {200, ""}}},
			{"GET", "/api/v1/sync/runs/" + run, nil, "", [3]want{{401, ""}, {200, ""}, {200, ""}}},
			{"GET", "/api/v1/sync/jobs", nil, "", [3]want{{401, ""}, {200, ""}, {200, ""}}},
			{"GET", "/api/v1/sync/jobs/" + job, nil, "", [3]want{{401, ""}, {200, ""}, {200, ""}}},
			{"POST", "/api/v1/sync/jobs", nil, `{"kind":"prices"}`, [3]want{{401, ""}, {403, ""}, {202, ""}}},
		}
		for _, tt := range tests {
			for who := anonymous; who <= admin; who++ {
				var resp *httptest.ResponseRecorder
				if tt.json != "" {
					resp = f.doJSON(t, who, tt.method, tt.path, tt.json)
				} else {
					resp = f.do(t, f.as(who, req{method: tt.method, path: tt.path, form: tt.form}))
				}
				want := tt.want[who]
				if resp.Code != want.status {
					t.Errorf("%s %s as %s: %d, want %d: %.300s", tt.method, tt.path, who, resp.Code, want.status, resp.Body)
					continue
				}
				loc := resp.Header().Get("Location")
				if (want.location == "job" && !jobLocationRE.MatchString(loc)) || (want.location != "job" && loc != want.location) {
					t.Errorf("%s %s as %s: Location %q, want %q", tt.method, tt.path, who, loc, want.location)
				}
				if strings.HasPrefix(tt.path, "/api/") && resp.Code >= 400 {
					checkAPIError(t, resp, map[int]string{401: "unauthorized", 403: "forbidden"}[resp.Code])
				}
			}
		}
		// Support changed nothing: only the admin's sync, push and prices were queued.
		live, err := client.List(context.Background(), jobs.ListFilter{Kinds: syncjob.ManualJobKinds})
		if err != nil || len(live) != 4 {
			t.Errorf("jobs = %d, %v; want the stock job and the admin's catalog, push and prices", len(live), err)
		}
	})
}

func TestSyncPageControlsByRole(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		w := seedDash(t, st, clock)
		f := syncFixture(t, w, nil)
		writes := []string{`action="/sync/run"`, `action="/sync/push"`, `id="sync-run-catalog"`, `id="sync-push-`}
		for _, lang := range []string{"en", "es"} {
			body := f.do(t, f.as(admin, req{method: "GET", path: "/sync", headers: map[string]string{"Accept-Language": lang}})).Body.String()
			for _, want := range append(writes, `id="sync-run-all"`, `id="sync-run-stock"`, `id="sync-run-prices"`, `id="sync-run-content"`,
				`id="sync-push-`+dashID(w.woo.ID)+`"`, `id="sync-push-`+dashID(w.memory.ID)+`"`, `id="sync-runs"`, `<label for="sync-kind">`) {
				if !strings.Contains(body, want) {
					t.Errorf("admin (%s): no %s", lang, want)
				}
			}
			if strings.Contains(body, "[[") || strings.Contains(body, "style=") {
				t.Errorf("admin (%s): %s", lang, body)
			}
			body = f.do(t, f.as(support, req{method: "GET", path: "/sync", headers: map[string]string{"Accept-Language": lang}})).Body.String()
			for _, bad := range writes {
				if strings.Contains(body, bad) {
					t.Errorf("support (%s) sees %s", lang, bad)
				}
			}
			if !strings.Contains(body, `id="sync-runs"`) {
				t.Errorf("support (%s) sees no runs", lang)
			}
		}
		// Without a job client there are no buttons, even for admins, and no routes that start one.
		f = dashFixture(t, w, func(c *UIConfig) { c.Sync = SyncDeps{Store: w.st} })
		body := f.do(t, f.as(admin, req{method: "GET", path: "/sync"})).Body.String()
		if strings.Contains(body, `action="/sync/run"`) {
			t.Error("buttons without a job client")
		}
		if resp := f.do(t, f.as(admin, req{method: "POST", path: "/sync/run", form: url.Values{"kind": {"all"}}})); resp.Code != 404 && resp.Code != 405 {
			t.Errorf("POST /sync/run without a job client: %d", resp.Code)
		}
	})
}

func TestSyncRunsListQuery(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		w := seedDash(t, st, clock)
		f := syncFixture(t, w, nil)
		all, stock, prices := w.runs["all"].ID, w.runs["stock"].ID, w.runs["prices"].ID
		tests := []struct {
			query string
			want  []int64
			total int64
		}{
			{"", []int64{prices, stock, all}, 3},
			{"kind=stock", []int64{stock}, 1},
			{"status=failed", []int64{stock}, 1},
			{"status=running", []int64{prices}, 1},
			{"sort=duration&dir=desc", []int64{all, stock, prices}, 3},
			{"sort=kind&dir=asc", []int64{all, prices, stock}, 3},
			{"sort=started&dir=asc&limit=1&offset=1", []int64{stock}, 3},
			{"from=2026-03-09", []int64{prices, stock}, 2},
			{"to=2026-03-08", []int64{all}, 1},
			{"from=2026-03-09&to=2026-03-09", []int64{stock}, 1},
		}
		for _, tt := range tests {
			resp := f.do(t, f.as(support, req{method: "GET", path: "/api/v1/sync/runs?" + tt.query}))
			var got apiSyncRunsResponse
			if err := json.Unmarshal(resp.Body.Bytes(), &got); err != nil || resp.Code != 200 {
				t.Fatalf("%s: %d %s", tt.query, resp.Code, resp.Body)
			}
			var ids []int64
			for _, r := range got.Items {
				ids = append(ids, r.ID)
			}
			if dashIDs(ids) != dashIDs(tt.want) || got.Total != tt.total {
				t.Errorf("%s: runs %v of %d, want %v of %d", tt.query, ids, got.Total, tt.want, tt.total)
			}
			page := f.do(t, f.as(support, req{method: "GET", path: "/sync?" + tt.query})).Body.String()
			for _, id := range tt.want {
				if !strings.Contains(page, `data-testid="sync-run-`+dashID(id)+`"`) {
					t.Errorf("%s: the page does not list run %d", tt.query, id)
				}
			}
		}

		// Pages link to their neighbours with the other parameters kept.
		page := f.do(t, f.as(admin, req{method: "GET", path: "/sync?kind=all&sort=started&dir=asc&limit=1"})).Body.String()
		if strings.Contains(page, `id="sync-next"`) || strings.Contains(page, `id="sync-prev"`) {
			t.Error("one run of kind all: no other page")
		}
		page = f.do(t, f.as(admin, req{method: "GET", path: "/sync?sort=started&dir=asc&limit=1&offset=1"})).Body.String()
		for _, want := range []string{`id="sync-prev" href="/sync?dir=asc&amp;limit=1&amp;sort=started"`,
			`id="sync-next" href="/sync?dir=asc&amp;limit=1&amp;offset=2&amp;sort=started"`, `aria-sort="ascending"`} {
			if !strings.Contains(page, want) {
				t.Errorf("page 2: no %s in %s", want, page)
			}
		}

		// A wrong field gets its message beside it, on the page and in the API.
		bad := []struct{ query, field, text string }{
			{"from=yesterday", "from", `&#34;yesterday&#34; is not a date such as 2026-03-01.`},
			{"to=2026-03-01&from=2026-03-05", "to", "The end comes before the start."},
			{"kind=everything", "kind", `&#34;everything&#34; is not a kind of sync`},
			{"status=odd", "status", `&#34;odd&#34; is not a status`},
			{"sort=size", "sort", `&#34;size&#34; is not a sort: use one of duration, fetched, kind, started, status.`},
		}
		for _, b := range bad {
			resp := f.do(t, f.as(admin, req{method: "GET", path: "/sync?" + b.query}))
			body := resp.Body.String()
			if resp.Code != 400 || !strings.Contains(body, `<p class="field-error" id="sync-`+b.field+`-error">`+b.text) ||
				!strings.Contains(body, `aria-describedby="sync-`+b.field+`-error"`) {
				t.Errorf("%s: %d, no message beside %s: %s", b.query, resp.Code, b.field, body)
			}
			resp = f.do(t, f.as(admin, req{method: "GET", path: "/api/v1/sync/runs?" + b.query}))
			if resp.Code != 400 {
				t.Errorf("API %s: %d", b.query, resp.Code)
			}
			checkAPIError(t, resp, "invalid")
		}
		es := f.do(t, f.as(admin, req{method: "GET", path: "/sync?from=ayer", headers: map[string]string{"Accept-Language": "es"}})).Body.String()
		if !strings.Contains(es, "no es una fecha como 2026-03-01") {
			t.Errorf("Spanish message: %s", es)
		}
	})
}

func dashIDs(ids []int64) string {
	s := make([]string, len(ids))
	for i, id := range ids {
		s[i] = dashID(id)
	}
	return strings.Join(s, ",")
}

func TestSyncRunDetail(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		w := seedDash(t, st, clock)
		f := syncFixture(t, w, nil)
		all := w.runs["all"]
		for _, lang := range []string{"en", "es"} {
			body := f.do(t, f.as(support, req{method: "GET", path: "/sync/runs/" + dashID(all.ID), headers: map[string]string{"Accept-Language": lang}})).Body.String()
			for _, want := range []string{`id="sync-progress"`, `data-state="finished"`, `data-testid="sync-stage-catalog"`,
				`data-testid="sync-stage-stock"`, `href="/logs?sync_run=` + dashID(all.ID) + `"`, `href="/logs/` + dashID(w.failed.ID) + `"`, "sync.js"} {
				if !strings.Contains(body, want) {
					t.Errorf("%s: no %s", lang, want)
				}
			}
			if strings.Contains(body, "[[") {
				t.Errorf("%s: missing translation: %s", lang, body)
			}
		}
		var got struct {
			ID          int64  `json:"id"`
			Kind        string `json:"kind"`
			Status      string `json:"status"`
			State       string `json:"state"`
			DurationMS  int64  `json:"duration_ms"`
			Calls       int64  `json:"calls"`
			FailedCalls int64  `json:"failed_calls"`
			LogsURL     string `json:"logs_url"`
			Stats       []struct {
				Stage      string `json:"stage"`
				DurationMS int64  `json:"duration_ms"`
			} `json:"stats"`
			Counts struct {
				Fetched int `json:"fetched"`
			} `json:"counts"`
		}
		resp := f.do(t, f.as(support, req{method: "GET", path: "/api/v1/sync/runs/" + dashID(all.ID)}))
		if err := json.Unmarshal(resp.Body.Bytes(), &got); err != nil {
			t.Fatal(err)
		}
		if got.ID != all.ID || got.Kind != "all" || got.State != "finished" || got.DurationMS != 240000 || got.Calls != 2 || got.FailedCalls != 1 ||
			len(got.Stats) != 3 || got.Stats[0].DurationMS != 120000 || got.Counts.Fetched != 120 || got.LogsURL != "/logs?sync_run="+dashID(all.ID) {
			t.Errorf("run = %+v", got)
		}
		body := f.do(t, f.as(support, req{method: "GET", path: "/sync/runs/" + dashID(w.runs["prices"].ID)})).Body.String()
		if !strings.Contains(body, `data-state="running" data-poll="/api/v1/sync/runs/`+dashID(w.runs["prices"].ID)+`"`) {
			t.Errorf("running run: %s", body)
		}
		for _, path := range []string{"/sync/runs/999", "/sync/runs/x", "/api/v1/sync/runs/999", "/sync/jobs/999", "/api/v1/sync/jobs/999"} {
			resp := f.do(t, f.as(support, req{method: "GET", path: path}))
			if resp.Code != 404 {
				t.Errorf("%s: %d", path, resp.Code)
			}
			if strings.HasPrefix(path, "/api/") {
				checkAPIError(t, resp, "not_found")
			}
		}
	})
}

// blockingSync is a sync_stock worker that starts a run, makes a call, says so, and waits to be
// released: the test reads the progress in between.
type blockingSync struct {
	st      *store.Store
	started chan int64 // the run's id
	release chan error // nil: succeed; else fail with it
}

func (b blockingSync) Work(ctx context.Context, job *jobs.Job[syncjob.SyncStock]) error {
	run, err := b.st.CreateSyncRun(ctx, job.Args.AccountID, "stock", []string{"stock"})
	if err != nil {
		return err
	}
	call := store.APICall{System: "iws", Method: "getinventory", StatusCode: 200, JobID: strconv.FormatInt(job.ID, 10),
		SyncRunID: strconv.FormatInt(run.ID, 10), AccountID: job.Args.AccountID}
	if err := b.st.InsertAPICall(ctx, &call); err != nil {
		return err
	}
	b.started <- run.ID
	if err := <-b.release; err != nil {
		_ = b.st.FinishSyncRun(ctx, run.ID, store.SyncFailed, store.SyncCounts{}, nil, err.Error())
		return jobs.Cancel(err)
	}
	return b.st.FinishSyncRun(ctx, run.ID, store.SyncSucceeded, store.SyncCounts{Fetched: 7, Updated: 2}, nil, "")
}

// TestSyncProgress: a sync started from the page shows its job's progress (queued, running with
// its stage and run, then finished or failed) on the job page and in the JSON the script polls.
func TestSyncProgress(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		w := seedDash(t, st, clock)
		ctx := context.Background()
		worker := blockingSync{st: st, started: make(chan int64), release: make(chan error)}
		ws := jobs.NewWorkers()
		jobs.AddWorker(ws, worker)
		client, err := jobs.NewClient(st, jobs.Config{Workers: ws})
		if err != nil {
			t.Fatal(err)
		}
		f := syncFixture(t, w, client)
		progress := func(id string) syncJobJSON {
			t.Helper()
			resp := f.do(t, f.as(support, req{method: "GET", path: "/api/v1/sync/jobs/" + id}))
			var j syncJobJSON
			if err := json.Unmarshal(resp.Body.Bytes(), &j); err != nil || resp.Code != 200 {
				t.Fatalf("progress: %d %s", resp.Code, resp.Body)
			}
			return j
		}
		for _, outcome := range []error{nil, errors.New("IWS said 900")} {
			resp := f.do(t, f.as(admin, req{method: "POST", path: "/sync/run", form: url.Values{"kind": {"stock"}, "account": {dashID(w.acct.ID)}}}))
			m := jobLocationRE.FindStringSubmatch(resp.Header().Get("Location"))
			if resp.Code != 303 || m == nil {
				t.Fatalf("POST /sync/run: %d %v", resp.Code, resp.Header())
			}
			id := m[1]
			if j := progress(id); j.State != "queued" || j.Feed != "stock" || j.AccountID != w.acct.ID || j.Kind != syncjob.KindSyncStock {
				t.Errorf("queued job = %+v", j)
			}
			page := f.do(t, f.as(admin, req{method: "GET", path: resp.Header().Get("Location"), cookies: resp.Result().Cookies()})).Body.String()
			for _, want := range []string{`id="sync-progress"`, `data-state="queued"`, `data-poll="/api/v1/sync/jobs/` + id + `"`,
				"The sync is queued", "sync.js"} {
				if !strings.Contains(page, want) {
					t.Errorf("job page: no %s", want)
				}
			}

			drained := make(chan error, 1)
			go func() {
				_, err := client.Drain(ctx)
				drained <- err
			}()
			runID := <-worker.started
			j := progress(id)
			if j.State != "running" || j.JobState != "running" || j.Stage != "stock" || j.Calls != 1 || j.RunID != runID {
				t.Errorf("running job = %+v (run %d)", j, runID)
			}
			if page := f.do(t, f.as(support, req{method: "GET", path: "/sync/jobs/" + id})).Body.String(); !strings.Contains(page, `data-state="running"`) ||
				!strings.Contains(page, `href="/sync/runs/`+dashID(runID)+`"`) {
				t.Errorf("running job page: %s", page)
			}
			worker.release <- outcome
			if err := <-drained; err != nil {
				t.Fatal(err)
			}
			j = progress(id)
			switch outcome {
			case nil:
				if j.State != "finished" || j.Stage != "" || j.Counts.Fetched != 7 || j.RunID != runID {
					t.Errorf("finished job = %+v", j)
				}
			default:
				if j.State != "failed" || !strings.Contains(j.Error, "IWS said 900") {
					t.Errorf("failed job = %+v", j)
				}
			}
			page = f.do(t, f.as(support, req{method: "GET", path: "/sync/jobs/" + id})).Body.String()
			if !strings.Contains(page, `data-state="`+j.State+`"`) {
				t.Errorf("job page after: %s", page)
			}
		}
	})
}

// TestSyncStartAPI: the API queues syncs and pushes, says when the sync was already waiting, and
// refuses what cannot run with the core's message.
func TestSyncStartAPI(t *testing.T) {
	t.Parallel()
	eachDialect(t, func(t *testing.T, st *store.Store, clock *fakeClock) {
		w := seedDash(t, st, clock)
		f := syncFixture(t, w, nil)
		resp := f.doJSON(t, admin, "POST", "/api/v1/sync/jobs", `{"kind":"all","account_id":`+dashID(w.acct.ID)+`}`)
		var first syncJobJSON
		if err := json.Unmarshal(resp.Body.Bytes(), &first); err != nil || resp.Code != 202 || first.Feed != "all" || first.State != "queued" || first.Duplicate {
			t.Fatalf("first: %d %s", resp.Code, resp.Body)
		}
		resp = f.doJSON(t, admin, "POST", "/api/v1/sync/jobs", `{"kind":"all"}`)
		var again syncJobJSON
		if err := json.Unmarshal(resp.Body.Bytes(), &again); err != nil || resp.Code != 202 || again.ID != first.ID || !again.Duplicate {
			t.Errorf("again: %d %s", resp.Code, resp.Body)
		}
		resp = f.doJSON(t, admin, "POST", "/api/v1/sync/jobs", `{"kind":"push","shop_id":`+dashID(w.woo.ID)+`}`)
		var push syncJobJSON
		if err := json.Unmarshal(resp.Body.Bytes(), &push); err != nil || resp.Code != 202 || push.Feed != "push" || push.ShopID != w.woo.ID {
			t.Errorf("push: %d %s", resp.Code, resp.Body)
		}
		resp = f.do(t, f.as(support, req{method: "GET", path: "/api/v1/sync/jobs"}))
		var live struct {
			Items []syncJobJSON `json:"items"`
		}
		if err := json.Unmarshal(resp.Body.Bytes(), &live); err != nil || len(live.Items) != 2 || live.Items[0].ID != push.ID {
			t.Errorf("live jobs: %s", resp.Body)
		}
		refusals := []struct {
			body   string
			status int
			code   string
			text   string
		}{
			{`{"kind":"everything"}`, 400, "invalid", `sync: unknown kind \"everything\"`},
			{`{"kind":"push"}`, 400, "invalid", "shop_id"},
			{`{"kind":"push","shop_id":999}`, 404, "not_found", ""},
			{`{"kind":"stock","account_id":999}`, 404, "not_found", ""},
			{`not json`, 400, "invalid", "JSON"},
		}
		for _, r := range refusals {
			resp := f.doJSON(t, admin, "POST", "/api/v1/sync/jobs", r.body)
			if resp.Code != r.status || !strings.Contains(resp.Body.String(), r.text) {
				t.Errorf("%s: %d %s", r.body, resp.Code, resp.Body)
			}
			checkAPIError(t, resp, r.code)
		}
		// An uninstalled shop is refused on the page with a message, and in the API.
		if err := st.DisconnectShop(context.Background(), w.woo.ID); err != nil {
			t.Fatal(err)
		}
		resp = f.do(t, f.as(admin, req{method: "POST", path: "/sync/push", form: url.Values{"shop": {dashID(w.woo.ID)}}}))
		if resp.Code != 303 || resp.Header().Get("Location") != "/sync" || !strings.Contains(cookie(resp, flashCookie).Value, "sync.flash.shop_disconnected") {
			t.Errorf("push of an uninstalled shop: %d %v", resp.Code, resp.Header())
		}
		resp = f.doJSON(t, admin, "POST", "/api/v1/sync/jobs", `{"kind":"push","shop_id":`+dashID(w.woo.ID)+`}`)
		if resp.Code != 400 || !strings.Contains(resp.Body.String(), "uninstalled") {
			t.Errorf("API push of an uninstalled shop: %d %s", resp.Code, resp.Body)
		}
		resp = f.do(t, f.as(admin, req{method: "POST", path: "/sync/run", form: url.Values{"kind": {"everything"}}}))
		if resp.Code != 400 || !strings.Contains(resp.Body.String(), "Unknown kind") {
			t.Errorf("page, bad kind: %d %s", resp.Code, resp.Body)
		}
		_ = http.StatusOK
	})
}
