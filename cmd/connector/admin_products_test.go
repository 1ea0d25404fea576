package main

import (
	"context"
	"io"
	"net/http/httptest"
	"testing"

	"github.com/intcomex-connector/connector/connector/audit"
	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/connector/syncjob"
	"github.com/intcomex-connector/connector/iws/sandbox"
)

// The products and IWS sections get their services from main: "push now" only with a job
// client, and an IWS console client whose calls land in api_calls and in the caller's capture.
func TestAdminProductsAndIWSDeps(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		if d := (adminUIDeps{logger: discardLogger()}); d.products().Store != nil || d.iws().Client != nil {
			t.Fatal("sections without a store have services")
		}
		d := adminUIDeps{st: st, logger: discardLogger()}
		if p := d.products(); p.Store != st || p.Repush != nil {
			t.Errorf("without background jobs: %+v, want no push", p)
		}
		client, err := jobs.NewClient(st, jobs.Config{Workers: jobs.NewWorkers()})
		if err != nil {
			t.Fatal(err)
		}
		d.bg = &background{jobs: client}
		id, err := d.products().Repush(ctx, 7, "SKU1")
		if err != nil {
			t.Fatal(err)
		}
		if job, err := client.Get(ctx, id); err != nil || job.Kind != syncjob.KindRepushListing {
			t.Errorf("push now queued %+v, %v", job, err)
		}

		const apiKey, accessKey = "00000000-0000-0000-0000-000000000001", "11111111-2222-3333-4444-555555555555"
		sb, err := sandbox.New(sandbox.Config{APIKey: apiKey, AccessKey: accessKey, SKUs: 5, Seed: 1})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = sb.Close() })
		srv := httptest.NewServer(sb)
		t.Cleanup(srv.Close)
		acct := store.IWSAccount{ID: 1, BaseURL: srv.URL + "/v1/", APIKey: apiKey, AccessKey: accessKey}
		c, err := d.iws().Client(ctx, acct)
		if err != nil {
			t.Fatal(err)
		}
		cctx, captured := audit.WithCapture(ctx)
		rc, err := c.Raw(cctx, "GetCatalog", nil, nil)
		if err != nil {
			t.Fatal(err)
		}
		_, _ = io.Copy(io.Discard, rc)
		if err := rc.Close(); err != nil {
			t.Fatal(err)
		}
		calls := captured.Calls()
		if len(calls) != 1 {
			t.Fatalf("captured %d calls, want 1", len(calls))
		}
		row, err := st.APICallByID(ctx, calls[0].ID)
		if err != nil || row.System != audit.SystemIWS || row.StatusCode != 200 {
			t.Errorf("api_calls row %+v, %v", row, err)
		}
	})
}
