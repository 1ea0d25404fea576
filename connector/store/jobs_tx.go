package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"gorm.io/gorm"

	"github.com/intcomex-connector/connector/migrations"
)

// Tx is an open transaction on the store. Repositories that must commit together with other
// writes (an order row and its place_order job, a webhook event and its job) take a *Tx.
//
// The job queue (connector/jobs) keeps its SQL in its own package, as river's drivers do, and
// reaches the transaction through SQL; repositories of this package use the gorm session.
// A Tx is only valid inside the Transaction callback that received it.
type Tx struct {
	db          *gorm.DB
	sqlTx       *TxConn
	dialect     migrations.Dialect
	afterCommit []func()
}

// AfterCommit registers fn to run once the transaction has committed, after Transaction's commit
// and before it returns; never when it rolls back. The job queue uses it to wake its workers for
// a job inserted in the transaction. fn must not block: it runs on the committing goroutine.
func (tx *Tx) AfterCommit(fn func()) {
	if fn != nil {
		tx.afterCommit = append(tx.afterCommit, fn)
	}
}

// SQL returns the transaction's connection for packages that keep their own SQL
// (connector/jobs).
func (tx *Tx) SQL() *TxConn { return tx.sqlTx }

// Dialect reports which database family the transaction runs on.
func (tx *Tx) Dialect() migrations.Dialect { return tx.dialect }

// newTx is the Tx handed to a Transaction callback: a gorm session on conn.
func (s *Store) newTx(ctx context.Context, conn *TxConn) *Tx {
	db := s.db.Session(&gorm.Session{Context: ctx, NewDB: true})
	db.Statement.ConnPool = conn
	return &Tx{db: db, sqlTx: conn, dialect: s.dialect}
}

// Transaction runs fn in a database transaction: committed when fn returns nil, rolled back when
// it returns an error or panics (the panic is re-raised). On SQLite the store has one connection,
// so fn must use only tx, never the Store, and no code may make an outside HTTP call inside fn.
func (s *Store) Transaction(ctx context.Context, fn func(tx *Tx) error) (err error) {
	sqlTx, err := s.sqlDB.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	conn := &TxConn{tx: sqlTx, cache: s.stmts}
	if s.stmts != nil {
		defer s.stmts.prepareWanted(ctx) // after the commit or rollback: the connection is free
	}
	tx := s.newTx(ctx, conn)

	committed := false
	defer func() {
		if committed {
			return
		}
		if rbErr := sqlTx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
			err = errors.Join(err, fmt.Errorf("store: rollback: %w", rbErr))
		}
	}()
	if err := fn(tx); err != nil {
		return err
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	committed = true
	for _, fn := range tx.afterCommit {
		fn()
	}
	return nil
}
