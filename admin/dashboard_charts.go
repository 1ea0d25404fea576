package admin

import (
	"html/template"
	"time"

	"github.com/intcomex-connector/connector/admin/chart"
)

// dashboardPage is the dashboard template's data: the report and its charts, drawn in the
// page's language.
type dashboardPage struct {
	dashboardReport
	Charts dashboardCharts
}

type dashboardCharts struct {
	Orders template.HTML // orders per day
	Sync   template.HTML // sync durations per kind
	Calls  template.HTML // IWS calls and errors per hour
}

// dashboardCharts draws the report's series in lang.
func (u *UI) dashboardCharts(lang string, d dashboardReport) dashboardCharts {
	t := func(key string, args ...any) string { return u.i18n.T(lang, key, args...) }

	orders := chart.Series{Name: t("dashboard.chart.orders.series")}
	for _, b := range d.Series.OrdersPerDay {
		orders.Points = append(orders.Points, chart.Point{Label: b.Start.Format("01-02"), Value: float64(b.Count)})
	}
	noData := t("dashboard.chart.no_data")
	var out dashboardCharts
	out.Orders = chart.Bar(chart.Options{ID: "dashboard-orders-svg", Title: t("dashboard.chart.orders.title"),
		Desc: t("dashboard.chart.orders.desc"), NoData: noData}, orders)

	calls := chart.Series{Name: t("dashboard.chart.calls.series")}
	failed := chart.Series{Name: t("dashboard.chart.calls.failed")}
	for _, b := range d.Series.IWSCallsPerHour {
		label := b.Start.Format("15:04")
		calls.Points = append(calls.Points, chart.Point{Label: label, Value: float64(b.Count)})
		failed.Points = append(failed.Points, chart.Point{Label: label, Value: float64(b.Failed)})
	}
	out.Calls = chart.Line(chart.Options{ID: "dashboard-calls-svg", Title: t("dashboard.chart.calls.title"),
		Desc: t("dashboard.chart.calls.desc"), NoData: noData}, calls, failed)

	last := chart.Series{Name: t("dashboard.chart.sync.last")}
	avg := chart.Series{Name: t("dashboard.chart.sync.average", dashboardRuns)}
	for _, kind := range dashSortedKinds(d.Series.SyncDurations) {
		runs := d.Series.SyncDurations[kind]
		if len(runs) == 0 {
			continue
		}
		var sum int64
		for _, r := range runs {
			sum += r.DurationMS
		}
		label := t("dashboard.kind." + kind)
		last.Points = append(last.Points, chart.Point{Label: label, Value: float64(runs[len(runs)-1].DurationMS) / 1000})
		avg.Points = append(avg.Points, chart.Point{Label: label, Value: float64(sum) / float64(len(runs)) / 1000})
	}
	seconds := func(v float64) string {
		return dashDuration(time.Duration(v * float64(time.Second)).Round(time.Millisecond))
	}
	out.Sync = chart.Bar(chart.Options{ID: "dashboard-sync-svg", Title: t("dashboard.chart.sync.title"),
		Desc: t("dashboard.chart.sync.desc"), NoData: noData, Format: seconds}, last, avg)
	return out
}
