package schedule_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/schedule"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

type verifyArgs struct {
	ShopID int64 `json:"shop_id"`
}

func (verifyArgs) Kind() string { return "verify_listings" }

func TestShopSchedulesMinimum(t *testing.T) {
	t.Parallel()
	verify := func(id int64) jobs.JobArgs { return verifyArgs{ShopID: id} }
	ss, err := schedule.ShopSchedules(schedule.ShopIntervals{}, schedule.ShopKinds{VerifyListings: verify})
	if err != nil || len(ss) != 1 || !ss[0].PerShop || ss[0].Interval != schedule.DefaultVerifyListingsInterval {
		t.Fatalf("defaults: %+v, %v", ss, err)
	}
	_, err = schedule.ShopSchedules(schedule.ShopIntervals{VerifyListings: 30 * time.Minute}, schedule.ShopKinds{VerifyListings: verify})
	if !errors.Is(err, schedule.ErrInvalid) || !strings.Contains(err.Error(), "verify_listings: interval 30m0s is below the minimum of 1h0m0s") {
		t.Fatalf("30m: %v", err)
	}
	// A per-shop schedule needs the list of shops.
	_, err = schedule.New(storetest.New(t, "sqlite", true), schedule.Config{Jobs: &jobs.Client{}, Schedules: ss,
		Accounts: func(context.Context) ([]int64, error) { return nil, nil }})
	if err == nil || !strings.Contains(err.Error(), "no Shops function") {
		t.Fatalf("New without Shops: %v", err)
	}
}

// TestPerShopSchedules: a per-shop schedule runs once per shop beside the per-account ones, with
// its own row and unique key per shop (a shop id equal to an account id collides with nothing),
// is due again one interval later, and is left alone by Ran, which is about the IWS feeds.
func TestPerShopSchedules(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		feeds, err := schedule.IWSSchedules(schedule.IWSIntervals{}, schedule.IWSKinds{Stock: kinds().Stock})
		if err != nil {
			t.Fatal(err)
		}
		perShop, err := schedule.ShopSchedules(schedule.ShopIntervals{}, schedule.ShopKinds{
			VerifyListings: func(id int64) jobs.JobArgs { return verifyArgs{ShopID: id} }})
		if err != nil {
			t.Fatal(err)
		}
		ws := jobs.NewWorkers()
		jobs.AddWorker(ws, jobs.WorkFunc(func(context.Context, *jobs.Job[feedArgs]) error { return nil }))
		var verified []int64
		jobs.AddWorker(ws, jobs.WorkFunc(func(_ context.Context, j *jobs.Job[verifyArgs]) error {
			verified = append(verified, j.Args.ShopID)
			return nil
		}))
		jc, err := jobs.NewClient(st, jobs.Config{Workers: ws})
		if err != nil {
			t.Fatal(err)
		}
		t0 := time.Date(2030, 1, 1, 8, 0, 0, 0, time.UTC)
		clk := &clock{t: t0}
		s, err := schedule.New(st, schedule.Config{Jobs: jc, Schedules: append(feeds, perShop...), Now: clk.Now,
			Accounts: func(context.Context) ([]int64, error) { return []int64{1, 2}, nil },
			Shops: func(context.Context) ([]schedule.ShopRef, error) {
				return []schedule.ShopRef{{AccountID: 2, ShopID: 1}, {AccountID: 1, ShopID: 2}, {AccountID: 1, ShopID: 3}}, nil
			}})
		if err != nil {
			t.Fatal(err)
		}
		tick := func(want int) {
			t.Helper()
			if n, err := s.Tick(ctx); err != nil || n != want {
				t.Fatalf("at %v: enqueued %d, %v; want %d", clk.Now(), n, err, want)
			}
			if _, err := jc.Drain(ctx); err != nil {
				t.Fatal(err)
			}
		}
		tick(2 + 3) // stock of both accounts, a verification of every shop
		if len(verified) != 3 {
			t.Fatalf("verified shops %v", verified)
		}
		tick(0)
		if err := s.Ran(ctx, 1, t0.Add(2*time.Hour)); err != nil {
			t.Fatal(err)
		}
		clk.Set(t0.Add(time.Hour))
		tick(1) // stock of account 2 only: account 1's was marked ran
		clk.Set(t0.Add(24 * time.Hour))
		tick(2 + 3)
		runs, err := s.Runs(ctx)
		if err != nil {
			t.Fatal(err)
		}
		shops := map[int64]int64{}
		for _, r := range runs {
			if r.Name == schedule.NameVerifyListings {
				shops[r.ShopID] = r.AccountID
				if !r.NextDueAt.Equal(t0.Add(48*time.Hour)) || r.LastState != jobs.StateCompleted {
					t.Errorf("verification run %+v", r)
				}
			} else if r.ShopID != 0 {
				t.Errorf("per-account run with a shop: %+v", r)
			}
		}
		if len(runs) != 5 || shops[1] != 2 || shops[2] != 1 || shops[3] != 1 {
			t.Fatalf("runs %+v", runs)
		}
	})
}
