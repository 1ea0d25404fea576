package pricing

import (
	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/internal/money"
)

// CurrencyDigits returns the ISO 4217 minor-unit digits of a currency (CLP 0, USD 2, KWD 3) and whether the
// code is known. The code may be written in any case; IWS's `us` for US dollars is accepted. The table is
// internal/money's, which the store and the shop settings check currencies with too.
func CurrencyDigits(code string) (int32, bool) { return money.Digits(code) }

// normalizeCurrency upper-cases an ISO code and maps IWS's name for US dollars (`us`, `US$`) to USD, the
// same way iws.NormalizeCurrency does (pricing imports nothing of ours but leaf packages).
func normalizeCurrency(code string) string { return money.Normalize(code) }

// minorUnit is the smallest amount of a currency with the given digits: 1 for CLP, 0.01 for USD.
func minorUnit(digits int32) decimal.Decimal {
	return decimal.New(1, -digits)
}
