package orders

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"

	"github.com/intcomex-connector/connector/connector/jobs"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/internal/correlation"
)

// orderStep is one run of a job (place_order, track_order) on an order: it ties the API calls
// made to the order and the job (correlation ids), and finds them again for the timeline.
type orderStep struct {
	st      *store.Store
	ctx     context.Context
	order   store.Order
	shop    store.Shop
	jobID   string
	orderID string
	mark    int64 // the last API call already in the timeline
	log     *slog.Logger
}

// openStep reads the order and its shop for job jobID. A missing order cancels the job. log gets
// the order, shop and job, and attrs.
func openStep(ctx context.Context, st *store.Store, log *slog.Logger, orderID int64, jobID string, attrs func(store.Order) []any) (orderStep, error) {
	o, err := st.Order(ctx, orderID)
	if errors.Is(err, store.ErrNotFound) {
		return orderStep{}, jobs.Cancel(fmt.Errorf("orders: order %d: %w", orderID, err))
	}
	if err != nil {
		return orderStep{}, err
	}
	shop, err := st.Shop(ctx, o.ShopID)
	if err != nil {
		return orderStep{}, fmt.Errorf("orders: order %d: %w", orderID, err)
	}
	oid := strconv.FormatInt(o.ID, 10)
	ctx = correlation.WithShopID(correlation.WithAccountID(correlation.WithOrderID(correlation.WithJobID(ctx, jobID), oid), shop.IWSAccountID), shop.ID)
	s := orderStep{st: st, ctx: ctx, order: o, shop: shop, jobID: jobID, orderID: oid,
		log: log.With(append([]any{"order", o.ID, "shop", shop.ID, "job", jobID}, attrs(o)...)...)}
	if ids, err := st.APICallIDs(ctx, oid, jobID, 0); err == nil && len(ids) > 0 {
		s.mark = ids[len(ids)-1]
	}
	return s, nil
}

// event makes the timeline event of the step, with the ids of the calls made since the last one.
func (s *orderStep) event(kind, msg string, detail any) store.OrderEvent {
	ev := store.OrderEvent{Kind: kind, Message: msg, JobID: s.jobID}
	if detail != nil {
		ev.Detail = mustJSON(detail)
	}
	if ids, err := s.st.APICallIDs(s.ctx, s.orderID, s.jobID, s.mark); err == nil && len(ids) > 0 {
		ev.APICallIDs = ids
		s.mark = ids[len(ids)-1]
	}
	return ev
}

// save moves the order (compare and swap) and records the events.
func (s *orderStep) save(events ...store.OrderEvent) error {
	saved, err := s.st.SaveOrder(s.ctx, s.order, events...)
	if err != nil {
		return fmt.Errorf("orders: order %d: %w", s.order.ID, err)
	}
	s.order = saved
	return nil
}

// reload reads the order again after a conflict.
func (s *orderStep) reload() error {
	fresh, err := s.st.Order(s.ctx, s.order.ID)
	if err != nil {
		return err
	}
	s.order = fresh
	return nil
}
