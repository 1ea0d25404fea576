package jobs

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"net/url"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/migrations"
)

// The multi-process test re-executes this test binary as worker processes (the os/exec helper
// process pattern): TestJobsChildProcess does nothing unless these variables are set.
const (
	envChildMode = "CONNECTOR_JOBS_CHILD_MODE" // "work" or "block"
	envChildDB   = "CONNECTOR_JOBS_CHILD_DB"   // mysql:// URL of the shared database
)

type mpArgs struct {
	N int `json:"n"`
}

func (mpArgs) Kind() string { return "mp" }

// mpLease is short so the kill test sees a rescue within seconds.
const mpLease = 2 * time.Second

func TestJobsChildProcess(t *testing.T) {
	mode := os.Getenv(envChildMode)
	if mode == "" {
		t.Skip("helper process for TestMultiProcess")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 45*time.Second)
	defer cancel()
	st, err := store.Open(ctx, os.Getenv(envChildDB), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = st.Close() }()
	db, pid := st.DB(), os.Getpid()

	work := func(ctx context.Context, j *Job[mpArgs]) error {
		// (job_id, attempt) is the primary key: the same attempt can never run twice.
		if _, err := db.ExecContext(ctx, `INSERT INTO mp_runs (job_id, attempt, pid, started_at) VALUES (?, ?, ?, ?)`,
			j.ID, j.Attempt, pid, now()); err != nil {
			t.Errorf("job %d attempt %d: record run: %v", j.ID, j.Attempt, err)
			return err
		}
		if mode == "block" {
			<-ctx.Done() // until SIGKILL
			return ctx.Err()
		}
		// One in-flight row per job: a second concurrent run of any attempt fails here.
		if _, err := db.ExecContext(ctx, `INSERT INTO mp_inflight (job_id) VALUES (?)`, j.ID); err != nil {
			t.Errorf("job %d runs twice at once: %v", j.ID, err)
			return err
		}
		time.Sleep(10 * time.Millisecond)
		if _, err := db.ExecContext(ctx, `DELETE FROM mp_inflight WHERE job_id = ?`, j.ID); err != nil {
			return err
		}
		_, err := db.ExecContext(ctx, `UPDATE mp_runs SET finished_at = ? WHERE job_id = ? AND attempt = ?`, now(), j.ID, j.Attempt)
		return err
	}
	ws := NewWorkers()
	AddWorker(ws, WorkFunc(work))
	c, err := NewClient(st, Config{Workers: ws, Concurrency: 8, PollInterval: 50 * time.Millisecond,
		LeaseDuration: mpLease, RescueInterval: 200 * time.Millisecond, Backoff: func(int) time.Duration { return 0 },
		ID:     fmt.Sprintf("child-%s-%d", mode, pid),
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// Work until no job is left to run (a "block" child runs until killed).
	for ctx.Err() == nil {
		var left int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left == 0 && mode == "work" {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	stopCtx, stopCancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer stopCancel()
	if err := c.Stop(stopCtx); err != nil {
		t.Error(err)
	}
	if ctx.Err() != nil {
		t.Fatal("child timed out")
	}
}

type child struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
}

func startChild(t *testing.T, mode, dbURL string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(os.Args[0], "-test.run=^TestJobsChildProcess$", "-test.count=1", "-test.v")}
	c.cmd.Env = append(os.Environ(), envChildMode+"="+mode, envChildDB+"="+dbURL)
	c.cmd.Stdout, c.cmd.Stderr = &c.stdout, &c.stderr
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if c.cmd.ProcessState == nil {
			_ = c.cmd.Process.Kill()
			_ = c.cmd.Wait()
		}
	})
	return c
}

func (c *child) wait(t *testing.T) {
	t.Helper()
	err := c.cmd.Wait()
	if testing.Verbose() {
		t.Logf("child %d stderr:\n%s", c.cmd.Process.Pid, c.stderr.String())
	}
	if err != nil {
		t.Fatalf("child %d: %v\nstdout:\n%s\nstderr:\n%s", c.cmd.Process.Pid, err, c.stdout.String(), c.stderr.String())
	}
}

// childURL names the test's fresh database in the mysql:// form store.Open takes.
func childURL(t *testing.T, st *store.Store) string {
	t.Helper()
	var name string
	if err := st.DB().QueryRow("SELECT DATABASE()").Scan(&name); err != nil {
		t.Fatal(err)
	}
	cfg, err := storetest.ParseMySQLDSN(os.Getenv(storetest.EnvMySQLDSN))
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

func TestMultiProcess(t *testing.T) {
	if os.Getenv(envChildMode) != "" {
		t.Skip("inside a helper process")
	}
	st := storetest.New(t, migrations.MySQL, true) // skips without CONNECTOR_TEST_MYSQL_DSN
	ctx := context.Background()
	db := st.DB()
	for _, q := range []string{
		`CREATE TABLE mp_runs (job_id BIGINT NOT NULL, attempt INT NOT NULL, pid INT NOT NULL,
			started_at DATETIME(6) NOT NULL, finished_at DATETIME(6) NULL, PRIMARY KEY (job_id, attempt))`,
		`CREATE TABLE mp_inflight (job_id BIGINT NOT NULL PRIMARY KEY)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	dbURL := childURL(t, st)
	c := newClient(t, st, Config{})

	insert := func(n int) {
		t.Helper()
		err := st.Transaction(ctx, func(tx *store.Tx) error {
			for i := range n {
				if _, err := c.InsertTx(ctx, tx, mpArgs{N: i}, nil); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	states := func() map[string]int {
		t.Helper()
		rows, err := db.QueryContext(ctx, `SELECT CONCAT(state, '/', attempt), COUNT(*) FROM jobs GROUP BY state, attempt`)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = rows.Close() }()
		out := map[string]int{}
		for rows.Next() {
			var k string
			var n int
			if err := rows.Scan(&k, &n); err != nil {
				t.Fatal(err)
			}
			out[k] = n
		}
		return out
	}

	t.Run("two processes share one queue", func(t *testing.T) {
		const total = 300
		insert(total)
		a, b := startChild(t, "work", dbURL), startChild(t, "work", dbURL)
		a.wait(t)
		b.wait(t)
		if got := states(); got["completed/1"] != total || len(got) != 1 {
			failed, _ := c.List(ctx, ListFilter{States: []State{StateCompleted}, Limit: 1000})
			for _, j := range failed {
				if len(j.Errors) > 0 {
					t.Logf("job %d: %+v", j.ID, j.Errors)
				}
			}
			t.Fatalf("job states %v, want %d completed/1", got, total)
		}
		var runs, perPID, unfinished int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*), COUNT(DISTINCT pid), SUM(finished_at IS NULL) FROM mp_runs`).Scan(&runs, &perPID, &unfinished); err != nil {
			t.Fatal(err)
		}
		if runs != total || unfinished != 0 {
			t.Errorf("%d runs (%d unfinished), want %d", runs, unfinished, total)
		}
		if perPID != 2 {
			t.Errorf("runs came from %d processes, want 2", perPID)
		}
	})

	t.Run("killed process is rescued after its lease", func(t *testing.T) {
		if _, err := db.ExecContext(ctx, `DELETE FROM jobs`); err != nil {
			t.Fatal(err)
		}
		const total = 6
		insert(total)
		blocker := startChild(t, "block", dbURL)
		deadline := time.Now().Add(20 * time.Second)
		for {
			var n int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM mp_runs WHERE pid = ?`, blocker.cmd.Process.Pid).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n == total {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("blocking child claimed %d of %d jobs\n%s%s", n, total, blocker.stdout.String(), blocker.stderr.String())
			}
			time.Sleep(20 * time.Millisecond)
		}
		// While the child lives, its heartbeats keep the jobs past the first lease.
		time.Sleep(mpLease + 500*time.Millisecond)
		if err := c.RescueAndPrune(ctx); err != nil {
			t.Fatal(err)
		}
		if got := states(); got["running/1"] != total {
			t.Fatalf("live worker's jobs were touched: %v", got)
		}

		if err := blocker.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		killedAt := now()
		var exitErr *exec.ExitError
		if err := blocker.cmd.Wait(); !errors.As(err, &exitErr) {
			t.Fatalf("killed child: %v", err)
		}

		rescuer := startChild(t, "work", dbURL)
		rescuer.wait(t)
		if got := states(); got["completed/2"] != total || len(got) != 1 {
			t.Fatalf("job states %v, want %d completed/2", got, total)
		}
		jobs, err := c.List(ctx, ListFilter{Kinds: []string{"mp"}})
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range jobs {
			if len(j.Errors) != 1 || !strings.Contains(j.Errors[0].Error, "child-block-"+strconv.Itoa(blocker.cmd.Process.Pid)) {
				t.Errorf("job %d errors %+v, want one lease expiry of the killed child", j.ID, j.Errors)
			}
			var started sql.NullTime
			err := db.QueryRowContext(ctx, `SELECT started_at FROM mp_runs WHERE job_id = ? AND attempt = 2 AND pid = ?`,
				j.ID, rescuer.cmd.Process.Pid).Scan(&started)
			if err != nil {
				t.Fatalf("job %d: rescuer's run: %v", j.ID, err)
			}
			if started.Time.Before(killedAt) {
				t.Errorf("job %d ran again at %v, before its worker was killed at %v", j.ID, started.Time, killedAt)
			}
		}
	})
}
