package main

import (
	"github.com/intcomex-connector/connector/admin"
	"github.com/intcomex-connector/connector/connector/shops"
)

// shops builds the services of the web UI's Shops section: the shop setup `connector shop add`
// and `shop webhooks` use, the install flows `serve` mounts (nil without CONNECTOR_PUBLIC_URL)
// and the job client that places the orders a resume releases. Without a job client (no
// background) the section is not mounted.
func (d adminUIDeps) shops() admin.ShopsDeps {
	if d.st == nil || d.bg == nil || d.bg.jobs == nil {
		return admin.ShopsDeps{}
	}
	setup := d.shopSetup()
	return admin.ShopsDeps{Store: d.st, Setup: setup, Install: newInstall(d.cfg, setup, d.logger.With("component", "install")), Jobs: d.bg.jobs}
}

// shopSetup is the shop setup of the web UI's pages: the one `connector shop add` and `shop
// webhooks` use, with the demo's own address for the webhooks.
func (d adminUIDeps) shopSetup() shops.Setup {
	setup := shopSetup(d.cfg, d.st, d.storefronts, d.logger.With("component", "admin"))
	if d.webhookBase != "" {
		setup.PublicURL = d.webhookBase // the webhook check and repair use the demo's address
	}
	return setup
}
