package listing_test

import (
	"testing"

	"pgregory.net/rapid"

	"github.com/intcomex-connector/connector/connector/listing"
	"github.com/intcomex-connector/connector/platforms"
)

func genDesired() *rapid.Generator[listing.Desired] {
	return rapid.Custom(func(t *rapid.T) listing.Desired {
		return listing.Desired{
			SKU:         rapid.StringMatching(`[A-Z0-9]{1,8}`).Draw(t, "sku"),
			Title:       rapid.String().Draw(t, "title"),
			Description: rapid.String().Draw(t, "description"),
			Price:       rapid.StringMatching(`[0-9]{1,5}\.[0-9]{2}`).Draw(t, "price"),
			Currency:    rapid.SampledFrom([]string{"USD", "CLP"}).Draw(t, "currency"),
			ManageStock: rapid.Bool().Draw(t, "manage"),
			Stock:       rapid.IntRange(0, 1000).Draw(t, "stock"),
			Status:      rapid.SampledFrom([]platforms.Status{platforms.StatusPublish, platforms.StatusOutOfStock, platforms.StatusHidden}).Draw(t, "status"),
			Images:      rapid.SliceOfN(rapid.StringMatching(`https://i/[a-z]{1,4}`), 0, 3).Draw(t, "images"),
			WeightKg:    rapid.StringMatching(`[0-9]\.[0-9]{3}`).Draw(t, "weight"),
			Meta:        map[string]string{"intcomex_sku": "x"},
		}
	})
}

func published(d listing.Desired) listing.Pushed {
	return listing.Pushed{OnStorefront: true, Hashes: d.Hashes()}
}

func TestClassifyProperties(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		d := genDesired().Draw(t, "desired")
		h := d.Hashes()
		if k := listing.Classify(&h, published(d)); k != listing.KindNone {
			t.Fatalf("desired == pushed: %q", k)
		}
		// Only stock fields change → stock only.
		s := d
		s.Stock = rapid.IntRange(0, 1000).Filter(func(n int) bool { return n != d.Stock }).Draw(t, "newStock")
		if rapid.Bool().Draw(t, "flipStatus") {
			s.Status = platforms.StatusHidden
			if d.Status == platforms.StatusHidden {
				s.Status = platforms.StatusOutOfStock
			}
		}
		sh := s.Hashes()
		if k := listing.Classify(&sh, published(d)); k != listing.KindStock {
			t.Fatalf("stock change classified %q", k)
		}
		// Only price → price only; both → price_stock.
		p := d
		p.Price = d.Price + "1"
		ph := p.Hashes()
		if k := listing.Classify(&ph, published(d)); k != listing.KindPrice {
			t.Fatalf("price change classified %q", k)
		}
		ps := s
		ps.Price = p.Price
		psh := ps.Hashes()
		if k := listing.Classify(&psh, published(d)); k != listing.KindPriceStock {
			t.Fatalf("price+stock change classified %q", k)
		}
		// Any content change with any price/stock change → update.
		c := ps
		c.Title = d.Title + "!"
		ch := c.Hashes()
		if k := listing.Classify(&ch, published(d)); k != listing.KindUpdate {
			t.Fatalf("content change classified %q", k)
		}
		// Not on the storefront → create; unwanted and listed → unpublish; unpublished and wanted → update.
		if k := listing.Classify(&h, listing.Pushed{}); k != listing.KindCreate {
			t.Fatalf("new product classified %q", k)
		}
		if k := listing.Classify(nil, published(d)); k != listing.KindUnpublish {
			t.Fatalf("unwanted product classified %q", k)
		}
		gone := published(d)
		gone.Unpublished = true
		if k := listing.Classify(nil, gone); k != listing.KindNone {
			t.Fatalf("unwanted unpublished product classified %q", k)
		}
		if k := listing.Classify(&h, gone); k != listing.KindUpdate {
			t.Fatalf("republished product classified %q", k)
		}
		if k := listing.Classify(nil, listing.Pushed{}); k != listing.KindNone {
			t.Fatalf("unwanted unknown product classified %q", k)
		}
	})
}

func TestClassifyDeterministic(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		a := genDesired().Draw(t, "a")
		b := genDesired().Draw(t, "b")
		ha1, ha2 := a.Hashes(), a.Hashes()
		if ha1 != ha2 {
			t.Fatal("hashes are not deterministic")
		}
		pushed := published(b)
		pushed.Unpublished = rapid.Bool().Draw(t, "unpublished")
		if listing.Classify(&ha1, pushed) != listing.Classify(&ha2, pushed) {
			t.Fatal("classification is not deterministic")
		}
	})
}
