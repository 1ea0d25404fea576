package sandbox

import (
	"fmt"
	"strconv"
	"time"

	"github.com/intcomex-connector/connector/iws"
)

// progression is the simulated order life cycle. IWS does not document the order of its statuses;
// this is the plausible path (NOTES §13): 1 Open → 2 In process → 4 Ready to deliver →
// 5 Invoiced/Closed → 7 Delivered, with 3 Back Order rejoining at 4.
var progression = map[int]int{
	iws.StatusOpen:           iws.StatusInProcess,
	iws.StatusInProcess:      iws.StatusReadyToDeliver,
	iws.StatusBackOrder:      iws.StatusReadyToDeliver,
	iws.StatusReadyToDeliver: iws.StatusInvoiced,
	iws.StatusInvoiced:       iws.StatusDelivered,
}

// maxSerialsPerLine bounds the serial numbers generated for one order line.
const maxSerialsPerLine = 100

// setStatusLocked moves an order to status at the given time, with what comes with it: pick, pack,
// serial numbers and a shipment when it is ready to deliver, an invoice when it is invoiced, and the
// OrderStatusUpdate webhook unless the previous status was final (5 or 6), as the spec says.
func (s *Sandbox) setStatusLocked(o *order, status int, at time.Time) {
	prev := o.Status
	o.Status = status
	o.Changed = at
	o.History = append(o.History, statusChange{Status: status, At: at})
	switch status {
	case iws.StatusReadyToDeliver:
		s.prepareLocked(o, at)
	case iws.StatusInvoiced:
		s.invoiceLocked(o, at)
	}
	if prev != iws.StatusInvoiced && prev != iws.StatusCanceled && s.hooks != nil {
		s.hooks.enqueue(webhookEvent{order: o.Number, status: status})
	}
	s.changed()
}

func (s *Sandbox) prepareLocked(o *order, at time.Time) {
	if o.PickNumber != 0 {
		return
	}
	next := &s.book.next
	o.PickNumber, o.PackNumber, o.PickPackDate = 700_000+next.Shipment, 800_000+next.Shipment, at
	for _, l := range o.Lines {
		i, ok := s.cat.bySKU[l.Sku]
		if !ok || s.cat.items[i].typ != typePhysical {
			continue
		}
		code := brands[s.cat.items[i].brand].skuCode
		for range min(l.Quantity, maxSerialsPerLine) {
			o.Serials = append(o.Serials, code+pad(int(next.Serial), 9))
			next.Serial++
		}
	}
	if !o.hasPhysical(s.cat) {
		return
	}
	carrier := o.CarrierID
	if carrier == "" {
		carrier = "CLA7"
	}
	id := next.Shipment
	next.Shipment++
	o.Shipments = append(o.Shipments, shipment{
		ID:         id,
		TrackingID: strconv.FormatInt(900_000_000+id*7919%100_000_000, 10),
		CarrierID:  carrier,
		Date:       at,
	})
}

func (s *Sandbox) invoiceLocked(o *order, at time.Time) {
	if o.InvoiceNumber != "" {
		return
	}
	o.InvoiceNumber = strconv.FormatInt(s.book.next.Invoice, 10)
	o.InvoiceDate = at
	s.book.next.Invoice++
	s.book.byInvoice[o.InvoiceNumber] = o
}

// advanceLocked moves an order one step along the life cycle; held and finished orders stay.
func (s *Sandbox) advanceLocked(o *order, at time.Time) bool {
	next, ok := progression[o.Status]
	if !ok || o.OnHold {
		return false
	}
	s.setStatusLocked(o, next, at)
	return true
}

// catchUp advances every order by the statuses its time in the current status has earned on the
// configured clock; each change is dated when it became due.
func (s *Sandbox) catchUp() {
	d := s.cfg.StatusInterval
	if d <= 0 {
		return
	}
	now := s.now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, o := range s.book.orders {
		for now.Sub(o.Changed) >= d {
			if !s.advanceLocked(o, o.Changed.Add(d)) {
				break
			}
		}
	}
}

// AdvanceOrders moves every open order (not held, not finished) steps statuses ahead now, and
// returns how many status changes that made.
func (s *Sandbox) AdvanceOrders(steps int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.stamp()
	changes := 0
	for _, o := range s.book.orders {
		for range steps {
			if !s.advanceLocked(o, now) {
				break
			}
			changes++
		}
	}
	return changes
}

// AdvanceOrder moves one order (Intcomex or customer order number) steps statuses ahead now and
// returns its status.
func (s *Sandbox) AdvanceOrder(number string, steps int) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.book.find(number)
	if o == nil {
		return 0, fmt.Errorf("sandbox: no order %q", number)
	}
	now := s.stamp()
	for range steps {
		if !s.advanceLocked(o, now) {
			break
		}
	}
	return o.Status, nil
}
