package webhooks

import (
	"context"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/iws"
)

// IWSPath is where Intcomex delivers its OrderStatusUpdate webhook (configured per customer by
// Intcomex's integrations team).
const IWSPath = "/webhooks/iws"

// DefaultIWSMaxBody caps an IWS delivery when IWSConfig.MaxBody is 0: a notification is a few hundred
// bytes.
const DefaultIWSMaxBody = 1 << 20

// OrderStatusSink learns that IWS says an Intcomex order changed status. The order tracking job
// implements it by waking the order's track_order job, which then reads the status from IWS
// itself: the webhook is a hint, never the record. Notify must be cheap and idempotent.
type OrderStatusSink interface {
	Notify(ctx context.Context, accountID int64, orderNumber string, status int) error
}

// IWSStore is what the IWS intake reads and writes (connector/store.Store).
type IWSStore interface {
	ListIWSAccounts(ctx context.Context) ([]store.IWSAccount, error)
	RecordIWSDelivery(ctx context.Context, d store.IWSDelivery) ([]store.IWSNotification, error)
}

// IWSConfig configures an IWSHandler.
type IWSConfig struct {
	Store IWSStore
	Sink  OrderStatusSink
	// MaxBody caps the bytes read of one delivery (default DefaultIWSMaxBody).
	MaxBody int64
	// Now replaces time.Now for the token window, in tests.
	Now    func() time.Time
	Logger *slog.Logger
}

// IWSHandler serves POST /webhooks/iws: Intcomex's OrderStatusUpdate notifications.
//
// A delivery is verified with the key pair of the IWS account whose API key its token names (the
// token is the IWS API token, see iws.ParseWebhookToken), then parsed, recorded in
// iws_notifications and passed to the sink, one call per order newly recorded. Answers: 200
// received or duplicate (a redelivery of the same body); 400 malformed; 401 missing, unknown,
// wrong or expired token, or a token already used with another body (nothing is recorded); 413
// over the size limit; 500 when it could not be recorded (IWS may retry). A sink error is logged
// and answered 200: the delivery is recorded and the tracking job's own polling catches up.
type IWSHandler struct {
	store   IWSStore
	sink    OrderStatusSink
	maxBody int64
	now     func() time.Time
	logger  *slog.Logger
}

// NewIWS returns an IWSHandler, or an error naming every missing dependency.
func NewIWS(cfg IWSConfig) (*IWSHandler, error) {
	var errs []error
	if cfg.Store == nil {
		errs = append(errs, errors.New("Store is nil"))
	}
	if cfg.Sink == nil {
		errs = append(errs, errors.New("IWSConfig.Sink is nil"))
	}
	if cfg.MaxBody < 0 {
		errs = append(errs, errors.New("MaxBody is negative"))
	}
	if len(errs) > 0 {
		return nil, fmt.Errorf("webhooks: IWS config: %w", errors.Join(errs...))
	}
	if cfg.MaxBody == 0 {
		cfg.MaxBody = DefaultIWSMaxBody
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	return &IWSHandler{store: cfg.Store, sink: cfg.Sink, maxBody: cfg.MaxBody, now: cfg.Now, logger: cfg.Logger}, nil
}

// Mount adds POST /webhooks/iws to r.
func (h *IWSHandler) Mount(r gin.IRoutes) { r.POST(IWSPath, h.serve) }

func (h *IWSHandler) serve(c *gin.Context) {
	res := iwsResult{status: http.StatusRequestEntityTooLarge, word: "too large"}
	if c.Request.ContentLength <= h.maxBody {
		body, err := io.ReadAll(http.MaxBytesReader(c.Writer, c.Request.Body, h.maxBody))
		var tooLarge *http.MaxBytesError
		switch {
		case errors.As(err, &tooLarge):
		case err != nil:
			res = iwsResult{status: http.StatusBadRequest, word: "unreadable body"}
		default:
			res = h.receive(c.Request.Context(), c.Request.Header, body)
		}
	}
	c.JSON(res.status, res.body())
}

type iwsResult struct {
	status int
	word   string
	orders int // changes newly recorded
}

func (r iwsResult) body() gin.H {
	b := gin.H{"status": r.word}
	if r.status == http.StatusOK {
		b["orders"] = r.orders
	}
	return b
}

// receive verifies, parses, records and passes on one delivery.
func (h *IWSHandler) receive(ctx context.Context, header http.Header, body []byte) iwsResult {
	log := h.logger.With("webhook", "iws")
	token, err := iws.ParseWebhookToken(header.Get("Authorization"))
	if err != nil {
		log.WarnContext(ctx, "webhooks: IWS delivery without a valid token", "err", err, "bytes", len(body))
		return iwsResult{status: http.StatusUnauthorized, word: "invalid signature"}
	}
	acct, err := h.account(ctx, token)
	if errors.Is(err, iws.ErrWebhookAuth) {
		log.WarnContext(ctx, "webhooks: IWS delivery does not verify", "err", err, "bytes", len(body))
		return iwsResult{status: http.StatusUnauthorized, word: "invalid signature"}
	}
	if err != nil {
		log.ErrorContext(ctx, "webhooks: IWS accounts", "err", err)
		return iwsResult{status: http.StatusInternalServerError, word: "not recorded"}
	}
	log = log.With("iws_account", acct.ID)
	u, changes, err := iws.ParseOrderStatusUpdate(body)
	if err != nil {
		log.WarnContext(ctx, "webhooks: malformed IWS delivery", "err", err)
		return iwsResult{status: http.StatusBadRequest, word: "malformed"}
	}
	sum := sha256.Sum256(body)
	d := store.IWSDelivery{IWSAccountID: acct.ID, CallID: u.CallID, TokenSignature: token.Signature,
		PayloadSHA256: hex.EncodeToString(sum[:])}
	for _, ch := range changes {
		d.Changes = append(d.Changes, store.IWSStatusChange{OrderNumber: ch.OrderNumber,
			Status: int(ch.Status.StatusCode), Description: ch.Status.Description})
	}
	fresh, err := h.store.RecordIWSDelivery(ctx, d)
	switch {
	case errors.Is(err, store.ErrConflict):
		log.WarnContext(ctx, "webhooks: IWS token replayed with another body", "call", u.CallID)
		return iwsResult{status: http.StatusUnauthorized, word: "replayed token"}
	case errors.Is(err, store.ErrInvalid):
		log.WarnContext(ctx, "webhooks: IWS delivery not recordable", "err", err)
		return iwsResult{status: http.StatusBadRequest, word: "malformed"}
	case err != nil:
		log.ErrorContext(ctx, "webhooks: record the IWS delivery", "err", err)
		return iwsResult{status: http.StatusInternalServerError, word: "not recorded"}
	}
	for _, n := range fresh {
		if err := h.sink.Notify(ctx, acct.ID, n.OrderNumber, n.Status); err != nil {
			log.ErrorContext(ctx, "webhooks: pass on an IWS status change", "order", n.OrderNumber, "status", n.Status, "err", err)
		}
	}
	word := "received"
	if len(fresh) == 0 {
		word = "duplicate"
	}
	log.InfoContext(ctx, "webhooks: IWS delivery "+word, "call", u.CallID, "orders", len(changes), "new", len(fresh))
	return iwsResult{status: http.StatusOK, word: word, orders: len(fresh)}
}

// account finds the IWS account the token names and verifies the token with its key pair. An API
// key no account has, or a token no account with that key signed, wraps iws.ErrWebhookAuth.
func (h *IWSHandler) account(ctx context.Context, token iws.WebhookToken) (store.IWSAccount, error) {
	accts, err := h.store.ListIWSAccounts(ctx)
	if err != nil {
		return store.IWSAccount{}, err
	}
	now := h.now()
	verifyErr := fmt.Errorf("%w: unknown API key", iws.ErrWebhookAuth)
	for _, a := range accts {
		if subtle.ConstantTimeCompare([]byte(a.APIKey), []byte(token.APIKey)) != 1 {
			continue
		}
		// Two accounts may share an API key (a test and a prod entry): any whose pair signs it.
		if verifyErr = token.Verify(a.APIKey, a.AccessKey, now); verifyErr == nil {
			return a, nil
		}
	}
	return store.IWSAccount{}, verifyErr
}

// LogOrderStatus is the sink used until order tracking exists: it logs each change at debug.
func LogOrderStatus(logger *slog.Logger) OrderStatusSink {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	return logSink{logger}
}

type logSink struct{ logger *slog.Logger }

func (s logSink) Notify(ctx context.Context, accountID int64, orderNumber string, status int) error {
	s.logger.DebugContext(ctx, "IWS order status change (no tracking yet)", "iws_account", accountID, "order", orderNumber, "status", status)
	return nil
}
