package schedule

import (
	"context"
	"database/sql/driver"
	"errors"
	"testing"

	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/migrations"
)

// A lock connection the driver has closed (a cancelled query makes go-sql-driver/mysql close it;
// so does a dropped network) took the lock with it: releasing it is a clean release, not
// "driver: bad connection", and another session can take the lock.
func TestReleaseAfterDriverClosedLockConnection(t *testing.T) {
	t.Parallel()
	st := storetest.New(t, migrations.MySQL, true) // skips without CONNECTOR_TEST_MYSQL_DSN
	ctx := context.Background()
	tests := []struct {
		name  string
		close func(t *testing.T, l *leaderLock)
	}{
		{name: "query cancelled in flight", close: cancelQueryInFlight},
		{name: "connection closed", close: func(t *testing.T, l *leaderLock) {
			if err := l.conn.Raw(func(dc any) error { return dc.(driver.Conn).Close() }); err != nil {
				t.Fatal(err)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			l := &leaderLock{db: st.DB(), dialect: st.Dialect()}
			if held, err := l.acquire(ctx); err != nil || !held {
				t.Fatalf("acquire: %v, %v", held, err)
			}
			tt.close(t, l)
			if err := l.release(ctx); err != nil {
				t.Fatalf("release after the driver closed the connection: %v", err)
			}
			if l.conn != nil {
				t.Fatal("release kept the connection")
			}
			// The server frees the lock once it has seen the session end; another session then
			// gets it (GET_LOCK waits for it server-side, up to the test's own timeout).
			other, err := st.DB().Conn(ctx)
			if err != nil {
				t.Fatal(err)
			}
			defer func() { _ = other.Close() }()
			var got int
			if err := other.QueryRowContext(ctx, "SELECT GET_LOCK("+lockName+", 3600)").Scan(&got); err != nil || got != 1 {
				t.Fatalf("GET_LOCK after release: %d, %v", got, err)
			}
			if _, err := other.ExecContext(ctx, "DO RELEASE_LOCK("+lockName+")"); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// cancelQueryInFlight runs a query on the lock's connection and cancels it once the server is
// executing it, the way Stop's cancellation used to land on a lock check.
func cancelQueryInFlight(t *testing.T, l *leaderLock) {
	t.Helper()
	var id int64
	if err := l.conn.QueryRowContext(context.Background(), "SELECT CONNECTION_ID()").Scan(&id); err != nil {
		t.Fatal(err)
	}
	qctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, err := l.conn.ExecContext(qctx, "DO SLEEP(3600)")
		done <- err
	}()
	for running := 0; running == 0; {
		// A row appearing, not a timer: the server is executing the sleep on that connection.
		if err := l.db.QueryRowContext(context.Background(), `SELECT COUNT(*) FROM information_schema.PROCESSLIST
			WHERE ID = ? AND INFO LIKE 'DO SLEEP%'`, id).Scan(&running); err != nil {
			t.Fatal(err)
		}
	}
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled query: %v, want context.Canceled", err)
	}
}
