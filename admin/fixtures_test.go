package admin

import (
	"context"
	"testing"

	"github.com/intcomex-connector/connector/connector/store"
)

// saveTestIWSAccount saves the default IWS account of a test: the test environment of a fake
// IWS at iws.example, never called.
func saveTestIWSAccount(t *testing.T, st *store.Store) store.IWSAccount {
	t.Helper()
	acct, err := st.SaveIWSAccount(context.Background(), store.IWSAccount{Name: store.DefaultIWSAccountName,
		Environment: store.EnvironmentTest, BaseURL: "https://iws.example/v1/", APIKey: "k", AccessKey: "a"})
	if err != nil {
		t.Fatal(err)
	}
	return acct
}

// get is the body of GET path as w; any status but 200 fails the test.
func (f *fixture) get(t *testing.T, w who, path string) string {
	t.Helper()
	resp := f.do(t, f.as(w, req{method: "GET", path: path}))
	if resp.Code != 200 {
		t.Fatalf("GET %s: %d %s", path, resp.Code, resp.Body)
	}
	return resp.Body.String()
}
