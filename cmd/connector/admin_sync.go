package main

import "github.com/intcomex-connector/connector/admin"

// sync builds the services of the web UI's Sync section: the store, and the job client of the
// background work (its buttons queue the scheduler's jobs, which serve's workers run).
func (d adminUIDeps) sync() admin.SyncDeps {
	deps := admin.SyncDeps{Store: d.st}
	if d.bg != nil {
		deps.Jobs = d.bg.jobs
	}
	return deps
}
