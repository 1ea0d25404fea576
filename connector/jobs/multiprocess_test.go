package jobs

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"
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
	envChildMode = "CONNECTOR_JOBS_CHILD_MODE" // "share", "rescue" or "block"
	envChildDB   = "CONNECTOR_JOBS_CHILD_DB"   // mysql:// URL of the shared database
)

// Child modes: "share" runs jobs until none is left, each run waiting until another process has
// one too, so both share children take part however the machine schedules them; "rescue" runs
// jobs until none is left and also rescues expired leases in real time (every 200 ms); "block"
// claims jobs and holds them until killed. Only the rescue child rescues in real time: a heartbeat
// made late by a loaded machine must not lose a live worker its jobs in the tests that are not
// about lease expiry.

type mpArgs struct {
	N int `json:"n"`
}

func (mpArgs) Kind() string { return "mp" }

// mpLease is short so the kill test sees the rescue child rescue within seconds.
const mpLease = 2 * time.Second

func TestJobsChildProcess(t *testing.T) {
	mode := os.Getenv(envChildMode)
	if mode == "" {
		t.Skip("helper process for TestMultiProcess")
	}
	// The parent holds this process's stdin open: end of input means it is gone, so leave rather
	// than work on for nobody (there is no deadline to end a stuck child otherwise).
	go func() {
		_, _ = io.Copy(io.Discard, os.Stdin)
		os.Exit(3)
	}()
	ctx := context.Background()
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
		for mode == "share" {
			var pids int
			if err := db.QueryRowContext(ctx, `SELECT COUNT(DISTINCT pid) FROM mp_runs`).Scan(&pids); err != nil {
				return err
			}
			if pids >= 2 {
				break
			}
			time.Sleep(10 * time.Millisecond) // polling for the other process's first run
		}
		// One in-flight row per job: a second concurrent run of any attempt fails here.
		if _, err := db.ExecContext(ctx, `INSERT INTO mp_inflight (job_id) VALUES (?)`, j.ID); err != nil {
			t.Errorf("job %d runs twice at once: %v", j.ID, err)
			return err
		}
		time.Sleep(10 * time.Millisecond) // a job's work, during which a second run would collide above
		if _, err := db.ExecContext(ctx, `DELETE FROM mp_inflight WHERE job_id = ?`, j.ID); err != nil {
			return err
		}
		_, err := db.ExecContext(ctx, `UPDATE mp_runs SET finished_at = ? WHERE job_id = ? AND attempt = ?`, now(), j.ID, j.Attempt)
		return err
	}
	ws := NewWorkers()
	AddWorker(ws, WorkFunc(work))
	rescueEvery := time.Hour // the parent runs the passes the test needs, as of chosen instants
	if mode == "rescue" {
		rescueEvery = 200 * time.Millisecond
	}
	c, err := NewClient(st, Config{Workers: ws, Concurrency: 8, PollInterval: 50 * time.Millisecond,
		LeaseDuration: mpLease, RescueInterval: rescueEvery, Backoff: func(int) time.Duration { return 0 },
		ID:     fmt.Sprintf("child-%s-%d", mode, pid),
		Logger: slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Start(ctx); err != nil {
		t.Fatal(err)
	}
	// Work until the rows say no job is left to run (a "block" child runs until killed).
	poll := time.NewTicker(50 * time.Millisecond)
	defer poll.Stop()
	for {
		var left int
		if err := db.QueryRowContext(ctx, `SELECT COUNT(*) FROM jobs WHERE state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&left); err != nil {
			t.Fatal(err)
		}
		if left == 0 && mode != "block" {
			break
		}
		<-poll.C
	}
	if err := c.Stop(ctx); err != nil {
		t.Error(err)
	}
}

type child struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	exited         chan struct{} // closed once the process has ended
	err            error         // cmd.Wait's result, set before exited closes
}

func startChild(t *testing.T, mode, dbURL string) *child {
	t.Helper()
	c := &child{cmd: exec.Command(os.Args[0], "-test.run=^TestJobsChildProcess$", "-test.count=1", "-test.v"),
		exited: make(chan struct{})}
	c.cmd.Env = append(os.Environ(), envChildMode+"="+mode, envChildDB+"="+dbURL)
	c.cmd.Stdout, c.cmd.Stderr = &c.stdout, &c.stderr
	stdin, err := c.cmd.StdinPipe() // held open until the child has ended: see TestJobsChildProcess
	if err != nil {
		t.Fatal(err)
	}
	if err := c.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		defer close(c.exited)
		c.err = c.cmd.Wait()
		_ = stdin.Close()
	}()
	t.Cleanup(func() {
		select {
		case <-c.exited:
		default:
			_ = c.cmd.Process.Kill()
			<-c.exited
		}
	})
	return c
}

func (c *child) wait(t *testing.T) {
	t.Helper()
	<-c.exited
	err := c.err
	if testing.Verbose() {
		t.Logf("child %d stderr:\n%s", c.cmd.Process.Pid, c.stderr.String())
	}
	if err != nil {
		t.Fatalf("child %d: %v\nstdout:\n%s\nstderr:\n%s", c.cmd.Process.Pid, err, c.stdout.String(), c.stderr.String())
	}
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
	dbURL := storetest.MySQLURL(t, st)
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
		a, b := startChild(t, "share", dbURL), startChild(t, "share", dbURL)
		// The one that ends first is checked first: a child that failed leaves the other waiting
		// for its peer, and the failure (its cleanup kills the other) is the news.
		first, second := a, b
		select {
		case <-a.exited:
		case <-b.exited:
			first, second = b, a
		}
		first.wait(t)
		second.wait(t)
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
		// leases returns the lease end of each job the blocker runs, once it runs them all.
		leases := func() map[int64]time.Time {
			t.Helper()
			jobs, err := c.List(ctx, ListFilter{Kinds: []string{"mp"}, States: []State{StateRunning}})
			if err != nil {
				t.Fatal(err)
			}
			out := map[int64]time.Time{}
			for _, j := range jobs {
				out[j.ID] = j.LeaseExpiresAt
			}
			return out
		}
		poll := time.NewTicker(20 * time.Millisecond)
		defer poll.Stop()
		claimed := leases()
		for len(claimed) < total {
			select {
			case <-blocker.exited:
				t.Fatalf("blocking child ended (%v) having claimed %d of %d jobs\n%s%s", blocker.err, len(claimed), total,
					blocker.stdout.String(), blocker.stderr.String())
			case <-poll.C:
			}
			claimed = leases()
		}
		// While the child lives, its heartbeats keep the jobs past their first lease: once every
		// lease has been renewed beyond the last first one, a pass as of just after that last first
		// lease (one that would rescue jobs nobody renewed) leaves them all running.
		var firstEnd time.Time
		for _, l := range claimed {
			if l.After(firstEnd) {
				firstEnd = l
			}
		}
		for renewed := false; !renewed; {
			<-poll.C
			renewed = true
			for _, l := range leases() {
				renewed = renewed && l.After(firstEnd)
			}
		}
		if err := c.rescueAndPrune(ctx, firstEnd.Add(time.Microsecond)); err != nil {
			t.Fatal(err)
		}
		if got := states(); got["running/1"] != total {
			t.Fatalf("live worker's jobs were touched: %v", got)
		}

		if err := blocker.cmd.Process.Signal(syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		killedAt := now()
		<-blocker.exited
		var exitErr *exec.ExitError
		if !errors.As(blocker.err, &exitErr) {
			t.Fatalf("killed child: %v", blocker.err)
		}

		// The rescue child rescues the jobs once their leases run out, in real time, and runs them.
		rescuer := startChild(t, "rescue", dbURL)
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
