// Package migrations holds the versioned SQL schema, one set of files per dialect, embedded in the
// binary and applied with goose. The database schema is owned here and only here: gorm models in
// connector/store mirror it and never create or alter tables.
//
// Adding a migration: add NNNNN_name.sql with the same version number to both sqlite/ and mysql/
// (TestDialectsInStep enforces this), with "-- +goose Up" and "-- +goose Down" sections.
package migrations

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"path"
	"time"

	"github.com/pressly/goose/v3"
)

//go:embed sqlite/*.sql mysql/*.sql
var files embed.FS

// Dialect names a supported SQL dialect; it is also the folder of its migration files.
type Dialect string

// The supported dialects.
const (
	SQLite Dialect = "sqlite"
	MySQL  Dialect = "mysql" // also MariaDB 10.6+
)

// ParseDialect checks a dialect name.
func ParseDialect(s string) (Dialect, error) {
	switch d := Dialect(s); d {
	case SQLite, MySQL:
		return d, nil
	}
	return "", fmt.Errorf("migrations: unknown dialect %q (want sqlite or mysql)", s)
}

// Migration is the state of one migration file in one database.
type Migration struct {
	Version   int64
	Name      string // file name, e.g. "00001_init.sql"
	Applied   bool
	AppliedAt time.Time // zero when pending
}

// FS returns the migration files of a dialect, for tools that want to read them.
func FS(d Dialect) (fs.FS, error) {
	if _, err := ParseDialect(string(d)); err != nil {
		return nil, err
	}
	sub, err := fs.Sub(files, string(d))
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return sub, nil
}

// versionTable is goose's bookkeeping table.
const versionTable = goose.DefaultTablename

func newProvider(db *sql.DB, d Dialect, logger *slog.Logger) (*goose.Provider, error) {
	fsys, err := FS(d)
	if err != nil {
		return nil, err
	}
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	gooseDialect := goose.DialectSQLite3
	if d == MySQL {
		gooseDialect = goose.DialectMySQL
	}
	p, err := goose.NewProvider(gooseDialect, db, fsys,
		goose.WithDisableGlobalRegistry(true),
		goose.WithSlog(logger),
	)
	if err != nil {
		return nil, fmt.Errorf("migrations: %w", err)
	}
	return p, nil
}

// Up applies every pending migration. On MySQL it holds a named server lock for the whole run,
// so instances starting together migrate one after the other. (goose's own session locker is
// not enough: its Up first checks for pending migrations, and may create the version table,
// without the lock.) It logs each applied file to logger (nil for silence).
func Up(ctx context.Context, db *sql.DB, d Dialect, logger *slog.Logger) (err error) {
	p, err := newProvider(db, d, logger)
	if err != nil {
		return err
	}
	if d == MySQL {
		unlock, err := lockMySQL(ctx, db)
		if err != nil {
			return err
		}
		defer func() { err = errors.Join(err, unlock()) }()
	}
	if _, err := p.Up(ctx); err != nil {
		return fmt.Errorf("migrations: up: %w", err)
	}
	return nil
}

// Status lists every known migration, oldest first, with whether it is applied. It only reads:
// on a database without goose's version table every migration is pending.
func Status(ctx context.Context, db *sql.DB, d Dialect) ([]Migration, error) {
	p, err := newProvider(db, d, nil)
	if err != nil {
		return nil, err
	}
	exists, err := versionTableExists(ctx, db, d)
	if err != nil {
		return nil, err
	}
	if !exists {
		var out []Migration
		for _, src := range p.ListSources() {
			out = append(out, Migration{Version: src.Version, Name: path.Base(src.Path)})
		}
		return out, nil
	}
	st, err := p.Status(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrations: status: %w", err)
	}
	out := make([]Migration, 0, len(st))
	for _, s := range st {
		out = append(out, Migration{
			Version:   s.Source.Version,
			Name:      path.Base(s.Source.Path),
			Applied:   s.State == goose.StateApplied,
			AppliedAt: s.AppliedAt,
		})
	}
	return out, nil
}

// Pending returns how many migrations are not applied yet. It takes no lock and writes nothing,
// so a readiness probe calling it never waits behind, or races with, a running migration.
func Pending(ctx context.Context, db *sql.DB, d Dialect) (int, error) {
	st, err := Status(ctx, db, d)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range st {
		if !m.Applied {
			n++
		}
	}
	return n, nil
}

func versionTableExists(ctx context.Context, db *sql.DB, d Dialect) (bool, error) {
	q := "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = ?"
	if d == MySQL {
		q = "SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = DATABASE() AND table_name = ?"
	}
	var n int
	if err := db.QueryRowContext(ctx, q, versionTable).Scan(&n); err != nil {
		return false, fmt.Errorf("migrations: look for %s: %w", versionTable, err)
	}
	return n > 0, nil
}

// mysqlLockName is a named server lock (GET_LOCK), which MySQL and MariaDB release by
// themselves if the holding connection dies, so a crashed instance never leaves the schema
// locked. The name includes a hash of the database name because these locks are server-wide and
// one server may host several connector databases.
const mysqlLockName = "CONCAT('connector_migrate_', LEFT(SHA2(COALESCE(DATABASE(), ''), 256), 40))"

// mysqlLockWait bounds one GET_LOCK call in seconds; lockMySQL retries until ctx ends.
const mysqlLockWait = 10

// lockMySQL takes the migration lock on a connection of its own and returns the function that
// releases it. goose runs the migrations on other connections of the pool meanwhile.
func lockMySQL(ctx context.Context, db *sql.DB) (func() error, error) {
	conn, err := db.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("migrations: lock: %w", err)
	}
	for {
		var got sql.NullInt64
		if err := conn.QueryRowContext(ctx, "SELECT GET_LOCK("+mysqlLockName+", ?)", mysqlLockWait).Scan(&got); err != nil {
			return nil, errors.Join(fmt.Errorf("migrations: lock: %w", err), conn.Close())
		}
		if !got.Valid {
			return nil, errors.Join(errors.New("migrations: lock: GET_LOCK returned NULL"), conn.Close())
		}
		if got.Int64 == 1 {
			break
		}
		if err := ctx.Err(); err != nil {
			return nil, errors.Join(fmt.Errorf("migrations: lock: %w", err), conn.Close())
		}
	}
	return func() error {
		// Released even if the caller's ctx is done.
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		defer cancel()
		var released sql.NullInt64
		if err := conn.QueryRowContext(ctx, "SELECT RELEASE_LOCK("+mysqlLockName+")").Scan(&released); err != nil {
			// sql.Conn.Close would hand the connection, lock and all, back to the pool: close the
			// physical connection instead, which makes the server drop the lock.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			return errors.Join(fmt.Errorf("migrations: unlock: %w", err), conn.Close())
		}
		return conn.Close()
	}, nil
}
