package main

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/store/storetest"
	"github.com/intcomex-connector/connector/migrations"
)

// TestAdminDashSyncReportsMounted: with the store and the background work, serve's UI has the
// dashboard at /, the Sync page with its buttons and the Reports page; without the background
// work the Sync page reads runs but starts nothing.
func TestAdminDashSyncReportsMounted(t *testing.T) {
	t.Parallel()
	st := storetest.New(t, migrations.SQLite, true)
	client, err := jobs.NewClient(st, jobs.Config{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name    string
		bg      *background
		buttons bool
	}{{"with background", &background{jobs: client}, true}, {"without", nil, false}} {
		t.Run(tt.name, func(t *testing.T) {
			ui, err := newAdminUI(adminUIDeps{accounts: oneAdmin{}, st: st, bg: tt.bg, logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				t.Fatal(err)
			}
			router := newRouter(routerDeps{Admin: ui})
			get := func(path string) *httptest.ResponseRecorder {
				r := httptest.NewRequest(http.MethodGet, path, nil)
				r.AddCookie(&http.Cookie{Name: "connector_session", Value: "token"})
				w := httptest.NewRecorder()
				router.ServeHTTP(w, r)
				return w
			}
			for path, want := range map[string]string{
				"/":                                    `id="dashboard-orders-chart"`,
				"/sync":                                `id="sync-runs-empty"`,
				"/reports":                             `id="report-month"`,
				"/api/v1/dashboard":                    `"feeds":[]`,
				"/api/v1/reports/orders?month=2026-01": `"orders":[]`,
			} {
				if w := get(path); w.Code != 200 || !strings.Contains(w.Body.String(), want) {
					t.Errorf("%s: %d %.300s; want %q", path, w.Code, w.Body, want)
				}
			}
			// No IWS account yet: the start section says how to add one.
			if body := get("/sync").Body.String(); strings.Contains(body, `id="sync-start"`) != tt.buttons {
				t.Errorf("sync buttons shown = %v, want %v", !tt.buttons, tt.buttons)
			}
			r := httptest.NewRequest(http.MethodPost, "/sync/run", strings.NewReader(url.Values{"kind": {"all"}}.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			r.AddCookie(&http.Cookie{Name: "connector_session", Value: "token"})
			w := httptest.NewRecorder()
			router.ServeHTTP(w, r)
			if w.Code != http.StatusNotFound { // no IWS account yet, or no such route without the job client
				t.Errorf("POST /sync/run: %d, want 404", w.Code)
			}
		})
	}
}
