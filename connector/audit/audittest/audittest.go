// Package audittest helps client packages test their use of connector/audit: an in-memory
// Recorder, and AssertNoSecrets to prove that no credential reached the audit log.
package audittest

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/intcomex-connector/connector/connector/store"
)

// Recorder keeps audit rows in memory. Set Err to make InsertAPICall fail.
type Recorder struct {
	mu    sync.Mutex
	calls []store.APICall
	Err   error
}

// InsertAPICall implements audit.Recorder.
func (r *Recorder) InsertAPICall(_ context.Context, call *store.APICall) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.Err != nil {
		return r.Err
	}
	call.ID = int64(len(r.calls) + 1)
	r.calls = append(r.calls, *call)
	return nil
}

// Calls returns a copy of the rows recorded so far, oldest first.
func (r *Recorder) Calls() []store.APICall {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.calls)
}

// AssertNoSecrets fails t if any stored text field of any call contains one of the secrets, raw
// or in URL-escaped, JSON-escaped or base64 form. Empty secrets are ignored. The failure message
// names the field and a masked form of the secret, never the secret itself.
func AssertNoSecrets(t testing.TB, calls []store.APICall, secrets ...string) {
	t.Helper()
	for _, c := range calls {
		fields := map[string]string{
			"URL":             c.URL,
			"Method":          c.Method,
			"Error":           c.Error,
			"RequestHeaders":  c.RequestHeaders,
			"RequestBody":     c.RequestBody,
			"ResponseHeaders": c.ResponseHeaders,
			"ResponseBody":    c.ResponseBody,
		}
		for _, s := range secrets {
			if s == "" {
				continue
			}
			for name, v := range fields {
				for _, form := range forms(s) {
					if strings.Contains(v, form) {
						t.Errorf("audit row %d (%s %s): %s contains secret %s", c.ID, c.System, c.Method, name, mask(s))
						break
					}
				}
			}
		}
	}
}

func forms(s string) []string {
	out := []string{s, url.QueryEscape(s), url.PathEscape(s), base64.StdEncoding.EncodeToString([]byte(s))}
	if b, err := json.Marshal(s); err == nil {
		out = append(out, string(b[1:len(b)-1]))
	}
	return out
}

func mask(s string) string {
	if len(s) <= 4 {
		return strings.Repeat("*", len(s))
	}
	return s[:2] + strings.Repeat("*", len(s)-4) + s[len(s)-2:]
}
