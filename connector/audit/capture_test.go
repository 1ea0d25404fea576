package audit_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/intcomex-connector/connector/connector/audit"
	"github.com/intcomex-connector/connector/connector/audit/audittest"
)

func TestCapturingRecorder(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"ok":true}`)
	}))
	t.Cleanup(srv.Close)
	tests := []struct {
		name    string
		capture bool
		fail    error
		want    int // rows captured
	}{
		{"captured", true, nil, 2},
		{"no capture in the context", false, nil, 0},
		{"a row not written is not captured", true, errors.New("disk full"), 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			rec := &audittest.Recorder{Err: tt.fail}
			c := client(audit.CapturingRecorder(rec), audit.Options{})
			ctx, captured := context.Background(), (*audit.Captured)(nil)
			if tt.capture {
				ctx, captured = audit.WithCapture(ctx)
			}
			get(t, ctx, c, srv.URL+"/v1/getcatalog?apiKey=k")
			get(t, ctx, c, srv.URL+"/v1/getproduct")
			get(t, context.Background(), c, srv.URL+"/v1/other")
			if tt.fail == nil && len(rec.Calls()) != 3 {
				t.Errorf("recorder has %d rows, want 3", len(rec.Calls()))
			}
			if captured == nil {
				return
			}
			got := captured.Calls()
			if len(got) != tt.want {
				t.Fatalf("captured %d rows, want %d", len(got), tt.want)
			}
			for i, m := range []string{"getcatalog", "getproduct"}[:tt.want] {
				if got[i].Method != m || got[i].ID != int64(i+1) {
					t.Errorf("row %d = %s #%d, want %s #%d", i, got[i].Method, got[i].ID, m, i+1)
				}
			}
		})
	}
}
