package catalog_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/audit"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
)

const (
	testAPIKey    = "00000000-0000-0000-0000-000000000001"
	testAccessKey = "11111111-2222-3333-4444-555555555555"
)

// env is a sandbox behind httptest, an audited IWS client for it and an account in the store.
type env struct {
	sb        *sandbox.Sandbox
	client    *iws.Client
	accountID int64
}

func newEnv(tb testing.TB, st *store.Store, skus int) *env {
	tb.Helper()
	sb, err := sandbox.New(sandbox.Config{APIKey: testAPIKey, AccessKey: testAccessKey, SKUs: skus, Seed: 42})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { _ = sb.Close() })
	srv := httptest.NewServer(sb)
	tb.Cleanup(srv.Close)
	hc := &http.Client{Transport: audit.NewTransport(srv.Client().Transport, st, audit.SystemIWS, audit.Options{BodyLimit: -1})}
	client, err := iws.New(iws.Config{
		BaseURL:    srv.URL + "/v1/",
		APIKey:     testAPIKey,
		AccessKey:  testAccessKey,
		HTTPClient: hc,
		// Retries of a feed that failed before its first item must not wait in tests.
		Sleep: func(ctx context.Context, _ time.Duration) error { return ctx.Err() },
	})
	if err != nil {
		tb.Fatal(err)
	}
	acct, err := st.SaveIWSAccount(context.Background(), store.IWSAccount{
		Name: "default", Environment: store.EnvironmentTest, BaseURL: srv.URL + "/v1/",
		APIKey: testAPIKey, AccessKey: testAccessKey,
	})
	if err != nil {
		tb.Fatal(err)
	}
	return &env{sb: sb, client: client, accountID: acct.ID}
}
