package store_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/secret"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/migrations"
)

func TestOpenSQLiteFileCreatesDirAndPragmas(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "nested", "data")
	st, err := store.Open(ctx, "sqlite:"+dir+"/connector.db", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := os.Stat(dir); err != nil {
		t.Fatalf("parent directory not created: %v", err)
	}
	pragmas := map[string]string{"journal_mode": "wal", "foreign_keys": "1", "busy_timeout": "10000"}
	for p, want := range pragmas {
		var got string
		if err := st.DB().QueryRowContext(ctx, "PRAGMA "+p).Scan(&got); err != nil {
			t.Fatal(err)
		}
		if strings.ToLower(got) != want {
			t.Errorf("PRAGMA %s = %q, want %q", p, got, want)
		}
	}
	if st.DB().Stats().MaxOpenConnections != 1 {
		t.Errorf("sqlite pool allows %d connections, want 1", st.DB().Stats().MaxOpenConnections)
	}
}

func TestOpenMemory(t *testing.T) {
	for _, u := range []string{"sqlite::memory:", "sqlite:file::memory:?cache=shared"} {
		t.Run(u, func(t *testing.T) {
			ctx := context.Background()
			st, err := store.Open(ctx, u, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			if err := st.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			if err := st.Ready(ctx); err != nil {
				t.Fatalf("Ready after Migrate: %v", err)
			}
		})
	}
}

func TestOpenUnreachableMySQL(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	_, err := store.Open(ctx, "mysql://u:topsecret@127.0.0.1:1/db?timeout=1s", nil)
	if err == nil {
		t.Fatal("Open of a closed port succeeded")
	}
	if strings.Contains(err.Error(), "topsecret") {
		t.Errorf("error leaks password: %v", err)
	}
}

func TestReadyAndMigrate(t *testing.T) {
	storetest.EachEmpty(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		err := st.Ready(ctx)
		if !errors.Is(err, store.ErrNotReady) {
			t.Fatalf("Ready before migrate = %v, want ErrNotReady", err)
		}
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if err := st.Ready(ctx); err != nil {
			t.Fatalf("Ready after migrate: %v", err)
		}
		// Migrating again is a no-op.
		if err := st.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		ms, err := st.MigrationStatus(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(ms) == 0 || !ms[0].Applied || ms[0].Name != "00001_init.sql" {
			t.Fatalf("status = %+v", ms)
		}
		if err := st.Close(); err != nil {
			t.Fatal(err)
		}
		if err := st.Ready(ctx); err == nil {
			t.Fatal("Ready on a closed store succeeded")
		}
	})
}

func TestIWSAccounts(t *testing.T) {
	clock := &testClock{now: time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if _, err := st.DefaultIWSAccount(ctx); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("DefaultIWSAccount on empty = %v, want ErrNotFound", err)
		}
		if _, err := st.IWSAccount(ctx, "nope"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("IWSAccount(nope) = %v, want ErrNotFound", err)
		}

		first, err := st.SaveIWSAccount(ctx, store.IWSAccount{
			Name: "main", Environment: store.EnvironmentTest, BaseURL: "https://intcomex-test.apigee.net/v1/",
			APIKey: "api-key-1", AccessKey: "access-key-secret-1",
		})
		if err != nil {
			t.Fatal(err)
		}
		if first.ID == 0 || first.AccessKey != "access-key-secret-1" || first.CreatedAt.IsZero() {
			t.Fatalf("saved = %+v", first)
		}

		// The access key is sealed at rest.
		var enc string
		if err := st.DB().QueryRowContext(ctx, "SELECT access_key_enc FROM iws_accounts WHERE id = ?", first.ID).Scan(&enc); err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(enc, "v1:") || strings.Contains(enc, "access-key-secret-1") {
			t.Fatalf("access_key_enc = %q, not sealed", enc)
		}

		// Upsert by name (case-insensitive) keeps id and created_at.
		clock.Add(time.Second)
		second, err := st.SaveIWSAccount(ctx, store.IWSAccount{
			Name: "MAIN", Environment: store.EnvironmentProd, BaseURL: "https://intcomex-prod.apigee.net/v1/",
			APIKey: "api-key-2", AccessKey: "access-key-secret-2",
		})
		if err != nil {
			t.Fatal(err)
		}
		if second.ID != first.ID || second.Name != "main" || second.Environment != store.EnvironmentProd ||
			second.APIKey != "api-key-2" || second.AccessKey != "access-key-secret-2" {
			t.Fatalf("after upsert = %+v", second)
		}
		if !second.CreatedAt.Equal(first.CreatedAt) || !second.UpdatedAt.After(first.UpdatedAt) {
			t.Errorf("timestamps: first %v/%v second %v/%v", first.CreatedAt, first.UpdatedAt, second.CreatedAt, second.UpdatedAt)
		}

		def, err := st.DefaultIWSAccount(ctx)
		if err != nil || def.ID != first.ID {
			t.Fatalf("DefaultIWSAccount = %+v, %v", def, err)
		}
		named, err := st.SaveIWSAccount(ctx, store.IWSAccount{
			Name: store.DefaultIWSAccountName, Environment: store.EnvironmentTest, BaseURL: "http://127.0.0.1:9999/v1/",
			APIKey: "k", AccessKey: "s",
		})
		if err != nil {
			t.Fatal(err)
		}
		def, err = st.DefaultIWSAccount(ctx)
		if err != nil || def.ID != named.ID {
			t.Fatalf("DefaultIWSAccount prefers %q: got %+v, %v", store.DefaultIWSAccountName, def, err)
		}
		all, err := st.ListIWSAccounts(ctx)
		if err != nil || len(all) != 2 || all[0].ID != first.ID {
			t.Fatalf("ListIWSAccounts = %+v, %v", all, err)
		}
		// Printing an account never shows its access key.
		for _, s := range []string{fmt.Sprint(def), fmt.Sprintf("%+v", second), fmt.Sprintf("%#v", second)} {
			if strings.Contains(s, "access-key-secret") || strings.Contains(s, `AccessKey:"s"`) {
				t.Errorf("printed account leaks access key: %s", s)
			}
		}
	}, store.WithClock(clock.Now))
}

func TestSaveIWSAccountValidation(t *testing.T) {
	st := storetest.New(t, migrations.SQLite, true)
	ctx := context.Background()
	_, err := st.SaveIWSAccount(ctx, store.IWSAccount{Environment: "staging", BaseURL: "ftp://x"})
	if !errors.Is(err, store.ErrInvalid) {
		t.Fatalf("err = %v, want ErrInvalid", err)
	}
	for _, want := range []string{"name", "environment", "base URL", "API key", "access key"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %s", err, want)
		}
	}
}

func TestIWSAccountWrongKey(t *testing.T) {
	dir := t.TempDir()
	ctx := context.Background()
	open := func(key []byte) *store.Store {
		box, err := secret.NewBox(key)
		if err != nil {
			t.Fatal(err)
		}
		st, err := store.Open(ctx, "sqlite:"+dir+"/c.db", nil, store.WithSecretBox(box))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { st.Close() })
		return st
	}
	k1, _ := secret.GenerateKey()
	k2, _ := secret.GenerateKey()
	st := open(k1)
	if err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "a", Environment: "test", BaseURL: "https://x/", APIKey: "k", AccessKey: "s"}); err != nil {
		t.Fatal(err)
	}
	st.Close()
	_, err := open(k2).IWSAccount(ctx, "a")
	if !errors.Is(err, secret.ErrOpen) {
		t.Fatalf("read with wrong key = %v, want secret.ErrOpen", err)
	}

	noBox, err := store.Open(ctx, "sqlite:"+dir+"/c.db", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer noBox.Close()
	if _, err := noBox.IWSAccount(ctx, "a"); err == nil || !strings.Contains(err.Error(), "secret box") {
		t.Fatalf("read without box = %v", err)
	}
}
