package main

import (
	"context"
	"strconv"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/intcomex-connector/connector/connector/store"
)

// orderMetrics reports the order pipeline from the database at each scrape, so every process
// sharing a database reports the same figures: orders per shop and state, and the shops whose
// orders are all held (IWS said the customer is on hold, or the credentials failed), which a
// person must act on.
type orderMetrics struct {
	st     *store.Store
	orders *prometheus.Desc
	held   *prometheus.Desc
}

func newOrderMetrics(st *store.Store) *orderMetrics {
	return &orderMetrics{
		st: st,
		orders: prometheus.NewDesc("connector_orders", "Orders by shop and pipeline state.",
			[]string{"shop", "state"}, nil),
		held: prometheus.NewDesc("connector_shop_orders_held", "1 when every new order of the shop is held until `connector shop resume-orders`.",
			[]string{"shop"}, nil),
	}
}

// Describe implements prometheus.Collector.
func (m *orderMetrics) Describe(ch chan<- *prometheus.Desc) {
	ch <- m.orders
	ch <- m.held
}

// Collect implements prometheus.Collector.
func (m *orderMetrics) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	counts, err := m.st.OrderCounts(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(m.orders, err)
	}
	for _, c := range counts {
		ch <- prometheus.MustNewConstMetric(m.orders, prometheus.GaugeValue, float64(c.Count), strconv.FormatInt(c.ShopID, 10), c.State)
	}
	shops, err := m.st.ListShops(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(m.held, err)
	}
	for _, sh := range shops {
		v := 0.0
		if sh.OrdersHoldReason != "" {
			v = 1
		}
		ch <- prometheus.MustNewConstMetric(m.held, prometheus.GaugeValue, v, strconv.FormatInt(sh.ID, 10))
	}
}
