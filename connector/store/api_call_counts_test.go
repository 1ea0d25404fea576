package store_test

import (
	"context"
	"errors"
	"testing"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

func TestCountAPICallsAndJobSyncRun(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if _, err := st.JobSyncRunID(ctx, "7"); !errors.Is(err, store.ErrNotFound) {
			t.Fatalf("no calls: %v, want ErrNotFound", err)
		}
		calls := []store.APICall{
			{System: "iws", Method: "getcatalog", StatusCode: 200, JobID: "7", SyncRunID: "41"},
			{System: "iws", Method: "getcatalog", StatusCode: 500, JobID: "7", SyncRunID: "42"},
			{System: "iws", Method: "getpricelist", Error: "timeout", JobID: "7", SyncRunID: "42"},
			{System: "woocommerce", Method: "products/batch", StatusCode: 200, JobID: "7"}, // the push: no sync run
			{System: "iws", Method: "getinventory", StatusCode: 200, JobID: "8", SyncRunID: "43"},
		}
		for i := range calls {
			if err := st.InsertAPICall(ctx, &calls[i]); err != nil {
				t.Fatal(err)
			}
		}
		tests := []struct {
			name string
			f    store.APICallFilter
			want store.APICallCount
		}{
			{"job", store.APICallFilter{JobID: "7"}, store.APICallCount{Calls: 4, Failed: 2}},
			{"run", store.APICallFilter{SyncRunID: "42"}, store.APICallCount{Calls: 2, Failed: 2}},
			{"none", store.APICallFilter{JobID: "9"}, store.APICallCount{}},
			{"all", store.APICallFilter{}, store.APICallCount{Calls: 5, Failed: 2}},
		}
		for _, tt := range tests {
			got, err := st.CountAPICalls(ctx, tt.f)
			if err != nil || got != tt.want {
				t.Errorf("%s: %+v, %v; want %+v", tt.name, got, err, tt.want)
			}
		}
		if _, err := st.CountAPICalls(ctx, store.APICallFilter{Class: "6xx"}); !errors.Is(err, store.ErrInvalid) {
			t.Errorf("bad class: %v", err)
		}
		for job, want := range map[string]int64{"7": 42, "8": 43} {
			if got, err := st.JobSyncRunID(ctx, job); err != nil || got != want {
				t.Errorf("job %s: run %d, %v; want %d", job, got, err, want)
			}
		}
	})
}
