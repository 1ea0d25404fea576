package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/shopspring/decimal"
	"pgregory.net/rapid"

	"github.com/intcomex-connector/connector/iws"
)

// This file keeps the feeds' former encoding, through encoding/json and the iws models, and holds the
// hand-written appenders to it byte for byte.

// refEncode encodes v as the feeds' json.Encoder did, without its trailing newline.
func refEncode(tb testing.TB, v any) []byte {
	tb.Helper()
	var buf bytes.Buffer
	if err := json.NewEncoder(&buf).Encode(v); err != nil {
		tb.Fatal(err)
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte{'\n'})
}

// refImageID is catalog.imageID as it was written with fmt and hash/fnv.
func refImageID(c *catalog, idx, n int) string {
	h := fnv.New64a()
	fmt.Fprintf(h, "%d/%s/%d", c.seed, c.items[idx].sku, n)
	s := h.Sum64()
	return fmt.Sprintf("%08x-%04x-4%03x-%04x-%012x",
		uint32(s>>32), uint16(s>>16), uint16(s)&0xfff, 0x8000|(uint16(s>>4)&0x3fff), uint64(idx)*8+uint64(n))
}

// refDescription is catalog.description as it was written with strings.Builder.
func refDescription(it *item, loc int) string {
	lf := &leaves[it.leaf]
	var sb strings.Builder
	sb.WriteString(brands[it.brand].name)
	sb.WriteByte(' ')
	sb.WriteString(lf.lines[it.line])
	sb.WriteByte(' ')
	sb.WriteString(it.model)
	sb.WriteString(" - ")
	sb.WriteString(lf.noun[loc])
	for s, ch := range it.choices {
		sb.WriteString(" - ")
		sb.WriteString(lf.specs[s].values[ch][loc])
	}
	if it.typ == typeLicense || it.typ == typeDownloadable {
		sb.WriteString(esdSuffix[it.typ][loc])
	}
	return sb.String()
}

// refPriceListItem is the former GetPriceList element; ok is false when the product is left out.
func refPriceListItem(s *Sandbox, inv *inventory, i int32) (any, bool) {
	it := &s.cat.items[i]
	price, ok := inv.price(it, i)
	if !ok {
		return nil, false
	}
	d := iws.DecimalFrom(price)
	return iws.PriceListItem{
		Sku: it.sku, Mpn: it.mpn, UnitPrice: &d, CurrencyID: currencyUS,
		Price: &iws.PriceData{UnitPrice: d, CurrencyID: currencyUS},
	}, true
}

// refInventoryItem is the former GetInventory element.
func refInventoryItem(s *Sandbox, inv *inventory, i int32) any {
	it := &s.cat.items[i]
	shown := displayStock(it, inv.stockOf(i))
	d := iws.InventoryData{Sku: it.sku, Mpn: it.mpn, InStock: iws.Int(total(shown)), RealStockValue: boolPtr(it.realStock)}
	if !s.cfg.NoLocations {
		d.Locations = locations(it, shown)
	}
	return d
}

// refExtendedProduct is the former extended-catalog element.
func refExtendedProduct(s *Sandbox, i int32, loc int, base string) iws.ExtendedProduct {
	it := &s.cat.items[i]
	lf := &leaves[it.leaf]
	b := brands[it.brand]
	m := manufacturers[b.mfr]
	attrs := make(map[string]string, len(headerAttributes)+len(lf.specs))
	attrs[headerAttributes[0][loc]] = b.name
	attrs[headerAttributes[1][loc]] = m.name
	attrs[headerAttributes[2][loc]] = it.model
	attrs[headerAttributes[3][loc]] = lf.lines[it.line]
	for sp, ch := range it.choices {
		attrs[lf.specs[sp].name[loc]] = lf.specs[sp].values[ch][loc]
	}
	images := make([]iws.ExtendedImage, it.images)
	size := iws.String(strconv.Itoa(imageSize))
	for n := range images {
		id := refImageID(s.cat, int(i), n)
		images[n] = iws.ExtendedImage{
			ImagenID: id, IsMainImage: n == 0, Ancho: size, Alto: size,
			URL: base + "/images/" + id + ".png",
		}
	}
	return iws.ExtendedProduct{
		LocalSku:           it.sku,
		Mpn:                it.mpn,
		CentralRecno:       strconv.Itoa(500_000 + int(i)),
		Descripcion:        refDescription(it, loc),
		DescripcionFabrica: m.name,
		DescripcionMarca:   b.name,
		CategoriaCompleta:  topCategories[lf.top].desc[loc] + ">>" + lf.desc[loc],
		Imagenes:           images,
		Attributes:         attrs,
	}
}

// refFeed answers a feed request the way the handlers did before the appenders: the same
// selection, every element through json.Encoder.
func refFeed(tb testing.TB, s *Sandbox, fr feedRequest) []byte {
	tb.Helper()
	r := httptest.NewRequest(http.MethodGet, "http://sandbox.test/v1/"+fr.method+"?"+fr.query, nil)
	c := newCall(httptest.NewRecorder(), r, routes[fr.method])
	inv := s.snapshot()
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	add := func(n int, v any) {
		if n > 0 {
			out.WriteByte(',')
		}
		if err := enc.Encode(v); err != nil {
			tb.Fatal(err)
		}
	}
	feed := func(idxs []int32, pr pageRequest, render func(int32) any) {
		idxs, open, suffix, err := s.feedPage(idxs, pr)
		if err != nil {
			tb.Fatal(err)
		}
		out.WriteString(open)
		for n, i := range idxs {
			add(n, render(i))
		}
		out.WriteString("]" + suffix)
	}
	must := func(err error) {
		if err != nil {
			tb.Fatal(err)
		}
	}
	switch fr.method {
	case "getcatalog":
		f, err := parseStockFilter(c)
		must(err)
		pr, err := parsePage(c)
		must(err)
		view := productView{loc: s.locale(c), catalog: true}
		feed(s.active(inv, f), pr, func(i int32) any { return s.renderProduct(inv, i, view) })
	case "getinventory":
		f, err := parseStockFilter(c)
		must(err)
		pr, err := parsePage(c)
		must(err)
		feed(s.active(inv, f), pr, func(i int32) any { return refInventoryItem(s, inv, i) })
	case "getpricelist":
		in, set, err := c.boolParam("instock")
		must(err)
		f := filterAny
		if set {
			f = filterOutOfStock
			if in {
				f = filterInStock
			}
		}
		out.WriteString("[")
		n := 0
		for _, i := range s.active(inv, f) {
			if v, ok := refPriceListItem(s, inv, i); ok {
				add(n, v)
				n++
			}
		}
		out.WriteString("]")
	case "downloadextendedcatalog":
		loc, base := s.locale(c), s.baseURL(c.r)
		out.WriteString("[")
		for n, i := range s.active(inv, filterAny) {
			add(n, refExtendedProduct(s, i, loc, base))
		}
		out.WriteString("]")
	default:
		tb.Fatalf("no reference for %s", fr.method)
	}
	return out.Bytes()
}

// productViews are every combination renderProduct serves.
var productViews = []productView{
	{catalog: true},
	{price: true},
	{inventory: true},
	{price: true, inventory: true},
	{},
}

// checkItems compares every element encoder of every item of s with its former encoding.
func checkItems(t *testing.T, s *Sandbox, bases ...string) {
	t.Helper()
	inv := s.snapshot()
	e := &feedEncoder{s: s, inv: inv}
	fail := 0
	check := func(what string, i int32, got, want []byte) {
		t.Helper()
		if !bytes.Equal(got, want) && fail < 5 {
			fail++
			t.Errorf("%s of item %d (%q):\n got %s\nwant %s", what, i, s.cat.items[i].sku, got, want)
		}
	}
	for idx := range s.cat.items {
		i := int32(idx)
		for loc := range 2 {
			for _, v := range productViews {
				v.loc = loc
				check(fmt.Sprintf("product %+v", v), i, e.appendProduct(nil, i, v), refEncode(t, s.renderProduct(inv, i, v)))
			}
			for _, base := range bases {
				check("extended "+base, i, e.appendExtendedProduct(nil, i, loc, appendJSONStringBody(nil, base+"/images/")),
					refEncode(t, refExtendedProduct(s, i, loc, base)))
			}
		}
		got, ok := e.appendPriceListItem(nil, i)
		want, wantOK := refPriceListItem(s, inv, i)
		switch {
		case ok != wantOK:
			t.Errorf("price list item %d: included %v, want %v", i, ok, wantOK)
		case ok:
			check("price list", i, got, refEncode(t, want))
		}
		check("inventory", i, e.appendInventoryItem(nil, i), refEncode(t, refInventoryItem(s, inv, i)))
	}
}

func TestFeedItemsMatchEncodingJSON(t *testing.T) {
	for _, fc := range feedConfigs(feedTestSKUs) {
		t.Run(fc.name, func(t *testing.T) {
			s := newFeedSandbox(t, fc)
			checkItems(t, s, "http://sandbox.test", "https://sandbox.example/<&>\u2028")
		})
	}
}

func TestFeedsMatchEncodingJSON(t *testing.T) {
	for _, fc := range feedConfigs(feedTestSKUs) {
		t.Run(fc.name, func(t *testing.T) {
			s := newFeedSandbox(t, fc)
			for _, fr := range feedRequests {
				got, want := feedBody(t, s, fr), refFeed(t, s, fr)
				if !bytes.Equal(got, want) {
					t.Errorf("%s?%s: answer differs from encoding/json's (%d bytes, want %d)\n%s", fr.method, fr.query, len(got), len(want), firstDiff(got, want))
				}
			}
		})
	}
}

func firstDiff(got, want []byte) string {
	n := 0
	for n < min(len(got), len(want)) && got[n] == want[n] {
		n++
	}
	from := max(0, n-80)
	return fmt.Sprintf("at byte %d:\n got …%s\nwant …%s", n, got[from:min(len(got), n+80)], want[from:min(len(want), n+80)])
}

// hostileStrings are strings encoding/json escapes in every way it knows.
var hostileStrings = []string{
	"",
	`"quoted" \back\slash/`,
	"\x00\x01\x07\x1f\x7f",
	"\b\f\n\r\t",
	"<script>alert('x') && 1 > 0</script>",
	"line\u2028para\u2029end",
	"\xff\xfe invalid \xc3",
	"\xe2\x80",
	"\xed\xa0\x80 surrogate",
	"ñandú 日本語 😀 €",
	"\u00ad\u200b\ufeff\ufffd",
	strings.Repeat("<&>", 40),
}

func TestFeedsMatchEncodingJSONHostileStrings(t *testing.T) {
	for _, fc := range []feedConfig{
		{name: "plain", cfg: Config{SKUs: 300, Seed: 3}},
		{name: "mutated", cfg: Config{SKUs: 300, Seed: 5, Locale: "en", PaginationInArray: true, NoLocations: true, PublicURL: "http://x.example/\xe2\x80<>"}, mutate: true},
	} {
		t.Run(fc.name, func(t *testing.T) {
			s := newFeedSandbox(t, fc)
			for k := range s.cat.items {
				it := &s.cat.items[k]
				h := func(n int) string { return hostileStrings[(k+n)%len(hostileStrings)] }
				it.sku = h(0) + it.sku
				it.mpn = h(1)
				it.model = h(2) + it.model + h(3)
				if it.upc != "" {
					it.upc = h(4)
				}
			}
			checkItems(t, s, "http://sandbox.test", "https://a.example/\xff<&>\u2029", "http://b.example/é\xe2\x80")
			for _, fr := range feedRequests {
				got, want := feedBody(t, s, fr), refFeed(t, s, fr)
				if !bytes.Equal(got, want) {
					t.Errorf("%s?%s: answer differs from encoding/json's\n%s", fr.method, fr.query, firstDiff(got, want))
				}
			}
		})
	}
}

func TestImageIDMatchesFmt(t *testing.T) {
	s := newFeedSandbox(t, feedConfig{cfg: Config{SKUs: feedTestSKUs, Seed: -12345}})
	for idx := range s.cat.items {
		for n := range 8 {
			if got, want := s.cat.imageID(idx, n), refImageID(s.cat, idx, n); got != want {
				t.Fatalf("imageID(%d, %d) = %s, want %s", idx, n, got, want)
			}
		}
	}
	s.cat.items[0].sku = hostileStrings[6]
	if got, want := s.cat.imageID(0, 3), refImageID(s.cat, 0, 3); got != want {
		t.Fatalf("imageID with a hostile SKU = %s, want %s", got, want)
	}
}

func TestDescriptionMatchesBuilder(t *testing.T) {
	s := newFeedSandbox(t, feedConfig{cfg: Config{SKUs: feedTestSKUs, Seed: 9}})
	for k := range s.cat.items {
		for loc := range 2 {
			if got, want := s.cat.description(&s.cat.items[k], loc), refDescription(&s.cat.items[k], loc); got != want {
				t.Fatalf("description(%d, %d) = %q, want %q", k, loc, got, want)
			}
		}
	}
}

func TestAppendScaledMatchesDecimal(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		v := rapid.OneOf(rapid.Int64(), rapid.Int64Range(-1_000_000, 1_000_000), rapid.SampledFrom([]int64{0, 1, -1, 10, 100, 1000, 10000, -10000, 1 << 62, -1 << 63, 1<<63 - 1})).Draw(t, "v")
		scale := rapid.IntRange(1, 20).Draw(t, "scale")
		want, err := json.Marshal(iws.DecimalFrom(decimal.New(v, int32(-scale))))
		if err != nil {
			t.Fatal(err)
		}
		if got := appendScaled(nil, v, scale); !bytes.Equal(got, want) {
			t.Fatalf("appendScaled(%d, %d) = %s, want %s", v, scale, got, want)
		}
	})
}

func TestAppendUnixTimeMatchesIWSTime(t *testing.T) {
	for _, sec := range []int64{0, 1, -1, 1_748_736_000, 1_764_288_123, time.Date(1, 1, 1, 0, 0, 0, 0, time.UTC).Unix(),
		time.Date(1, 1, 1, 0, 0, 1, 0, time.UTC).Unix(), time.Date(9999, 12, 31, 23, 59, 59, 0, time.UTC).Unix(),
		time.Date(12345, 1, 1, 0, 0, 0, 0, time.UTC).Unix(), time.Date(-5, 1, 1, 0, 0, 0, 0, time.UTC).Unix()} {
		want := refEncode(t, &iws.Time{Time: time.Unix(sec, 0).UTC()})
		if got := appendUnixTime(nil, sec); !bytes.Equal(got, want) {
			t.Errorf("appendUnixTime(%d) = %s, want %s", sec, got, want)
		}
	}
}

func TestAppendJSONStringMatchesEncodingJSON(t *testing.T) {
	for _, s := range hostileStrings {
		checkJSONString(t, s)
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range hostileStrings {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) { checkJSONString(t, s) })
}

func checkJSONString(t *testing.T, s string) {
	t.Helper()
	want := refEncode(t, s)
	if got := appendJSONString(nil, s); !bytes.Equal(got, want) {
		t.Errorf("appendJSONString(%q) = %s, want %s", s, got, want)
	}
	if got := appendJSONString([]byte("x"), []byte(s)); !bytes.Equal(got[1:], want) {
		t.Errorf("appendJSONString([]byte(%q)) = %s, want %s", s, got[1:], want)
	}
}
