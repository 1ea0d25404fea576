package store

import (
	"database/sql"
	"errors"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/libtnb/sqlite"
	gormmysql "gorm.io/driver/mysql"
	"gorm.io/gorm"

	"github.com/intcomex-connector/connector/migrations"
)

// target is a parsed database URL.
type target struct {
	dialect migrations.Dialect
	// SQLite
	sqliteDSN string // path or file: URI plus driver parameters
	sqliteDir string // parent directory to create, "" for in-memory databases
	sqliteMem bool
	// MySQL
	mysql *mysql.Config
}

// sqlitePragmas are set on every SQLite connection. WAL lets readers in other processes (a
// `connector migrate status` next to `serve`) work while the server writes; NORMAL sync is safe
// under WAL; immediate transactions take the write lock at BEGIN so two processes never dead-end
// in a lock upgrade; temporary b-trees stay in memory. A new database gets 16 KiB pages (an
// existing one keeps its own: SQLite fixes the size when the first table is made): a product row
// is about 2 KB, and bigger pages cut the WAL writes of a 50k first sync by about a third of a
// second. (A 32 MiB page cache added ~70 MB of peak RSS to the 50k catalog benchmark without a
// measurable gain: the default is kept.)
const sqlitePragmas = "_pragma=page_size(16384)&_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)&_pragma=temp_store(MEMORY)&_txlock=immediate&_time_format=sqlite&_texttotime=1"

// ValidateURL checks that databaseURL has a supported form without connecting.
func ValidateURL(databaseURL string) error {
	_, err := parseURL(databaseURL)
	return err
}

// RedactURL returns databaseURL with any password replaced, for logs.
func RedactURL(databaseURL string) string {
	if u, err := url.Parse(databaseURL); err == nil && u.User != nil {
		if _, ok := u.User.Password(); ok {
			u.User = url.UserPassword(u.User.Username(), "REDACTED")
			return u.String()
		}
	}
	return databaseURL
}

func parseURL(raw string) (target, error) {
	switch {
	case raw == "":
		return target{}, errors.New("store: database URL is empty")
	case strings.HasPrefix(raw, "sqlite:"):
		return parseSQLite(strings.TrimPrefix(raw, "sqlite:"))
	case strings.HasPrefix(raw, "mysql://"):
		cfg, err := parseMySQLURL(raw)
		if err != nil {
			return target{}, err
		}
		return target{dialect: migrations.MySQL, mysql: cfg}, nil
	}
	// Never echo the URL: it may carry a password.
	return target{}, errors.New("store: database URL must start with sqlite: or mysql://")
}

func parseSQLite(rest string) (target, error) {
	// sqlite:///abs/path and sqlite://rel/path are accepted as well as sqlite:path.
	rest = strings.TrimPrefix(rest, "//")
	name, query, _ := strings.Cut(rest, "?")
	if name == "" {
		return target{}, errors.New("store: sqlite URL has no path (want e.g. sqlite:./data/connector.db)")
	}
	t := target{dialect: migrations.SQLite}
	mem := name == ":memory:" || strings.HasPrefix(name, "file::memory:") || strings.Contains(query, "mode=memory")
	if mem {
		t.sqliteMem = true
	} else {
		path := strings.TrimPrefix(name, "file:")
		t.sqliteDir = filepath.Dir(path)
	}
	params := sqlitePragmas
	if query != "" {
		params = query + "&" + params
	}
	t.sqliteDSN = name + "?" + params
	return t, nil
}

// parseMySQLURL turns mysql://user:pass@host:port/db?params into a go-sql-driver config with the
// settings this code relies on: parseTime, UTC, utf8mb4. A "socket" parameter selects a Unix
// socket instead of TCP. multiStatements is not set: goose splits migration files into single
// statements itself, and leaving it off keeps a SQL injection from chaining statements.
func parseMySQLURL(raw string) (*mysql.Config, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return nil, errors.New("store: mysql URL is malformed (want mysql://user:pass@host:3306/db)")
	}
	dbName := strings.TrimPrefix(u.Path, "/")
	if dbName == "" || strings.Contains(dbName, "/") {
		return nil, errors.New("store: mysql URL must name one database (mysql://user:pass@host:3306/db)")
	}
	cfg := mysql.NewConfig()
	if u.User != nil {
		cfg.User = u.User.Username()
		cfg.Passwd, _ = u.User.Password()
	}
	if cfg.User == "" {
		return nil, errors.New("store: mysql URL has no user (mysql://user:pass@host:3306/db)")
	}
	cfg.DBName = dbName
	q := u.Query()
	if sock := q.Get("socket"); sock != "" {
		cfg.Net, cfg.Addr = "unix", sock
		q.Del("socket")
	} else {
		host, port := u.Hostname(), u.Port()
		if host == "" {
			return nil, errors.New("store: mysql URL has no host")
		}
		if port == "" {
			port = "3306"
		}
		cfg.Net, cfg.Addr = "tcp", net.JoinHostPort(host, port)
	}
	// Let go-sql-driver interpret the remaining parameters (tls, timeout, ...) exactly as it
	// documents them, then force the settings the schema and code depend on.
	for _, k := range []string{"parseTime", "loc", "charset"} {
		q.Del(k)
	}
	if q.Get("collation") == "" {
		q.Set("collation", "utf8mb4_unicode_ci")
	}
	q.Set("charset", "utf8mb4")
	// Parameters are escaped by the driver (utf8mb4, a charset it escapes safely) and each
	// statement is one round trip, not prepare, execute and close: the intake's transaction is
	// about eight statements per delivery.
	if q.Get("interpolateParams") == "" {
		q.Set("interpolateParams", "true")
	}
	q.Set("parseTime", "true")
	q.Set("loc", "UTC")
	base := mysql.NewConfig()
	base.User, base.Passwd, base.Net, base.Addr, base.DBName = cfg.User, cfg.Passwd, cfg.Net, cfg.Addr, cfg.DBName
	parsed, err := mysql.ParseDSN(base.FormatDSN() + "?" + q.Encode())
	if err != nil {
		return nil, fmt.Errorf("store: mysql URL parameters: %w", err)
	}
	if parsed.Timeout == 0 {
		parsed.Timeout = 10 * time.Second
	}
	return parsed, nil
}

func (t target) open() (*sql.DB, gorm.Dialector, error) {
	switch t.dialect {
	case migrations.SQLite:
		if t.sqliteDir != "" {
			if err := os.MkdirAll(t.sqliteDir, 0o750); err != nil {
				return nil, nil, fmt.Errorf("store: create database directory: %w", err)
			}
		}
		db, err := sql.Open(sqlite.DriverName, t.sqliteDSN)
		if err != nil {
			return nil, nil, fmt.Errorf("store: open sqlite: %w", err)
		}
		db.SetMaxOpenConns(1)
		db.SetMaxIdleConns(1)
		// An in-memory database lives as long as its connection: never recycle it.
		db.SetConnMaxLifetime(0)
		db.SetConnMaxIdleTime(0)
		return db, sqlite.Dialector{Conn: db}, nil
	case migrations.MySQL:
		conn, err := mysql.NewConnector(t.mysql)
		if err != nil {
			return nil, nil, fmt.Errorf("store: mysql connector: %w", err)
		}
		db := sql.OpenDB(conn)
		// The webhook intake batches its deliveries itself (GroupTransaction: at most
		// groupLeadersMySQL connections); the pool serves the job workers, the sync and the web
		// UI beside it. All kept idle: a pool that closes what it cannot keep reconnects under
		// load.
		db.SetMaxOpenConns(50)
		db.SetMaxIdleConns(50)
		db.SetConnMaxLifetime(30 * time.Minute)
		db.SetConnMaxIdleTime(5 * time.Minute)
		return db, gormmysql.New(gormmysql.Config{Conn: db}), nil
	}
	return nil, nil, fmt.Errorf("store: unsupported dialect %q", t.dialect)
}

// SQLiteFolder returns the folder of a SQLite database file, and false for an in-memory SQLite
// database, a MySQL URL or a malformed one. serve locks that folder: one process per file
// database.
func SQLiteFolder(databaseURL string) (string, bool) {
	t, err := parseURL(databaseURL)
	if err != nil || t.dialect != migrations.SQLite || t.sqliteMem {
		return "", false
	}
	return t.sqliteDir, true
}
