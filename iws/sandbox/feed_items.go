package sandbox

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// feedParts are the feeds' pieces that depend only on the static tables (manufacturers, brands,
// categories, specification names), encoded once per catalog: a few kilobytes, whatever the
// catalog size.
type feedParts struct {
	mfrs   [][]byte     // the Manufacturer object, per manufacturer
	brands [][]byte     // the Brand object, per brand
	cats   [2][][]byte  // the Category object, per locale and leaf
	ext    [2][]extLeaf // per locale and leaf
}

// extLeaf is what the extended catalog writes alike for every product of a leaf category.
type extLeaf struct {
	category []byte    // `,"CategoriaCompleta":"…"`, or nothing when it is empty (omitempty)
	attrs    []extAttr // in encoding/json's map key order
}

// extAttr is one attribute key of the extended catalog and where its value comes from.
type extAttr struct {
	key  []byte // `,"<name>":`
	from int    // one of the attr* sources, or the index of the leaf's spec
}

// The header attributes' sources, in headerAttributes order.
const (
	attrBrand = -1 - iota
	attrManufacturer
	attrModel
	attrLine
)

func mustMarshal(v any) []byte {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("sandbox: encoding %T: %v", v, err)) // static tables of our own types
	}
	return b
}

// buildFeedParts encodes the shared pieces; call it after buildShared.
func (c *catalog) buildFeedParts() {
	p := &c.feed
	p.mfrs = make([][]byte, len(c.mfrs))
	for i, m := range c.mfrs {
		p.mfrs[i] = mustMarshal(m)
	}
	p.brands = make([][]byte, len(c.brands))
	for i, b := range c.brands {
		p.brands[i] = mustMarshal(b)
	}
	for loc := range 2 {
		p.cats[loc] = make([][]byte, len(leaves))
		p.ext[loc] = make([]extLeaf, len(leaves))
		for li := range leaves {
			lf := &leaves[li]
			p.cats[loc][li] = mustMarshal(c.cats[loc][li])
			x := &p.ext[loc][li]
			if full := topCategories[lf.top].desc[loc] + ">>" + lf.desc[loc]; full != "" {
				x.category = appendJSONString([]byte(`,"CategoriaCompleta":`), full)
			}
			// The old encoding went through a map: a later key of the same name replaced an earlier one.
			from := make(map[string]int, len(headerAttributes)+len(lf.specs))
			for k, h := range headerAttributes {
				from[h[loc]] = attrBrand - k
			}
			for sp := range lf.specs {
				from[lf.specs[sp].name[loc]] = sp
			}
			keys := make([]string, 0, len(from))
			for k := range from {
				keys = append(keys, k)
			}
			slices.SortFunc(keys, strings.Compare)
			x.attrs = make([]extAttr, len(keys))
			for n, k := range keys {
				key := appendJSONString([]byte{','}, k)
				x.attrs[n] = extAttr{key: append(key, ':'), from: from[k]}
			}
		}
	}
}

// feedEncoder appends the items of one feed answer, reusing its scratch buffer item after item.
type feedEncoder struct {
	s       *Sandbox
	inv     *inventory
	scratch []byte
}

// appendProduct appends item i as renderProduct encodes it, "Price": null included.
func (e *feedEncoder) appendProduct(dst []byte, i int32, v productView) []byte {
	cat := e.s.cat
	it := &cat.items[i]
	lf := &leaves[it.leaf]
	physical := it.typ == typePhysical
	dst = append(dst, `{"Sku":`...)
	dst = appendJSONString(dst, it.sku)
	dst = append(dst, `,"Mpn":`...)
	dst = appendJSONString(dst, it.mpn)
	dst = append(dst, `,"Manufacturer":`...)
	dst = append(dst, cat.feed.mfrs[brands[it.brand].mfr]...)
	dst = append(dst, `,"Brand":`...)
	dst = append(dst, cat.feed.brands[it.brand]...)
	dst = append(dst, `,"Category":`...)
	dst = append(dst, cat.feed.cats[v.loc][it.leaf]...)
	dst = append(dst, `,"Description":`...)
	e.scratch = cat.appendDescription(e.scratch[:0], it, v.loc)
	dst = appendJSONString(dst, e.scratch)
	dst = append(dst, `,"Type":`...)
	dst = appendJSONString(dst, productTypes[it.typ])
	dst = append(dst, `,"ProductLine":`...)
	dst = appendJSONString(dst, lf.lines[it.line])
	dst = append(dst, `,"Model":`...)
	dst = appendJSONString(dst, it.model)
	dst = append(dst, `,"New":`...)
	dst = appendJSONBool(dst, it.isNew)
	nullPrice := false
	if v.price {
		mark := len(dst)
		dst = append(dst, `,"Price":{"UnitPrice":`...)
		var ok bool
		if dst, ok = appendPrice(dst, e.inv, it, i); ok {
			dst = append(dst, `,"CurrencyId":"`+currencyUS+`"}`...)
		} else {
			dst, nullPrice = dst[:mark], true
		}
	}
	var shown [nLoc]int32
	if v.catalog || v.inventory {
		shown = displayStock(it, e.inv.stockOf(i))
		dst = append(dst, `,"InStock":`...)
		dst = strconv.AppendInt(dst, int64(total(shown)), 10)
		if v.inventory && !e.s.cfg.NoLocations && physical { // the empty list of the others is omitted
			dst = append(dst, `,"Locations":`...)
			dst = appendLocations(dst, it, shown)
		}
	}
	if v.catalog || v.price {
		dst = append(dst, `,"OnSale":`...)
		dst = appendJSONBool(dst, it.onSale)
	}
	if it.upc != "" {
		dst = append(dst, `,"Upc":`...)
		dst = appendJSONString(dst, it.upc)
	}
	if physical {
		dst = appendFreight(dst, it)
	}
	dst = append(dst, `,"CompilationDate":`...)
	dst = appendUnixTime(dst, it.compiled)
	dst = append(dst, `,"PrePurchaseActive":false`...)
	if v.catalog || v.inventory {
		dst = append(dst, `,"RealStockValue":`...)
		dst = appendJSONBool(dst, it.realStock)
	}
	if nullPrice {
		// productNullPrice's own Price field follows all of the embedded Product's.
		dst = append(dst, `,"Price":null`...)
	}
	return append(dst, '}')
}

// appendPrice appends the unit price of item i; ok is false when IWS would send null (dst is then
// unchanged).
func appendPrice(dst []byte, inv *inventory, it *item, i int32) (_ []byte, ok bool) {
	if o, found := inv.prices[i]; found {
		if o.null {
			return dst, false
		}
		return append(dst, o.price.String()...), true // as iws.Decimal writes it
	}
	if it.priceNull {
		return dst, false
	}
	return appendScaled(dst, it.price, 4), true // it.unitPrice()
}

// appendLocations appends locations(it, shown).
func appendLocations(dst []byte, it *item, shown [nLoc]int32) []byte {
	if it.typ != typePhysical {
		return append(dst, "[]"...)
	}
	dst = append(dst, '[')
	for l, id := range locationIDs {
		if l > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"Id":`...)
		dst = appendJSONString(dst, id)
		dst = append(dst, `,"Stock":`...)
		dst = strconv.AppendInt(dst, int64(shown[l]), 10)
		dst = append(dst, '}')
	}
	return append(dst, ']')
}

// appendFreight appends `,"Freight":` and freight(it).
func appendFreight(dst []byte, it *item) []byte {
	w := int64(it.weight)
	l, wd, h := int64(it.dims[0]), int64(it.dims[1]), int64(it.dims[2])
	dst = append(dst, `,"Freight":{"Item":`...)
	dst = appendMeasures(dst, w, l, wd, h)
	dst = append(dst, `,"Package":`...)
	dst = appendMeasures(dst, w*115/100+30, l+100, wd+100, h+100)
	return append(dst, '}')
}

// appendMeasures appends a Measures object of values in hundredths.
func appendMeasures(dst []byte, weight, length, width, height int64) []byte {
	dst = append(dst, `{"Weight":`...)
	dst = appendScaled(dst, weight, 2)
	dst = append(dst, `,"Length":`...)
	dst = appendScaled(dst, length, 2)
	dst = append(dst, `,"Width":`...)
	dst = appendScaled(dst, width, 2)
	dst = append(dst, `,"Height":`...)
	dst = appendScaled(dst, height, 2)
	return append(dst, '}')
}

// appendPriceListItem appends item i's GetPriceList element; ok is false for a product without a
// price, which the list leaves out.
func (e *feedEncoder) appendPriceListItem(dst []byte, i int32) (_ []byte, ok bool) {
	it := &e.s.cat.items[i]
	e.scratch, ok = appendPrice(e.scratch[:0], e.inv, it, i)
	if !ok {
		return dst, false
	}
	dst = appendSkuMpn(dst, it)
	dst = append(dst, `,"UnitPrice":`...)
	dst = append(dst, e.scratch...)
	dst = append(dst, `,"CurrencyId":"`+currencyUS+`","Price":{"UnitPrice":`...)
	dst = append(dst, e.scratch...)
	dst = append(dst, `,"CurrencyId":"`+currencyUS+`"}}`...)
	return dst, true
}

// appendInventoryItem appends item i's GetInventory element.
func (e *feedEncoder) appendInventoryItem(dst []byte, i int32) []byte {
	it := &e.s.cat.items[i]
	shown := displayStock(it, e.inv.stockOf(i))
	dst = appendSkuMpn(dst, it)
	dst = append(dst, `,"InStock":`...)
	dst = strconv.AppendInt(dst, int64(total(shown)), 10)
	dst = append(dst, `,"Locations":`...)
	if e.s.cfg.NoLocations {
		dst = append(dst, "null"...)
	} else {
		dst = appendLocations(dst, it, shown)
	}
	dst = append(dst, `,"RealStockValue":`...)
	dst = appendJSONBool(dst, it.realStock)
	return append(dst, '}')
}

// appendExtendedProduct appends item i's extended-catalog element, as iws.ExtendedProduct's
// MarshalJSON writes it: the known keys, then the attributes in key order. imageURL is the
// escaped body of the JSON string base+"/images/", which the image ids (plain ASCII) follow.
func (e *feedEncoder) appendExtendedProduct(dst []byte, i int32, loc int, imageURL []byte) []byte {
	cat := e.s.cat
	it := &cat.items[i]
	lf := &leaves[it.leaf]
	b := &brands[it.brand]
	m := &manufacturers[b.mfr]
	x := &cat.feed.ext[loc][it.leaf]
	dst = append(dst, `{"localSku":`...)
	dst = appendJSONString(dst, it.sku)
	dst = append(dst, `,"mpn":`...)
	dst = appendJSONString(dst, it.mpn)
	dst = append(dst, `,"centralRecno":"`...)
	dst = strconv.AppendInt(dst, 500_000+int64(i), 10)
	dst = append(dst, `","Descripcion":`...)
	e.scratch = cat.appendDescription(e.scratch[:0], it, loc)
	dst = appendJSONString(dst, e.scratch)
	if m.name != "" {
		dst = append(dst, `,"DescripcionFabrica":`...)
		dst = appendJSONString(dst, m.name)
	}
	if b.name != "" {
		dst = append(dst, `,"DescripcionMarca":`...)
		dst = appendJSONString(dst, b.name)
	}
	dst = append(dst, x.category...)
	dst = append(dst, `,"Imagenes":[`...)
	for n := range int(it.images) {
		var idBuf [48]byte
		id := cat.appendImageID(idBuf[:0], int(i), n)
		if n > 0 {
			dst = append(dst, ',')
		}
		dst = append(dst, `{"angulo":null,"imagenId":"`...)
		dst = append(dst, id...)
		dst = append(dst, `","isMainImage":`...)
		dst = appendJSONBool(dst, n == 0)
		dst = append(dst, `,"ancho":`...)
		dst = append(dst, imageSizeJSON...)
		dst = append(dst, `,"alto":`...)
		dst = append(dst, imageSizeJSON...)
		dst = append(dst, `,"url":"`...)
		dst = append(dst, imageURL...)
		dst = append(dst, id...)
		dst = append(dst, `.png"}`...)
	}
	dst = append(dst, ']')
	for _, a := range x.attrs {
		dst = append(dst, a.key...)
		var v string
		switch a.from {
		case attrBrand:
			v = b.name
		case attrManufacturer:
			v = m.name
		case attrModel:
			v = it.model
		case attrLine:
			v = lf.lines[it.line]
		default:
			v = lf.specs[a.from].values[it.choices[a.from]][loc]
		}
		dst = appendJSONString(dst, v)
	}
	return append(dst, '}')
}

// imageSizeJSON is the images' width and height as the extended catalog writes them: strings.
var imageSizeJSON = strconv.Quote(strconv.Itoa(imageSize))

// appendSkuMpn opens a price-list or inventory element: its Sku, and its Mpn unless empty.
func appendSkuMpn(dst []byte, it *item) []byte {
	dst = append(dst, `{"Sku":`...)
	dst = appendJSONString(dst, it.sku)
	if it.mpn != "" {
		dst = append(dst, `,"Mpn":`...)
		dst = appendJSONString(dst, it.mpn)
	}
	return dst
}
