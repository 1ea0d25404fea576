package orders

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/store"
)

// The reconciliation register: every order placed with Intcomex in a month (by its placement
// time, UTC), for reconciliation against Intcomex's invoices and statements. `connector orders
// report` and the web UI's Reports page both read it through MonthlyReport and write its CSV
// through WriteReportCSV, so both give the same columns.

// ReportHeader is the header row of the register's CSV.
var ReportHeader = []string{"shop_id", "storefront_order_id", "storefront_order_number", "customer_order_number",
	"intcomex_order_number", "paid_at", "placed_at", "invoiced_at", "state", "intcomex_status", "intcomex_total",
	"intcomex_currency", "invoice_number", "invoice_url"}

// ReportRow is one order of the register.
type ReportRow struct {
	Order store.Order
	// InvoicedAt is when the connector saw the Intcomex order invoiced (IWS status 5), or zero.
	InvoicedAt time.Time
}

// CSV is the row's CSV record, in ReportHeader's columns: times RFC 3339 in UTC (empty when
// unknown), totals as IWS sent them.
func (r ReportRow) CSV() []string {
	o := r.Order
	t := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.UTC().Format(time.RFC3339)
	}
	status := ""
	if o.IntcomexStatus != 0 {
		status = strconv.Itoa(o.IntcomexStatus)
	}
	return []string{strconv.FormatInt(o.ShopID, 10), o.StorefrontOrderID, o.StorefrontOrderNumber, o.CustomerOrderNumber,
		o.IntcomexOrderNumber, t(o.PaidAt), t(o.PlacedAt), t(r.InvoicedAt), o.State, status, o.IntcomexTotal,
		o.IntcomexCurrency, o.InvoiceNumber, o.InvoiceURL}
}

// ReportTotal is the sum of the Intcomex totals of the register's orders in one currency,
// cancelled orders left out.
type ReportTotal struct {
	Currency string // "" when IWS named none
	Sum      decimal.Decimal
	Orders   int
}

// Report is the register of one month.
type Report struct {
	Month time.Time // the first instant of the month, UTC
	Rows  []ReportRow
	// Totals per currency, by currency; Unpriced counts the orders without a readable Intcomex
	// total (not in Totals).
	Totals   []ReportTotal
	Unpriced int
}

// ParseReportMonth reads a month such as 2026-11 (UTC); the error says what is expected.
func ParseReportMonth(s string) (time.Time, error) {
	m, err := time.Parse("2006-01", strings.TrimSpace(s))
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a month such as 2026-11", s)
	}
	return m, nil
}

// MonthlyReport reads the register of the month that starts at month (see ParseReportMonth):
// the orders placed in it, oldest placement first, with when each was invoiced, and the totals.
func MonthlyReport(ctx context.Context, st *store.Store, month time.Time) (Report, error) {
	month = month.UTC()
	rep := Report{Month: month}
	placed, err := st.PlacedOrders(ctx, month, month.AddDate(0, 1, 0))
	if err != nil {
		return Report{}, fmt.Errorf("orders: report: %w", err)
	}
	rep.Rows = make([]ReportRow, 0, len(placed))
	for _, o := range placed {
		r := ReportRow{Order: o}
		if o.InvoiceNumber != "" || o.IntcomexStatus >= 5 {
			events, err := st.OrderEvents(ctx, o.ID)
			if err != nil {
				return Report{}, fmt.Errorf("orders: report: %w", err)
			}
			r.InvoicedAt = InvoicedAt(events)
		}
		rep.Rows = append(rep.Rows, r)
	}
	rep.Totals, rep.Unpriced = reportTotals(rep.Rows)
	return rep, nil
}

// reportTotals adds up the Intcomex totals per currency, cancelled orders left out.
func reportTotals(rows []ReportRow) ([]ReportTotal, int) {
	totals := map[string]*ReportTotal{}
	unpriced := 0
	for _, r := range rows {
		o := r.Order
		d, err := decimal.NewFromString(o.IntcomexTotal)
		if err != nil {
			unpriced++
			continue
		}
		if o.State == store.OrderCancelled {
			continue
		}
		t := totals[o.IntcomexCurrency]
		if t == nil {
			t = &ReportTotal{Currency: o.IntcomexCurrency}
			totals[o.IntcomexCurrency] = t
		}
		t.Sum, t.Orders = t.Sum.Add(d), t.Orders+1
	}
	out := make([]ReportTotal, 0, len(totals))
	for _, t := range totals {
		out = append(out, *t)
	}
	slices.SortFunc(out, func(a, b ReportTotal) int { return strings.Compare(a.Currency, b.Currency) })
	return out, unpriced
}

// InvoicedAt is when the timeline first shows the Intcomex order invoiced (IWS status 5), or zero.
func InvoicedAt(events []store.OrderEvent) time.Time {
	for _, e := range events {
		if e.Kind != store.OrderEventStatus {
			continue
		}
		var d struct {
			Status json.Number `json:"status"`
		}
		if json.Unmarshal(e.Detail, &d) == nil && d.Status.String() == "5" {
			return e.At
		}
	}
	return time.Time{}
}

// WriteReportCSV writes the register as CSV (RFC 4180: CRLF line ends, a header row, UTF-8).
func WriteReportCSV(w io.Writer, rows []ReportRow) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if err := cw.Write(ReportHeader); err != nil {
		return fmt.Errorf("orders: report CSV: %w", err)
	}
	for _, r := range rows {
		if err := cw.Write(r.CSV()); err != nil {
			return fmt.Errorf("orders: report CSV: %w", err)
		}
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return fmt.Errorf("orders: report CSV: %w", err)
	}
	return nil
}
