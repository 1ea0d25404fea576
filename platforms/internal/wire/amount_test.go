package wire

import (
	"encoding/json"
	"testing"
)

func TestAmount(t *testing.T) {
	for in, want := range map[string]string{`"19.90"`: "19.90", `879.9`: "879.9", `null`: "", `"12990"`: "12990", `1e3`: "1e3"} {
		var a Amount
		if err := json.Unmarshal([]byte(in), &a); err != nil || string(a) != want {
			t.Errorf("%s: %q, %v; want %q", in, a, err, want)
		}
	}
	for _, in := range []string{`{}`, `[1]`, `true`} {
		var a Amount
		if err := json.Unmarshal([]byte(in), &a); err == nil {
			t.Errorf("%s decoded as %q", in, a)
		}
	}
}
