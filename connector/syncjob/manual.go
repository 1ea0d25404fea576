package syncjob

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/intcomex-connector/connector/connector/catalog"
	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/store"
)

// ManualPush is the name the web UI gives a push of one shop beside the feed kinds (catalog,
// prices, stock, content, all).
const ManualPush = "push"

// ManualJobKinds are the job kinds a person starts by hand (the web UI's Sync page): the syncs
// of the feeds and the push of a shop.
var ManualJobKinds = []string{KindSyncCatalog, KindSyncPrices, KindSyncStock, KindSyncContent, KindSyncAll, KindPushListings}

// EnqueueManualSync queues a sync of one feed (catalog, prices, stock, content or all) of the
// account now: the same job the scheduler queues, with the same unique key per account and
// kind, so a sync of that kind already waiting or running is returned instead (Duplicate). The
// job workers run it; nothing runs in the caller. An unknown kind is ErrInvalid (with the
// message `connector sync` prints); an unknown account wraps store.ErrNotFound.
func EnqueueManualSync(ctx context.Context, client *jobs.Client, st *store.Store, kind string, accountID int64) (jobs.InsertResult, error) {
	k, err := catalog.ParseKind(kind)
	if err != nil {
		return jobs.InsertResult{}, fmt.Errorf("%w: unknown kind %q: use catalog, prices, stock, content or all", ErrInvalid, kind)
	}
	if _, err := st.IWSAccountByID(ctx, accountID); err != nil {
		return jobs.InsertResult{}, fmt.Errorf("syncjob: queue %s sync: %w", k, err)
	}
	args, err := ArgsFor(k, Target{AccountID: accountID})
	if err != nil {
		return jobs.InsertResult{}, err
	}
	res, err := client.Insert(ctx, args, nil)
	if err != nil {
		return jobs.InsertResult{}, fmt.Errorf("syncjob: queue %s sync: %w", k, err)
	}
	return res, nil
}

// EnqueueManualPush queues a push of one connected shop's listings (the push_listings job, as
// a change of its margin rules queues it: EnqueuePushTx). An unknown shop wraps
// store.ErrNotFound; an uninstalled one is ErrInvalid.
func EnqueueManualPush(ctx context.Context, client *jobs.Client, st *store.Store, shopID int64) (*jobs.JobRow, error) {
	shop, err := st.Shop(ctx, shopID)
	if err != nil {
		return nil, fmt.Errorf("syncjob: queue push: %w", err)
	}
	if shop.Disconnected() {
		return nil, fmt.Errorf("%w: shop %d was uninstalled (its credentials were removed): install it again or add it with new keys", ErrInvalid, shopID)
	}
	var job *jobs.JobRow
	err = st.Transaction(ctx, func(tx *store.Tx) error {
		job, err = EnqueuePushTx(ctx, client, tx, shopID)
		return err
	})
	if err != nil {
		return nil, err
	}
	return job, nil
}

// ManualJob is what a sync or push job is for, read from its row.
type ManualJob struct {
	// Feed is the sync's kind (catalog, prices, stock, content, all) or ManualPush.
	Feed      string
	AccountID int64 // the sync's account; 0 for a push
	ShopID    int64 // the push's shop, or the shop a sync was limited to
}

// ManualJobOf reads a job of ManualJobKinds; ok is false for another kind or unreadable args.
func ManualJobOf(row *jobs.JobRow) (ManualJob, bool) {
	feeds := map[string]catalog.Kind{
		KindSyncCatalog: catalog.KindCatalog, KindSyncPrices: catalog.KindPrices, KindSyncStock: catalog.KindStock,
		KindSyncContent: catalog.KindContent, KindSyncAll: catalog.KindAll,
	}
	if row.Kind == KindPushListings {
		var a PushListings
		if json.Unmarshal(row.Args, &a) != nil {
			return ManualJob{}, false
		}
		return ManualJob{Feed: ManualPush, ShopID: a.ShopID}, true
	}
	feed, ok := feeds[row.Kind]
	if !ok {
		return ManualJob{}, false
	}
	var t Target
	if json.Unmarshal(row.Args, &t) != nil {
		return ManualJob{}, false
	}
	return ManualJob{Feed: string(feed), AccountID: t.AccountID, ShopID: t.ShopID}, true
}
