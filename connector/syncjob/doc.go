// Package syncjob orchestrates a catalog sync end to end for one IWS account: it mirrors the
// account's IWS feeds into the store (connector/catalog), then, for every shop of the account (or
// one shop), plans the listings' change set and pushes it through the shop's storefront
// (connector/listing). Runner.Run is that one path; the job workers (sync_catalog, sync_prices,
// sync_stock, sync_content, sync_all and audit_purge) and the `connector sync` command both call it.
//
// Runs of one account are serialized inside a process (a listing push of a shop must never run
// concurrently with another push of the same shop), and the job kinds carry a unique key per
// account, so the queue never holds two live runs of the same account and kind.
//
// Storefronts come from a StorefrontFactory that main provides; Storefronts is the one main uses:
// in-memory shops (platform "memory") are kept per shop id for the life of the process, the
// WooCommerce and Shopify adapters are not there yet.
package syncjob
