package main

import (
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/intcomex-connector/connector/admin"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
)

// adminUIDeps are what the management web UI is built from: serve and demo fill them. A nil
// store or background leaves the sections that need them unmounted.
type adminUIDeps struct {
	cfg         Config
	accounts    admin.Accounts // the users service
	st          *store.Store
	bg          *background // the job client, the sync runner, the order pipeline
	storefronts *shops.Storefronts
	logger      *slog.Logger
	// webhookBase, when set, is the base of the shops' webhook URLs instead of
	// CONNECTOR_PUBLIC_URL: the demo's own address, where it registered its shops' webhooks.
	webhookBase string
}

// newAdminUI builds the management web UI on d.accounts (the users service), or returns nil
// when it is nil: the router then serves no UI. Cookies are Secure when the public URL is https,
// and the public URL's origin may post to the UI even through a proxy that rewrites Host. Each
// section's services are built by its own function (admin_SECTION.go).
func newAdminUI(d adminUIDeps) (*admin.UI, error) {
	cfg, accounts, logger := d.cfg, d.accounts, d.logger
	if accounts == nil {
		return nil, nil
	}
	uiCfg := admin.UIConfig{Accounts: accounts, Logger: logger.With("component", "admin"),
		Secure:    strings.HasPrefix(cfg.PublicURL, "https://"),
		Dashboard: d.dashboard(), Shops: d.shops(), Rules: d.rules(), Products: d.products(), Orders: d.orders(),
		Logs: d.logs(), Sync: d.sync(), IWS: d.iws(), Reports: d.reports(), Users: d.users()}
	if cfg.PublicURL != "" {
		u, err := url.Parse(cfg.PublicURL)
		if err != nil {
			return nil, fmt.Errorf("admin UI: public URL: %w", err)
		}
		uiCfg.TrustedOrigins = []string{u.Scheme + "://" + u.Host}
	}
	ui, err := admin.NewUI(uiCfg)
	if err != nil {
		return nil, fmt.Errorf("admin UI: %w", err)
	}
	return ui, nil
}
