package main

import (
	"context"
	"log/slog"
	"testing"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/migrations"
)

// The Orders and Logs sections are built from the process's store, jobs client and storefronts,
// and left out without them.
func TestAdminOrdersAndLogsDeps(t *testing.T) {
	t.Parallel()
	logger := slog.New(slog.DiscardHandler)
	if d := (adminUIDeps{logger: logger}).orders(); d.Store != nil || d.Jobs != nil {
		t.Errorf("orders without a store: %+v", d)
	}
	if d := (adminUIDeps{logger: logger}).logs(); d.Store != nil {
		t.Errorf("logs without a store: %+v", d)
	}
	ctx := context.Background()
	st := storetest.New(t, migrations.SQLite, true)
	client, err := jobs.NewClient(st, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
		BaseURL: "https://iws.example/v1/", APIKey: "k", AccessKey: "a"})
	if err != nil {
		t.Fatal(err)
	}
	shop, err := st.SaveShop(ctx, store.Shop{Name: "M", Platform: store.PlatformMemory, IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
	if err != nil {
		t.Fatal(err)
	}
	d := adminUIDeps{cfg: Config{DatabaseURL: "sqlite::memory:"}, st: st, bg: &background{jobs: client}, logger: logger,
		storefronts: testApp.storefronts(Config{DatabaseURL: t.TempDir()}, st, logger)}
	deps := d.orders()
	if deps.Store != st || deps.Jobs == nil || deps.CancelIWS == nil || deps.Storefront == nil {
		t.Fatalf("orders deps %+v", deps)
	}
	if c, err := deps.CancelIWS(ctx, shop); err != nil || c == nil {
		t.Errorf("the shop's IWS client: %v, %v", c, err)
	}
	if sf, err := deps.Storefront(ctx, shop.ID); err != nil || sf == nil {
		t.Errorf("the shop's storefront: %v, %v", sf, err)
	}
	if _, err := deps.Storefront(ctx, 999); err == nil {
		t.Error("a storefront for an unknown shop")
	}
	if d.logs().Store != st {
		t.Error("logs deps without the store")
	}
}
