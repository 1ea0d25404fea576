package rules

import (
	"fmt"
	"slices"
	"testing"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"
)

func dec(s string) decimal.Decimal { return decimal.RequireFromString(s) }

// TestBucketOfBoundaries: below zero a bucket holds From ≤ p < To, above zero From < p ≤ To, and
// "0" only an unchanged price, however small the change.
func TestBucketOfBoundaries(t *testing.T) {
	t.Parallel()
	tests := []struct {
		before, after string
		want          string
	}{
		{"100", "100", "0"},
		{"1000000", "1000000.01", "0..1"},
		{"1000000", "999999.99", "-1..0"},
		{"100", "101", "0..1"},
		{"100", "101.01", "1..5"},
		{"100", "105", "1..5"},
		{"100", "110", "5..10"},
		{"100", "120", "10..20"},
		{"100", "120.01", "gt20"},
		{"100", "99", "-1..0"},
		{"100", "98.99", "-5..-1"},
		{"100", "95", "-5..-1"},
		{"100", "94.99", "-10..-5"},
		{"100", "90", "-10..-5"},
		{"100", "89.99", "-20..-10"},
		{"100", "80", "-20..-10"},
		{"100", "79.99", "lt-20"},
		{"3", "1", "lt-20"},
	}
	for _, tt := range tests {
		if got := Buckets[bucketOf(dec(tt.before), dec(tt.after))].Key; got != tt.want {
			t.Errorf("%s → %s: bucket %s, want %s", tt.before, tt.after, got, tt.want)
		}
	}
}

func TestPercentChange(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ before, after, want string }{
		{"100", "112.5", "12.5"},
		{"3", "4", "33.33"},
		{"3", "2", "-33.33"},
		{"12990", "12990", "0"},
		{"0", "5", "0"},
	} {
		if got := PercentChange(dec(tt.before), dec(tt.after)); !got.Equal(dec(tt.want)) {
			t.Errorf("%s → %s = %s%%, want %s", tt.before, tt.after, got, tt.want)
		}
	}
}

// TestTallyProperties: whatever the prices, the histogram adds up to the products compared,
// its buckets below and above "0" to Down and Up, every product is counted once, the totals add
// up, and Largest holds the largest changes in order.
func TestTallyProperties(t *testing.T) {
	t.Parallel()
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(0, 60).Draw(t, "n")
		tl := newTally("USD", "USD")
		type row struct {
			before, after decimal.Decimal
			okB, okA      bool
		}
		var rows []row
		price := rapid.Custom(func(t *rapid.T) decimal.Decimal {
			return decimal.New(rapid.Int64Range(1, 5_000_000).Draw(t, "cents"), -2)
		})
		for i := range n {
			r := row{before: price.Draw(t, "before"), okB: rapid.Float64().Draw(t, "pb") < 0.9, okA: rapid.Float64().Draw(t, "pa") < 0.9}
			switch rapid.IntRange(0, 3).Draw(t, "kind") {
			case 0:
				r.after = r.before
			case 1:
				r.after = r.before.Add(decimal.New(rapid.Int64Range(-100, 100).Draw(t, "delta"), -2))
				if !r.after.IsPositive() {
					r.after = r.before
				}
			default:
				r.after = price.Draw(t, "after")
			}
			rows = append(rows, r)
			tl.add(fmt.Sprintf("S%03d", i), r.before, r.after, r.okB, r.okA, "a", "b")
		}
		im := tl.result()
		sum, below, above := 0, 0, 0
		for i, b := range im.Histogram {
			if b.Key != Buckets[i].Key {
				t.Fatalf("histogram bucket %d is %s", i, b.Key)
			}
			sum += b.Count
			switch {
			case i < zeroBucket:
				below += b.Count
			case i > zeroBucket:
				above += b.Count
			}
		}
		if sum != im.Compared || below != im.Down || above != im.Up || im.Histogram[zeroBucket].Count != im.Unchanged {
			t.Fatalf("histogram %v does not add up to %+v", im.Histogram, im)
		}
		if im.Up+im.Down+im.Unchanged != im.Compared ||
			im.Compared+im.NewlyPriced+im.NoLongerPriced+im.Unpriced != im.Products || im.Products != n {
			t.Fatalf("counts do not add up: %+v", im)
		}
		totalB, totalA, changed := decimal.Zero, decimal.Zero, 0
		for _, r := range rows {
			if r.okB && r.okA {
				totalB, totalA = totalB.Add(r.before), totalA.Add(r.after)
				if !r.before.Equal(r.after) {
					changed++
				}
			}
		}
		if !totalB.Equal(im.TotalBefore) || !totalA.Equal(im.TotalAfter) || changed != im.Changed() {
			t.Fatalf("totals %s→%s, changed %d; tally %+v", totalB, totalA, changed, im)
		}
		if len(im.Largest) != min(changed, MaxLargest) {
			t.Fatalf("%d largest of %d changes", len(im.Largest), changed)
		}
		if !slices.IsSortedFunc(im.Largest, compareMoves) {
			t.Fatalf("largest not in order: %v", im.Largest)
		}
		// Nothing left out is larger than the smallest kept.
		if len(im.Largest) == MaxLargest {
			last := im.Largest[MaxLargest-1]
			kept := map[string]bool{}
			for _, m := range im.Largest {
				kept[m.SKU] = true
			}
			for i, r := range rows {
				sku := fmt.Sprintf("S%03d", i)
				if kept[sku] || !r.okB || !r.okA || r.before.Equal(r.after) {
					continue
				}
				m := PriceMove{SKU: sku, Amount: r.after.Sub(r.before), Percent: PercentChange(r.before, r.after)}
				if compareMoves(m, last) < 0 {
					t.Fatalf("%s (%s%%) left out, larger than %s (%s%%)", sku, m.Percent, last.SKU, last.Percent)
				}
			}
		}
		for _, m := range im.Largest {
			b := bucketOf(m.Before, m.After)
			if (b < zeroBucket) != m.Amount.IsNegative() || b == zeroBucket {
				t.Fatalf("move %+v in bucket %s", m, Buckets[b].Key)
			}
		}
	})
}
