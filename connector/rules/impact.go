package rules

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"sync"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/connector/mirror"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/internal/money"
	"github.com/intcomex-connector/connector/pricing"
)

// Impact is what a proposed rules document would do to a shop's prices: every product of the
// shop's IWS account that the shop lists (active, sellable, of a type it sells, inside its
// category and brand filters) priced with the current rules and with the proposed ones. It is
// what the next push would change, the mirror being as it is.
type Impact struct {
	// CurrencyBefore and CurrencyAfter are the currencies of the prices compared (the proposed
	// document may change the shop's currency, and then every price moves).
	CurrencyBefore string `json:"currency_before"`
	CurrencyAfter  string `json:"currency_after"`
	// Products is how many products the shop lists.
	Products int `json:"products"`
	// Compared are those priced under both documents: Up + Down + Unchanged.
	Compared  int `json:"compared"`
	Up        int `json:"up"`
	Down      int `json:"down"`
	Unchanged int `json:"unchanged"`
	// NewlyPriced are products only the proposed document prices (the current one could not, or
	// the shop has no pricing yet); NoLongerPriced the other way round (its cost currency does
	// not fit the proposed document, so it would be taken off sale); Unpriced neither.
	NewlyPriced    int `json:"newly_priced"`
	NoLongerPriced int `json:"no_longer_priced"`
	Unpriced       int `json:"unpriced"`
	// TotalBefore and TotalAfter add up the prices of the Compared products.
	TotalBefore decimal.Decimal `json:"total_before"`
	TotalAfter  decimal.Decimal `json:"total_after"`
	// Histogram counts the Compared products by percent change, every bucket present, in
	// Buckets order; the counts add up to Compared.
	Histogram []BucketCount `json:"histogram"`
	// Largest are the largest changes (at most MaxLargest): by the size of the percent change,
	// then of the amount, then by SKU.
	Largest []PriceMove `json:"largest"`
}

// Changed is how many listings would get another price: Up + Down.
func (im Impact) Changed() int { return im.Up + im.Down }

// Repriced is how many listings a push would re-price: those whose price changes, and those
// that gain or lose a price.
func (im Impact) Repriced() int { return im.Up + im.Down + im.NewlyPriced + im.NoLongerPriced }

// Bucket is a range of percent change. Below zero a bucket holds From ≤ p < To; above zero
// From < p ≤ To; "0" holds exactly unchanged prices (any change, however small, is outside it).
// From or To is empty where the range is open.
type Bucket struct {
	// Key is a stable identifier, for translations and CSS: "lt-20", "-20..-10", …, "0", …, "gt20".
	Key string `json:"key"`
	// From and To are the percent bounds as text ("-20", "-10"); "" where unbounded.
	From string `json:"from"`
	To   string `json:"to"`
}

// BucketCount is a histogram bar.
type BucketCount struct {
	Bucket
	Count int `json:"count"`
}

// Buckets are the histogram's ranges, in order.
var Buckets = []Bucket{
	{"lt-20", "", "-20"},
	{"-20..-10", "-20", "-10"},
	{"-10..-5", "-10", "-5"},
	{"-5..-1", "-5", "-1"},
	{"-1..0", "-1", "0"},
	{"0", "0", "0"},
	{"0..1", "0", "1"},
	{"1..5", "1", "5"},
	{"5..10", "5", "10"},
	{"10..20", "10", "20"},
	{"gt20", "20", ""},
}

// zeroBucket is the index of "0" in Buckets.
const zeroBucket = 5

var (
	downBounds = []int64{-20, -10, -5, -1} // upper bounds (exclusive) of buckets 0..3
	upBounds   = []int64{1, 5, 10, 20}     // upper bounds (inclusive) of buckets 6..9
)

// bucketOf returns the index in Buckets of a move from before (positive) to after. It compares
// exactly (after−before)·100 with before·bound, without dividing.
func bucketOf(before, after decimal.Decimal) int {
	diff := after.Sub(before)
	if diff.IsZero() {
		return zeroBucket
	}
	scaled := diff.Shift(2)
	if diff.IsNegative() {
		for i, b := range downBounds {
			if scaled.LessThan(before.Mul(decimal.NewFromInt(b))) {
				return i
			}
		}
		return zeroBucket - 1
	}
	for i, b := range upBounds {
		if scaled.LessThanOrEqual(before.Mul(decimal.NewFromInt(b))) {
			return zeroBucket + 1 + i
		}
	}
	return len(Buckets) - 1
}

// percentDigits is the precision of the percentages shown (PriceMove.Percent).
const percentDigits = 2

// PercentChange is (after − before) / before in percent, rounded half away from zero at two
// decimals; zero when before is zero.
func PercentChange(before, after decimal.Decimal) decimal.Decimal {
	if before.IsZero() {
		return decimal.Zero
	}
	return after.Sub(before).Shift(2).DivRound(before, percentDigits)
}

// PriceMove is one product's change of price.
type PriceMove struct {
	SKU    string          `json:"sku"`
	Before decimal.Decimal `json:"before"`
	After  decimal.Decimal `json:"after"`
	// Amount is After − Before; Percent the change in percent (PercentChange).
	Amount  decimal.Decimal `json:"amount"`
	Percent decimal.Decimal `json:"percent"`
	// RuleBefore and RuleAfter name the rules that priced it ("default" for the default action).
	RuleBefore string `json:"rule_before"`
	RuleAfter  string `json:"rule_after"`
}

// MaxLargest is how many of the largest changes Impact keeps.
const MaxLargest = 10

// tally adds up an Impact one product at a time.
type tally struct {
	im      Impact
	counts  []int
	largest []PriceMove // kept sorted, largest first, at most MaxLargest
}

func newTally(currencyBefore, currencyAfter string) *tally {
	return &tally{
		im:     Impact{CurrencyBefore: currencyBefore, CurrencyAfter: currencyAfter, TotalBefore: decimal.Zero, TotalAfter: decimal.Zero},
		counts: make([]int, len(Buckets)),
	}
}

// add counts one listed product: its price and rule under each document, or ok false where the
// document does not price it.
func (t *tally) add(sku string, before, after decimal.Decimal, okBefore, okAfter bool, ruleBefore, ruleAfter string) {
	t.im.Products++
	switch {
	case !okBefore && !okAfter:
		t.im.Unpriced++
		return
	case !okBefore:
		t.im.NewlyPriced++
		return
	case !okAfter:
		t.im.NoLongerPriced++
		return
	}
	t.im.Compared++
	t.im.TotalBefore = t.im.TotalBefore.Add(before)
	t.im.TotalAfter = t.im.TotalAfter.Add(after)
	b := bucketOf(before, after)
	t.counts[b]++
	switch {
	case b < zeroBucket:
		t.im.Down++
	case b > zeroBucket:
		t.im.Up++
	default:
		t.im.Unchanged++
		return
	}
	m := PriceMove{SKU: sku, Before: before, After: after, Amount: after.Sub(before), Percent: PercentChange(before, after),
		RuleBefore: ruleBefore, RuleAfter: ruleAfter}
	if len(t.largest) == MaxLargest && compareMoves(m, t.largest[MaxLargest-1]) >= 0 {
		return
	}
	i, _ := slices.BinarySearchFunc(t.largest, m, compareMoves)
	t.largest = slices.Insert(t.largest, i, m)
	if len(t.largest) > MaxLargest {
		t.largest = t.largest[:MaxLargest]
	}
}

// compareMoves orders moves largest first: by |Percent|, then |Amount|, descending, then SKU.
func compareMoves(a, b PriceMove) int {
	if c := b.Percent.Abs().Cmp(a.Percent.Abs()); c != 0 {
		return c
	}
	if c := b.Amount.Abs().Cmp(a.Amount.Abs()); c != 0 {
		return c
	}
	return cmp.Compare(a.SKU, b.SKU)
}

func (t *tally) result() Impact {
	im := t.im
	im.Histogram = make([]BucketCount, len(Buckets))
	for i, b := range Buckets {
		im.Histogram[i] = BucketCount{Bucket: b, Count: t.counts[i]}
	}
	im.Largest = append([]PriceMove{}, t.largest...)
	return im
}

// Impact prices every product the shop lists with its current rules and with proposed (not
// saved), and counts the differences. proposed must be valid (a *ValidationError otherwise). It
// reads the shop's products a page at a time, only the columns pricing needs, and makes no
// network call: 10,000 products take a fraction of a second (see the benchmark).
func (s *Service) Impact(ctx context.Context, shopID int64, proposed *pricing.Rules) (Impact, error) {
	if proposed == nil {
		return Impact{}, fmt.Errorf("rules: impact: %w: no proposed rules", store.ErrInvalid)
	}
	if err := validate(proposed, -1); err != nil {
		return Impact{}, err
	}
	d, err := s.Get(ctx, shopID)
	if err != nil {
		return Impact{}, err
	}
	return s.impact(ctx, shopID, d.Rules, proposed)
}

// impactPage is how many products impact reads at a time.
const impactPage = 2000

func (s *Service) impact(ctx context.Context, shopID int64, current, proposed *pricing.Rules) (Impact, error) {
	shop, err := s.store.ShopWithoutCredentials(ctx, shopID)
	if err != nil {
		return Impact{}, fmt.Errorf("rules: impact: %w", err)
	}
	next, err := proposed.Compile()
	if err != nil {
		return Impact{}, fmt.Errorf("rules: impact: %w", err)
	}
	// A shop without pricing yet (or, before validation existed, with rules that no longer
	// compile) prices nothing today.
	cur, err := current.Compile()
	if err != nil {
		cur = nil
	}
	t := newTally(currencyOf(current), currencyOf(proposed))
	err = s.eachListedPage(ctx, shop, func(page []*mirror.Product) error {
		quotes, err := quoteAll(cur, next, page)
		if err != nil {
			return err
		}
		for i, q := range quotes {
			t.add(page[i].SKU, q.before, q.after, q.okBefore, q.okAfter, q.ruleBefore, q.ruleAfter)
		}
		return nil
	})
	if err != nil {
		return Impact{}, err
	}
	return t.result(), nil
}

// eachListedPage calls fn with the products the shop lists (pricing columns only), a page at a
// time. The next page is read while fn works on one: on two cores the reading and the pricing
// of 10,000 products overlap.
func (s *Service) eachListedPage(ctx context.Context, shop store.Shop, fn func([]*mirror.Product) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	pages := make(chan []*mirror.Product, 1)
	readErr := make(chan error, 1)
	go func() {
		defer close(pages)
		yes := true
		filter := store.ProductFilter{Active: &yes, Sellable: &yes}
		after := ""
		for {
			page, err := s.store.ProductPricingPage(ctx, shop.IWSAccountID, after, impactPage, filter)
			if err != nil {
				readErr <- fmt.Errorf("rules: %w", err)
				return
			}
			listed := page[:0:0]
			for _, p := range page {
				if listing.Exclusion(shop, p) == "" {
					listed = append(listed, p)
				}
			}
			select {
			case pages <- listed:
			case <-ctx.Done():
				return
			}
			if len(page) < impactPage {
				return
			}
			after = page[len(page)-1].SKU
		}
	}()
	for page := range pages {
		if err := fn(page); err != nil {
			cancel()
			for range pages { // let the reader see the cancel and close
			}
			return err
		}
	}
	select {
	case err := <-readErr:
		return err
	default:
		return nil
	}
}

// quotePair is one product priced under both documents.
type quotePair struct {
	before, after         decimal.Decimal
	okBefore, okAfter     bool
	ruleBefore, ruleAfter string
}

// quoteAll prices a page under both documents on every core: pricing, with its explanation,
// is most of an impact's time.
func quoteAll(cur, next *pricing.Pricer, page []*mirror.Product) ([]quotePair, error) {
	out := make([]quotePair, len(page))
	workers := min(runtime.GOMAXPROCS(0), max(len(page)/250, 1))
	errs := make([]error, workers)
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := w; i < len(page); i += workers {
				q := &out[i]
				var err error
				if q.before, q.okBefore, q.ruleBefore, err = quote(cur, page[i]); err != nil {
					errs[w] = err
					return
				}
				if q.after, q.okAfter, q.ruleAfter, err = quote(next, page[i]); err != nil {
					errs[w] = err
					return
				}
			}
		}()
	}
	wg.Wait()
	return out, errors.Join(errs...)
}

// quote prices p as its listing would be: ok false when it cannot be (no pricer, unsellable,
// unpriceable).
func quote(pr *pricing.Pricer, p *mirror.Product) (price decimal.Decimal, ok bool, rule string, err error) {
	if pr == nil {
		return decimal.Zero, false, "", nil
	}
	res, reason, err := listing.Price(pr, p)
	if err != nil {
		return decimal.Zero, false, "", fmt.Errorf("rules: %w", err)
	}
	if reason != "" {
		return decimal.Zero, false, "", nil
	}
	return res.Price, true, res.Explanation.Rule, nil
}

func currencyOf(doc *pricing.Rules) string { return money.Normalize(doc.Currency) }
