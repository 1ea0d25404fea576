// Package store is the connector's database layer: it opens SQLite or MySQL/MariaDB, applies the
// embedded migrations, and offers typed repositories. gorm is an implementation detail of this
// package; callers see plain structs, context-first methods and the sentinel errors below.
//
// SQLite runs on a single connection (see Open), so code must not call the Store from inside a
// transaction callback other than through the transaction itself, must not hold a Rows cursor
// while writing, and must never make an outside HTTP call while a transaction is open.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/go-sql-driver/mysql"
	"gorm.io/gorm"
	gormlogger "gorm.io/gorm/logger"

	"github.com/intcomex-connector/connector/connector/secret"
	"github.com/intcomex-connector/connector/migrations"
)

var (
	// ErrNotFound reports a row that does not exist. It replaces gorm.ErrRecordNotFound and
	// sql.ErrNoRows at this package's boundary.
	ErrNotFound = errors.New("not found")
	// ErrInvalid reports input that fails validation before it reaches the database.
	ErrInvalid = errors.New("invalid")
	// ErrConflict reports a write refused by a unique index (a shop name already taken): the
	// driver's duplicate-key error, on SQLite and on MySQL/MariaDB alike, never its SQL text.
	ErrConflict = errors.New("conflict")
	// ErrNotReady reports a database that is reachable but not migrated to this binary's schema.
	ErrNotReady = errors.New("store: not ready")
)

// Store is a handle on the connector database. It is safe for concurrent use.
type Store struct {
	db      *gorm.DB
	sqlDB   *sql.DB
	dialect migrations.Dialect
	logger  *slog.Logger
	box     *secret.Box
	now     func() time.Time
	// stmts keeps SQLite's statements prepared for transactions (nil on MySQL).
	stmts *stmtCache
	// group batches GroupTransaction's calls.
	group *groupCommit

	purgeBatch int
}

// Option configures Open.
type Option func(*options)

type options struct {
	box *secret.Box
	now func() time.Time
}

// WithSecretBox sets the box that seals credentials (IWS access keys, shop tokens) at rest.
// Without it, repositories that store credentials return an error.
func WithSecretBox(box *secret.Box) Option {
	return func(o *options) { o.box = box }
}

// WithClock replaces time.Now, for tests.
func WithClock(now func() time.Time) Option {
	return func(o *options) { o.now = now }
}

// Open connects to the database named by databaseURL and checks that it answers. It does not
// migrate; call Migrate (the command layer does, unless told not to).
//
// Accepted forms:
//
//	sqlite:./data/connector.db          file (parent directory created), WAL, foreign keys on
//	sqlite:///var/lib/connector/db.sqlite
//	sqlite::memory:                     private in-memory database (tests)
//	sqlite:file::memory:?cache=shared   shared in-memory database (tests)
//	mysql://user:pass@host:3306/db?tls=true   any go-sql-driver parameter may be added
//
// SQLite gets one connection: SQLite allows one writer at a time, and serialising in the pool
// rather than in SQLite's lock avoids SQLITE_BUSY errors under load. MySQL connections are
// pooled, always in UTC with utf8mb4 and parseTime.
func Open(ctx context.Context, databaseURL string, logger *slog.Logger, opts ...Option) (*Store, error) {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	o := options{now: time.Now}
	for _, opt := range opts {
		opt(&o)
	}
	target, err := parseURL(databaseURL)
	if err != nil {
		return nil, err
	}
	sqlDB, dialector, err := target.open()
	if err != nil {
		return nil, err
	}
	s := &Store{
		sqlDB:   sqlDB,
		dialect: target.dialect,
		logger:  logger,
		box:     o.box,

		purgeBatch: defaultPurgeBatch,
	}
	s.now = func() time.Time { return o.now().UTC().Truncate(time.Microsecond) }
	if target.dialect == migrations.SQLite {
		s.stmts = newStmtCache(sqlDB)
	}
	s.group = newGroupCommit(s)
	s.db, err = gorm.Open(dialector, &gorm.Config{
		Logger: quietCancel{gormlogger.NewSlogLogger(logger.With("component", "gorm"), gormlogger.Config{
			SlowThreshold:             time.Second,
			IgnoreRecordNotFoundError: true,
			ParameterizedQueries:      true, // values may hold customer data; keep them out of logs
			LogLevel:                  gormlogger.Warn,
		})},
		NowFunc:                s.now,
		SkipDefaultTransaction: true,
		// SQLite: statements are prepared once and reused (the webhook intake runs the same few
		// statements for every delivery; parsing them was a seventh of its time). MySQL: the
		// driver interpolates the parameters itself (dsn.go), one round trip per statement.
		PrepareStmt:    target.dialect == migrations.SQLite,
		TranslateError: false,
	})
	if err != nil {
		_ = sqlDB.Close() // the open error is the one worth reporting
		return nil, fmt.Errorf("store: open %s: %w", target.dialect, err)
	}
	if err := s.Ping(ctx); err != nil {
		_ = sqlDB.Close()
		return nil, err
	}
	return s, nil
}

// Close closes the connection pool.
func (s *Store) Close() error {
	if err := s.sqlDB.Close(); err != nil {
		return fmt.Errorf("store: close: %w", err)
	}
	return nil
}

// Dialect reports which database family this store talks to.
func (s *Store) Dialect() migrations.Dialect { return s.dialect }

// DB returns the underlying pool, for migrations and health checks. Queries belong in this
// package's repositories.
func (s *Store) DB() *sql.DB { return s.sqlDB }

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.sqlDB.PingContext(ctx); err != nil {
		return fmt.Errorf("store: ping %s: %w", s.dialect, err)
	}
	return nil
}

// Migrate applies every pending migration.
func (s *Store) Migrate(ctx context.Context) error {
	return migrations.Up(ctx, s.sqlDB, s.dialect, s.logger.With("component", "migrations"))
}

// MigrationStatus lists every migration of this binary with its state in the database.
func (s *Store) MigrationStatus(ctx context.Context) ([]migrations.Migration, error) {
	return migrations.Status(ctx, s.sqlDB, s.dialect)
}

// Ready reports whether the database answers and has every migration of this binary applied.
// A reachable but unmigrated database gives an error wrapping ErrNotReady.
func (s *Store) Ready(ctx context.Context) error {
	if err := s.Ping(ctx); err != nil {
		return err
	}
	n, err := migrations.Pending(ctx, s.sqlDB, s.dialect)
	if err != nil {
		return fmt.Errorf("store: ready: %w", err)
	}
	if n > 0 {
		return fmt.Errorf("%w: %d migration(s) pending", ErrNotReady, n)
	}
	return nil
}

// isDuplicateKey reports a unique-index violation: MySQL/MariaDB error 1062, SQLite's
// SQLITE_CONSTRAINT_UNIQUE (2067) or SQLITE_CONSTRAINT_PRIMARYKEY (1555).
func isDuplicateKey(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1062
	}
	var coded interface{ Code() int } // modernc.org/sqlite's *Error
	if errors.As(err, &coded) {
		return coded.Code() == 2067 || coded.Code() == 1555
	}
	return false
}

// isForeignKey reports a row refused by a foreign key (its parent does not exist): MySQL/MariaDB
// error 1452, SQLite's SQLITE_CONSTRAINT_FOREIGNKEY (787).
func isForeignKey(err error) bool {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		return me.Number == 1452
	}
	var coded interface{ Code() int }
	if errors.As(err, &coded) {
		return coded.Code() == 787
	}
	return false
}

// notFound turns the driver's "no row" errors into ErrNotFound and wraps the rest.
func notFound(op string, err error) error {
	if errors.Is(err, gorm.ErrRecordNotFound) || errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: %s: %w", op, ErrNotFound)
	}
	return fmt.Errorf("store: %s: %w", op, err)
}
