package admin

import (
	"context"
	"errors"
	"html/template"
	"strconv"
	"strings"

	"github.com/intcomex-connector/connector/admin/chart"
	"github.com/intcomex-connector/connector/connector/rules"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/pricing"
)

// rulesPreview is the preview beside the editor: chosen (or sample) products priced with the
// shop's rules and with the proposed ones, and, once something was proposed, the impact on every
// listing.
type rulesPreview struct {
	// SKUs are the SKUs typed in the preview field; SampleSKUs the sample's, chosen once
	// (Service.Sample) and then carried by the form, so every preview shows the same products.
	SKUs       string
	SampleSKUs string
	Items      []rules.PreviewItem
	// Error says why there is no preview (the proposed rules cannot price, too many SKUs).
	Error  string
	Impact *rulesImpact
}

// rulesImpact is an impact as the page shows it.
type rulesImpact struct {
	rules.Impact
	Repriced  int
	Histogram template.HTML
}

// rulesComputePreview prices the preview's products under proposed, and its impact when
// withImpact. The preview's own problems (too many SKUs, rules that cannot price) come back in
// Error; err is a failure of the service.
func (u *UI) rulesComputePreview(ctx context.Context, lang string, shopID int64, proposed *pricing.Rules,
	skusText, sampleText string, withImpact bool) (rulesPreview, error) {
	pv := rulesPreview{SKUs: skusText, SampleSKUs: sampleText}
	if err := u.rulesPreviewItems(ctx, lang, shopID, proposed, &pv); err != nil {
		return pv, err
	}
	if withImpact {
		im, err := u.rulesSvc().Impact(ctx, shopID, proposed)
		if err != nil {
			return pv, err
		}
		pv.Impact = u.rulesImpactView(lang, im)
	}
	return pv, nil
}

// rulesPreviewItems prices the preview's products: those typed, else the sample's (chosen now
// when the form has none yet).
func (u *UI) rulesPreviewItems(ctx context.Context, lang string, shopID int64, proposed *pricing.Rules, pv *rulesPreview) error {
	skus := rulesList(pv.SKUs)
	if len(skus) == 0 {
		skus = rulesList(pv.SampleSKUs)
		if len(skus) > rules.MaxPreviewSKUs {
			skus = nil // not the form's: choose again
		}
	}
	if len(skus) == 0 {
		sample, err := u.rulesSvc().Sample(ctx, shopID, 0)
		if err != nil {
			return err
		}
		skus, pv.SampleSKUs = sample, strings.Join(sample, ", ")
	}
	switch {
	case len(skus) > rules.MaxPreviewSKUs:
		pv.Error = u.i18n.T(lang, "rules.preview.too_many", rules.MaxPreviewSKUs)
		return nil
	case len(skus) == 0:
		pv.Error = u.i18n.T(lang, "rules.preview.no_products")
		return nil
	}
	items, err := u.rulesSvc().Preview(ctx, shopID, rules.PreviewRequest{Proposed: proposed, SKUs: skus})
	switch {
	case errors.Is(err, store.ErrInvalid):
		pv.Error = err.Error()
		return nil
	case err != nil:
		return err
	}
	pv.Items = items
	return nil
}

// rulesImpactView adds the count of re-priced listings and the histogram to an impact.
func (u *UI) rulesImpactView(lang string, im rules.Impact) *rulesImpact {
	points := make([]chart.Point, len(im.Histogram))
	for i, b := range im.Histogram {
		points[i] = chart.Point{Label: rulesBucketLabel(b.Bucket), Value: float64(b.Count)}
	}
	name := u.i18n.T(lang, "rules.impact.listings")
	svg := chart.Bar(chart.Options{
		ID: "impact-histogram", Title: u.i18n.T(lang, "rules.impact.histogram"),
		Desc:   u.i18n.T(lang, "rules.impact.histogram_desc"),
		XLabel: u.i18n.T(lang, "rules.impact.percent_change"), YLabel: name,
		NoData: u.i18n.T(lang, "rules.impact.no_data"), Height: 220, Class: "impact-chart",
		Format: func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) },
	}, chart.Series{Name: name, Points: points})
	return &rulesImpact{Impact: im, Repriced: im.Repriced(), Histogram: svg}
}

// rulesBucketLabel writes a histogram bucket's range in percent (the axis says so): "< -20",
// "-20…-10", "0", "> 20".
func rulesBucketLabel(b rules.Bucket) string {
	switch {
	case b.From == "":
		return "< " + b.To
	case b.To == "":
		return "> " + b.From
	case b.From == b.To:
		return b.From
	}
	return b.From + "…" + b.To
}
