package shopify

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/intcomex-connector/connector/platforms"
)

// fulfillmentOrderNode decodes a node of the FulfillmentOrders query.
type fulfillmentOrderNode struct {
	ID               string            `json:"id"`
	Status           string            `json:"status"`
	FulfillmentHolds []fulfillmentHold `json:"fulfillmentHolds"`
}

type fulfillmentHold struct {
	ID     string `json:"id"`
	Handle string `json:"handle"`
	Reason string `json:"reason"`
}

type fulfillmentView struct {
	ID           string     `json:"id"`
	CancelledAt  *time.Time `json:"cancelledAt"`
	Fulfillments []struct {
		TrackingInfo []struct {
			Number string `json:"number"`
		} `json:"trackingInfo"`
	} `json:"fulfillments"`
	FulfillmentOrders struct {
		Nodes []fulfillmentOrderNode `json:"nodes"`
	} `json:"fulfillmentOrders"`
}

func (c *Client) fulfillmentView(ctx context.Context, op, id string) (*fulfillmentView, error) {
	var d struct {
		Order *fulfillmentView `json:"order"`
	}
	if err := c.Do(ctx, OpFulfillmentOrders, map[string]any{"orderId": id}, &d); err != nil {
		return nil, err
	}
	if d.Order == nil {
		return nil, fmt.Errorf("shopify: %s %s: %w", op, id, platforms.ErrNotFound)
	}
	return d.Order, nil
}

// fulfillable are the fulfillment order statuses fulfillmentCreate and
// fulfillmentOrderHold accept.
func fulfillable(status string) bool { return status == "OPEN" || status == "IN_PROGRESS" }

func (v *fulfillmentView) hasTracking(number string) bool {
	for _, f := range v.Fulfillments {
		for _, t := range f.TrackingInfo {
			if t.Number == number {
				return true
			}
		}
	}
	return false
}

// SetOrderStatus expresses the neutral statuses with Shopify's own tools:
//
//   - OrderOnHold places a hold (reason OTHER, handle HoldHandle) on every
//     open fulfillment order: the order shows "On hold" and cannot be
//     fulfilled until released. Holding a fulfilled or cancelled order
//     wraps ErrInvalid.
//   - OrderProcessing releases the connector's holds (HoldHandle) only; a
//     hold the merchant, Shopify or another app placed stays, and the call
//     wraps ErrInvalid naming it. It cannot make an unpaid order paid.
//   - OrderCancelled cancels (orderCancel, reason OTHER) without refund and
//     without restock, notifying nobody: the refund is the merchant's
//     decision in the admin, and stock comes from Intcomex, whose quantities
//     the catalog sync sets absolutely (a restock would be overwritten at
//     the next sync after showing phantom stock). orderCancel runs as a job:
//     Shopify may show the order uncancelled for a moment.
//   - OrderCompleted closes (archives) the order (orderClose).
//
// Any other status wraps ErrInvalid without I/O. Each is idempotent.
func (c *Client) SetOrderStatus(ctx context.Context, id string, status platforms.OrderStatus) error {
	switch status {
	case platforms.OrderOnHold, platforms.OrderProcessing, platforms.OrderCancelled, platforms.OrderCompleted:
	default:
		return fmt.Errorf("shopify: SetOrderStatus %s: status %q has no Shopify equivalent: %w", id, status, platforms.ErrInvalid)
	}
	if err := checkOrderID("SetOrderStatus", id); err != nil {
		return err
	}
	switch status {
	case platforms.OrderOnHold:
		return c.hold(ctx, id)
	case platforms.OrderProcessing:
		return c.release(ctx, id)
	case platforms.OrderCancelled:
		return c.cancel(ctx, id)
	}
	return c.closeOrder(ctx, id)
}

func (c *Client) hold(ctx context.Context, id string) error {
	v, err := c.fulfillmentView(ctx, "SetOrderStatus", id)
	if err != nil {
		return err
	}
	held := false
	for _, fo := range v.FulfillmentOrders.Nodes {
		if slices.ContainsFunc(fo.FulfillmentHolds, func(h fulfillmentHold) bool { return h.Handle == HoldHandle }) {
			held = true
			continue
		}
		if !fulfillable(fo.Status) {
			continue
		}
		var d struct {
			FulfillmentOrderHold struct {
				UserErrors []UserError `json:"userErrors"`
			} `json:"fulfillmentOrderHold"`
		}
		vars := map[string]any{"id": fo.ID, "fulfillmentHold": map[string]any{
			"reason": "OTHER", "reasonNotes": "Held by the Intcomex connector", "handle": HoldHandle, "notifyMerchant": false}}
		if err := c.Do(ctx, OpFulfillmentOrderHold, vars, &d); err != nil {
			return err
		}
		ues := slices.DeleteFunc(d.FulfillmentOrderHold.UserErrors, func(ue UserError) bool {
			// A resent request whose first attempt ran.
			return ue.Code == "DUPLICATE_FULFILLMENT_HOLD_HANDLE"
		})
		if err := userErrorsErr(ues); err != nil {
			return fmt.Errorf("shopify: SetOrderStatus %s on_hold: %w", id, err)
		}
		held = true
	}
	if !held {
		return fmt.Errorf("shopify: SetOrderStatus %s on_hold: no open fulfillment order to hold (fulfilled or cancelled): %w", id, platforms.ErrInvalid)
	}
	return nil
}

func (c *Client) release(ctx context.Context, id string) error {
	v, err := c.fulfillmentView(ctx, "SetOrderStatus", id)
	if err != nil {
		return err
	}
	var others []string
	for _, fo := range v.FulfillmentOrders.Nodes {
		var ours []string
		for _, h := range fo.FulfillmentHolds {
			if h.Handle == HoldHandle {
				ours = append(ours, h.ID)
			} else {
				others = append(others, h.Reason)
			}
		}
		if len(ours) == 0 {
			continue
		}
		var d struct {
			FulfillmentOrderReleaseHold struct {
				UserErrors []UserError `json:"userErrors"`
			} `json:"fulfillmentOrderReleaseHold"`
		}
		if err := c.Do(ctx, OpFulfillmentOrderReleaseHold, map[string]any{"id": fo.ID, "holdIds": ours}, &d); err != nil {
			return err
		}
		if err := userErrorsErr(d.FulfillmentOrderReleaseHold.UserErrors); err != nil {
			return fmt.Errorf("shopify: SetOrderStatus %s processing: %w", id, err)
		}
	}
	if len(others) > 0 {
		return fmt.Errorf("shopify: SetOrderStatus %s processing: the order stays held by others (%s): %w", id, strings.Join(others, ", "), platforms.ErrInvalid)
	}
	return nil
}

func (c *Client) cancel(ctx context.Context, id string) error {
	st, err := c.orderState(ctx, "SetOrderStatus", id)
	if err != nil {
		return err
	}
	if st.CancelledAt != nil {
		return nil
	}
	var d struct {
		OrderCancel struct {
			UserErrors []UserError `json:"orderCancelUserErrors"`
		} `json:"orderCancel"`
	}
	vars := map[string]any{"orderId": id, "reason": "OTHER", "restock": false, "notifyCustomer": false,
		"staffNote": "Cancelled by the Intcomex connector"}
	if err := c.Do(ctx, OpOrderCancel, vars, &d); err != nil {
		return err
	}
	if err := userErrorsErr(d.OrderCancel.UserErrors); err != nil {
		// A resent request whose first attempt ran answers "already
		// cancelled": that is success.
		if again, rerr := c.orderState(ctx, "SetOrderStatus", id); rerr == nil && again.CancelledAt != nil {
			return nil
		}
		return fmt.Errorf("shopify: SetOrderStatus %s cancelled: %w", id, err)
	}
	return nil
}

func (c *Client) closeOrder(ctx context.Context, id string) error {
	st, err := c.orderState(ctx, "SetOrderStatus", id)
	if err != nil {
		return err
	}
	if st.Closed {
		return nil
	}
	var d struct {
		OrderClose struct {
			UserErrors []UserError `json:"userErrors"`
		} `json:"orderClose"`
	}
	if err := c.Do(ctx, OpOrderClose, map[string]any{"input": map[string]any{"id": id}}, &d); err != nil {
		return err
	}
	if err := userErrorsErr(d.OrderClose.UserErrors); err != nil {
		return fmt.Errorf("shopify: SetOrderStatus %s completed: %w", id, err)
	}
	return nil
}

// FulfillOrder writes the serials (metafield intcomex.serials, one per
// line) and then fulfills every open fulfillment order with the tracking,
// one fulfillmentCreate each (a fulfillment belongs to one location).
// Serials go first so that a failure between the two leaves them written
// and the retry completes the shipment. Called again when nothing is open
// and a fulfillment carries the same tracking number, it returns nil
// without writing. An order fulfilled with another tracking number, a
// cancelled order or one on hold wraps ErrInvalid: changing tracking is
// fulfillmentTrackingInfoUpdate's job, not a second shipment.
func (c *Client) FulfillOrder(ctx context.Context, id string, f platforms.Fulfillment) error {
	if err := checkOrderID("FulfillOrder", id); err != nil {
		return err
	}
	v, err := c.fulfillmentView(ctx, "FulfillOrder", id)
	if err != nil {
		return err
	}
	if v.CancelledAt != nil {
		return fmt.Errorf("shopify: FulfillOrder %s: the order is cancelled: %w", id, platforms.ErrInvalid)
	}
	var open []string
	heldOnly := false
	for _, fo := range v.FulfillmentOrders.Nodes {
		switch {
		case fulfillable(fo.Status):
			open = append(open, fo.ID)
		case fo.Status == "ON_HOLD":
			heldOnly = true
		}
	}
	if len(open) == 0 {
		switch {
		case heldOnly:
			return fmt.Errorf("shopify: FulfillOrder %s: the order is on hold: %w", id, platforms.ErrInvalid)
		case f.TrackingNumber != "" && v.hasTracking(f.TrackingNumber):
			return nil
		}
		return fmt.Errorf("shopify: FulfillOrder %s: nothing left to fulfill and no fulfillment with tracking %q: %w", id, f.TrackingNumber, platforms.ErrInvalid)
	}
	if len(f.Serials) > 0 {
		in := metafieldInput(id, MetafieldSerials, "multi_line_text_field", strings.Join(f.Serials, "\n"))
		if err := c.setMetafields(ctx, "FulfillOrder", id, []map[string]any{in}); err != nil {
			return err
		}
	}
	for _, foID := range open {
		in := map[string]any{
			"lineItemsByFulfillmentOrder": []any{map[string]any{"fulfillmentOrderId": foID}},
			"notifyCustomer":              f.NotifyCustomer,
		}
		if f.TrackingNumber != "" {
			t := map[string]any{"number": f.TrackingNumber}
			if f.Carrier != "" {
				t["company"] = f.Carrier
			}
			if f.TrackingURL != "" {
				t["url"] = f.TrackingURL
			}
			in["trackingInfo"] = t
		}
		var d struct {
			FulfillmentCreate struct {
				UserErrors []UserError `json:"userErrors"`
			} `json:"fulfillmentCreate"`
		}
		if err := c.Do(ctx, OpFulfillmentCreate, map[string]any{"fulfillment": in}, &d); err != nil {
			return err
		}
		if err := userErrorsErr(d.FulfillmentCreate.UserErrors); err != nil {
			return fmt.Errorf("shopify: FulfillOrder %s: %w", id, err)
		}
	}
	return nil
}
