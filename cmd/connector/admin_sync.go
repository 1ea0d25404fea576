package main

import "github.com/intcomex-connector/connector/admin"

// sync builds the services of the web UI's Sync section.
func (d adminUIDeps) sync() admin.SyncDeps {
	return admin.SyncDeps{}
}
