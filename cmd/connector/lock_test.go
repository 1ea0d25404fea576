package main

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/store"
)

// A second demo on a running demo's data folder refuses to start, naming the first one, and leaves
// it alone.
func TestDemoRefusesABusyDataFolder(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(t.TempDir(), "demo")
	first, stop := runDemoUntilReady(t, nil, dataDir)
	defer stop()

	_, _, err := runCmd(context.Background(), nil, "demo", "--addr", "127.0.0.1:0", "--data", dataDir, "--skus", "200", "--sample-orders=false")
	want := fmt.Sprintf("is in use by `connector demo` (pid %d, %s, since ", os.Getpid(), first.info.AdminURL)
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "another --data folder") ||
		strings.Contains(err.Error(), "\n") {
		t.Fatalf("second demo: %v\nwant one line with %q", err, want)
	}
	// The first demo still serves, with its shops.
	resp, err := http.Get(first.info.AdminURL + "readyz")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		t.Errorf("first demo: /readyz = %d", resp.StatusCode)
	}
	if n := len(first.woo.Products()); n != first.info.Shops[0].ListingsPublished {
		t.Errorf("first demo's WooCommerce fake has %d products, had %d", n, first.info.Shops[0].ListingsPublished)
	}
	// demo env knows it runs: it says nothing on stderr.
	if _, stderr, err := runCmd(context.Background(), nil, "demo", "env", "--data", dataDir); err != nil || stderr != "" {
		t.Errorf("demo env of a running demo: %v, stderr %q", err, stderr)
	}
}

// serve locks the folder of its SQLite database: a second serve, or a demo, there refuses to
// start; a lock file left by a process that ended locks nothing.
func TestServeRefusesABusyDatabaseFolder(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	// A lock file a crashed process left behind: it names a holder, but no one holds it.
	if err := os.WriteFile(filepath.Join(dir, lockFileName), []byte(`{"pid":999999,"command":"serve","address":"http://127.0.0.1:1/"}`), 0o600); err != nil {
		t.Fatal(err)
	}
	env := map[string]string{"CONNECTOR_DATABASE_URL": "sqlite:" + filepath.Join(dir, "connector.db"), "CONNECTOR_SECRET_KEY": testKey}
	addr, serve := startServing(t, env, "serve")
	defer serve.stop()

	_, _, err := runCmd(context.Background(), env, "serve", "--addr", "127.0.0.1:0")
	want := fmt.Sprintf("in use by `connector serve` (pid %d, http://%s/, since ", os.Getpid(), addr)
	if err == nil || !strings.Contains(err.Error(), want) || !strings.Contains(err.Error(), "CONNECTOR_DATABASE_URL") {
		t.Errorf("second serve: %v\nwant %q", err, want)
	}
	_, _, err = runCmd(context.Background(), nil, "demo", "--addr", "127.0.0.1:0", "--data", dir)
	if err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("demo on serve's folder: %v\nwant %q", err, want)
	}
	if r := serve.stop(); r.err != nil {
		t.Fatal(r.err)
	}
	if _, err := os.Stat(filepath.Join(dir, lockFileName)); !os.IsNotExist(err) {
		t.Errorf("lock file left after a clean stop: %v", err)
	}
	// Once the first one has stopped, the folder is free again.
	_, again := startServing(t, env, "serve")
	if r := again.stop(); r.err != nil {
		t.Fatal(r.err)
	}
}

// Several serve processes may share a MySQL database by design: no folder lock then.
func TestServeTakesNoLockOnMySQL(t *testing.T) {
	t.Parallel()
	if _, ok := store.SQLiteFolder("mysql://u:p@127.0.0.1:3306/db"); ok {
		t.Error("a MySQL database has a folder to lock")
	}
	if dir, ok := store.SQLiteFolder("sqlite:./data/connector.db"); !ok || dir != "data" {
		t.Errorf("sqlite folder = %q, %v", dir, ok)
	}
	if _, ok := store.SQLiteFolder("sqlite::memory:"); ok {
		t.Error("an in-memory database has a folder to lock")
	}
}
