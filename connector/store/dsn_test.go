package store

import (
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/migrations"
)

func TestParseURL(t *testing.T) {
	tests := []struct {
		name    string
		in      string
		dialect migrations.Dialect
		check   func(t *testing.T, tg target)
		wantErr string
	}{
		{name: "sqlite relative", in: "sqlite:./data/connector.db", dialect: migrations.SQLite, check: func(t *testing.T, tg target) {
			if !strings.HasPrefix(tg.sqliteDSN, "./data/connector.db?") || tg.sqliteDir != "data" {
				t.Errorf("dsn=%q dir=%q", tg.sqliteDSN, tg.sqliteDir)
			}
			for _, p := range []string{"journal_mode(WAL)", "busy_timeout(", "foreign_keys(1)", "_txlock=immediate"} {
				if !strings.Contains(tg.sqliteDSN, p) {
					t.Errorf("dsn %q lacks %s", tg.sqliteDSN, p)
				}
			}
		}},
		{name: "sqlite absolute triple slash", in: "sqlite:///var/lib/c/x.db", dialect: migrations.SQLite, check: func(t *testing.T, tg target) {
			if tg.sqliteDir != filepath.FromSlash("/var/lib/c") {
				t.Errorf("dir=%q", tg.sqliteDir)
			}
		}},
		{name: "sqlite memory", in: "sqlite::memory:", dialect: migrations.SQLite, check: func(t *testing.T, tg target) {
			if !tg.sqliteMem || tg.sqliteDir != "" || !strings.HasPrefix(tg.sqliteDSN, ":memory:?") {
				t.Errorf("%+v", tg)
			}
		}},
		{name: "sqlite shared memory keeps params", in: "sqlite:file::memory:?cache=shared", dialect: migrations.SQLite, check: func(t *testing.T, tg target) {
			if !tg.sqliteMem || !strings.HasPrefix(tg.sqliteDSN, "file::memory:?cache=shared&") {
				t.Errorf("%+v", tg)
			}
		}},
		{name: "sqlite empty path", in: "sqlite:", wantErr: "no path"},
		{name: "mysql full", in: "mysql://app:p%40ss@db.example:3307/connector?tls=skip-verify&timeout=3s", dialect: migrations.MySQL, check: func(t *testing.T, tg target) {
			c := tg.mysql
			if c.User != "app" || c.Passwd != "p@ss" || c.Addr != "db.example:3307" || c.Net != "tcp" || c.DBName != "connector" {
				t.Errorf("cfg = %+v", c)
			}
			if !c.ParseTime || c.Loc != time.UTC || c.Collation != "utf8mb4_unicode_ci" || c.Timeout != 3*time.Second || c.TLSConfig != "skip-verify" {
				t.Errorf("cfg = %+v", c)
			}
			if c.MultiStatements {
				t.Error("multiStatements should stay off")
			}
			if !strings.Contains(c.FormatDSN(), "charset=utf8mb4") {
				t.Errorf("dsn %q lacks utf8mb4", c.FormatDSN())
			}
		}},
		{name: "mysql default port and forced settings", in: "mysql://root@localhost/test?parseTime=false&loc=Local", dialect: migrations.MySQL, check: func(t *testing.T, tg target) {
			c := tg.mysql
			if c.Addr != "localhost:3306" || !c.ParseTime || c.Loc != time.UTC || c.Timeout != 10*time.Second || !c.InterpolateParams {
				t.Errorf("cfg = %+v", c)
			}
		}},
		{name: "mysql interpolateParams may be turned off", in: "mysql://root@localhost/test?interpolateParams=false", dialect: migrations.MySQL, check: func(t *testing.T, tg target) {
			if tg.mysql.InterpolateParams {
				t.Errorf("cfg = %+v", tg.mysql)
			}
		}},
		{name: "mysql socket", in: "mysql://root@localhost/test?socket=/run/mysqld/mysqld.sock", dialect: migrations.MySQL, check: func(t *testing.T, tg target) {
			if tg.mysql.Net != "unix" || tg.mysql.Addr != "/run/mysqld/mysqld.sock" {
				t.Errorf("cfg = %+v", tg.mysql)
			}
		}},
		{name: "mysql no db", in: "mysql://root@localhost:3306/", wantErr: "one database"},
		{name: "mysql no user", in: "mysql://localhost:3306/db", wantErr: "no user"},
		{name: "mysql bad param", in: "mysql://root@localhost/db?timeout=soon", wantErr: "parameters"},
		{name: "postgres", in: "postgres://u:secretpw@h/db", wantErr: "must start with"},
		{name: "empty", in: "", wantErr: "empty"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tg, err := parseURL(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("err = %v, want %q", err, tt.wantErr)
				}
				if strings.Contains(err.Error(), "secretpw") || strings.Contains(err.Error(), "p@ss") {
					t.Errorf("error leaks password: %v", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tg.dialect != tt.dialect {
				t.Errorf("dialect = %s, want %s", tg.dialect, tt.dialect)
			}
			tt.check(t, tg)
		})
	}
}

func TestRedactURL(t *testing.T) {
	tests := map[string]string{
		"mysql://app:hunter2@db:3306/c": "mysql://app:REDACTED@db:3306/c",
		"mysql://app@db:3306/c":         "mysql://app@db:3306/c",
		"sqlite:./data/connector.db":    "sqlite:./data/connector.db",
	}
	for in, want := range tests {
		if got := RedactURL(in); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", in, got, want)
		}
	}
}
