// Package storetest gives database tests a fresh, migrated store on every supported database.
//
// SQLite always runs (a file in t.TempDir, so WAL and the real pool settings are exercised).
// MySQL/MariaDB runs when CONNECTOR_TEST_MYSQL_DSN is set, as mysql://root@127.0.0.1:3306/test or
// as a go-sql-driver DSN (root@tcp(127.0.0.1:3306)/test); each test gets its own database
// ct_<random>, dropped at cleanup. With CONNECTOR_TEST_MYSQL_REQUIRED=1 a missing or unreachable
// MySQL fails the test instead of skipping it, so CI proves MySQL really ran.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/intcomex-connector/connector/connector/secret"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/migrations"
)

// Environment variables read by this package (tests only; the service reads env in main).
const (
	EnvMySQLDSN      = "CONNECTOR_TEST_MYSQL_DSN"
	EnvMySQLRequired = "CONNECTOR_TEST_MYSQL_REQUIRED"
)

// Each runs fn as a subtest ("sqlite", "mysql") on a fresh migrated store per dialect. The store
// has a secret box with a random key. Extra options are passed to store.Open.
func Each(t *testing.T, fn func(t *testing.T, st *store.Store), opts ...store.Option) {
	t.Helper()
	each(t, true, fn, opts)
}

// EachEmpty is Each without migrations, for tests of the migrations themselves.
func EachEmpty(t *testing.T, fn func(t *testing.T, st *store.Store), opts ...store.Option) {
	t.Helper()
	each(t, false, fn, opts)
}

func each(t *testing.T, migrate bool, fn func(*testing.T, *store.Store), opts []store.Option) {
	t.Helper()
	for _, d := range []migrations.Dialect{migrations.SQLite, migrations.MySQL} {
		t.Run(string(d), func(t *testing.T) {
			fn(t, New(t, d, migrate, opts...))
		})
	}
}

// New returns a fresh store of dialect d, migrated when migrate is set, closed (and for MySQL
// dropped) at cleanup. For MySQL it skips or fails as the package documentation says.
func New(t testing.TB, d migrations.Dialect, migrate bool, opts ...store.Option) *store.Store {
	t.Helper()
	key, err := secret.GenerateKey()
	if err != nil {
		t.Fatal(err)
	}
	box, err := secret.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	opts = append([]store.Option{store.WithSecretBox(box)}, opts...)

	var dbURL string
	switch d {
	case migrations.SQLite:
		dbURL = "sqlite:" + t.TempDir() + "/test.db"
	case migrations.MySQL:
		dbURL = mysqlDatabase(t)
	default:
		t.Fatalf("storetest: unknown dialect %q", d)
	}
	ctx := context.Background()
	st, err := store.Open(ctx, dbURL, nil, opts...)
	if err != nil {
		t.Fatalf("storetest: open %s: %v", d, err)
	}
	t.Cleanup(func() {
		if err := st.Close(); err != nil {
			t.Errorf("storetest: close: %v", err)
		}
	})
	if migrate {
		if err := st.Migrate(ctx); err != nil {
			t.Fatalf("storetest: migrate %s: %v", d, err)
		}
	}
	return st
}

// MySQLRequired reports whether CONNECTOR_TEST_MYSQL_REQUIRED asks for MySQL tests to run.
func MySQLRequired() bool {
	v := strings.TrimSpace(os.Getenv(EnvMySQLRequired))
	return v == "1" || strings.EqualFold(v, "true")
}

// mysqlDatabase creates a database for this test and returns its mysql:// URL.
func mysqlDatabase(t testing.TB) string {
	t.Helper()
	raw := strings.TrimSpace(os.Getenv(EnvMySQLDSN))
	if raw == "" {
		if MySQLRequired() {
			t.Fatalf("storetest: %s=1 but %s is not set", EnvMySQLRequired, EnvMySQLDSN)
		}
		t.Skipf("storetest: %s not set; MySQL tests skipped", EnvMySQLDSN)
	}
	cfg, err := ParseMySQLDSN(raw)
	if err != nil {
		t.Fatalf("storetest: %s: %v", EnvMySQLDSN, err)
	}
	admin := cfg.Clone()
	admin.DBName = ""
	admin.Timeout = 5 * time.Second
	conn, err := mysql.NewConnector(admin)
	if err != nil {
		t.Fatalf("storetest: mysql connector: %v", err)
	}
	db := sql.OpenDB(conn)
	t.Cleanup(func() { _ = db.Close() })

	// The dial timeout above tells an unreachable server; a reachable one answers however loaded.
	ctx := context.Background()
	if err := db.PingContext(ctx); err != nil {
		// A DSN that was set but does not answer is an error whether or not it is required:
		// someone asked for MySQL tests.
		t.Fatalf("storetest: MySQL at %s unreachable: %v", admin.Addr, err)
	}
	var rnd [6]byte
	_, _ = rand.Read(rnd[:])
	name := "ct_" + hex.EncodeToString(rnd[:])
	if _, err := db.ExecContext(ctx, "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		t.Fatalf("storetest: create database: %v", err)
	}
	t.Cleanup(func() {
		if _, err := db.ExecContext(context.Background(), "DROP DATABASE IF EXISTS `"+name+"`"); err != nil {
			t.Errorf("storetest: drop database %s: %v", name, err)
		}
	})
	u := url.URL{Scheme: "mysql", Host: cfg.Addr, Path: "/" + name}
	if cfg.Net == "unix" {
		u.Host = "localhost"
		u.RawQuery = url.Values{"socket": {cfg.Addr}}.Encode()
	}
	if cfg.Passwd != "" {
		u.User = url.UserPassword(cfg.User, cfg.Passwd)
	} else {
		u.User = url.User(cfg.User)
	}
	return u.String()
}

// ParseMySQLDSN reads a MySQL DSN in either the mysql://user:pass@host:port/db form or the
// go-sql-driver form user:pass@tcp(host:port)/db.
func ParseMySQLDSN(raw string) (*mysql.Config, error) {
	if strings.HasPrefix(raw, "mysql://") {
		u, err := url.Parse(raw)
		if err != nil {
			return nil, fmt.Errorf("parse URL: %w", err)
		}
		cfg := mysql.NewConfig()
		cfg.Net = "tcp"
		cfg.Addr = u.Host
		if u.Port() == "" {
			cfg.Addr = u.Hostname() + ":3306"
		}
		if sock := u.Query().Get("socket"); sock != "" {
			cfg.Net, cfg.Addr = "unix", sock
		}
		if u.User != nil {
			cfg.User = u.User.Username()
			cfg.Passwd, _ = u.User.Password()
		}
		cfg.DBName = strings.TrimPrefix(u.Path, "/")
		return cfg, nil
	}
	cfg, err := mysql.ParseDSN(raw)
	if err != nil {
		return nil, fmt.Errorf("parse DSN: %w", err)
	}
	return cfg, nil
}

// MySQLURL names st's database (a fresh test database made by New) in the mysql:// form
// store.Open and CONNECTOR_DATABASE_URL take, with the credentials of EnvMySQLDSN: what a child
// process (`connector serve` in a test) is given to share it.
func MySQLURL(t testing.TB, st *store.Store) string {
	t.Helper()
	var name string
	if err := st.DB().QueryRow("SELECT DATABASE()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	cfg, err := ParseMySQLDSN(os.Getenv(EnvMySQLDSN))
	if err != nil {
		t.Fatal(err)
	}
	u := url.URL{Scheme: "mysql", Host: cfg.Addr, Path: "/" + name}
	if cfg.Net == "unix" {
		u.Host, u.RawQuery = "localhost", url.Values{"socket": {cfg.Addr}}.Encode()
	}
	u.User = url.UserPassword(cfg.User, cfg.Passwd)
	if cfg.Passwd == "" {
		u.User = url.User(cfg.User)
	}
	return u.String()
}
