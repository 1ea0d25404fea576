package webhooks

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
)

func TestShopCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	clock := time.Date(2026, 12, 6, 12, 0, 0, 0, time.UTC)
	now := func() time.Time { return clock }
	reads := 0
	name := "first"
	load := func(_ context.Context, id int64) (store.Shop, error) {
		reads++
		if id == 99 {
			return store.Shop{}, store.ErrNotFound
		}
		return store.Shop{ID: id, Name: name}, nil
	}

	t.Run("by id", func(t *testing.T) {
		c := newShopCache(time.Second, now)
		steps := []struct {
			advance   time.Duration
			change    string
			forget    bool
			wantName  string
			wantReads int
		}{
			{wantName: "first", wantReads: 1},
			{advance: 999 * time.Millisecond, change: "second", wantName: "first", wantReads: 1}, // still fresh
			{advance: time.Millisecond, wantName: "second", wantReads: 2},                        // a second old: read again
			{change: "third", forget: true, wantName: "third", wantReads: 3},                     // forgotten: read again
		}
		reads, name = 0, "first"
		for i, s := range steps {
			clock = clock.Add(s.advance)
			if s.change != "" {
				name = s.change
			}
			if s.forget {
				c.forget(7)
			}
			got, err := c.byShopID(ctx, 7, load)
			if err != nil || got.Name != s.wantName || reads != s.wantReads {
				t.Fatalf("step %d: %q, %v after %d reads; want %q after %d", i, got.Name, err, reads, s.wantName, s.wantReads)
			}
		}
		for range 2 { // errors are not cached
			if _, err := c.byShopID(ctx, 99, load); !errors.Is(err, store.ErrNotFound) {
				t.Fatalf("unknown shop: %v", err)
			}
		}
		if reads != 5 {
			t.Fatalf("%d reads; want each lookup of an unknown shop to read", reads)
		}
	})

	t.Run("disabled", func(t *testing.T) {
		c := newShopCache(-1, now)
		reads = 0
		for range 3 {
			if _, err := c.byShopID(ctx, 7, load); err != nil {
				t.Fatal(err)
			}
		}
		if reads != 3 {
			t.Fatalf("%d reads with the cache off; want 3", reads)
		}
	})

	t.Run("by domain", func(t *testing.T) {
		c := newShopCache(time.Second, now)
		scans := 0
		shops := map[string]store.Shop{"a.myshopify.com": {ID: 1}}
		scan := func(context.Context) (map[string]store.Shop, error) {
			scans++
			m := map[string]store.Shop{}
			for k, v := range shops {
				m[k] = v
			}
			return m, nil
		}
		lookup := func(domain string, wantFound bool, wantScans int) {
			t.Helper()
			_, found, err := c.byDomain(ctx, domain, scan)
			if err != nil || found != wantFound || scans != wantScans {
				t.Fatalf("%s: found %v (%v) after %d scans; want %v after %d", domain, found, err, scans, wantFound, wantScans)
			}
		}
		lookup("a.myshopify.com", true, 1)
		lookup("a.myshopify.com", true, 1)
		lookup("new.myshopify.com", false, 1) // unknown, last scan a moment ago: no rescan
		shops["new.myshopify.com"] = store.Shop{ID: 2}
		clock = clock.Add(100 * time.Millisecond)
		lookup("new.myshopify.com", true, 2) // a tenth of the ttl later: rescanned, found
		lookup("gone.myshopify.com", false, 2)
		clock = clock.Add(time.Second)
		lookup("a.myshopify.com", true, 3) // stale: rescanned
		c.forget(1)
		lookup("a.myshopify.com", true, 4)
	})
}
