package main

import (
	"fmt"
	"log/slog"
	"net/url"
	"strings"

	"github.com/intcomex-connector/connector/admin"
)

// newAdminUI builds the management web UI on accounts (the users service), or returns nil when
// accounts is nil: the router then serves no UI. Cookies are Secure when the public URL is
// https, and the public URL's origin may post to the UI even through a proxy that rewrites Host.
func newAdminUI(cfg Config, accounts admin.Accounts, logger *slog.Logger) (*admin.UI, error) {
	if accounts == nil {
		return nil, nil
	}
	uiCfg := admin.UIConfig{Accounts: accounts, Logger: logger.With("component", "admin"),
		Secure: strings.HasPrefix(cfg.PublicURL, "https://")}
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
