// Package jobs is the connector's durable job queue, modelled on riverqueue/river but running on
// SQLite and MySQL/MariaDB through the connector's store.
//
// # Jobs and workers
//
// A job is a row in the jobs table: a kind, JSON args, a state, attempt/max_attempts, priority,
// scheduled_at, the lease (attempted_by, lease_expires_at), an optional unique key and the error
// history (a JSON list of {at, attempt, error}). Args types implement JobArgs (Kind); workers are
// typed per args type (Worker[T]) and registered with AddWorker. A Client with workers claims only
// the kinds it has workers for, so processes with different worker sets can share the queue.
//
// # States
//
//	insert ──► available ──claim──► running ──ok──────────► completed
//	   │          ▲                   │ ├─error, attempts left─► retryable ─(due)─┐
//	   └─later──► scheduled ◄─Snooze──┘ ├─error, none left────► discarded         │
//	              (due)──────────────► available ◄─────────────────────────────────┘
//	                                    └─Cancel(err)/Client.Cancel─► cancelled
//
// A failed attempt is retried after Config.Backoff(attempt) (exponential with jitter, capped;
// a worker may implement WorkerBackoff). Cancel(err) ends the job without retrying. Snooze(d)
// reschedules it and gives the attempt back. A panic is an error. An error for which
// Config.SnoozeFor returns true (main wires IWS throttling: iws.IsThrottled/iws.RetryAfter) is
// snoozed for the duration it names, so a throttled feed never burns attempts.
//
// # Claiming and leases
//
// Claims are short transactions: due scheduled/retryable jobs are first promoted to available,
// then up to N available jobs are selected in (priority, scheduled_at, id) order — with
// FOR UPDATE SKIP LOCKED in READ COMMITTED on MySQL/MariaDB, so concurrent claimers in any number
// of processes never take the same row and never wait on each other; on SQLite the store's
// single connection and immediate transactions make each claim exclusive — and marked running
// with attempt+1, attempted_by = Config.ID and lease_expires_at = now + LeaseDuration. Work runs
// outside any transaction. While it runs, a heartbeat extends the lease every LeaseDuration/3.
// Every later write about the attempt (heartbeat, outcome) is guarded by (id, state running,
// attempt, attempted_by), so a worker that lost its job can never overwrite the new owner's
// state; a heartbeat that finds the job gone cancels the work's context (ErrLeaseLost).
//
// # Rescue and retention
//
// Every RescueInterval each client rescues running jobs whose lease expired (the process crashed
// or stalled): they become available again with a "lease expired" entry in their errors, or
// discarded when out of attempts (cancelled when a cancel was requested). The same pass deletes
// completed jobs older than CompletedRetention and cancelled/discarded ones older than
// DiscardedRetention.
//
// # Uniqueness
//
// With InsertOpts.UniqueKey, unique_key_active carries the key while the job is not finalized
// and NULL afterwards; a unique index on (kind, unique_key_active) makes a second insert fail,
// and Insert then returns the live job (InsertResult.Duplicate) instead. Once the job is
// finalized the key may be used again.
//
// # Transactions
//
// InsertTx writes the job in the caller's store.Tx (store.Store.Transaction), so an order row and
// its place_order job commit or roll back together. The queue's SQL lives in this package
// (driver.go) rather than behind gorm in connector/store: river keeps its SQL in drivers too, and
// the claim, guarded updates and CASE expressions are raw SQL either way.
//
// # Running
//
// Start claims and runs jobs in the background (Concurrency at a time, polling every
// PollInterval and woken early by local inserts and finished jobs); Stop stops claiming and waits
// for running jobs until its context ends. Drain runs every due job synchronously (tests, CLI);
// InsertAndWait/Wait poll a job until it is finalized ("run a sync now and wait").
//
// Times are written by the application in UTC, so the processes sharing a database should have
// synchronised clocks (lease expiry tolerates skew well below LeaseDuration).
package jobs
