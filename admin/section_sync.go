package admin

import (
	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/store"
)

// SyncDeps are the services of the sync pages (/sync); main fills them.
type SyncDeps struct {
	// Store reads the sync runs, the IWS accounts and shops, and the API calls of a run.
	Store *store.Store
	// Jobs queues the sync and push jobs (the same jobs the scheduler queues; the job workers run
	// them, never the HTTP request) and reads their state. Nil shows the runs without the
	// buttons that start one.
	Jobs *jobs.Client
}

// mountSync registers the sync pages (/sync) when its services are set.
func (u *UI) mountSync(rt Routes) {
	if u.cfg.Sync.Store == nil {
		return
	}
	rt.Pages.GET("/sync", u.syncPage)
	rt.Pages.GET("/sync/runs/:id", u.syncRunPage)
	rt.API.GET("/sync/runs", u.apiSyncRuns)
	rt.API.GET("/sync/runs/:id", u.apiSyncRun)
	if u.cfg.Sync.Jobs == nil {
		return
	}
	rt.Pages.POST("/sync/run", u.syncRunNow)
	rt.Pages.POST("/sync/push", u.syncPushNow)
	rt.Pages.GET("/sync/jobs/:id", u.syncJobPage)
	rt.API.GET("/sync/jobs", u.apiSyncJobs)
	rt.API.POST("/sync/jobs", u.apiSyncStart)
	rt.API.GET("/sync/jobs/:id", u.apiSyncJob)
}
