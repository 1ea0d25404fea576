package audit

import (
	"encoding/json"
	"strings"
	"testing"
)

// FuzzRedactJSON: response bodies are outside input. Redaction never panics, keeps valid JSON
// valid, and leaves no value of a sensitive key behind.
func FuzzRedactJSON(f *testing.F) {
	for _, s := range []string{
		`{"accessKey":"s","a":[1,{"token":{"x":"y"}}]}`,
		`[{"Password":null},{"secret":-1.5e3}]`,
		`{"a":"\"token\":\"x\"","pass\u0077ord":"p"}`,
		`{"token":"unterminated`,
		`{"secret":{"a":[`,
		"{\"k\":\"v\"}\n{\"client_secret\":\"c\"}",
		`"just a string"`,
	} {
		f.Add([]byte(s))
	}
	r := newRedactor(nil, nil)
	f.Fuzz(func(t *testing.T, in []byte) {
		out := redactJSON(in, r.sensitiveKey)
		if !json.Valid(in) {
			return
		}
		if !json.Valid(out) {
			t.Fatalf("valid input became invalid:\n in %s\nout %s", in, out)
		}
		var walk func(v any)
		walk = func(v any) {
			switch v := v.(type) {
			case map[string]any:
				for k, x := range v {
					if r.sensitiveKey(k) && x != Redacted {
						t.Fatalf("key %q kept value %v:\n in %s\nout %s", k, x, in, out)
					}
					walk(x)
				}
			case []any:
				for _, x := range v {
					walk(x)
				}
			}
		}
		var v any
		dec := json.NewDecoder(strings.NewReader(string(out)))
		if err := dec.Decode(&v); err == nil {
			walk(v)
		}
	})
}
