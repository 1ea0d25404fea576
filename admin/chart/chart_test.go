package chart_test

import (
	"encoding/xml"
	"fmt"
	"math"
	"strconv"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/admin/chart"
)

// node is a parsed SVG element.
type node struct {
	XMLName  xml.Name
	Attrs    []xml.Attr `xml:",any,attr"`
	Text     string     `xml:",chardata"`
	Children []node     `xml:",any"`
}

func (n node) attr(name string) string {
	for _, a := range n.Attrs {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

func (n node) hasClass(c string) bool {
	return strings.Contains(" "+n.attr("class")+" ", " "+c+" ")
}

// all returns n and its descendants, depth first.
func (n node) all() []node {
	out := []node{n}
	for _, c := range n.Children {
		out = append(out, c.all()...)
	}
	return out
}

func (n node) find(pred func(node) bool) []node {
	var out []node
	for _, d := range n.all() {
		if pred(d) {
			out = append(out, d)
		}
	}
	return out
}

func (n node) child(name string) (node, bool) {
	for _, c := range n.Children {
		if c.XMLName.Local == name {
			return c, true
		}
	}
	return node{}, false
}

func parse(t *testing.T, svg string) node {
	t.Helper()
	var root node
	if err := xml.Unmarshal([]byte(svg), &root); err != nil {
		t.Fatalf("not XML: %v\n%s", err, svg)
	}
	return root
}

func num(t *testing.T, n node, attr string) float64 {
	t.Helper()
	v, err := strconv.ParseFloat(n.attr(attr), 64)
	if err != nil {
		t.Fatalf("%s %s=%q: %v", n.XMLName.Local, attr, n.attr(attr), err)
	}
	return v
}

// checkAccessibleAndStrict checks what every chart must be: an <svg role="img"> labelled by its
// own <title> and <desc>, with nothing a strict CSP refuses.
func checkAccessibleAndStrict(t *testing.T, root node, title string) (desc string) {
	t.Helper()
	if root.XMLName.Local != "svg" || root.XMLName.Space != "http://www.w3.org/2000/svg" || root.attr("role") != "img" {
		t.Fatalf("root = %v role %q", root.XMLName, root.attr("role"))
	}
	ti, ok1 := root.child("title")
	de, ok2 := root.child("desc")
	if !ok1 || !ok2 || ti.Text != title {
		t.Fatalf("title %q (%v), desc (%v)", ti.Text, ok1, ok2)
	}
	if want := ti.attr("id") + " " + de.attr("id"); root.attr("aria-labelledby") != want || ti.attr("id") == "" {
		t.Errorf("aria-labelledby = %q, want %q", root.attr("aria-labelledby"), want)
	}
	if root.attr("viewBox") == "" {
		t.Error("no viewBox")
	}
	for _, n := range root.all() {
		switch n.XMLName.Local {
		case "script", "style", "foreignObject", "a":
			t.Errorf("element <%s>", n.XMLName.Local)
		}
		for _, a := range n.Attrs {
			if a.Name.Local == "style" || strings.HasPrefix(a.Name.Local, "on") || strings.Contains(a.Value, "javascript:") {
				t.Errorf("<%s %s=%q>", n.XMLName.Local, a.Name.Local, a.Value)
			}
		}
	}
	return de.Text
}

func texts(root node, class string) []string {
	var out []string
	for _, n := range root.find(func(n node) bool { return n.XMLName.Local == "text" && n.hasClass(class) }) {
		out = append(out, n.Text)
	}
	return out
}

func TestBar(t *testing.T) {
	t.Parallel()
	points := []chart.Point{{Label: "Mon", Value: 3}, {Label: "Tue", Value: 0}, {Label: "Wed", Value: 7.5}, {Label: "<Thu & \"Fri\">", Value: 12}}
	svg := string(chart.Bar(chart.Options{Title: "Orders per day", Desc: "Last 4 days", XLabel: "Day", YLabel: "Orders", Class: "wide"},
		chart.Series{Points: points}))
	root := parse(t, svg)
	desc := checkAccessibleAndStrict(t, root, "Orders per day")
	if want := `Last 4 days. Mon 3, Tue 0, Wed 7.5, <Thu & "Fri"> 12.`; desc != want {
		t.Errorf("desc = %q, want %q", desc, want)
	}
	if !root.hasClass("chart") || !root.hasClass("chart-bar") || !root.hasClass("wide") {
		t.Errorf("class = %q", root.attr("class"))
	}
	bars := root.find(func(n node) bool { return n.XMLName.Local == "rect" && n.hasClass("bar") })
	if len(bars) != len(points) {
		t.Fatalf("%d bars, want %d", len(bars), len(points))
	}
	// Bars are in proportion to the tallest and share one baseline; the scale is 0..15 by 5.
	base := num(t, bars[0], "y") + num(t, bars[0], "height")
	full := num(t, bars[3], "height")
	for i, b := range bars {
		if got := num(t, b, "y") + num(t, b, "height"); math.Abs(got-base) > 0.11 {
			t.Errorf("bar %d ends at %v, want %v", i, got, base)
		}
		if want := full * points[i].Value / 12; math.Abs(num(t, b, "height")-want) > 0.2 {
			t.Errorf("bar %d height %v, want %v", i, num(t, b, "height"), want)
		}
		if b.attr("fill") == "" {
			t.Errorf("bar %d has no fill", i)
		}
		if ti, ok := b.child("title"); !ok || ti.Text != points[i].Label+": "+strings.TrimSuffix(fmt.Sprint(points[i].Value), ".0") {
			t.Errorf("bar %d title %q", i, ti.Text)
		}
		if i > 0 && num(t, b, "x") <= num(t, bars[i-1], "x") {
			t.Errorf("bar %d is not right of bar %d", i, i-1)
		}
	}
	if got := strings.Join(texts(root, "tick"), "|"); got != `0|5|10|15|Mon|Tue|Wed|<Thu & "Fri">` {
		t.Errorf("ticks = %s", got)
	}
	if got := strings.Join(texts(root, "value"), "|"); got != "3|0|7.5|12" {
		t.Errorf("values = %s", got)
	}
	if got := strings.Join(texts(root, "axis-label"), "|"); got != "Day|Orders" {
		t.Errorf("axis labels = %s", got)
	}
	if strings.Contains(svg, "<Thu") {
		t.Error("a label reached the SVG unescaped")
	}
}

func TestLineSeriesLegendAndThinnedLabels(t *testing.T) {
	t.Parallel()
	var calls, errs []chart.Point
	for h := range 48 {
		label := fmt.Sprintf("%02d:00", h%24)
		calls = append(calls, chart.Point{Label: label, Value: float64(100 + h)})
		errs = append(errs, chart.Point{Label: label, Value: float64(h % 5)})
	}
	o := chart.Options{ID: "iws-hourly", Title: "IWS calls per hour", Width: 800, Height: 300,
		Format: func(v float64) string { return strconv.FormatFloat(v, 'f', 0, 64) }}
	root := parse(t, string(chart.Line(o, chart.Series{Name: "Calls", Points: calls}, chart.Series{Name: "Errors", Points: errs})))
	desc := checkAccessibleAndStrict(t, root, "IWS calls per hour")
	if !strings.HasPrefix(desc, "Calls: 00:00 100, 01:00 101,") || !strings.Contains(desc, "Errors: 00:00 0, 01:00 1,") {
		t.Errorf("desc = %q", desc)
	}
	if root.attr("aria-labelledby") != "iws-hourly-title iws-hourly-desc" || root.attr("viewBox") != "0 0 800 300" {
		t.Errorf("svg attrs = %v", root.Attrs)
	}
	lines := root.find(func(n node) bool { return n.XMLName.Local == "polyline" })
	if len(lines) != 2 || !lines[1].hasClass("series-1") || lines[0].attr("stroke") == lines[1].attr("stroke") || lines[0].attr("fill") != "none" {
		t.Fatalf("lines = %+v", lines)
	}
	if n := len(strings.Fields(lines[0].attr("points"))); n != 48 {
		t.Errorf("line has %d points, want 48", n)
	}
	points := root.find(func(n node) bool { return n.XMLName.Local == "circle" && n.hasClass("series-1") })
	if len(points) != 48 {
		t.Fatalf("%d markers", len(points))
	}
	if ti, _ := points[3].child("title"); ti.Text != "Errors, 03:00: 3" {
		t.Errorf("marker title %q", ti.Text)
	}
	if got := texts(root, "value"); len(got) != 0 {
		t.Errorf("96 values written on the chart: %d", len(got))
	}
	// 48 labels on ~730 units: thinned to every second or third, still starting at the first.
	var xLabels []string
	for _, s := range texts(root, "tick") {
		if strings.Contains(s, ":") {
			xLabels = append(xLabels, s)
		}
	}
	if len(xLabels) < 8 || len(xLabels) > 24 || xLabels[0] != "00:00" {
		t.Errorf("x labels = %v", xLabels)
	}
	legend := root.find(func(n node) bool { return n.XMLName.Local == "g" && n.hasClass("legend") })
	if len(legend) != 2 || legend[1].Children[1].Text != "Errors" {
		t.Errorf("legend = %+v", legend)
	}
}

func TestEmptyAndOddValues(t *testing.T) {
	t.Parallel()
	root := parse(t, string(chart.Bar(chart.Options{Title: "Nothing", NoData: "Sin datos"})))
	checkAccessibleAndStrict(t, root, "Nothing")
	if got := texts(root, "no-data"); len(got) != 1 || got[0] != "Sin datos" {
		t.Errorf("no data text = %v", got)
	}
	root = parse(t, string(chart.Line(chart.Options{Title: "Odd"}, chart.Series{Points: []chart.Point{
		{Label: "a", Value: math.NaN()}, {Label: "b", Value: math.Inf(1)}, {Label: "c", Value: -4}, {Label: "d", Value: 0}}})))
	checkAccessibleAndStrict(t, root, "Odd")
	for _, c := range root.find(func(n node) bool { return n.XMLName.Local == "circle" }) {
		if y := num(t, c, "cy"); math.IsNaN(y) || y != num(t, root.find(func(n node) bool { return n.XMLName.Local == "circle" })[3], "cy") {
			t.Errorf("odd value drawn at %v, want the baseline", y)
		}
	}
	if got := strings.Join(texts(root, "tick"), "|"); !strings.HasPrefix(got, "0|0.25|0.5|0.75|1|") {
		t.Errorf("ticks of an all-zero chart = %s", got)
	}
	// Two charts with different titles get different ids.
	a := parse(t, string(chart.Bar(chart.Options{Title: "A"}, chart.Series{Points: []chart.Point{{Label: "x", Value: 1}}})))
	b := parse(t, string(chart.Bar(chart.Options{Title: "B"}, chart.Series{Points: []chart.Point{{Label: "x", Value: 1}}})))
	if a.attr("aria-labelledby") == b.attr("aria-labelledby") {
		t.Errorf("same ids: %q", a.attr("aria-labelledby"))
	}
}

func TestGroupedBars(t *testing.T) {
	t.Parallel()
	show := false
	root := parse(t, string(chart.Bar(chart.Options{Title: "Calls", ShowValues: &show},
		chart.Series{Name: "IWS", Points: []chart.Point{{Label: "10h", Value: 4}, {Label: "11h", Value: 8}}},
		chart.Series{Name: "Shopify", Points: []chart.Point{{Label: "10h", Value: 2}, {Label: "11h", Value: 1}}})))
	checkAccessibleAndStrict(t, root, "Calls")
	bars := root.find(func(n node) bool { return n.XMLName.Local == "rect" && n.hasClass("bar") })
	if len(bars) != 4 || !bars[2].hasClass("series-1") {
		t.Fatalf("bars = %d", len(bars))
	}
	// Bars of one label sit side by side inside the label's slot.
	if !(num(t, bars[0], "x") < num(t, bars[2], "x") && num(t, bars[2], "x") < num(t, bars[1], "x")) {
		t.Errorf("bar order: %v %v %v", num(t, bars[0], "x"), num(t, bars[2], "x"), num(t, bars[1], "x"))
	}
	if len(texts(root, "value")) != 0 {
		t.Error("values written although ShowValues is false")
	}
}
