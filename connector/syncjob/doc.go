// Package syncjob orchestrates a catalog sync end to end for one IWS account: it mirrors the
// account's IWS feeds into the store (connector/catalog), then, for every shop of the account (or
// one shop), plans the listings' change set and pushes it through the shop's storefront
// (connector/listing). Runner.Run is that one path; the job workers (sync_catalog, sync_prices,
// sync_stock, sync_content, sync_all and audit_purge) and the `connector sync` command both call it.
//
// Runner.Verify reads one shop's storefront back and repairs what differs from what was pushed
// (listing.Syncer.Verify, then the shop's plan and push); the verify_listings job (scheduled per
// shop, daily by default) and `connector listings verify` call it. Runner.Reset resets one
// listing (`connector listings reset`). Runner.Push plans and pushes one shop from the mirror as
// it is, without reading IWS: the push_listings job, which a change of the shop's pricing queues
// (EnqueuePushTx, in the transaction of the change). Runner.Repush marks one listing to be sent
// whole (listing.Syncer.MarkRepush) and pushes its shop: the repush_listing job, which a person's
// "push now" in the web UI queues (EnqueueRepush). Each holds the run lock of the shop's
// account, as a sync does, so nothing else pushes to the shop meanwhile.
//
// Runs of one account are mutually exclusive across processes: a listing push of a shop must
// never run concurrently with another push of the same shop (that is how duplicate storefront
// products happen), and two `serve` instances, or `connector sync` next to `serve`, share one
// database. Run holds the store lease lock "sync:account:<id>" (store.TryLock) for the whole run,
// with a unique owner per run (host, pid, random, sequence) and a heartbeat that extends it every
// LockTTL/3 and cancels the run if the lock is lost. The Runner keeps its in-memory per-account
// queue in front of that lock: runs in one process hand over to each other at once (the feeds a
// first start enqueues together run back to back) and do not poll the database. A run that finds
// the store lock held by another process waits, polling with backoff (`connector sync` says it is
// "waiting for another sync of this account"); a job worker does not wait but snoozes the job
// (30 s to 1 min).
// Holding the lock also proves that sync_runs rows of the account still "running" were left by
// a process that stopped: Run marks them failed. The job kinds also carry a unique key per
// account, so the queue never holds two live runs of the same account and kind.
//
// Storefronts come from a StorefrontFactory that main provides: connector/shops.Storefronts.For,
// which builds the WooCommerce or Shopify adapter of a shop from its stored credentials (every
// call recorded in the API call log) and keeps the in-memory storefronts of memory shops.
package syncjob
