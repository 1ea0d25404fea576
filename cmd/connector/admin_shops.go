package main

import "github.com/intcomex-connector/connector/admin"

// shops builds the services of the web UI's Shops section: the shop setup `connector shop add`
// and `shop webhooks` use, the install flows `serve` mounts (nil without CONNECTOR_PUBLIC_URL)
// and the job client that places the orders a resume releases. Without a job client (no
// background) the section is not mounted.
func (d adminUIDeps) shops() admin.ShopsDeps {
	if d.st == nil || d.bg == nil || d.bg.jobs == nil {
		return admin.ShopsDeps{}
	}
	logger := d.logger.With("component", "admin")
	setup := shopSetup(d.cfg, d.st, d.storefronts, logger)
	if d.webhookBase != "" {
		setup.PublicURL = d.webhookBase // the webhook check and repair use the demo's address
	}
	return admin.ShopsDeps{Store: d.st, Setup: setup, Install: newInstall(d.cfg, setup, d.logger.With("component", "install")), Jobs: d.bg.jobs}
}
