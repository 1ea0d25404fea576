package store

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStmts bounds the statements a stmtCache keeps: the store runs a few hundred distinct
// statements; queries built with lists of varying length beyond that are parsed each time.
const maxCachedStmts = 512

// stmtCache keeps SQLite statements prepared once on the database, for transactions. gorm's
// PrepareStmt covers statements outside a transaction; inside one (Transaction hands gorm and
// connector/jobs the *sql.Tx) every statement used to be parsed again, a sixth of the webhook
// intake's time. A statement first seen inside a transaction is run as it is and prepared on
// the database once the transaction has ended: SQLite has one connection, which the transaction
// holds until then.
type stmtCache struct {
	db *sql.DB

	mu     sync.Mutex
	stmts  map[string]*sql.Stmt
	wanted map[string]bool
}

func newStmtCache(db *sql.DB) *stmtCache {
	return &stmtCache{db: db, stmts: map[string]*sql.Stmt{}, wanted: map[string]bool{}}
}

// get returns query's prepared statement, or nil after noting that it is wanted.
func (c *stmtCache) get(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st
	}
	if len(c.stmts)+len(c.wanted) < maxCachedStmts {
		c.wanted[query] = true
	}
	return nil
}

// prepareWanted prepares the statements transactions asked for; call it with no transaction of
// this goroutine open. A statement that fails to prepare is left to be parsed each time.
func (c *stmtCache) prepareWanted(ctx context.Context) {
	c.mu.Lock()
	var queries []string
	for q := range c.wanted {
		queries = append(queries, q)
	}
	clear(c.wanted)
	c.mu.Unlock()
	for _, q := range queries {
		st, err := c.db.PrepareContext(context.WithoutCancel(ctx), q)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if _, dup := c.stmts[q]; dup {
			_ = st.Close()
		} else {
			c.stmts[q] = st
		}
		c.mu.Unlock()
	}
}

// TxConn is a transaction's connection for packages that keep their own SQL (connector/jobs,
// connector/schedule), and gorm's connection pool inside Transaction. On SQLite it runs the
// statements the store has prepared.
type TxConn struct {
	tx    *sql.Tx
	cache *stmtCache // nil: every statement as it is (MySQL: the driver interpolates)
}

// PrepareContext implements gorm.ConnPool.
func (c *TxConn) PrepareContext(ctx context.Context, query string) (*sql.Stmt, error) {
	return c.tx.PrepareContext(ctx, query)
}

// ExecContext runs a statement in the transaction.
func (c *TxConn) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.ExecContext(ctx, args...)
	}
	return c.tx.ExecContext(ctx, query, args...)
}

// QueryContext runs a query in the transaction.
func (c *TxConn) QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryContext(ctx, args...)
	}
	return c.tx.QueryContext(ctx, query, args...)
}

// QueryRowContext runs a query of one row in the transaction.
func (c *TxConn) QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row {
	if st := c.stmt(ctx, query); st != nil {
		return st.QueryRowContext(ctx, args...)
	}
	return c.tx.QueryRowContext(ctx, query, args...)
}

// stmt is query's prepared statement bound to the transaction, or nil. The bound statement is
// closed with the transaction; the prepared one stays.
func (c *TxConn) stmt(ctx context.Context, query string) *sql.Stmt {
	if c.cache == nil {
		return nil
	}
	if st := c.cache.get(query); st != nil {
		return c.tx.StmtContext(ctx, st)
	}
	return nil
}
