package orders_test

import (
	"bytes"
	"context"
	"encoding/json"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/orders"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/store/storetest"
)

func TestMonthlyReport(t *testing.T) {
	t.Parallel()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "default", Environment: store.EnvironmentTest,
			BaseURL: "https://iws.example/v1/", APIKey: "k", AccessKey: "a"})
		if err != nil {
			t.Fatal(err)
		}
		shop, err := st.SaveShop(ctx, store.Shop{Name: "S", Platform: store.PlatformMemory, Credentials: "{}", IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
		if err != nil {
			t.Fatal(err)
		}
		march := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
		invoiced := time.Date(2026, 3, 20, 8, 0, 0, 0, time.UTC)
		for i, o := range []struct {
			placed          time.Time
			state           string
			total, currency string
			invoice         string
		}{
			{march.Add(48 * time.Hour), store.OrderInvoiced, "10.50", "USD", "INV-1"},
			{march.Add(24 * time.Hour), store.OrderPlaced, "4.25", "USD", ""},
			{march.Add(72 * time.Hour), store.OrderCancelled, "100", "USD", ""}, // left out of the totals
			{march.Add(96 * time.Hour), store.OrderPlaced, "7", "COP", ""},
			{march.Add(120 * time.Hour), store.OrderPlaced, "", "USD", ""}, // unpriced
			{march.AddDate(0, 1, 0), store.OrderPlaced, "1", "USD", ""},    // April
			{march.Add(-time.Second), store.OrderPlaced, "1", "USD", ""},   // February
		} {
			n := string(rune('a' + i))
			var saved store.Order
			err := st.Transaction(ctx, func(tx *store.Tx) error {
				var err error
				saved, _, err = st.UpsertOrderTx(ctx, tx, store.Order{ShopID: shop.ID, StorefrontOrderID: n, StorefrontOrderNumber: n,
					CustomerOrderNumber: "C" + n, Currency: "USD", Total: "1", PaidAt: o.placed.Add(-time.Minute)})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			saved.State, saved.PlacedAt, saved.IntcomexTotal, saved.IntcomexCurrency = o.state, o.placed, o.total, o.currency
			saved.IntcomexOrderNumber, saved.InvoiceNumber = "IX"+n, o.invoice
			var events []store.OrderEvent
			if o.invoice != "" {
				saved.IntcomexStatus = 5
				detail, _ := json.Marshal(map[string]int{"status": 5})
				events = append(events, store.OrderEvent{Kind: store.OrderEventStatus, At: invoiced, Message: "invoiced", Detail: detail})
			}
			if _, err := st.SaveOrder(ctx, saved, events...); err != nil {
				t.Fatal(err)
			}
		}
		rep, err := orders.MonthlyReport(ctx, st, march)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, r := range rep.Rows {
			got = append(got, r.Order.StorefrontOrderID)
		}
		if strings.Join(got, "") != "bacde" {
			t.Errorf("rows %v, want b a c d e (placement order, March only)", got)
		}
		if !rep.Rows[1].InvoicedAt.Equal(invoiced) || !rep.Rows[0].InvoicedAt.IsZero() {
			t.Errorf("invoiced at = %v, %v", rep.Rows[1].InvoicedAt, rep.Rows[0].InvoicedAt)
		}
		if len(rep.Totals) != 2 || rep.Totals[0].Currency != "COP" || rep.Totals[0].Sum.String() != "7" || rep.Totals[0].Orders != 1 ||
			rep.Totals[1].Currency != "USD" || rep.Totals[1].Sum.StringFixed(2) != "14.75" || rep.Totals[1].Orders != 2 || rep.Unpriced != 1 {
			t.Errorf("totals %+v, unpriced %d", rep.Totals, rep.Unpriced)
		}
		var buf bytes.Buffer
		if err := orders.WriteReportCSV(&buf, rep.Rows[1:2]); err != nil {
			t.Fatal(err)
		}
		want := strings.Join(orders.ReportHeader, ",") + "\r\n" +
			strings.Join([]string{strconv.FormatInt(shop.ID, 10), "a", "a", "Ca", "IXa", "2026-03-02T23:59:00Z", "2026-03-03T00:00:00Z",
				"2026-03-20T08:00:00Z", "invoiced", "5", "10.50", "USD", "INV-1", ""}, ",") + "\r\n"
		if buf.String() != want {
			t.Errorf("CSV:\n%q\nwant\n%q", buf.String(), want)
		}
	})
}

func TestParseReportMonth(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Time
		err  string
	}{
		{"2026-11", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), ""},
		{" 2026-01 ", time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC), ""},
		{"2026-13", time.Time{}, `"2026-13" is not a month such as 2026-11`},
		{"November", time.Time{}, `"November" is not a month such as 2026-11`},
	}
	for _, tt := range tests {
		got, err := orders.ParseReportMonth(tt.in)
		if (err == nil) != (tt.err == "") || (err != nil && err.Error() != tt.err) || !got.Equal(tt.want) {
			t.Errorf("ParseReportMonth(%q) = %v, %v; want %v, %q", tt.in, got, err, tt.want, tt.err)
		}
	}
}
