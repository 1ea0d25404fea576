package jobs

import (
	"encoding/json"
	"time"
)

// JobArgs is the payload of a job kind. It is stored as JSON; Kind names the worker that runs it
// and must stay stable across releases (it is persisted).
type JobArgs interface {
	Kind() string
}

// ArgsWithInsertOpts lets an args type carry default insert options (max attempts, priority,
// unique key). Options passed to Insert override the non-zero fields.
type ArgsWithInsertOpts interface {
	InsertOpts() InsertOpts
}

// State is where a job is in its life.
type State string

// Job states. available, scheduled and retryable wait to run; running holds a lease; completed,
// cancelled and discarded are final.
const (
	StateAvailable State = "available" // ready to be claimed now
	StateScheduled State = "scheduled" // waits for scheduled_at (inserted for later, or snoozed)
	StateRetryable State = "retryable" // failed, waits for scheduled_at to run again
	StateRunning   State = "running"   // claimed by attempted_by until lease_expires_at
	StateCompleted State = "completed"
	StateCancelled State = "cancelled" // by the worker (Cancel) or by Client.Cancel; never retried
	StateDiscarded State = "discarded" // out of attempts
)

// Finalized reports whether s is a final state.
func (s State) Finalized() bool {
	return s == StateCompleted || s == StateCancelled || s == StateDiscarded
}

// AttemptError is one failed attempt in a job's error history.
type AttemptError struct {
	At      time.Time `json:"at"`
	Attempt int       `json:"attempt"`
	Error   string    `json:"error"`
}

// JobRow is a job as stored, with its arguments still encoded.
type JobRow struct {
	ID                int64
	Kind              string
	Args              json.RawMessage
	State             State
	Priority          int // 1 (first) to 4 (last)
	Attempt           int // attempts started; a snooze gives its attempt back
	MaxAttempts       int
	ScheduledAt       time.Time
	AttemptedAt       time.Time // start of the latest attempt, zero before the first
	AttemptedBy       string    // lease owner (Config.ID) of the latest attempt
	LeaseExpiresAt    time.Time // zero unless running
	CancelRequestedAt time.Time // set by Client.Cancel on a running job
	UniqueKey         string
	Errors            []AttemptError
	CreatedAt         time.Time
	FinalizedAt       time.Time
}

// Job is a claimed job handed to a Worker, with its arguments decoded.
type Job[T JobArgs] struct {
	*JobRow
	Args T
}

// InsertOpts tunes one insert. Zero fields take the args' InsertOpts, then the defaults.
type InsertOpts struct {
	// MaxAttempts bounds how many times the job runs before it is discarded (default 25).
	MaxAttempts int
	// Priority orders available jobs, 1 first, 4 last (default 2).
	Priority int
	// ScheduledAt delays the job; zero or past means now.
	ScheduledAt time.Time
	// UniqueKey, when set, makes the insert return the existing job of the same kind and key
	// while that job is not finalized, instead of inserting a second one.
	UniqueKey string
}

// InsertResult is the outcome of an insert.
type InsertResult struct {
	Job *JobRow
	// Duplicate reports that a live job with the same kind and unique key existed; Job is that job.
	Duplicate bool
}

// Defaults for InsertOpts.
const (
	DefaultMaxAttempts = 25
	DefaultPriority    = 2
	maxUniqueKey       = 255
	maxKind            = 100
)

func mergeOpts(args JobArgs, opts *InsertOpts) InsertOpts {
	var out InsertOpts
	if a, ok := args.(ArgsWithInsertOpts); ok {
		out = a.InsertOpts()
	}
	if opts != nil {
		if opts.MaxAttempts != 0 {
			out.MaxAttempts = opts.MaxAttempts
		}
		if opts.Priority != 0 {
			out.Priority = opts.Priority
		}
		if !opts.ScheduledAt.IsZero() {
			out.ScheduledAt = opts.ScheduledAt
		}
		if opts.UniqueKey != "" {
			out.UniqueKey = opts.UniqueKey
		}
	}
	if out.MaxAttempts <= 0 {
		out.MaxAttempts = DefaultMaxAttempts
	}
	if out.Priority <= 0 {
		out.Priority = DefaultPriority
	}
	return out
}
