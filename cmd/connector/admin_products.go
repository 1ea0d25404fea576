package main

import (
	"context"

	"github.com/intcomex-connector/connector/admin"
	"github.com/intcomex-connector/connector/connector/syncjob"
)

// products builds the services of the web UI's Products section: the store, and "push now"
// queueing a repush_listing job on the background's job client (none without one).
func (d adminUIDeps) products() admin.ProductsDeps {
	if d.st == nil {
		return admin.ProductsDeps{}
	}
	deps := admin.ProductsDeps{Store: d.st}
	if d.bg != nil && d.bg.jobs != nil {
		client := d.bg.jobs
		deps.Repush = func(ctx context.Context, shopID int64, sku string) (int64, error) {
			job, err := syncjob.EnqueueRepush(ctx, client, shopID, sku)
			if err != nil {
				return 0, err
			}
			return job.ID, nil
		}
	}
	return deps
}
