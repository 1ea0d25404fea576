package sandbox

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/intcomex-connector/connector/iws"
)

// The shapes of the OrderStatusUpdate webhook's Data (NOTES §9).
const (
	// WebhookObject is the spec's x-webhooks example: {"OrderNumber", "Status": {StatusCode, Description}}.
	WebhookObject = "object"
	// WebhookArray is the spec's schema: [{"OrderNumber", "Status": [{StatusCode, Description}]}].
	WebhookArray = "array"
	// WebhookString is the spec's introduction example: [{"OrderNumber", "Status": "<JSON string>"}].
	WebhookString = "string"
)

const (
	webhookAttempts = 4
	webhookBackoff  = 250 * time.Millisecond
)

type webhookEvent struct {
	order  string
	status int
}

// webhookSender delivers OrderStatusUpdate notifications in order, one at a time, each with a few
// bounded retries.
type webhookSender struct {
	s      *Sandbox
	client *http.Client

	mu     sync.Mutex
	queue  []webhookEvent
	sent   int
	failed int
	wake   chan struct{}
}

func newWebhookSender(s *Sandbox) *webhookSender {
	client := s.cfg.WebhookClient
	if client == nil {
		client = &http.Client{Timeout: 10 * time.Second}
	}
	return &webhookSender{s: s, client: client, wake: make(chan struct{}, 1)}
}

func (h *webhookSender) enqueue(ev webhookEvent) {
	h.mu.Lock()
	h.queue = append(h.queue, ev)
	h.mu.Unlock()
	select {
	case h.wake <- struct{}{}:
	default:
	}
}

func (h *webhookSender) stats() (sent, failed, pending int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.sent, h.failed, len(h.queue)
}

func (h *webhookSender) run() {
	defer h.s.wg.Done()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() {
		<-h.s.stop
		cancel()
	}()
	for {
		select {
		case <-ctx.Done():
			h.mu.Lock()
			if n := len(h.queue); n > 0 {
				h.s.log.Warn("sandbox: webhooks not delivered before close", "count", n)
			}
			h.mu.Unlock()
			return
		case <-h.wake:
		}
		for {
			h.mu.Lock()
			if len(h.queue) == 0 {
				h.mu.Unlock()
				break
			}
			ev := h.queue[0]
			h.mu.Unlock()
			err := h.deliver(ctx, ev)
			h.mu.Lock()
			h.queue = h.queue[1:]
			if err != nil {
				h.failed++
			} else {
				h.sent++
			}
			h.mu.Unlock()
			if err != nil {
				h.s.log.Warn("sandbox: webhook not delivered", "order", ev.order, "status", ev.status, "err", err)
			}
			if ctx.Err() != nil {
				break
			}
		}
	}
}

// deliver POSTs one notification, retrying failures with a doubling backoff.
func (h *webhookSender) deliver(ctx context.Context, ev webhookEvent) error {
	body, err := h.body(ev)
	if err != nil {
		return err
	}
	var last error
	for attempt := range webhookAttempts {
		if attempt > 0 && !sleep(ctx, webhookBackoff<<(attempt-1)) {
			return fmt.Errorf("sandbox: webhook: %w (after %v)", ctx.Err(), last)
		}
		if last = h.post(ctx, body); last == nil {
			return nil
		}
	}
	return last
}

func (h *webhookSender) post(ctx context.Context, body []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, h.s.cfg.WebhookURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("sandbox: webhook request: %w", err)
	}
	req.Header.Set("Content-Type", "application/json")
	// Signed with a fresh token per attempt, as the spec's captured delivery shows it: "Bearer Bearer",
	// millisecond timestamp (iws.WebhookAuthorization).
	req.Header.Set("Authorization", iws.WebhookAuthorization(h.s.cfg.APIKey, h.s.cfg.AccessKey, h.s.now()))
	resp, err := h.client.Do(req)
	if err != nil {
		return fmt.Errorf("sandbox: webhook post: %w", err)
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("sandbox: webhook post: HTTP %d", resp.StatusCode)
	}
	return nil
}

func (h *webhookSender) body(ev webhookEvent) ([]byte, error) {
	st := iws.Status{StatusCode: iws.Int(ev.status), Description: iws.StatusDescription(ev.status)}
	var data any
	switch h.s.cfg.WebhookShape {
	case WebhookArray:
		data = []struct {
			OrderNumber string       `json:"OrderNumber"`
			Status      []iws.Status `json:"Status"`
		}{{ev.order, []iws.Status{st}}}
	case WebhookString:
		inner, err := json.Marshal(st)
		if err != nil {
			return nil, err
		}
		data = []struct {
			OrderNumber string `json:"OrderNumber"`
			Status      string `json:"Status"`
		}{{ev.order, string(inner)}}
	default:
		data = struct {
			OrderNumber string     `json:"OrderNumber"`
			Status      iws.Status `json:"Status"`
		}{ev.order, st}
	}
	raw, err := json.Marshal(data)
	if err != nil {
		return nil, err
	}
	return json.Marshal(iws.OrderStatusUpdate{
		CallID:      uuid.NewString(),
		WebhookType: "OrderStatusUpdate",
		TimeStamp:   iws.String(h.s.now().UTC().Format("2006-01-02T15:04:05.000Z07:00")),
		Data:        raw,
	})
}
