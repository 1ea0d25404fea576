package sandbox

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/intcomex-connector/connector/iws"
)

// The control endpoint (Config.Control) drives the sandbox over HTTP without IWS auth. Requests and
// answers are JSON; errors are {"error": "…"} with 400, 404 or 405.
//
//	GET  /_sandbox/state    Summary
//	GET  /_sandbox/orders   [OrderInfo]
//	POST /_sandbox/faults   FaultsJSON (replaces every knob) → FaultsJSON
//	POST /_sandbox/advance  {"steps": 1, "orderNumber": "…"} (all open orders when no number)
//	                        → {"changes": n} or {"orderNumber": "…", "status": n}
//	POST /_sandbox/stock    {"sku": "…", "locationId": "xclq1", "stock": 5} → {"sku", "stock": {loc: n}}
//	                        {"percent": 1} → {"changed": ["SKU", …]}
//	POST /_sandbox/price    {"sku": "…", "unitPrice": 12.34} → {"sku", "unitPrice"}
//	POST /_sandbox/product  {"sku": "…", "removed": true} → {"sku", "removed"}
//	POST /_sandbox/reset    → Summary

// FaultsJSON is Faults on the wire: durations as Go duration strings ("250ms").
type FaultsJSON struct {
	Latency         string             `json:"latency,omitempty"`
	FailRate        float64            `json:"failRate,omitempty"`
	MalformedRate   float64            `json:"malformedRate,omitempty"`
	DropRate        float64            `json:"dropRate,omitempty"`
	DropAfterCommit bool               `json:"dropAfterCommit,omitempty"`
	CommitDelay     string             `json:"commitDelay,omitempty"`
	FailNext        map[string]int     `json:"failNext,omitempty"`
	Next            map[string][]Fault `json:"next,omitempty"`
}

func faultsToJSON(f Faults) FaultsJSON {
	out := FaultsJSON{FailRate: f.FailRate, MalformedRate: f.MalformedRate, DropRate: f.DropRate, DropAfterCommit: f.DropAfterCommit,
		FailNext: f.FailNext, Next: f.Next}
	if f.Latency > 0 {
		out.Latency = f.Latency.String()
	}
	if f.CommitDelay > 0 {
		out.CommitDelay = f.CommitDelay.String()
	}
	return out
}

func (fj FaultsJSON) faults() (Faults, error) {
	f := Faults{FailRate: fj.FailRate, MalformedRate: fj.MalformedRate, DropRate: fj.DropRate, DropAfterCommit: fj.DropAfterCommit,
		FailNext: fj.FailNext, Next: fj.Next}
	for _, d := range []struct {
		raw string
		dst *time.Duration
	}{{fj.Latency, &f.Latency}, {fj.CommitDelay, &f.CommitDelay}} {
		if d.raw == "" {
			continue
		}
		v, err := time.ParseDuration(d.raw)
		if err != nil {
			return Faults{}, fmt.Errorf("bad duration %q: %w", d.raw, err)
		}
		*d.dst = v
	}
	return f, nil
}

func (s *Sandbox) serveControl(w http.ResponseWriter, r *http.Request) {
	action := strings.Trim(strings.ToLower(r.URL.Path[len("/_sandbox"):]), "/")
	verb := http.MethodPost
	if action == "state" || action == "orders" {
		verb = http.MethodGet
	}
	handlers := map[string]func(*http.Request) (any, error){
		"state":   func(*http.Request) (any, error) { return s.Summary(), nil },
		"orders":  func(*http.Request) (any, error) { return s.Orders(), nil },
		"faults":  s.controlFaults,
		"advance": s.controlAdvance,
		"stock":   s.controlStock,
		"price":   s.controlPrice,
		"product": s.controlProduct,
		"reset":   func(*http.Request) (any, error) { s.Reset(); return s.Summary(), nil },
	}
	h, ok := handlers[action]
	if !ok {
		writeJSONStatus(w, http.StatusNotFound, map[string]string{"error": "unknown control action " + action})
		return
	}
	if r.Method != verb {
		w.Header().Set("Allow", verb)
		writeJSONStatus(w, http.StatusMethodNotAllowed, map[string]string{"error": "use " + verb})
		return
	}
	out, err := h(r)
	if err != nil {
		writeJSONStatus(w, http.StatusBadRequest, map[string]string{"error": err.Error()})
		return
	}
	writeJSON(w, out)
}

func decodeControl(r *http.Request, v any) error {
	b, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		return fmt.Errorf("reading body: %w", err)
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return nil
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("bad JSON: %w", err)
	}
	return nil
}

func (s *Sandbox) controlFaults(r *http.Request) (any, error) {
	var fj FaultsJSON
	if err := decodeControl(r, &fj); err != nil {
		return nil, err
	}
	f, err := fj.faults()
	if err != nil {
		return nil, err
	}
	if err := s.SetFaults(f); err != nil {
		return nil, err
	}
	return faultsToJSON(s.Faults()), nil
}

func (s *Sandbox) controlAdvance(r *http.Request) (any, error) {
	req := struct {
		Steps       int    `json:"steps"`
		OrderNumber string `json:"orderNumber"`
	}{Steps: 1}
	if err := decodeControl(r, &req); err != nil {
		return nil, err
	}
	if req.Steps < 1 {
		return nil, fmt.Errorf("steps must be 1 or more")
	}
	if req.OrderNumber != "" {
		st, err := s.AdvanceOrder(req.OrderNumber, req.Steps)
		if err != nil {
			return nil, err
		}
		return map[string]any{"orderNumber": req.OrderNumber, "status": st}, nil
	}
	return map[string]int{"changes": s.AdvanceOrders(req.Steps)}, nil
}

func (s *Sandbox) controlStock(r *http.Request) (any, error) {
	var req struct {
		Sku        string   `json:"sku"`
		LocationID string   `json:"locationId"`
		Stock      *int     `json:"stock"`
		Percent    *float64 `json:"percent"`
	}
	if err := decodeControl(r, &req); err != nil {
		return nil, err
	}
	if req.Percent != nil {
		return map[string][]string{"changed": s.ChangeStock(*req.Percent)}, nil
	}
	if req.Stock == nil {
		return nil, fmt.Errorf(`send {"sku", "locationId", "stock"} or {"percent"}`)
	}
	if err := s.SetStock(req.Sku, req.LocationID, *req.Stock); err != nil {
		return nil, err
	}
	st, err := s.Stock(req.Sku)
	return map[string]any{"sku": strings.ToUpper(req.Sku), "stock": st}, err
}

func (s *Sandbox) controlPrice(r *http.Request) (any, error) {
	var req struct {
		Sku       string       `json:"sku"`
		UnitPrice *iws.Decimal `json:"unitPrice"`
	}
	if err := decodeControl(r, &req); err != nil {
		return nil, err
	}
	if req.UnitPrice == nil {
		return nil, fmt.Errorf(`send {"sku", "unitPrice"}`)
	}
	if err := s.SetPrice(req.Sku, req.UnitPrice.Decimal); err != nil {
		return nil, err
	}
	return map[string]any{"sku": strings.ToUpper(req.Sku), "unitPrice": req.UnitPrice}, nil
}

func (s *Sandbox) controlProduct(r *http.Request) (any, error) {
	var req struct {
		Sku     string `json:"sku"`
		Removed bool   `json:"removed"`
	}
	if err := decodeControl(r, &req); err != nil {
		return nil, err
	}
	if err := s.setRemoved(req.Sku, req.Removed); err != nil {
		return nil, err
	}
	return map[string]any{"sku": strings.ToUpper(req.Sku), "removed": req.Removed}, nil
}
