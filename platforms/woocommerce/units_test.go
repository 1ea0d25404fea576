package woocommerce

import (
	"errors"
	"testing"

	"github.com/intcomex-connector/connector/platforms"
	"github.com/intcomex-connector/connector/platforms/platformtest"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
)

func TestConvertUnits(t *testing.T) {
	for _, tc := range []struct {
		v, unit string
		length  bool
		want    string
	}{
		{"1.361", "kg", false, "1.361"},
		{"1.361", "g", false, "1361"},
		{"0.0005", "g", false, "0.5"},
		{"1", "lbs", false, "2.2046"},
		{"0.45359237", "lbs", false, "1"},
		{"1", "oz", false, "35.274"},
		{"2.5", "cm", true, "2.5"},
		{"250", "m", true, "2.5"},
		{"2.5", "mm", true, "25"},
		{"2.54", "in", true, "1"},
		{"35.6", "in", true, "14.0157"},
		{"91.44", "yd", true, "1"},
		{"", "g", false, ""},
	} {
		table, what := weightUnits, "weight"
		if tc.length {
			table, what = lengthUnits, "dimension"
		}
		got, err := convertUnit(tc.v, tc.unit, table, what)
		if err != nil || got != tc.want {
			t.Errorf("%s %s → %s = %q, %v, want %q", what, tc.v, tc.unit, got, err, tc.want)
		}
	}
	for _, bad := range []struct{ v, unit string }{{"-1", "g"}, {"1,5", "g"}, {"1e3", "g"}, {"abc", "kg"}, {"1", "stone"}} {
		if _, err := convertUnit(bad.v, bad.unit, weightUnits, "weight"); !errors.Is(err, platforms.ErrInvalid) {
			t.Errorf("%s %s: %v, want ErrInvalid", bad.v, bad.unit, err)
		}
	}
}

// A store that counts in grams and inches gets the product's 1.361 kg and centimetres converted.
func TestProductUnitsGramsInches(t *testing.T) {
	s, c := startTLS(t, wootest.Config{WeightUnit: "g", DimensionUnit: "in"}, nil)
	p := platformtest.Product("UNITS-1")
	p.WeightKg, p.LengthCm, p.WidthCm, p.HeightCm = "1.361", "35.6", "25.4", "2"
	push(t, c, []platforms.ProductInput{p})
	got, ok := s.ProductBySKU("UNITS-1")
	if !ok {
		t.Fatal("product not created")
	}
	if got.Weight != "1361" || got.Dimensions.Length != "14.0157" || got.Dimensions.Width != "10" || got.Dimensions.Height != "0.7874" {
		t.Errorf("weight %q dimensions %+v", got.Weight, got.Dimensions)
	}
	if n := s.Count("GET", "/wp-json/wc/v3/settings/products"); n != 1 {
		t.Errorf("units read %d times, want once", n)
	}
	push(t, c, []platforms.ProductInput{p})
	if n := s.Count("GET", "/wp-json/wc/v3/settings/products"); n != 1 {
		t.Errorf("units read %d times after a second push, want once", n)
	}
}

func TestUnknownStoreUnitRefused(t *testing.T) {
	_, c := startTLS(t, wootest.Config{WeightUnit: "stone"}, nil)
	_, err := c.UpsertProducts(t.Context(), []platforms.ProductInput{platformtest.Product("U")})
	if !errors.Is(err, platforms.ErrInvalid) {
		t.Errorf("err %v, want ErrInvalid", err)
	}
}
