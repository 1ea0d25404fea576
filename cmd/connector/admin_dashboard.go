package main

import "github.com/intcomex-connector/connector/admin"

// dashboard builds the services of the web UI's Dashboard section: the store, and the live
// webhook check of the Shops section (the same shop setup).
func (d adminUIDeps) dashboard() admin.DashboardDeps {
	deps := admin.DashboardDeps{Store: d.st}
	if d.st == nil {
		return deps
	}
	// Without a public address there is no webhook URL to check against: the dashboard then
	// flags shops by their last delivery only.
	if setup := d.shopSetup(); setup.PublicURL != "" {
		deps.Webhooks = setup.CheckWebhookHealth
	}
	return deps
}
