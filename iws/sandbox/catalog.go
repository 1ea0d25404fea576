package sandbox

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"

	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/iws"
)

// Warehouses of the simulated Chilean account; every physical product reports stock for each.
const nLoc = 3

var locationIDs = [nLoc]string{"xclq1", "xclq2", "xclq3"}

func locationIndex(id string) int {
	for i, l := range locationIDs {
		if strings.EqualFold(l, id) {
			return i
		}
	}
	return -1
}

const (
	// MaxSKUs bounds Config.SKUs: the SKU scheme has room for far more, the bound keeps memory honest.
	MaxSKUs = 1_000_000

	// hiddenStockCap is the per-warehouse stock shown for products whose RealStockValue is false: the
	// real stock is higher than what IWS displays.
	hiddenStockCap = 50
)

// item is one generated product: compact and immutable. Mutable data (stock, price overrides,
// removals) lives in the sandbox state, indexed like catalog.items.
type item struct {
	sku       string
	mpn       string
	upc       string // "" when the product has none
	model     string
	choices   []uint8 // chosen value per leaf spec
	line      uint8   // index into leaf.lines
	leaf      uint16
	brand     uint16
	typ       uint8
	price     int64 // ten-thousandths of a US dollar
	priceNull bool
	weight    int32    // item weight, hundredths of a pound
	dims      [3]int32 // item length, width, height, hundredths of an inch
	isNew     bool
	onSale    bool
	realStock bool
	images    uint8
	compiled  int64 // unix seconds
	stock     [nLoc]int32
}

// catalog is the generated, immutable product list with its indexes and the shared, read-only
// category and brand objects every rendered product points at.
type catalog struct {
	seed   int64
	items  []item
	bySKU  map[string]int32
	byMPN  map[string]int32
	mpnDup map[string][]int32 // MPNs carried by more than one SKU
	byUPC  map[string]int32

	cats   [2][]*iws.Category // per locale, per leaf
	brands []*iws.Brand
	mfrs   []*iws.Manufacturer
	feed   feedParts // the same pieces encoded once for the feeds
}

// generate builds n products from seed. Each product draws from its own PCG stream seeded with
// (seed, index), so a product does not depend on how many were generated before it except for the
// SKU counters, which are themselves deterministic.
func generate(seed int64, n int) (*catalog, error) {
	if n < 1 || n > MaxSKUs {
		return nil, fmt.Errorf("sandbox: SKUs must be between 1 and %d, got %d", MaxSKUs, n)
	}
	c := &catalog{
		seed:   seed,
		items:  make([]item, n),
		bySKU:  make(map[string]int32, n),
		byMPN:  make(map[string]int32, n),
		mpnDup: make(map[string][]int32),
		byUPC:  make(map[string]int32, n),
	}
	c.buildShared()
	c.buildFeedParts()

	totalWeight := 0
	for _, lf := range leaves {
		totalWeight += lf.selectBy
	}
	counters := make(map[string]int)
	pcg := rand.NewPCG(0, 0)
	rng := rand.New(pcg)
	compiledBase := time.Date(2025, 6, 1, 0, 0, 0, 0, time.UTC).Unix()

	for i := range c.items {
		pcg.Seed(uint64(seed), uint64(i))
		it := &c.items[i]

		pick := rng.IntN(totalWeight)
		li := 0
		for pick >= leaves[li].selectBy {
			pick -= leaves[li].selectBy
			li++
		}
		lf := &leaves[li]
		it.leaf = uint16(li)
		it.brand = lf.brands[rng.IntN(len(lf.brands))]
		it.line = uint8(rng.IntN(len(lf.lines)))
		switch lf.mix {
		case mixPhysical:
			it.typ = typePhysical
		case mixWarranty:
			it.typ = typeWarranty
		case mixESD:
			it.typ = typeDownloadable
			if rng.IntN(10) < 3 {
				it.typ = typeLicense
			}
		}

		// SKU: prefix, 3 digits, brand code, 2 digits. The n-th product of a (prefix, brand) pair gets
		// a permutation of n over 0..99999, so SKUs are unique without a lookup and look scattered.
		b := &brands[it.brand]
		key := lf.prefix + b.skuCode
		k := counters[key]
		counters[key]++
		if k >= 100_000 {
			return nil, fmt.Errorf("sandbox: SKU space of %s exhausted", key)
		}
		p := (k*7919 + int(hashString(key)%100_000)) % 100_000
		it.sku = lf.prefix + pad(p/100, 3) + b.skuCode + pad(p%100, 2)

		it.model = randomModel(rng)
		it.choices = make([]uint8, len(lf.specs))
		for s := range lf.specs {
			it.choices[s] = uint8(rng.IntN(len(lf.specs[s].values)))
		}

		// MPN: a brand-looking prefix and a permutation of the index, unique by construction.
		it.mpn = randomAlnum(rng, 3) + "-" + pad((i*7919+int(uint64(seed)%1_000_000))%1_000_000, 6)
		if rng.IntN(100) >= 8 {
			upc := "7" + pad(int((int64(i)*7919+int64(uint64(seed)%10_000_000_000))%10_000_000_000), 10)
			it.upc = upc + strconv.Itoa(upcCheckDigit(upc))
		}

		lo, hi := lf.price[0]*10_000, lf.price[1]*10_000
		raw := lo + rng.Int64N(hi-lo)
		switch rng.IntN(3) { // 2, 3 or 4 decimals
		case 0:
			raw -= raw % 100
		case 1:
			raw -= raw % 10
		}
		it.price = raw
		switch {
		case i%331 == 7:
			it.price = 0
		case i%397 == 11:
			it.priceNull = true
		}

		it.isNew = rng.IntN(100) < 12
		it.onSale = rng.IntN(100) < 6
		it.realStock = true
		if rng.IntN(2) == 0 {
			it.images = uint8(1 + rng.IntN(4))
		}
		it.compiled = compiledBase + rng.Int64N(180*24*3600)

		if it.typ == typePhysical {
			it.weight = int32(lf.weight[0] + rng.Int64N(lf.weight[1]-lf.weight[0]+1))
			for d := range it.dims {
				it.dims[d] = int32(lf.dims[d] * (80 + rng.Int64N(41)) / 100)
			}
			it.stock = randomStock(rng)
			if it.stock != [nLoc]int32{} && rng.IntN(100) < 6 {
				it.realStock = false
				for l := range it.stock {
					if it.stock[l] > 0 {
						it.stock[l] += int32(hiddenStockCap + rng.IntN(400))
					}
				}
			}
		}

		// A few MPNs are shared by two SKUs (GetProduct by MPN then answers 409/25).
		if i > 0 && ((i+1)%1000 == 0 || (n < 1000 && i == n-1)) {
			it.mpn = c.items[i-1].mpn
		}

		if _, dup := c.bySKU[it.sku]; dup {
			return nil, fmt.Errorf("sandbox: generated duplicate SKU %s", it.sku)
		}
		c.bySKU[it.sku] = int32(i)
		if first, ok := c.byMPN[it.mpn]; ok {
			if len(c.mpnDup[it.mpn]) == 0 {
				c.mpnDup[it.mpn] = []int32{first}
			}
			c.mpnDup[it.mpn] = append(c.mpnDup[it.mpn], int32(i))
		} else {
			c.byMPN[it.mpn] = int32(i)
		}
		if it.upc != "" {
			c.byUPC[it.upc] = int32(i)
		}
	}
	c.adoptSpecSKUs()
	return c, nil
}

// specSKUs are the SKUs the official spec uses in its examples (`getproduct?sku=SE001MSE01`, …).
// Every generated catalog carries them, on physical products with a price and stock, so the spec's
// own examples work against the sandbox as they are written.
var specSKUs = []string{"SE001MSE01", "CS700GNC04", "AT216HEW36", "SE521ITL11", "SE001MCA01", "SE001MSE08", "SE001MSE09", "SE001MSE12"}

// adoptSpecSKUs renames the first suitable products to specSKUs (deterministic for a seed).
func (c *catalog) adoptSpecSKUs() {
	next := 0
	for i := range c.items {
		if next == len(specSKUs) {
			return
		}
		it := &c.items[i]
		if it.typ != typePhysical || it.price <= 0 || it.priceNull || it.stock == [nLoc]int32{} {
			continue
		}
		for next < len(specSKUs) {
			if _, taken := c.bySKU[specSKUs[next]]; !taken {
				break
			}
			next++ // generated by chance already: it exists, leave it
		}
		if next == len(specSKUs) {
			return
		}
		delete(c.bySKU, it.sku)
		it.sku = specSKUs[next]
		c.bySKU[it.sku] = int32(i)
		next++
	}
}

// randomStock spreads a physical product's stock over the warehouses; about one product in seven is
// out of stock everywhere.
func randomStock(rng *rand.Rand) [nLoc]int32 {
	var s [nLoc]int32
	if rng.IntN(100) < 15 {
		return s
	}
	for l := range s {
		if rng.IntN(100) < 65 {
			s[l] = int32(1 + rng.IntN(40))
			if rng.IntN(10) == 0 {
				s[l] += int32(50 + rng.IntN(350))
			}
		}
	}
	if s == [nLoc]int32{} {
		s[rng.IntN(nLoc)] = int32(1 + rng.IntN(20))
	}
	return s
}

func (c *catalog) buildShared() {
	for loc := range 2 {
		c.cats[loc] = make([]*iws.Category, len(leaves))
		for i, lf := range leaves {
			top := topCategories[lf.top]
			c.cats[loc][i] = &iws.Category{
				CategoryID:  top.id,
				Description: top.desc[loc],
				Subcategories: []iws.Category{{
					CategoryID:    lf.id,
					Description:   lf.desc[loc],
					Subcategories: []iws.Category{},
				}},
			}
		}
	}
	c.mfrs = make([]*iws.Manufacturer, len(manufacturers))
	for i, m := range manufacturers {
		c.mfrs[i] = &iws.Manufacturer{ManufacturerID: m.id, Description: m.name}
	}
	c.brands = make([]*iws.Brand, len(brands))
	for i, b := range brands {
		c.brands[i] = &iws.Brand{ManufacturerID: manufacturers[b.mfr].id, BrandID: b.id, Description: b.name}
	}
}

// description renders the product's description in a locale: brand, line, model, what it is, the
// chosen specification values, and the ESD suffix for software.
func (c *catalog) description(it *item, loc int) string {
	return string(c.appendDescription(make([]byte, 0, 96), it, loc))
}

// appendDescription appends description(it, loc).
func (c *catalog) appendDescription(dst []byte, it *item, loc int) []byte {
	lf := &leaves[it.leaf]
	dst = append(dst, brands[it.brand].name...)
	dst = append(dst, ' ')
	dst = append(dst, lf.lines[it.line]...)
	dst = append(dst, ' ')
	dst = append(dst, it.model...)
	dst = append(dst, " - "...)
	dst = append(dst, lf.noun[loc]...)
	for s, ch := range it.choices {
		dst = append(dst, " - "...)
		dst = append(dst, lf.specs[s].values[ch][loc]...)
	}
	if it.typ == typeLicense || it.typ == typeDownloadable {
		dst = append(dst, esdSuffix[it.typ][loc]...)
	}
	return dst
}

func (it *item) unitPrice() decimal.Decimal { return decimal.New(it.price, -4) }

// lookupMPN returns every product index carrying mpn.
func (c *catalog) lookupMPN(mpn string) []int32 {
	if dup := c.mpnDup[mpn]; len(dup) > 0 {
		return dup
	}
	if i, ok := c.byMPN[mpn]; ok {
		return []int32{i}
	}
	return nil
}

// imageID returns the GUID-shaped id of a product's n-th image. The last group encodes the product
// index and n, so an image URL can be resolved without a table; the other groups are a hash that
// guards against made-up ids.
func (c *catalog) imageID(idx int, n int) string {
	var b [48]byte
	return string(c.appendImageID(b[:0], idx, n))
}

// appendImageID appends imageID(idx, n).
func (c *catalog) appendImageID(dst []byte, idx int, n int) []byte {
	// FNV-1a of "<seed>/<sku>/<n>", without fmt and hash.Hash: the extended catalog makes ids by
	// the hundred thousand.
	var num [20]byte
	h := fnvAdd(fnvOffset64, strconv.AppendInt(num[:0], c.seed, 10))
	h = fnvAdd(h, "/")
	h = fnvAdd(h, c.items[idx].sku)
	h = fnvAdd(h, "/")
	h = fnvAdd(h, strconv.AppendInt(num[:0], int64(n), 10))
	dst = appendHex(dst, uint64(uint32(h>>32)), 8)
	dst = append(dst, '-')
	dst = appendHex(dst, uint64(uint16(h>>16)), 4)
	dst = append(dst, '-', '4')
	dst = appendHex(dst, uint64(uint16(h)&0xfff), 3)
	dst = append(dst, '-')
	dst = appendHex(dst, uint64(0x8000|(uint16(h>>4)&0x3fff)), 4)
	dst = append(dst, '-')
	return appendHex(dst, uint64(idx)*8+uint64(n), 12)
}

const (
	fnvOffset64 uint64 = 14695981039346656037
	fnvPrime64  uint64 = 1099511628211
)

func fnvAdd[S []byte | string](h uint64, s S) uint64 {
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= fnvPrime64
	}
	return h
}

// parseImageID resolves an id made by imageID.
func (c *catalog) parseImageID(id string) (idx, n int, ok bool) {
	if len(id) != 36 {
		return 0, 0, false
	}
	v, err := strconv.ParseUint(id[24:], 16, 64)
	if err != nil {
		return 0, 0, false
	}
	idx, n = int(v/8), int(v%8)
	if idx >= len(c.items) || n >= int(c.items[idx].images) || c.imageID(idx, n) != strings.ToLower(id) {
		return 0, 0, false
	}
	return idx, n, true
}

func hashString(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

func pad(v, width int) string {
	s := strconv.Itoa(v)
	if len(s) >= width {
		return s
	}
	return strings.Repeat("0", width-len(s)) + s
}

const alnum = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789"

func randomAlnum(rng *rand.Rand, n int) string {
	b := make([]byte, n)
	for i := range b {
		b[i] = alnum[rng.IntN(len(alnum))]
	}
	return string(b)
}

// randomModel makes model codes like "KX512A" or "15-DY204".
func randomModel(rng *rand.Rand) string {
	var sb strings.Builder
	if rng.IntN(3) == 0 {
		sb.WriteString(strconv.Itoa(13 + rng.IntN(5)))
		sb.WriteByte('-')
	}
	sb.WriteByte(alnum[rng.IntN(24)])
	sb.WriteByte(alnum[rng.IntN(24)])
	sb.WriteString(strconv.Itoa(100 + rng.IntN(9900)))
	if rng.IntN(2) == 0 {
		sb.WriteByte(alnum[rng.IntN(24)])
	}
	return sb.String()
}

// upcCheckDigit computes the UPC-A check digit of an 11-digit string.
func upcCheckDigit(digits string) int {
	sum := 0
	for i := 0; i < len(digits); i++ {
		d := int(digits[i] - '0')
		if i%2 == 0 {
			sum += 3 * d
		} else {
			sum += d
		}
	}
	return (10 - sum%10) % 10
}
