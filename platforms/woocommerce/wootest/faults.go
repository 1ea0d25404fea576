package wootest

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
)

// Fault makes the fake answer matching requests with an error, the way a busy host, a proxy
// or a rate limiter in front of WordPress does.
type Fault struct {
	Method string // "" any
	// Path is matched as a prefix of the request path ("/wp-json/wc/v3/orders"); "" any.
	Path   string
	Status int // 429, 502, 503 …
	// Count is how many matching requests fail (default 1).
	Count int
	// RetryAfter is sent as the Retry-After header when not empty.
	RetryAfter string
	// Applied lets WordPress handle the request first and only then replaces the answer: the
	// write happened but the client never learns it (a gateway timeout after PHP finished).
	Applied bool
}

// InjectFault queues f; faults are consumed in the order they were injected.
func (s *Server) InjectFault(f Fault) {
	if f.Count <= 0 {
		f.Count = 1
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = append(s.faults, f)
}

// takeFault consumes one use of the first fault matching r.
func (s *Server) takeFault(r *http.Request) (Fault, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.faults {
		f := &s.faults[i]
		if (f.Method != "" && f.Method != r.Method) || !strings.HasPrefix(r.URL.Path, f.Path) {
			continue
		}
		out := *f
		if f.Count--; f.Count == 0 {
			s.faults = append(s.faults[:i], s.faults[i+1:]...)
		}
		return out, true
	}
	return Fault{}, false
}

// serveFault answers r with f; with f.Applied the request is handled first, its answer dropped.
func (s *Server) serveFault(w http.ResponseWriter, r *http.Request, f Fault) {
	if f.Applied {
		s.route(httptest.NewRecorder(), r)
	}
	if f.RetryAfter != "" {
		w.Header().Set("Retry-After", f.RetryAfter)
	}
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	w.WriteHeader(f.Status)
	fmt.Fprintf(w, "<html><body><h1>%d %s</h1></body></html>", f.Status, http.StatusText(f.Status))
}
