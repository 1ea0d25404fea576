package iws

import (
	"encoding/json"
	"reflect"
	"testing"
)

// The one-pass walk of GetCatalog items must decode exactly as encoding/json does, and fail
// exactly when it fails.
var catalogWalkSeeds = []string{
	`{"Sku":"A1","Mpn":"M-1","Manufacturer":{"ManufacturerId":"hp","Description":"HP"},` +
		`"Brand":{"ManufacturerId":"hp","BrandId":"hp","Description":"HP"},` +
		`"Category":{"CategoryId":"cpt","Description":"Computadoras","Subcategories":[{"CategoryId":"cpt.nb","Description":"Notebooks","Subcategories":[]}]},` +
		`"Description":"Notebook \"15\" ñ <b>","Type":"Physical","Upc":"0123","Freight":{"Item":{"Weight":1.5,"Length":"10.00","Width":null,"Height":3},"Package":null},` +
		`"RealStockValue":true,"Price":{"UnitPrice":12.5,"CurrencyId":"US"},"InStock":4,"Locations":[{"LocationId":"m","Stock":4}],"CompilationDate":"2024-01-01T00:00:00"}`,
	`{"sku":"a","SKU":"b"}`, `{"Sku":5}`, `{"Sku":null,"Mpn":null,"Upc":null,"Brand":null,"Category":null,"Freight":null,"RealStockValue":null}`,
	`{"Brand":{"BrandId":"a"},"Brand":{"Description":"x"}}`, `{"Brand":"x"}`, `{"Brand":[]}`,
	`{"Category":{"Subcategories":null}}`, `{"Category":{"Subcategories":[null,{"CategoryId":"x"},{}]}}`,
	`{"Category":{"Subcategories":[1]}}`, `{"Category":{"Subcategories":{}}}`, `{"Category":{"subcategories":[],"SubCategories":[]}}`,
	`{"Freight":{"Item":{"Weight":"abc"}}}`, `{"Freight":{"Item":{"Weight":"1,5"}}}`, `{"Freight":{"Item":{"Weight":""}}}`,
	`{"Freight":{"item":{"weight":"2.50","WEIGHT":1}}}`, `{"Freight":{"Item":[]}}`, `{"Freight":{"Item":{"Weight":true}}}`,
	`{"RealStockValue":"true"}`, `{"RealStockValue":false,"realstockvalue":true}`, `{"Upc":5}`, `{"Upc":""}`,
	`{"Description":"\u00e9\n\"x\"","Type":"\ud800"}`, "{\"Description\":\"\xff\"}", `{"S\u212Au":"kelvin"}`, `{"ſku":"long s"}`,
	`{"Skü":"x","Sku":"y"}`, `{}`, `null`, `[]`, `"x"`, `{"Other":{"Sku":"nested"},"Sku":"top"}`,
	`{"Manufacturer":{"ManufacturerId":1}}`, `{"Manufacturer":{"Description":null,"Description":"x"}}`,
	` { "Sku" : "spaced" , "Description" : "d" } `,
}

func FuzzCatalogWalk(f *testing.F) {
	for _, s := range catalogWalkSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkCatalogWalkSame)
}

func TestCatalogWalkMatchesEncodingJSON(t *testing.T) {
	for _, s := range catalogWalkSeeds {
		checkCatalogWalkSame(t, []byte(s))
	}
	// The walk itself must take the shapes IWS sends, not leave them all to encoding/json.
	var m catalogMaster
	if err := walkObject([]byte(catalogWalkSeeds[0]), m.set); err != nil || m.Category.Leaf().CategoryID != "cpt.nb" || m.Freight.Item.Weight.String() != "1.5" {
		t.Fatalf("walk of a full item: %v, %+v", err, m)
	}
}

func checkCatalogWalkSame(t *testing.T, b []byte) {
	if !json.Valid(b) {
		return // the stream decoder hands over checked values only
	}
	type product catalogMaster // decoded by encoding/json alone
	var walked, plain catalogMaster
	errWalk := json.Unmarshal(b, &walked)
	errPlain := json.Unmarshal(b, (*product)(&plain))
	if (errWalk == nil) != (errPlain == nil) || errWalk != nil && errWalk.Error() != errPlain.Error() {
		t.Fatalf("%s: walk error %v, encoding/json error %v", b, errWalk, errPlain)
	}
	if !reflect.DeepEqual(walked, plain) {
		t.Fatalf("%s:\nwalk          %#v\nencoding/json %#v", b, walked, plain)
	}
	var wd catalogDescription
	var pd CatalogDescription
	errWalk = json.Unmarshal(b, &wd)
	errPlain = json.Unmarshal(b, &pd)
	if (errWalk == nil) != (errPlain == nil) || errWalk != nil && errWalk.Error() != errPlain.Error() || CatalogDescription(wd) != pd {
		t.Fatalf("%s: walk %+v (%v), encoding/json %+v (%v)", b, wd, errWalk, pd, errPlain)
	}
}
