// Package webhooks is the storefronts' HTTP intake: it verifies a delivery's signature over the
// raw body, parses it, records it once in webhook_events and answers 200 in milliseconds. A paid
// order event also records the order and enqueues its place_order job (Config.Orders,
// connector/orders.Intake), in the same transaction as the webhook_events row: either both are
// kept or neither, and the storefront's retry tries again. Placing the order is the job's work,
// not the handler's: no storefront or IWS call is made here. Deliveries that arrive together
// share one database transaction and its commit (store.GroupTransaction); each one's answer is
// still its own. The compliance topics are handled
// here, at once: app/uninstalled and shop/redact forget the shop's credentials and data.
//
// Answers: 200 recorded, duplicate (a redelivery) or ping; 400 malformed; 401 bad signature; 404
// unknown shop; 410 a shop that uninstalled the connector; 413 body over the limit; 500 when the
// event could not be recorded (the storefront retries). Nothing is recorded unless the signature
// verified.
package webhooks

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/platforms"
)

// DefaultMaxBody is the largest body accepted when Config.MaxBody is 0. Order payloads are a few
// KiB; a big order with many lines and metadata stays well under it.
const DefaultMaxBody = 5 << 20

// Store is what the intake reads and writes (connector/store.Store).
type Store interface {
	Shop(ctx context.Context, id int64) (store.Shop, error)
	ListShops(ctx context.Context) ([]store.Shop, error)
	InsertWebhookEvent(ctx context.Context, e store.WebhookEvent) (store.WebhookEvent, bool, error)
	InsertWebhookEventTx(ctx context.Context, tx *store.Tx, e store.WebhookEvent) (store.WebhookEvent, bool, error)
	// GroupTransaction records a delivery in a transaction it may share with the deliveries
	// arriving at the same moment (group commit); the callback may run twice.
	GroupTransaction(ctx context.Context, fn func(tx *store.Tx) error) error
	DisconnectShop(ctx context.Context, id int64) error
}

// OrderIntake records a paid order and enqueues its placement inside the transaction that
// records the delivery (connector/orders.Intake). It makes no outside call.
type OrderIntake interface {
	ReceiveTx(ctx context.Context, tx *store.Tx, shop store.Shop, ev platforms.WebhookEvent) (orders.Outcome, store.Order, error)
}

// Resolver gives the intake the webhook half of a shop's storefront adapter
// (connector/shops.Storefronts).
type Resolver interface {
	// Webhooks returns the adapter that verifies and parses the shop's deliveries.
	Webhooks(shop store.Shop) (platforms.Webhooks, error)
	// ShopifyDomain returns the *.myshopify.com domain a Shopify shop's deliveries name.
	ShopifyDomain(shop store.Shop) (string, error)
	// Forget drops the cached adapter of a shop whose credentials changed.
	Forget(shopID int64)
}

// Config configures a Handler.
type Config struct {
	Store    Store
	Resolver Resolver
	// Orders takes the order events; nil records deliveries only.
	Orders OrderIntake
	// MaxBody caps the bytes read of one delivery (default DefaultMaxBody); a longer one is
	// answered 413 unread.
	MaxBody int64
	// ShopCacheTTL is how long a shop read for one delivery serves the next ones (default
	// DefaultShopCacheTTL; negative: read the shop for every delivery).
	ShopCacheTTL time.Duration
	// Now is the cache's clock (default time.Now).
	Now    func() time.Time
	Logger *slog.Logger
}

// Handler serves the webhook routes.
type Handler struct {
	store    Store
	resolver Resolver
	orders   OrderIntake
	maxBody  int64
	shops    *shopCache
	logger   *slog.Logger
}

// New returns a Handler, or an error naming every missing dependency.
func New(cfg Config) (*Handler, error) {
	var errs []error
	if cfg.Store == nil {
		errs = append(errs, errors.New("Store is nil"))
	}
	if cfg.Resolver == nil {
		errs = append(errs, errors.New("Resolver is nil"))
	}
	if cfg.MaxBody < 0 {
		errs = append(errs, errors.New("MaxBody is negative"))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("webhooks: config: %w", errors.Join(errs...))
	}
	if cfg.MaxBody == 0 {
		cfg.MaxBody = DefaultMaxBody
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.ShopCacheTTL == 0 {
		cfg.ShopCacheTTL = DefaultShopCacheTTL
	}
	return &Handler{store: cfg.Store, resolver: cfg.Resolver, orders: cfg.Orders, maxBody: cfg.MaxBody,
		shops: newShopCache(cfg.ShopCacheTTL, cfg.Now), logger: cfg.Logger}, nil
}

// Mount adds the intake routes to r.
func (h *Handler) Mount(r gin.IRoutes) {
	r.POST("/webhooks/woocommerce/:shop", h.woocommerce)
	r.POST("/webhooks/shopify", h.shopify)
}

// WooCommercePath is the intake path of a WooCommerce shop, to register its webhooks at.
func WooCommercePath(shopID int64) string { return fmt.Sprintf("/webhooks/woocommerce/%d", shopID) }

// ShopifyPath is the intake path of every Shopify shop (the shop is named by a header).
const ShopifyPath = "/webhooks/shopify"

// result is the intake's answer: an HTTP status and a word for the body and the log.
type result struct {
	status int
	word   string
	event  int64 // webhook_events id, when recorded
}

func (r result) write(c *gin.Context) {
	body := gin.H{"status": r.word}
	if r.event != 0 {
		body["event"] = r.event
	}
	c.JSON(r.status, body)
}

// readBody reads the raw body, at most h.maxBody bytes.
func (h *Handler) readBody(c *gin.Context) ([]byte, *result) {
	if c.Request.ContentLength > h.maxBody {
		return nil, &result{status: http.StatusRequestEntityTooLarge, word: "too large"}
	}
	body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, h.maxBody))
	var tooLarge *http.MaxBytesError
	switch {
	case errors.As(err, &tooLarge):
		return nil, &result{status: http.StatusRequestEntityTooLarge, word: "too large"}
	case err != nil:
		return nil, &result{status: http.StatusBadRequest, word: "unreadable body"}
	}
	return body, nil
}

// receive verifies, parses and records one delivery for a known shop.
func (h *Handler) receive(ctx context.Context, shop store.Shop, header http.Header, body []byte) result {
	log := h.logger.With("shop", shop.ID, "platform", shop.Platform)
	if shop.Disconnected() {
		// The merchant uninstalled the connector: nothing to verify the delivery with, nothing to
		// do with it. 410 also makes WooCommerce delete the webhook.
		return result{status: http.StatusGone, word: "shop disconnected"}
	}
	wh, err := h.resolver.Webhooks(shop)
	if err != nil {
		log.ErrorContext(ctx, "webhooks: no verifier for the shop", "err", err)
		return result{status: http.StatusInternalServerError, word: "shop not configured for webhooks"}
	}
	ev, err := wh.ParseWebhook(header, body)
	switch {
	case errors.Is(err, platforms.ErrSignature):
		log.WarnContext(ctx, "webhooks: signature does not verify", "bytes", len(body))
		return result{status: http.StatusUnauthorized, word: "invalid signature"}
	case err != nil:
		// ParseWebhook does no I/O: any other error is about the delivery itself.
		log.WarnContext(ctx, "webhooks: malformed delivery", "err", err)
		return result{status: http.StatusBadRequest, word: "malformed"}
	case ev.Topic == platforms.TopicPing:
		return result{status: http.StatusOK, word: "pong"}
	}

	sum := sha256.Sum256(body)
	digest := hex.EncodeToString(sum[:])
	delivery := ev.DeliveryID
	if delivery == "" {
		// Both platforms name every delivery; should one not, the body's digest still makes an
		// identical retry a duplicate instead of every such delivery colliding on "".
		delivery = "sha256:" + digest
	}
	var (
		stored   store.WebhookEvent
		inserted bool
		outcome  orders.Outcome
		order    store.Order
	)
	// The statements run on a context the storefront's hang-up does not cancel: the transaction
	// may be shared with other deliveries (GroupTransaction).
	txCtx := context.WithoutCancel(ctx)
	err = h.store.GroupTransaction(ctx, func(tx *store.Tx) error {
		var err error
		outcome, order = "", store.Order{} // a run again (see GroupTransaction) starts afresh
		stored, inserted, err = h.store.InsertWebhookEventTx(txCtx, tx, store.WebhookEvent{
			ShopID: shop.ID, Platform: shop.Platform, DeliveryID: delivery, EventID: ev.EventID,
			Topic: string(ev.Topic), RawTopic: ev.RawTopic, OrderID: ev.OrderID, PayloadSHA256: digest,
		})
		if err != nil || !inserted || h.orders == nil {
			// A redelivery was handled with the first delivery, in its transaction.
			return err
		}
		outcome, order, err = h.orders.ReceiveTx(txCtx, tx, shop, ev)
		return err
	})
	if errors.Is(err, store.ErrInvalid) {
		log.WarnContext(ctx, "webhooks: delivery not recordable", "topic", ev.RawTopic, "err", err)
		return result{status: http.StatusBadRequest, word: "malformed"}
	}
	if err != nil {
		log.ErrorContext(ctx, "webhooks: record the delivery", "topic", ev.RawTopic, "err", err)
		return result{status: http.StatusInternalServerError, word: "not recorded"}
	}
	log = log.With("topic", ev.RawTopic, "delivery", delivery, "event", stored.ID)
	word := "received"
	if !inserted {
		word = "duplicate"
	}
	// Compliance runs on a redelivery too: an earlier attempt may have recorded the event and
	// then failed to forget the shop, and forgetting twice changes nothing.
	if err := h.comply(ctx, log, shop, ev.Topic); err != nil {
		log.ErrorContext(ctx, "webhooks: compliance action failed", "err", err)
		return result{status: http.StatusInternalServerError, word: "not processed", event: stored.ID}
	}
	if order.ID != 0 {
		log = log.With("order_id", order.ID, "outcome", string(outcome))
	}
	log.InfoContext(ctx, "webhooks: delivery "+word, "order", ev.OrderID)
	return result{status: http.StatusOK, word: word, event: stored.ID}
}
