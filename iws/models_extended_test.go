package iws

import (
	"encoding/json"
	"reflect"
	"testing"
)

// The one-pass decoder of extended-catalog items must decode exactly as the two-pass one did.
var extendedSeeds = []string{
	`{"localSku":"A1","mpn":"M","Descripcion":"Larga \"con\" comillas\nñ","Imagenes":[{"url":"u1","isMainImage":true,"ancho":600,"alto":"400"}],"Memoria / Capacidad":"8 GB","Peso":1.5,"Nuevo":true}`,
	`{ "LOCALSKU" : "a" , "localsku":"b", "Color":"rojo", "Color":null, "Talla":"M", "Talla":{"x":1}, "Bateria":[1] }`,
	`{"localSku":null,"mpn":5}`,
	`{"Imagenes":null,"descripcionfabrica":"F","DescripcionMarca":"\u00e9","categoriaCompleta":"A >> B","centralRecno":"7"}`,
	`{}`, `null`, `[]`, `{"a":`, `{"a":"\ud800"}`, `{"k\u00e9y":"v","\u017fku":"x","localſku":"y"}`,
	"{\"a\":\"\xff\"}", `{"a":1e3,"b":-0.5,"c":false,"d":""}`,
	`{"Imagenes":[]}`, `{"Imagenes":[null]}`, `{"Imagenes":[{"angulo":null},{"angulo":"F","ANGULO":null,"x":{"y":[1]}}]}`,
	`{"Imagenes":[{"isMainImage":"true"}]}`, `{"Imagenes":[{"url":5}]}`, `{"Imagenes":[{"url":"a\u00e9","imagenId":null,"ancho":null,"alto":12}]}`,
	`{"imagenes":{"url":"x"}}`, `{"Imagenes":[{"isMainImage":null,"url":"u","url":"v"}],"Imagenes":null}`,
}

func TestExtendedProductUnmarshalMatchesPlain(t *testing.T) {
	for _, s := range extendedSeeds {
		t.Run(s, func(t *testing.T) { checkExtendedSame(t, []byte(s)) })
	}
}

func FuzzExtendedProductUnmarshal(f *testing.F) {
	for _, s := range extendedSeeds {
		f.Add([]byte(s))
	}
	f.Fuzz(checkExtendedSame)
}

func checkExtendedSame(t *testing.T, b []byte) {
	var fast, plain ExtendedProduct
	errFast := fast.UnmarshalJSON(b)
	errPlain := plain.unmarshalPlain(b)
	if (errFast == nil) != (errPlain == nil) {
		t.Fatalf("%s: one-pass error %v, two-pass error %v", b, errFast, errPlain)
	}
	if errFast == nil && !reflect.DeepEqual(fast, plain) {
		t.Fatalf("%s:\none-pass %#v\ntwo-pass %#v", b, fast, plain)
	}
}

// plainJSONString may only answer for a token encoding/json decodes to the same bytes.
func FuzzPlainJSONString(f *testing.F) {
	for _, s := range []string{`"abc"`, `"a\"b"`, `"ñ"`, "\"\xff\"", `"`, `""`, `"a"b"`, "\"\t\"", `"\u00e9"`, `12`, `"4.50"`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		in, ok := plainJSONString(b)
		if !ok {
			return
		}
		var s string
		if err := json.Unmarshal(b, &s); err != nil || s != string(in) {
			t.Fatalf("%q: plain %q, encoding/json %q (%v)", b, in, s, err)
		}
	})
}
