package store

import (
	"encoding/json"
	"reflect"
	"testing"

	"pgregory.net/rapid"

	"github.com/intcomex-connector/connector/connector/mirror"
)

// The hand-written readers of category_path and stock_by_location must read what marshalJSON
// writes exactly as encoding/json reads it, and refuse (fall back) on anything else they cannot.
func TestParseProductJSONColumns(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		str := rapid.OneOf(rapid.StringMatching(`[a-z0-9 .>-]{0,12}`), rapid.String())
		path := rapid.SliceOf(rapid.Custom(func(t *rapid.T) mirror.CategoryNode {
			return mirror.CategoryNode{ID: str.Draw(t, "id"), Name: str.Draw(t, "name")}
		})).Draw(t, "path")
		stock := rapid.MapOf(str, rapid.Int()).Draw(t, "stock")
		pathJSON, _ := marshalJSON(path, "[]")
		stockJSON, _ := marshalJSON(stock, "{}")
		checkParsed(t, []byte(pathJSON), parseCategoryPath)
		checkParsed(t, []byte(stockJSON), parseStockByLocation)
	})
	if p, ok := parseCategoryPath([]byte(`[{"id":"cco","name":"Cómputo"},{"id":"cco.nb","name":"Notebooks"}]`)); !ok || len(p) != 2 || p[1].Name != "Notebooks" {
		t.Fatalf("category path not read: %v %v", p, ok)
	}
	if s, ok := parseStockByLocation([]byte(`{"mia":3,"bog":-1}`)); !ok || s["mia"] != 3 || s["bog"] != -1 {
		t.Fatalf("stock not read: %v %v", s, ok)
	}
	for _, s := range []string{`[{"id":"a","name":"b"},]`, `[{"name":"b","id":"a"}]`, `[{"id":"a\"","name":"b"}]`, `[]`, `[{"id":"a","name":"b"}`, "[{\"id\":\"\xff\",\"name\":\"b\"}]"} {
		checkParsed(t, []byte(s), parseCategoryPath)
	}
	for _, s := range []string{`{"a":1,}`, `{"a":+1}`, `{"a":01}`, `{"a":-01}`, `{"a":1.0}`, `{"a":1,"a":2}`, `{"a":-0}`, `{"a" :1}`, `{}`, `{"a":99999999999999999999}`} {
		checkParsed(t, []byte(s), parseStockByLocation)
	}
}

func checkParsed[T any](t interface {
	Fatalf(string, ...any)
}, b []byte, parse func([]byte) (T, bool)) {
	got, ok := parse(b)
	if !ok {
		return // the caller falls back to encoding/json
	}
	var want T
	if err := json.Unmarshal(b, &want); err != nil {
		t.Fatalf("%s: parsed as %v, encoding/json refuses it: %v", b, got, err)
	}
	if !reflect.DeepEqual(got, want) && !(reflect.ValueOf(got).Len() == 0 && reflect.ValueOf(want).Len() == 0) {
		t.Fatalf("%s: parsed %#v, encoding/json %#v", b, got, want)
	}
}
