package sandbox

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"
)

// serveIWS runs one IWS method: verb and transport checks, faults, authentication, the status
// machine's catch-up, throttling, the handler, and the error answer.
func (s *Sandbox) serveIWS(w http.ResponseWriter, r *http.Request, rt route) {
	if r.Method != rt.verb {
		w.Header().Set("Allow", rt.verb)
		writeJSONStatus(w, http.StatusMethodNotAllowed, map[string]string{
			"Message": fmt.Sprintf("The requested resource does not support http method '%s'.", r.Method),
		})
		return
	}
	if s.cfg.RequireHTTPS && !isHTTPS(r) {
		writeJSONStatus(w, http.StatusForbidden, map[string]string{"Message": "SSL connection required. Please use HTTPS."})
		return
	}
	method := rt.key
	plan := s.planFaults(method)
	if plan.latency > 0 && !sleep(r.Context(), plan.latency) {
		return
	}
	switch plan.fault.Kind {
	case FaultDrop:
		dropConnection(w)
		return
	case FaultUnavailable:
		e := generalError()
		e.status = orDefault(plan.fault.Status, http.StatusServiceUnavailable)
		writeError(w, e)
		return
	case FaultGateway:
		writeGatewayError(w, orDefault(plan.fault.Status, http.StatusBadGateway))
		return
	case FaultThrottle:
		d := max(s.throttleInterval(method), 10*time.Second)
		writeError(w, s.throttleError(d, d))
		return
	case FaultExpiredToken:
		writeError(w, iwsErr(http.StatusUnauthorized, 12, "Request time stamp no longer valid.",
			"TimeStamp", s.now().Add(-2*s.cfg.TokenLifetime).UTC().Format(time.RFC3339)))
		return
	}

	apiKey, authErr := s.authenticate(r)
	if authErr != nil {
		writeError(w, authErr)
		return
	}
	s.catchUp()
	if e := s.checkThrottle(apiKey, method); e != nil {
		writeError(w, e)
		return
	}

	rec := &statusRecorder{ResponseWriter: w}
	var capture *captureWriter
	c := newCall(rec, r, rt)
	c.apiKey = apiKey
	if plan.fault.Kind == FaultMalformed || plan.fault.Kind == FaultCut || plan.fault.Kind == FaultDropAfterCommit {
		capture = &captureWriter{header: make(http.Header)}
		c.w = capture
	}
	c.commitDelay = plan.commitDelay

	err := rt.handle(s, c)
	if err != nil {
		var ae *apiError
		if !errors.As(err, &ae) {
			s.log.ErrorContext(r.Context(), "sandbox: handler failed", slog.String("method", rt.name), slog.Any("err", err))
			ae = generalError()
		}
		writeError(c.w, ae)
	}
	switch plan.fault.Kind {
	case FaultDropAfterCommit:
		dropConnection(w)
		return
	case FaultMalformed:
		garble(rec, capture)
		return
	case FaultCut:
		cut(rec, capture, plan.cutAt)
		return
	}
	if rec.status == http.StatusOK {
		s.recordSuccess(apiKey, method)
	}
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// sleep waits d or until ctx ends; it reports whether the full wait happened.
func sleep(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
