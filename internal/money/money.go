// Package money holds the checks of a shop's money settings that every way in must agree on: the
// ISO 4217 currencies with their minor units, the exchange rate and the tax rate. The rules file
// (pricing), a saved shop (connector/store) and the shop settings (connector/shops) call these same
// functions, so a value one of them accepts the others accept too. It imports nothing of ours.
package money

import (
	"fmt"
	"strings"

	"github.com/shopspring/decimal"
)

// minorUnits holds the ISO 4217 minor-unit digits of every active currency that has them (funds, precious
// metals and other codes without a minor unit are left out: nothing is priced in them). A table rather
// than golang.org/x/text/currency because that one follows CLDR, whose digits differ from ISO 4217 for a
// few currencies (MGA, LAK, IRR, …), and it accepts withdrawn codes; storefronts follow ISO.
var minorUnits = map[string]int32{
	// No minor unit.
	"BIF": 0, "CLP": 0, "DJF": 0, "GNF": 0, "ISK": 0, "JPY": 0, "KMF": 0, "KRW": 0, "PYG": 0, "RWF": 0,
	"UGX": 0, "UYI": 0, "VND": 0, "VUV": 0, "XAF": 0, "XOF": 0, "XPF": 0,
	// Three digits.
	"BHD": 3, "IQD": 3, "JOD": 3, "KWD": 3, "LYD": 3, "OMR": 3, "TND": 3,
	// Four digits: Chile's and Uruguay's indexed units.
	"CLF": 4, "UYW": 4,
	// Two digits. Latin America and the Caribbean first, where Intcomex sells.
	"ARS": 2, "AWG": 2, "BBD": 2, "BMD": 2, "BOB": 2, "BOV": 2, "BRL": 2, "BSD": 2, "BZD": 2, "COP": 2,
	"COU": 2, "CRC": 2, "CUP": 2, "DOP": 2, "GTQ": 2, "GYD": 2, "HNL": 2, "HTG": 2, "JMD": 2, "KYD": 2,
	"MXN": 2, "MXV": 2, "NIO": 2, "PAB": 2, "PEN": 2, "SRD": 2, "SVC": 2, "TTD": 2, "USD": 2, "USN": 2,
	"UYU": 2, "VED": 2, "VES": 2, "XCD": 2, "XCG": 2, "ANG": 2, "FKP": 2,
	"AED": 2, "AFN": 2, "ALL": 2, "AMD": 2, "AOA": 2, "AUD": 2, "AZN": 2, "BAM": 2, "BDT": 2, "BGN": 2,
	"BND": 2, "BTN": 2, "BWP": 2, "BYN": 2, "CAD": 2, "CDF": 2, "CHE": 2, "CHF": 2, "CHW": 2, "CNY": 2,
	"CVE": 2, "CZK": 2, "DKK": 2, "DZD": 2, "EGP": 2, "ERN": 2, "ETB": 2, "EUR": 2, "FJD": 2, "GBP": 2,
	"GEL": 2, "GHS": 2, "GIP": 2, "GMD": 2, "HKD": 2, "HUF": 2, "IDR": 2, "ILS": 2, "INR": 2, "IRR": 2,
	"KES": 2, "KGS": 2, "KHR": 2, "KPW": 2, "KZT": 2, "LAK": 2, "LBP": 2, "LKR": 2, "LRD": 2, "LSL": 2,
	"MAD": 2, "MDL": 2, "MGA": 2, "MKD": 2, "MMK": 2, "MNT": 2, "MOP": 2, "MRU": 2, "MUR": 2, "MVR": 2,
	"MWK": 2, "MYR": 2, "MZN": 2, "NAD": 2, "NGN": 2, "NOK": 2, "NPR": 2, "NZD": 2, "PGK": 2, "PHP": 2,
	"PKR": 2, "PLN": 2, "QAR": 2, "RON": 2, "RSD": 2, "RUB": 2, "SAR": 2, "SBD": 2, "SCR": 2, "SDG": 2,
	"SEK": 2, "SGD": 2, "SHP": 2, "SLE": 2, "SOS": 2, "SSP": 2, "STN": 2, "SYP": 2, "SZL": 2, "THB": 2,
	"TJS": 2, "TMT": 2, "TOP": 2, "TRY": 2, "TWD": 2, "TZS": 2, "UAH": 2, "UZS": 2, "WST": 2, "YER": 2,
	"ZAR": 2, "ZMW": 2, "ZWG": 2,
}

// Digits returns the ISO 4217 minor-unit digits of a currency (CLP 0, USD 2, KWD 3) and whether the
// code is known. The code may be written in any case; IWS's `us` for US dollars is accepted.
func Digits(code string) (int32, bool) {
	d, ok := minorUnits[Normalize(code)]
	return d, ok
}

// Normalize upper-cases an ISO code and maps IWS's name for US dollars (`us`, `US$`) to USD, the
// same way iws.NormalizeCurrency does.
func Normalize(code string) string {
	code = strings.ToUpper(strings.TrimSpace(code))
	if code == "US" || code == "US$" {
		return "USD"
	}
	return code
}

// CheckCurrency reports a code that is not an ISO 4217 currency with a minor unit.
func CheckCurrency(code string) error {
	if _, ok := Digits(code); !ok {
		return fmt.Errorf("unknown currency %q; want an ISO 4217 code such as USD or CLP", code)
	}
	return nil
}

// MaxTaxRate is the highest tax rate, in percent, a shop may have.
const MaxTaxRate = 100

// CheckFXRate reports an exchange rate (shop-currency units per IWS cost unit) that is not a
// decimal above 0. A rate of 0 would give every product away; a missing rate is written "".
func CheckFXRate(text string) error {
	d, err := parse(text)
	if err != nil {
		return err
	}
	if !d.IsPositive() {
		return fmt.Errorf("must be greater than 0")
	}
	return nil
}

// CheckTaxRate reports a tax rate (percent) that is not a decimal from 0 to MaxTaxRate.
func CheckTaxRate(text string) error {
	d, err := parse(text)
	if err != nil {
		return err
	}
	switch {
	case d.IsNegative():
		return fmt.Errorf("must not be negative")
	case d.GreaterThan(decimal.NewFromInt(MaxTaxRate)):
		return fmt.Errorf("must be at most %d (it is a percentage)", MaxTaxRate)
	}
	return nil
}

func parse(text string) (decimal.Decimal, error) {
	d, err := decimal.NewFromString(strings.TrimSpace(text))
	if err != nil || len(text) > 64 {
		return decimal.Decimal{}, fmt.Errorf("%q is not a decimal number", text)
	}
	return d, nil
}
