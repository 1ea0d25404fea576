package wootest

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

type webhook struct {
	ID                       int
	Name, Status, Topic, URL string
	Secret                   string
	Created                  time.Time
	Modified                 *time.Time
	Failures                 int
	PendingDelivery          bool // true until a ping succeeds
}

// Webhook is the REST v3 webhook representation (no secret, as recorded in fixture 36).
type Webhook struct {
	ID              int            `json:"id"`
	Name            string         `json:"name"`
	Status          string         `json:"status"`
	Topic           string         `json:"topic"`
	Resource        string         `json:"resource"`
	Event           string         `json:"event"`
	Hooks           []string       `json:"hooks"`
	DeliveryURL     string         `json:"delivery_url"`
	DateCreated     string         `json:"date_created"`
	DateCreatedGMT  string         `json:"date_created_gmt"`
	DateModified    *string        `json:"date_modified"`
	DateModifiedGMT *string        `json:"date_modified_gmt"`
	Links           map[string]any `json:"_links"`
	// FailureCount is not part of the REST object; tests read it through Webhooks().
	FailureCount int `json:"-"`
}

var topicHooks = map[string][]string{
	"order.created": {"woocommerce_new_order"}, "order.updated": {"woocommerce_update_order", "woocommerce_order_refunded"},
	"order.deleted": {"wp_trash_post"}, "order.restored": {"untrashed_post"},
	"product.created": {"woocommerce_process_product_meta", "woocommerce_new_product", "woocommerce_new_product_variation"},
	"product.updated": {"woocommerce_process_product_meta", "woocommerce_update_product", "woocommerce_update_product_variation"},
}

func (s *Server) renderWebhook(base string, h *webhook) Webhook {
	resource, event, _ := strings.Cut(h.Topic, ".")
	hooks := topicHooks[h.Topic]
	if resource == "action" {
		hooks = []string{event}
	}
	if hooks == nil {
		hooks = []string{}
	}
	out := Webhook{ID: h.ID, Name: h.Name, Status: h.Status, Topic: h.Topic, Resource: resource, Event: event, Hooks: hooks,
		DeliveryURL: h.URL, DateCreated: fmtDate(h.Created), DateCreatedGMT: fmtDate(h.Created), FailureCount: h.Failures}
	if h.Modified != nil {
		m := fmtDate(*h.Modified)
		out.DateModified, out.DateModifiedGMT = &m, &m
	}
	out.Links = map[string]any{
		"self":       selfLink(fmt.Sprintf("%s%s/webhooks/%d", base, restPrefix, h.ID), itemAllow...),
		"collection": []link{{Href: base + restPrefix + "/webhooks"}},
	}
	return out
}

type webhookReq struct {
	Name        *string `json:"name"`
	Status      *string `json:"status"`
	Topic       *string `json:"topic"`
	DeliveryURL *string `json:"delivery_url"`
	Secret      *string `json:"secret"`
}

func validTopic(t string) bool {
	res, ev, ok := strings.Cut(t, ".")
	if !ok || ev == "" {
		return false
	}
	switch res {
	case "action":
		return true
	case "order", "product", "customer", "coupon":
		return ev == "created" || ev == "updated" || ev == "deleted" || ev == "restored" || (res == "product" && ev == "published")
	}
	return false
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) {
	var req webhookReq
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, newError(http.StatusBadRequest, "rest_invalid_json", "Invalid JSON body passed."))
		return
	}
	if req.Topic == nil || req.DeliveryURL == nil {
		writeError(w, newError(http.StatusBadRequest, "rest_missing_callback_param", "Missing parameter(s): topic, delivery_url"))
		return
	}
	if !validTopic(*req.Topic) {
		writeError(w, newError(http.StatusBadRequest, "woocommerce_rest_webhook_invalid_topic", "Webhook topic is required and must be valid."))
		return
	}
	if u, err := url.Parse(*req.DeliveryURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		writeError(w, newError(http.StatusBadRequest, "woocommerce_rest_webhook_invalid_delivery_url", "Webhook delivery URL must be a valid URL starting with http:// or https://."))
		return
	}
	base := s.restBase(r)
	s.mu.Lock()
	h := &webhook{ID: s.nextHookID, Status: "active", Topic: *req.Topic, URL: *req.DeliveryURL, Created: s.now(), PendingDelivery: true}
	s.nextHookID++
	if req.Name != nil {
		h.Name = *req.Name
	}
	if req.Status != nil {
		h.Status = *req.Status
	}
	h.Secret = randHex(16)
	if req.Secret != nil {
		h.Secret = *req.Secret
	}
	s.webhooks[h.ID] = h
	ping := h.Status == "active"
	s.mu.Unlock()
	if ping {
		s.ping(h.ID)
	}
	s.mu.Lock()
	out := s.renderWebhook(base, h)
	s.mu.Unlock()
	w.Header().Set("Location", fmt.Sprintf("%s%s/webhooks/%d", base, restPrefix, h.ID))
	writeJSON(w, http.StatusCreated, out)
}

func (s *Server) getWebhook(w http.ResponseWriter, r *http.Request, id int) {
	base := s.restBase(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.webhooks[id]
	if h == nil {
		writeError(w, newError(http.StatusNotFound, "woocommerce_rest_webhook_invalid_id", "Invalid ID."))
		return
	}
	writeJSON(w, http.StatusOK, s.renderWebhook(base, h))
}

// updateWebhook saves the webhook; setting it active sends a ping and keeps the failure count
// (fixture 47).
func (s *Server) updateWebhook(w http.ResponseWriter, r *http.Request, id int) {
	var req webhookReq
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
		writeError(w, newError(http.StatusBadRequest, "rest_invalid_json", "Invalid JSON body passed."))
		return
	}
	if req.Topic != nil && !validTopic(*req.Topic) {
		writeError(w, newError(http.StatusBadRequest, "woocommerce_rest_webhook_invalid_topic", "Webhook topic must be valid."))
		return
	}
	base := s.restBase(r)
	s.mu.Lock()
	h := s.webhooks[id]
	if h == nil {
		s.mu.Unlock()
		writeError(w, newError(http.StatusBadRequest, "woocommerce_rest_webhook_invalid_id", "Invalid ID."))
		return
	}
	wasActive := h.Status == "active"
	if req.Name != nil {
		h.Name = *req.Name
	}
	if req.Topic != nil {
		h.Topic = *req.Topic
	}
	if req.DeliveryURL != nil {
		h.URL = *req.DeliveryURL
	}
	if req.Secret != nil {
		h.Secret = *req.Secret
	}
	if req.Status != nil {
		h.Status = *req.Status
	}
	now := s.now()
	h.Modified = &now
	ping := h.Status == "active" && (!wasActive || h.PendingDelivery)
	s.mu.Unlock()
	if ping {
		s.ping(id)
	}
	s.mu.Lock()
	out := s.renderWebhook(base, h)
	s.mu.Unlock()
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request, id int) {
	base := s.restBase(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	h := s.webhooks[id]
	if h == nil {
		writeError(w, newError(http.StatusNotFound, "woocommerce_rest_webhook_invalid_id", "Invalid ID."))
		return
	}
	if f := r.URL.Query().Get("force"); f != "true" && f != "1" {
		writeError(w, newError(http.StatusNotImplemented, "woocommerce_rest_trash_not_supported", "Webhooks do not support trashing."))
		return
	}
	out := s.renderWebhook(base, h)
	delete(s.webhooks, id)
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	perPage, page, offset, perr := pageParams(q)
	if perr != nil {
		writeError(w, perr)
		return
	}
	base := s.restBase(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []*webhook
	for _, h := range s.webhooks {
		if st := q.Get("status"); st != "" && st != "all" && h.Status != st {
			continue
		}
		list = append(list, h)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].ID > list[j].ID })
	writePage(w, r, base, list, perPage, page, offset, func(h *webhook) Webhook { return s.renderWebhook(base, h) })
}

// Webhooks returns every webhook, with its (REST-invisible) failure count.
func (s *Server) Webhooks() []Webhook {
	base := s.site()
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Webhook
	for _, h := range s.webhooks {
		out = append(out, s.renderWebhook(base, h))
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Delivery is one HTTP request the fake sent to a webhook receiver.
type Delivery struct {
	WebhookID  int
	Topic      string // "" for a ping
	Ping       bool
	Header     http.Header
	Body       []byte
	StatusCode int // 0 on a transport error
	Err        error
}

// Deliveries returns every delivery and ping sent so far, oldest first.
func (s *Server) Deliveries() []Delivery {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Delivery(nil), s.deliveries...)
}

type delivery struct {
	webhookID  int
	resource   string
	resourceID int
}

// enqueueLocked queues deliveries for every active webhook on resource.event, once per webhook
// and resource while one is still pending (Action Scheduler's dedupe).
func (s *Server) enqueueLocked(resource string, id int, events ...string) {
	ids := make([]int, 0, len(s.webhooks))
	for hid := range s.webhooks {
		ids = append(ids, hid)
	}
	sort.Ints(ids)
	for _, ev := range events {
		for _, hid := range ids {
			h := s.webhooks[hid]
			if h.Status != "active" || h.Topic != resource+"."+ev {
				continue
			}
			d := delivery{webhookID: hid, resource: resource, resourceID: id}
			dup := false
			for _, q := range s.queue {
				if q == d {
					dup = true
				}
			}
			if !dup {
				s.queue = append(s.queue, d)
			}
		}
	}
}

// afterChange runs deliveries now in DeliverSync mode.
func (s *Server) afterChange() {
	if s.cfg.Delivery == DeliverSync {
		s.DeliverPending()
	}
}

// kick starts the async delivery goroutine if there is work.
func (s *Server) kick() {
	s.mu.Lock()
	if s.running || len(s.queue) == 0 {
		s.mu.Unlock()
		return
	}
	s.running = true
	s.mu.Unlock()
	go func() {
		s.DeliverPending()
		s.mu.Lock()
		s.running = false
		s.idle.Broadcast()
		s.mu.Unlock()
	}()
}

// WaitIdle blocks until no async delivery is queued or running.
func (s *Server) WaitIdle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.running || (s.cfg.Delivery == DeliverAsync && len(s.queue) > 0) {
		if !s.running {
			s.mu.Unlock()
			s.kick()
			s.mu.Lock()
			continue
		}
		s.idle.Wait()
	}
}

// DeliverPending sends every queued delivery now, in order, and returns how many it sent.
func (s *Server) DeliverPending() int {
	s.deliverMu.Lock()
	defer s.deliverMu.Unlock()
	n := 0
	for {
		s.mu.Lock()
		if len(s.queue) == 0 {
			s.mu.Unlock()
			return n
		}
		d := s.queue[0]
		s.queue = s.queue[1:]
		s.mu.Unlock()
		s.deliver(d)
		n++
	}
}

// deliver sends one signed delivery built at delivery time, then applies WooCommerce's failure
// accounting: success resets the count; a failure increments it up to the limit, disables the
// webhook on the next one, and re-pings while the first ping has not succeeded (fixtures 42–48).
func (s *Server) deliver(d delivery) {
	site := s.site()
	s.mu.Lock()
	h := s.webhooks[d.webhookID]
	o := s.orders[d.resourceID]
	if h == nil || h.Status != "active" || o == nil {
		s.mu.Unlock()
		return
	}
	hook := *h
	body, _ := json.Marshal(s.renderOrderLocked(site, o))
	s.mu.Unlock()
	body = phpJSON(body)
	resource, event, _ := strings.Cut(hook.Topic, ".")
	hdr := http.Header{}
	hdr.Set("User-Agent", UserAgent)
	hdr.Set("Content-Type", "application/json")
	hdr.Set("X-WC-Webhook-Source", site+"/")
	hdr.Set("X-WC-Webhook-Topic", hook.Topic)
	hdr.Set("X-WC-Webhook-Resource", resource)
	hdr.Set("X-WC-Webhook-Event", event)
	hdr.Set("X-WC-Webhook-Signature", Sign(body, hook.Secret))
	hdr.Set("X-WC-Webhook-ID", strconv.Itoa(hook.ID))
	hdr.Set("X-WC-Webhook-Delivery-ID", randHex(16))
	status, err := s.send(hook.URL, hdr, body)
	s.mu.Lock()
	s.deliveries = append(s.deliveries, Delivery{WebhookID: hook.ID, Topic: hook.Topic, Header: hdr, Body: body, StatusCode: status, Err: err})
	h = s.webhooks[d.webhookID]
	repin := false
	if h != nil {
		if err == nil && status >= 200 && status <= 302 {
			h.Failures = 0
		} else if h.Failures > s.cfg.MaxWebhookFailures {
			h.Status = "disabled"
		} else {
			h.Failures++
			repin = h.PendingDelivery && h.Status == "active"
		}
	}
	s.mu.Unlock()
	if repin {
		s.ping(d.webhookID)
	}
}

// ping POSTs the unsigned form body webhook_id=<id> (fixture 38). A successful ping clears the
// pending-delivery flag; a failed one is not counted.
func (s *Server) ping(id int) {
	s.mu.Lock()
	h := s.webhooks[id]
	if h == nil {
		s.mu.Unlock()
		return
	}
	target := h.URL
	s.mu.Unlock()
	hdr := http.Header{}
	hdr.Set("User-Agent", UserAgent)
	hdr.Set("Content-Type", "application/x-www-form-urlencoded")
	body := []byte("webhook_id=" + strconv.Itoa(id))
	status, err := s.send(target, hdr, body)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deliveries = append(s.deliveries, Delivery{WebhookID: id, Ping: true, Header: hdr, Body: body, StatusCode: status, Err: err})
	if h := s.webhooks[id]; h != nil && err == nil && status >= 200 && status <= 302 {
		h.PendingDelivery = false
	}
}

func (s *Server) send(target string, hdr http.Header, body []byte) (int, error) {
	req, err := http.NewRequest(http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header = hdr.Clone()
	req.Close = true
	resp, err := s.cfg.WebhookClient.Do(req)
	if err != nil {
		return 0, err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<20))
	_ = resp.Body.Close()
	return resp.StatusCode, nil
}

// Sign is the X-WC-Webhook-Signature of body: base64(HMAC-SHA256(body, secret)).
func Sign(body []byte, secret string) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// phpJSON rewrites Go's JSON escaping into PHP's wp_json_encode style (`\/` and \uXXXX), as the
// recorded payloads are.
func phpJSON(b []byte) []byte {
	var out bytes.Buffer
	inStr, esc := false, false
	for i := 0; i < len(b); {
		c := b[i]
		switch {
		case esc:
			esc = false
			out.WriteByte(c)
			i++
		case inStr && c == '\\':
			esc = true
			out.WriteByte(c)
			i++
		case c == '"':
			inStr = !inStr
			out.WriteByte(c)
			i++
		case inStr && c == '/':
			out.WriteString(`\/`)
			i++
		case inStr && c >= 0x80:
			r, size := decodeRune(b[i:])
			if r >= 0x10000 {
				r -= 0x10000
				fmt.Fprintf(&out, `\u%04x\u%04x`, 0xD800+(r>>10), 0xDC00+(r&0x3FF))
			} else {
				fmt.Fprintf(&out, `\u%04x`, r)
			}
			i += size
		default:
			out.WriteByte(c)
			i++
		}
	}
	return out.Bytes()
}
