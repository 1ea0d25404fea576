package admin

import (
	"context"
	"strings"
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
	return f.getWith(t, w, path, nil)
}

// getIn is get in the language lang (Accept-Language); a missing translation fails the test too.
func (f *fixture) getIn(t *testing.T, w who, lang, path string) string {
	t.Helper()
	body := f.getWith(t, w, path, map[string]string{"Accept-Language": lang})
	if strings.Contains(body, "[[") {
		t.Fatalf("GET %s as %s in %s: a missing translation: %s", path, w, lang, body)
	}
	return body
}

func (f *fixture) getWith(t *testing.T, w who, path string, headers map[string]string) string {
	t.Helper()
	resp := f.do(t, f.as(w, req{method: "GET", path: path, headers: headers}))
	if resp.Code != 200 {
		t.Fatalf("GET %s as %s: %d %s", path, w, resp.Code, resp.Body)
	}
	return resp.Body.String()
}
