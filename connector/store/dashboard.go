package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"
)

// SyncFeeds are the IWS feeds a sync run covers (its stages, the kinds but "all").
var SyncFeeds = []string{"catalog", "prices", "stock", "content"}

// FeedSync is the newest sync run of an account that covered one feed: a run of that kind or an
// "all" run that included it.
type FeedSync struct {
	AccountID int64
	Feed      string
	Run       SyncRun
	// Stage is the feed's part of the run (its counts and duration); HasStage is false while
	// the run runs, or when it stopped before the feed.
	Stage    SyncStageStats
	HasStage bool
}

// LatestFeedSyncs returns, for every account that has sync runs, the newest run of each feed
// (SyncFeeds order), by account. A feed never synced is absent.
func (s *Store) LatestFeedSyncs(ctx context.Context) ([]FeedSync, error) {
	var accounts []int64
	if err := s.db.WithContext(ctx).Model(&syncRunRow{}).Distinct("account_id").Order("account_id").Pluck("account_id", &accounts).Error; err != nil {
		return nil, fmt.Errorf("store: latest feed syncs: %w", err)
	}
	var out []FeedSync
	for _, acct := range accounts {
		for _, feed := range SyncFeeds {
			run, err := s.LatestSyncRun(ctx, SyncRunFilter{AccountID: acct, Stage: feed})
			if err != nil {
				if errors.Is(err, ErrNotFound) {
					continue
				}
				return nil, err
			}
			fs := FeedSync{AccountID: acct, Feed: feed, Run: run}
			if i := slices.IndexFunc(run.Stats, func(st SyncStageStats) bool { return st.Stage == feed }); i >= 0 {
				fs.Stage, fs.HasStage = run.Stats[i], true
			}
			out = append(out, fs)
		}
	}
	return out, nil
}

// RecentSyncRuns returns up to n finished runs of each kind of the account (every account when
// accountID is 0), oldest first: the series of a sync duration chart. Kinds without runs are
// absent.
func (s *Store) RecentSyncRuns(ctx context.Context, accountID int64, n int) (map[string][]SyncRun, error) {
	out := map[string][]SyncRun{}
	for _, kind := range append(slices.Clone(SyncFeeds), "all") {
		runs, err := s.ListSyncRuns(ctx, SyncRunFilter{AccountID: accountID, Kind: kind, Finished: true, Limit: n})
		if err != nil {
			return nil, err
		}
		if len(runs) > 0 {
			slices.Reverse(runs)
			out[kind] = runs
		}
	}
	return out, nil
}

// ListingCount is how many of a shop's listings are in one state.
type ListingCount struct {
	ShopID int64
	State  string
	Count  int64
}

// ListingStateCounts counts the listings of every shop by state (products published per shop),
// by shop and state. ListingCounts gives one shop's, with pending changes.
func (s *Store) ListingStateCounts(ctx context.Context) ([]ListingCount, error) {
	var out []ListingCount
	err := s.db.WithContext(ctx).Model(&listingRow{}).Select("shop_id, state, COUNT(*) AS count").
		Group("shop_id, state").Order("shop_id, state").Scan(&out).Error
	if err != nil {
		return nil, fmt.Errorf("store: count listings: %w", err)
	}
	return out, nil
}

// HoldCount is how many of a shop's orders are held for one reason code.
type HoldCount struct {
	ShopID   int64
	HoldCode string
	Count    int64
}

// HeldOrderCounts counts the held orders by shop and hold code, most first, at most limit rows
// (0: all). The orders themselves, with their HoldReason, come from ListOrdersPage with
// States {OrderHeld}.
func (s *Store) HeldOrderCounts(ctx context.Context, limit int) ([]HoldCount, error) {
	q := s.db.WithContext(ctx).Model(&orderRow{}).Select("shop_id, hold_code, COUNT(*) AS count").
		Where("state = ?", OrderHeld).Group("shop_id, hold_code").Order("count DESC, shop_id, hold_code")
	if limit > 0 {
		q = q.Limit(limit)
	}
	var out []HoldCount
	if err := q.Scan(&out).Error; err != nil {
		return nil, fmt.Errorf("store: count held orders: %w", err)
	}
	return out, nil
}

// LastWebhookDeliveries returns when each shop's newest verified webhook delivery arrived, by
// shop id; shops that never sent one are absent. Whether a shop's subscriptions exist is not
// stored: connector/shops asks the platform (Setup.Webhooks).
func (s *Store) LastWebhookDeliveries(ctx context.Context) (map[int64]time.Time, error) {
	// The newest row of each shop by id (ids grow with received_at): its received_at column
	// reads as a time on SQLite, where MAX(received_at) would be bare text.
	db := s.db.WithContext(ctx)
	var rows []webhookEventRow
	err := db.Select("shop_id, received_at").
		Where("id IN (?)", db.Model(&webhookEventRow{}).Select("MAX(id)").Group("shop_id")).Find(&rows).Error
	if err != nil {
		return nil, fmt.Errorf("store: last webhook deliveries: %w", err)
	}
	out := make(map[int64]time.Time, len(rows))
	for _, r := range rows {
		out[r.ShopID] = r.ReceivedAt.UTC()
	}
	return out, nil
}
