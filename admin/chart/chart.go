// Package chart draws the management UI's small charts (orders per day, sync durations, IWS
// calls and errors per hour) as inline SVG. The charts are accessible: the <svg> has role="img"
// and is labelled by its <title> and <desc>, the description lists the values, and every bar or
// point carries its own <title>. They suit a strict Content Security Policy: no script, no event
// handler and no style attribute; colours are presentation attributes (fill, stroke) that a
// stylesheet may override through the classes (chart, bar, line, point, series-N, axis, grid,
// tick, value, legend, axis-label, no-data).
//
// The package is pure: it formats numbers and text, and does no I/O.
package chart

import (
	"fmt"
	"hash/fnv"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Point is one value of a series. Counts and durations are not money: float64 is exact enough.
type Point struct {
	Label string
	Value float64
}

// Series is a named list of points. The series of one chart share their labels, by position:
// the first series gives the x axis.
type Series struct {
	Name   string
	Points []Point
}

// Options describe a chart. Every text is caller-supplied (translated by the caller) and escaped
// here.
type Options struct {
	// ID prefixes the ids of the <title> and <desc> elements; it must be unique on the page.
	// Default: derived from Title.
	ID string
	// Title says what the chart shows (required for a useful label).
	Title string
	// Desc is prepended to the generated description of the values.
	Desc string
	// XLabel and YLabel name the axes ("" for none).
	XLabel, YLabel string
	// NoData is written in the plot when no series has a point.
	NoData string
	// Width and Height are the viewBox size (the SVG scales to its box); defaults 640 and 240.
	Width, Height int
	// Format writes a value (ticks, labels, titles, description); default: at most two
	// decimals, e.g. "12", "0.25".
	Format func(float64) string
	// Class is added to the <svg>'s class.
	Class string
	// ShowValues writes every value above its bar or point; by default values are written when
	// there are few enough to stay readable.
	ShowValues *bool
}

// palette gives each series a colour (a stylesheet can override .series-N).
var palette = []string{"#2f6fb0", "#c0392b", "#2e8b57", "#d4860b", "#7d4fa8", "#555555"}

const (
	marginLeft   = 56.0
	marginRight  = 16.0
	marginTop    = 16.0
	marginBottom = 36.0
	legendHeight = 20.0
	axisLabelGap = 16.0
	minLabelGap  = 44.0 // x-axis labels closer than this are thinned out
	valueLimit   = 24   // values written on the chart at most, by default
)

// Bar draws the series as vertical bars, grouped by label when there are several series.
func Bar(o Options, series ...Series) template.HTML {
	return render(o, series, true)
}

// Line draws each series as a line with a marker on every point.
func Line(o Options, series ...Series) template.HTML {
	return render(o, series, false)
}

// chart is one drawing in progress.
type chart struct {
	o                      Options
	series                 []Series
	n                      int // points per series (of the first series)
	left, top, right, base float64
	max, step              float64
	b                      strings.Builder
}

func render(o Options, series []Series, bars bool) template.HTML {
	if o.Width <= 0 {
		o.Width = 640
	}
	if o.Height <= 0 {
		o.Height = 240
	}
	if o.Format == nil {
		o.Format = formatValue
	}
	if o.ID == "" {
		h := fnv.New32a()
		h.Write([]byte(o.Title))
		o.ID = fmt.Sprintf("chart-%08x", h.Sum32())
	}
	c := &chart{o: o, series: series}
	if len(series) > 0 {
		c.n = len(series[0].Points)
	}
	c.left, c.right = marginLeft, float64(o.Width)-marginRight
	c.top, c.base = marginTop, float64(o.Height)-marginBottom
	if len(series) > 1 {
		c.top += legendHeight
	}
	if o.XLabel != "" {
		c.base -= axisLabelGap
	}
	if o.YLabel != "" {
		c.left += axisLabelGap
	}
	maxValue := 0.0
	for _, s := range series {
		for _, p := range s.Points {
			maxValue = max(maxValue, clean(p.Value))
		}
	}
	c.max, c.step = niceScale(maxValue)

	class := "chart"
	if bars {
		class += " chart-bar"
	} else {
		class += " chart-line"
	}
	if o.Class != "" {
		class += " " + o.Class
	}
	fmt.Fprintf(&c.b, `<svg xmlns="http://www.w3.org/2000/svg" class="%s" viewBox="0 0 %d %d" role="img" aria-labelledby="%s-title %s-desc">`,
		esc(class), o.Width, o.Height, esc(o.ID), esc(o.ID))
	fmt.Fprintf(&c.b, `<title id="%s-title">%s</title><desc id="%s-desc">%s</desc>`, esc(o.ID), esc(o.Title), esc(o.ID), esc(c.describe()))
	c.axes()
	if c.n == 0 {
		if o.NoData != "" {
			fmt.Fprintf(&c.b, `<text class="no-data" x="%s" y="%s" text-anchor="middle" fill="currentColor">%s</text>`,
				num((c.left+c.right)/2), num((c.top+c.base)/2), esc(o.NoData))
		}
	} else if bars {
		c.bars()
	} else {
		c.lines()
	}
	c.legend()
	c.b.WriteString(`</svg>`)
	return template.HTML(c.b.String()) // every text and attribute above is escaped
}

// describe writes the description: the caller's, then the values of every series (or, for a
// long series, its range, total, lowest and highest).
func (c *chart) describe() string {
	var parts []string
	if c.o.Desc != "" {
		parts = append(parts, strings.TrimSuffix(c.o.Desc, ".")+".")
	}
	for _, s := range c.series {
		if len(s.Points) == 0 {
			continue
		}
		prefix := ""
		if s.Name != "" {
			prefix = s.Name + ": "
		}
		if len(s.Points) <= 60 {
			items := make([]string, len(s.Points))
			for i, p := range s.Points {
				items[i] = p.Label + " " + c.o.Format(p.Value)
			}
			parts = append(parts, prefix+strings.Join(items, ", ")+".")
			continue
		}
		lo, hi, total := s.Points[0], s.Points[0], 0.0
		for _, p := range s.Points {
			total += clean(p.Value)
			if clean(p.Value) < clean(lo.Value) {
				lo = p
			}
			if clean(p.Value) > clean(hi.Value) {
				hi = p
			}
		}
		parts = append(parts, fmt.Sprintf("%s%s – %s; total %s; lowest %s (%s); highest %s (%s).", prefix,
			s.Points[0].Label, s.Points[len(s.Points)-1].Label, c.o.Format(total),
			c.o.Format(lo.Value), lo.Label, c.o.Format(hi.Value), hi.Label))
	}
	return strings.Join(parts, " ")
}

// y maps a value to its vertical position.
func (c *chart) y(v float64) float64 {
	v = max(clean(v), 0)
	return c.base - (c.base-c.top)*v/c.max
}

// slot is the width given to each label on the x axis.
func (c *chart) slot() float64 { return (c.right - c.left) / float64(max(c.n, 1)) }

// axes draws the grid, the ticks, the axis lines, the x labels and the axis names.
func (c *chart) axes() {
	ticks := int(math.Round(c.max / c.step))
	for i := 0; i <= ticks; i++ {
		v := c.step * float64(i)
		y := c.y(v)
		fmt.Fprintf(&c.b, `<line class="grid" x1="%s" y1="%s" x2="%s" y2="%s" stroke="#dddddd" stroke-width="1"/>`, num(c.left), num(y), num(c.right), num(y))
		fmt.Fprintf(&c.b, `<text class="tick" x="%s" y="%s" text-anchor="end" dominant-baseline="middle" font-size="11" fill="currentColor">%s</text>`,
			num(c.left-6), num(y), esc(c.o.Format(v)))
	}
	fmt.Fprintf(&c.b, `<line class="axis" x1="%s" y1="%s" x2="%s" y2="%s" stroke="#888888" stroke-width="1"/>`, num(c.left), num(c.top), num(c.left), num(c.base))
	fmt.Fprintf(&c.b, `<line class="axis" x1="%s" y1="%s" x2="%s" y2="%s" stroke="#888888" stroke-width="1"/>`, num(c.left), num(c.base), num(c.right), num(c.base))
	if c.n > 0 {
		every := max(1, int(math.Ceil(minLabelGap/c.slot())))
		for i, p := range c.series[0].Points {
			if i%every != 0 {
				continue
			}
			x := c.left + c.slot()*(float64(i)+0.5)
			fmt.Fprintf(&c.b, `<text class="tick" x="%s" y="%s" text-anchor="middle" font-size="11" fill="currentColor">%s</text>`,
				num(x), num(c.base+16), esc(p.Label))
		}
	}
	if c.o.XLabel != "" {
		fmt.Fprintf(&c.b, `<text class="axis-label" x="%s" y="%s" text-anchor="middle" font-size="12" fill="currentColor">%s</text>`,
			num((c.left+c.right)/2), num(float64(c.o.Height)-6), esc(c.o.XLabel))
	}
	if c.o.YLabel != "" {
		cy := (c.top + c.base) / 2
		fmt.Fprintf(&c.b, `<text class="axis-label" x="14" y="%s" transform="rotate(-90 14 %s)" text-anchor="middle" font-size="12" fill="currentColor">%s</text>`,
			num(cy), num(cy), esc(c.o.YLabel))
	}
}

// showValues reports whether values are written on the chart.
func (c *chart) showValues() bool {
	if c.o.ShowValues != nil {
		return *c.o.ShowValues
	}
	return c.n*len(c.series) <= valueLimit
}

// pointTitle is the tooltip of one value.
func (c *chart) pointTitle(s Series, p Point) string {
	t := p.Label + ": " + c.o.Format(p.Value)
	if s.Name != "" {
		t = s.Name + ", " + t
	}
	return t
}

func (c *chart) value(x, y float64, v float64) {
	fmt.Fprintf(&c.b, `<text class="value" x="%s" y="%s" text-anchor="middle" font-size="10" fill="currentColor">%s</text>`,
		num(x), num(y-4), esc(c.o.Format(v)))
}

func (c *chart) bars() {
	group := c.slot() * 0.8
	width := group / float64(len(c.series))
	for si, s := range c.series {
		for i, p := range s.Points {
			if i >= c.n {
				break
			}
			x := c.left + c.slot()*float64(i) + (c.slot()-group)/2 + width*float64(si)
			y := c.y(p.Value)
			fmt.Fprintf(&c.b, `<rect class="bar series-%d" x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s</title></rect>`,
				si, num(x), num(y), num(max(width-1, 1)), num(c.base-y), palette[si%len(palette)], esc(c.pointTitle(s, p)))
			if c.showValues() {
				c.value(x+width/2, y, p.Value)
			}
		}
	}
}

func (c *chart) lines() {
	for si, s := range c.series {
		colour := palette[si%len(palette)]
		var pts []string
		for i, p := range s.Points {
			if i >= c.n {
				break
			}
			pts = append(pts, num(c.left+c.slot()*(float64(i)+0.5))+","+num(c.y(p.Value)))
		}
		fmt.Fprintf(&c.b, `<polyline class="line series-%d" points="%s" fill="none" stroke="%s" stroke-width="2"/>`, si, strings.Join(pts, " "), colour)
		for i, p := range s.Points {
			if i >= c.n {
				break
			}
			x, y := c.left+c.slot()*(float64(i)+0.5), c.y(p.Value)
			fmt.Fprintf(&c.b, `<circle class="point series-%d" cx="%s" cy="%s" r="3" fill="%s"><title>%s</title></circle>`,
				si, num(x), num(y), colour, esc(c.pointTitle(s, p)))
			if c.showValues() {
				c.value(x, y, p.Value)
			}
		}
	}
}

// legend names the series when there are several.
func (c *chart) legend() {
	if len(c.series) < 2 {
		return
	}
	x := c.left
	for si, s := range c.series {
		fmt.Fprintf(&c.b, `<g class="legend"><rect class="series-%d" x="%s" y="%s" width="10" height="10" fill="%s"/><text x="%s" y="%s" font-size="11" fill="currentColor">%s</text></g>`,
			si, num(x), num(marginTop-6), palette[si%len(palette)], num(x+14), num(marginTop+3), esc(s.Name))
		x += 24 + 7*float64(len([]rune(s.Name)))
	}
}

// niceScale returns the top of the y axis and the tick step for values up to maxValue: a step
// of 1, 2, 2.5 or 5 times a power of ten, about four ticks.
func niceScale(maxValue float64) (top, step float64) {
	if !(maxValue > 0) || math.IsInf(maxValue, 0) {
		return 1, 0.25
	}
	raw := maxValue / 4
	mag := math.Pow(10, math.Floor(math.Log10(raw)))
	for _, m := range []float64{1, 2, 2.5, 5, 10} {
		if step = m * mag; step >= raw*(1-1e-9) {
			break
		}
	}
	top = math.Ceil(maxValue/step-1e-9) * step
	return top, step
}

// clean maps NaN and infinities to 0: such a value cannot be drawn.
func clean(v float64) float64 {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return 0
	}
	return v
}

// formatValue writes v with at most two decimals and no trailing zeros.
func formatValue(v float64) string {
	return strconv.FormatFloat(math.Round(clean(v)*100)/100, 'f', -1, 64)
}

// num writes a coordinate with one decimal at most.
func num(v float64) string {
	return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64)
}

// esc escapes text for an XML text node or a quoted attribute.
func esc(s string) string { return html.EscapeString(s) }
