package migrations_test

import (
	"context"
	"database/sql"
	"io/fs"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/pressly/goose/v3"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/migrations"
)

func TestDialectsInStep(t *testing.T) {
	names := map[migrations.Dialect][]string{}
	for _, d := range []migrations.Dialect{migrations.SQLite, migrations.MySQL} {
		fsys, err := migrations.FS(d)
		if err != nil {
			t.Fatal(err)
		}
		files, err := fs.Glob(fsys, "*.sql")
		if err != nil {
			t.Fatal(err)
		}
		if len(files) == 0 {
			t.Fatalf("%s has no migrations", d)
		}
		for _, f := range files {
			b, err := fs.ReadFile(fsys, f)
			if err != nil {
				t.Fatal(err)
			}
			s := string(b)
			if !strings.Contains(s, "-- +goose Up") || !strings.Contains(s, "-- +goose Down") {
				t.Errorf("%s/%s lacks a goose Up or Down section", d, f)
			}
			if d == migrations.MySQL && strings.Contains(s, "CREATE TABLE") && !strings.Contains(s, "utf8mb4") {
				t.Errorf("%s/%s creates a table without utf8mb4", d, f)
			}
		}
		names[d] = files
	}
	if !slices.Equal(names[migrations.SQLite], names[migrations.MySQL]) {
		t.Fatalf("migration files differ between dialects:\nsqlite: %v\nmysql:  %v", names[migrations.SQLite], names[migrations.MySQL])
	}
}

func TestParseDialect(t *testing.T) {
	for _, s := range []string{"sqlite", "mysql"} {
		if d, err := migrations.ParseDialect(s); err != nil || string(d) != s {
			t.Errorf("ParseDialect(%q) = %q, %v", s, d, err)
		}
	}
	if _, err := migrations.ParseDialect("postgres"); err == nil {
		t.Error("ParseDialect(postgres) succeeded")
	}
	if _, err := migrations.FS("postgres"); err == nil {
		t.Error("FS(postgres) succeeded")
	}
}

func TestUpStatusPendingDown(t *testing.T) {
	storetest.EachEmpty(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		db, d := st.DB(), st.Dialect()

		total, err := migrations.Pending(ctx, db, d)
		if err != nil {
			t.Fatal(err)
		}
		if total == 0 {
			t.Fatal("fresh database has no pending migrations")
		}
		// Pending and Status only read: no version table appears.
		if _, err := migrations.Status(ctx, db, d); err != nil {
			t.Fatal(err)
		}
		q := "SELECT COUNT(*) FROM sqlite_master WHERE name = 'goose_db_version'"
		if d == migrations.MySQL {
			q = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = 'goose_db_version'"
		}
		var tables int
		if err := db.QueryRowContext(ctx, q).Scan(&tables); err != nil || tables != 0 {
			t.Fatalf("version table after Status: %d, %v", tables, err)
		}
		if err := migrations.Up(ctx, db, d, nil); err != nil {
			t.Fatal(err)
		}
		if n, err := migrations.Pending(ctx, db, d); err != nil || n != 0 {
			t.Fatalf("Pending after Up = %d, %v", n, err)
		}
		status, err := migrations.Status(ctx, db, d)
		if err != nil {
			t.Fatal(err)
		}
		if len(status) != total {
			t.Fatalf("Status has %d rows, want %d", len(status), total)
		}
		for _, m := range status {
			if !m.Applied || m.AppliedAt.IsZero() || m.Version == 0 || !strings.HasSuffix(m.Name, ".sql") {
				t.Errorf("status row %+v", m)
			}
		}
		for _, table := range []string{"iws_accounts", "api_calls", "users", "user_sessions", "api_tokens"} {
			var n int
			if err := db.QueryRowContext(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
				t.Errorf("table %s: %v", table, err)
			}
		}

		// Every Down section works and Up can run again after it.
		p := gooseProvider(t, db, d)
		if _, err := p.DownTo(ctx, 0); err != nil {
			t.Fatalf("down: %v", err)
		}
		if n, _ := migrations.Pending(ctx, db, d); n != total {
			t.Fatalf("Pending after down = %d, want %d", n, total)
		}
		if err := migrations.Up(ctx, db, d, nil); err != nil {
			t.Fatalf("up after down: %v", err)
		}
	})
}

// Instances starting together against one database migrate it once, without errors.
func TestConcurrentUp(t *testing.T) {
	storetest.EachEmpty(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		var wg sync.WaitGroup
		errs := make(chan error, 8)
		for range 4 {
			wg.Go(func() { errs <- migrations.Up(ctx, st.DB(), st.Dialect(), nil) })
			// Readiness probes of other instances run meanwhile; they must neither fail nor
			// disturb the migration.
			wg.Go(func() {
				_, err := migrations.Pending(ctx, st.DB(), st.Dialect())
				errs <- err
			})
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			if err != nil {
				t.Errorf("concurrent Up: %v", err)
			}
		}
		if n, err := migrations.Pending(ctx, st.DB(), st.Dialect()); err != nil || n != 0 {
			t.Fatalf("Pending = %d, %v", n, err)
		}
	})
}

func TestMySQLSchema(t *testing.T) {
	st := storetest.New(t, migrations.MySQL, true)
	ctx := context.Background()
	rows, err := st.DB().QueryContext(ctx, `SELECT table_name, column_name, data_type, COALESCE(character_set_name, '')
		FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name IN ('api_calls', 'iws_accounts')`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	got := map[string]string{}
	for rows.Next() {
		var table, col, typ, cs string
		if err := rows.Scan(&table, &col, &typ, &cs); err != nil {
			t.Fatal(err)
		}
		got[table+"."+col] = typ
		if cs != "" && cs != "utf8mb4" {
			t.Errorf("%s.%s charset %s", table, col, cs)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	for col, want := range map[string]string{
		"api_calls.request_body":  "mediumtext",
		"api_calls.response_body": "mediumtext",
		"api_calls.created_at":    "datetime",
		"api_calls.system":        "varchar",
	} {
		if got[col] != want {
			t.Errorf("%s is %q, want %q", col, got[col], want)
		}
	}
}

// Migration 00009 marks the listings already on a storefront (their images went with the
// product) as legacy, and no other.
func TestShopImagesMarksLegacyListings(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		db, d := st.DB(), st.Dialect()
		acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "a", Environment: store.EnvironmentTest,
			BaseURL: "https://iws.example/v1/", APIKey: "k", AccessKey: "a"})
		if err != nil {
			t.Fatal(err)
		}
		shop, err := st.SaveShop(ctx, store.Shop{Name: "s", Platform: store.PlatformMemory, Credentials: "x",
			IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
		if err != nil {
			t.Fatal(err)
		}
		err = st.SaveListings(ctx, []store.Listing{
			{ShopID: shop.ID, SKU: "ON", ProductID: "10", State: store.ListingPublished, ContentHash: "c"},
			{ShopID: shop.ID, SKU: "OFF", ProductID: "11", State: store.ListingUnpublished},
			{ShopID: shop.ID, SKU: "NEW", State: store.ListingPending},
		})
		if err != nil {
			t.Fatal(err)
		}
		p := gooseProvider(t, db, d)
		if _, err := p.DownTo(ctx, 8); err != nil {
			t.Fatalf("down to 8: %v", err)
		}
		if err := migrations.Up(ctx, db, d, nil); err != nil {
			t.Fatal(err)
		}
		for sku, want := range map[string]string{"ON": store.ImagesLegacy, "OFF": store.ImagesLegacy, "NEW": ""} {
			l, err := st.Listing(ctx, shop.ID, sku)
			if err != nil || l.ImagesHash != want {
				t.Errorf("%s: images_hash %q, want %q (%v)", sku, l.ImagesHash, want, err)
			}
		}
	})
}

// gooseProvider runs the dialect's migrations on db one by one (up and down to a version).
func gooseProvider(t *testing.T, db *sql.DB, d migrations.Dialect) *goose.Provider {
	t.Helper()
	fsys, err := migrations.FS(d)
	if err != nil {
		t.Fatal(err)
	}
	dialect := goose.DialectSQLite3
	if d == migrations.MySQL {
		dialect = goose.DialectMySQL
	}
	p, err := goose.NewProvider(dialect, db, fsys, goose.WithDisableGlobalRegistry(true))
	if err != nil {
		t.Fatal(err)
	}
	return p
}
