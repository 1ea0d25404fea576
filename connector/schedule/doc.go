// Package schedule enqueues periodic jobs — per IWS account the catalog, prices, stock and
// extended-catalog syncs, per shop the listing verification, and the global audit-log purge — at
// intervals never shorter than IWS advises (IWSSchedules and ShopSchedules reject smaller values
// with an error listing every problem).
//
// It does not know the job kinds: the caller gives a Schedule{Name, Interval, MinInterval,
// Global, Args} per kind, so the scheduler does not import the catalog package.
//
// # State
//
// schedule_runs keeps, per (account, shop, schedule), next_due_at and the last enqueued job with
// when and how it finished; shop is 0 for the per-account and global schedules, and a per-shop
// row carries the shop's account. A schedule is due when next_due_at has passed, so a restart does not re-run
// everything; a first sight of a schedule is due at once. A due schedule whose previous job is
// not finalized yet waits for it (never two syncs of one feed at once). After downtime the next
// run counts from now, so there is no burst of catch-up runs.
//
// Enqueueing is one transaction: the job is inserted (InsertTx) with the unique key
// "<name>:account:<id>:<due time>" (per shop "<name>:shop:<id>:<due time>") and the row is
// advanced with a compare-and-set on next_due_at. A second scheduler racing on the same due time
// either finds the live job by its unique key or loses the compare-and-set and rolls back, so a
// double schedule never enqueues twice.
//
// # Leadership
//
// With several instances only one schedules. On MySQL/MariaDB the leader holds the named lock
// GET_LOCK('connector_scheduler_<hash of database name>', 0) on a dedicated connection for as long
// as it leads; it checks the lock at every tick, releases it on Stop, and the server frees it if
// the process or connection dies, so a follower takes over at its next tick. Only the loop touches
// the lock's connection, and never with a context Stop cancels (go-sql-driver/mysql closes a
// connection whose query is cancelled); a lock connection found closed at Stop took the lock with
// it, which is a clean release. On SQLite the
// process is alone and always leads (no lock; its single connection must not be pinned).
package schedule
