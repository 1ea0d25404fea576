package store

import (
	"context"
	"fmt"
	"time"

	"github.com/intcomex-connector/connector/migrations"
)

// Lease locks: mutual exclusion between processes sharing the database (two `serve` instances
// on MySQL, or `connector sync` next to `serve`). A lock is a row of the locks table held by an
// owner until expires_at; the owner keeps it with ExtendLock and gives it up with Unlock, and a
// lock whose owner died is free again once it expires. Times come from the store's clock (UTC).
//
// Every method is one or two single-statement writes whose WHERE clause is the whole
// condition, so there is no read-then-write race on either dialect: the database serializes the
// statements on the primary key, and the row count says who won.

// maxLockKey is the length of the name and owner columns (VARCHAR(191) on MySQL).
const maxLockKey = 191

func checkLockArgs(op, name, owner string, ttl time.Duration, needTTL bool) error {
	switch {
	case name == "" || len(name) > maxLockKey:
		return fmt.Errorf("store: %s: %w: lock name %q (1 to %d bytes)", op, ErrInvalid, name, maxLockKey)
	case owner == "" || len(owner) > maxLockKey:
		return fmt.Errorf("store: %s: %w: lock owner %q (1 to %d bytes)", op, ErrInvalid, owner, maxLockKey)
	case needTTL && ttl <= 0:
		return fmt.Errorf("store: %s: %w: lock ttl %s", op, ErrInvalid, ttl)
	}
	return nil
}

// TryLock takes the lock name for owner until now+ttl, without waiting. It returns true when the
// lock was free, expired, or already owner's (whose lease it then renews), and false when
// another owner holds it.
func (s *Store) TryLock(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	if err := checkLockArgs("try lock", name, owner, ttl, true); err != nil {
		return false, err
	}
	now := s.now()
	expires := now.Add(ttl)

	// The usual case: nobody holds it (Unlock deletes the row). A conflict inserts nothing.
	insert := `INSERT INTO locks (name, owner, expires_at, acquired_at, version) VALUES (?, ?, ?, ?, 1) `
	if s.dialect == migrations.MySQL {
		insert += `ON DUPLICATE KEY UPDATE name = name` // no change: 0 rows affected
	} else {
		insert += `ON CONFLICT (name) DO NOTHING`
	}
	res := s.db.WithContext(ctx).Exec(insert, name, owner, expires, now)
	if res.Error != nil {
		return false, fmt.Errorf("store: try lock %s: %w", name, res.Error)
	}
	if res.RowsAffected == 1 {
		return true, nil
	}

	// The row exists: take it over if it expired, renew it if it is ours. acquired_at is kept
	// on a renewal. If the holder deleted the row between the two statements, this matches
	// nothing and the caller tries again later, as if the lock had been busy.
	res = s.db.WithContext(ctx).Exec(`UPDATE locks SET
		acquired_at = CASE WHEN owner = ? THEN acquired_at ELSE ? END,
		owner = ?, expires_at = ?, version = version + 1
		WHERE name = ? AND (expires_at < ? OR owner = ?)`,
		owner, now, owner, expires, name, now, owner)
	if res.Error != nil {
		return false, fmt.Errorf("store: try lock %s: %w", name, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// ExtendLock moves the expiry of owner's lock to now+ttl. It returns false when owner no longer
// holds the lock (it expired and was taken over, or was never taken): the caller must stop what
// the lock protects. A lock that expired but that nobody took over is still extended.
func (s *Store) ExtendLock(ctx context.Context, name, owner string, ttl time.Duration) (bool, error) {
	if err := checkLockArgs("extend lock", name, owner, ttl, true); err != nil {
		return false, err
	}
	res := s.db.WithContext(ctx).Exec(`UPDATE locks SET expires_at = ?, version = version + 1
		WHERE name = ? AND owner = ?`, s.now().Add(ttl), name, owner)
	if res.Error != nil {
		return false, fmt.Errorf("store: extend lock %s: %w", name, res.Error)
	}
	return res.RowsAffected == 1, nil
}

// Unlock releases owner's lock. Releasing a lock owner does not hold (any more) does nothing:
// a lock taken over after its expiry stays with its new owner.
func (s *Store) Unlock(ctx context.Context, name, owner string) error {
	if err := checkLockArgs("unlock", name, owner, 0, false); err != nil {
		return err
	}
	if err := s.db.WithContext(ctx).Exec(`DELETE FROM locks WHERE name = ? AND owner = ?`, name, owner).Error; err != nil {
		return fmt.Errorf("store: unlock %s: %w", name, err)
	}
	return nil
}

// Lock is the state of a lock, for diagnostics and tests.
type Lock struct {
	Name       string
	Owner      string
	ExpiresAt  time.Time
	AcquiredAt time.Time
}

type lockRow struct {
	Name       string    `gorm:"column:name;primaryKey"`
	Owner      string    `gorm:"column:owner"`
	ExpiresAt  time.Time `gorm:"column:expires_at"`
	AcquiredAt time.Time `gorm:"column:acquired_at"`
	Version    int64     `gorm:"column:version"`
}

func (lockRow) TableName() string { return "locks" }

// LockInfo returns the row of lock name (held or expired), or ErrNotFound when nobody took it
// or it was released.
func (s *Store) LockInfo(ctx context.Context, name string) (Lock, error) {
	var r lockRow
	if err := s.db.WithContext(ctx).Where("name = ?", name).Take(&r).Error; err != nil {
		return Lock{}, notFound("lock "+name, err)
	}
	return Lock{Name: r.Name, Owner: r.Owner, ExpiresAt: r.ExpiresAt.UTC(), AcquiredAt: r.AcquiredAt.UTC()}, nil
}
