package money_test

import (
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/internal/money"
)

func TestDigits(t *testing.T) {
	for code, want := range map[string]int32{"CLP": 0, "usd": 2, "us": 2, "US$": 2, " KWD ": 3, "CLF": 4} {
		if got, ok := money.Digits(code); !ok || got != want {
			t.Errorf("Digits(%q) = %d, %v; want %d", code, got, ok, want)
		}
	}
	for _, code := range []string{"", "XYZ", "XAU", "pesos"} {
		if _, ok := money.Digits(code); ok {
			t.Errorf("Digits(%q) known", code)
		}
		if err := money.CheckCurrency(code); err == nil || !strings.Contains(err.Error(), "ISO 4217") {
			t.Errorf("CheckCurrency(%q) = %v", code, err)
		}
	}
}

func TestRates(t *testing.T) {
	tests := []struct {
		check func(string) error
		text  string
		want  string // "" valid
	}{
		{money.CheckFXRate, "950.5", ""},
		{money.CheckFXRate, "0.0001", ""},
		{money.CheckFXRate, "0", "greater than 0"},
		{money.CheckFXRate, "-1", "greater than 0"},
		{money.CheckFXRate, "", "not a decimal"},
		{money.CheckFXRate, "9,5", "not a decimal"},
		{money.CheckTaxRate, "0", ""},
		{money.CheckTaxRate, "19", ""},
		{money.CheckTaxRate, "100", ""},
		{money.CheckTaxRate, "100.01", "at most 100"},
		{money.CheckTaxRate, "-0.5", "negative"},
		{money.CheckTaxRate, "x", "not a decimal"},
	}
	for _, tt := range tests {
		err := tt.check(tt.text)
		if (err == nil) != (tt.want == "") || (err != nil && !strings.Contains(err.Error(), tt.want)) {
			t.Errorf("check(%q) = %v, want %q", tt.text, err, tt.want)
		}
	}
}
