package store_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

func iwsDelivery(accountID int64, token, payload string, changes ...store.IWSStatusChange) store.IWSDelivery {
	return store.IWSDelivery{IWSAccountID: accountID, CallID: "call-" + payload[:4],
		TokenSignature: strings.Repeat(token, 64), PayloadSHA256: strings.Repeat(payload[:1], 64), Changes: changes}
}

func TestRecordIWSDelivery(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acct := newShop(t, st).IWSAccountID
		at := time.Date(2026, 11, 27, 15, 4, 5, 123456000, time.UTC)

		first := iwsDelivery(acct, "a", "1111", store.IWSStatusChange{OrderNumber: "336446", Status: 2, Description: "In process"},
			store.IWSStatusChange{OrderNumber: "336447", Status: 4, Description: strings.Repeat("é", 60)})
		first.ReceivedAt = at
		got, err := st.RecordIWSDelivery(ctx, first)
		if err != nil || len(got) != 2 {
			t.Fatalf("first delivery: %+v, %v", got, err)
		}
		want := store.IWSNotification{ID: got[0].ID, IWSAccountID: acct, CallID: "call-1111", OrderNumber: "336446", Status: 2,
			StatusDescription: "In process", TokenSignature: first.TokenSignature, PayloadSHA256: first.PayloadSHA256, ReceivedAt: at}
		if got[0] != want {
			t.Errorf("recorded %+v\nwant     %+v", got[0], want)
		}
		if d := got[1].StatusDescription; len(d) != 100 || !strings.HasPrefix(strings.Repeat("é", 60), d) {
			t.Errorf("long description cut to %q", d)
		}

		tests := []struct {
			name   string
			d      store.IWSDelivery
			fresh  int
			replay bool
		}{
			{"same body, same token: redelivery", first, 0, false},
			{"same body re-signed: redelivery", iwsDelivery(acct, "b", "1111", first.Changes...), 0, false},
			{"same token, other body: replay", iwsDelivery(acct, "a", "2222", store.IWSStatusChange{OrderNumber: "336446", Status: 5}), 0, true},
			{"new delivery for the same order", iwsDelivery(acct, "c", "3333", store.IWSStatusChange{OrderNumber: "336446", Status: 5}), 1, false},
			{"upper-case token of a known one, other body: replay", iwsDelivery(acct, "C", "4444", store.IWSStatusChange{OrderNumber: "1", Status: 1}), 0, true},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := st.RecordIWSDelivery(ctx, tt.d)
				if tt.replay {
					if !errors.Is(err, store.ErrConflict) || got != nil {
						t.Fatalf("got %+v, %v; want ErrConflict", got, err)
					}
					return
				}
				if err != nil || len(got) != tt.fresh {
					t.Fatalf("got %+v, %v; want %d fresh rows", got, err, tt.fresh)
				}
			})
		}

		list, err := st.ListIWSNotifications(ctx, acct, "336446", 0)
		if err != nil || len(list) != 2 || list[0].Status != 5 || list[1] != want {
			t.Errorf("order 336446: %+v, %v", list, err)
		}
		if all, err := st.ListIWSNotifications(ctx, 0, "", 0); err != nil || len(all) != 3 {
			t.Errorf("all: %d, %v", len(all), err)
		}
		if none, err := st.ListIWSNotifications(ctx, acct+1, "", 0); err != nil || len(none) != 0 {
			t.Errorf("other account: %d, %v", len(none), err)
		}
	})
}

func TestRecordIWSDeliveryValidation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acct := newShop(t, st).IWSAccountID
		ok := store.IWSStatusChange{OrderNumber: "1", Status: 1}
		for name, mutate := range map[string]func(*store.IWSDelivery){
			"no account": func(d *store.IWSDelivery) { d.IWSAccountID = 0 },
			"no changes": func(d *store.IWSDelivery) { d.Changes = nil },
			"no order":   func(d *store.IWSDelivery) { d.Changes = []store.IWSStatusChange{{OrderNumber: " ", Status: 1}} },
			"long order": func(d *store.IWSDelivery) {
				d.Changes = []store.IWSStatusChange{{OrderNumber: strings.Repeat("9", 101), Status: 1}}
			},
			"order twice":      func(d *store.IWSDelivery) { d.Changes = []store.IWSStatusChange{ok, ok} },
			"status zero":      func(d *store.IWSDelivery) { d.Changes = []store.IWSStatusChange{{OrderNumber: "1"}} },
			"bad token":        func(d *store.IWSDelivery) { d.TokenSignature = "xyz" },
			"bad payload hash": func(d *store.IWSDelivery) { d.PayloadSHA256 = strings.Repeat("g", 64) },
			"long call id":     func(d *store.IWSDelivery) { d.CallID = strings.Repeat("c", 101) },
		} {
			d := iwsDelivery(acct, "a", "1111", ok)
			mutate(&d)
			if got, err := st.RecordIWSDelivery(ctx, d); !errors.Is(err, store.ErrInvalid) || got != nil {
				t.Errorf("%s: %+v, %v; want ErrInvalid", name, got, err)
			}
		}
		if list, err := st.ListIWSNotifications(ctx, 0, "", 0); err != nil || len(list) != 0 {
			t.Errorf("invalid deliveries recorded: %+v, %v", list, err)
		}
	})
}

// Concurrent redeliveries of one body record it once; concurrent bodies under one token record
// exactly one of them.
func TestRecordIWSDeliveryConcurrent(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acct := newShop(t, st).IWSAccountID
		const n = 8
		var (
			wg        sync.WaitGroup
			mu        sync.Mutex
			fresh     int
			conflicts int
		)
		for i := range n {
			wg.Add(2)
			go func() {
				defer wg.Done()
				got, err := st.RecordIWSDelivery(ctx, iwsDelivery(acct, "d", "5555", store.IWSStatusChange{OrderNumber: "7", Status: 2}))
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					t.Errorf("redelivery: %v", err)
				}
				fresh += len(got)
			}()
			go func() {
				defer wg.Done()
				payload := string(rune('a'+i%6)) + "xxx"
				got, err := st.RecordIWSDelivery(ctx, iwsDelivery(acct, "e", payload, store.IWSStatusChange{OrderNumber: "8", Status: 2}))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case errors.Is(err, store.ErrConflict):
					conflicts++
				case err != nil:
					t.Errorf("same token: %v", err)
				default:
					fresh += len(got)
				}
			}()
		}
		wg.Wait()
		list, err := st.ListIWSNotifications(ctx, acct, "", 0)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || fresh != 2 {
			t.Errorf("%d rows, %d reported fresh (%d conflicts); want 2 rows: %+v", len(list), fresh, conflicts, list)
		}
	})
}
