package pricing

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// checkShape walks a rules file token by token alongside the Rules type and reports every unknown,
// duplicated or mistyped field with its path ("rules[0].match.brands"). encoding/json stops at the first
// such problem and names it without a path; a merchant fixing an import wants all of them. The error is
// a JSON syntax error, after which nothing more can be said.
func checkShape(data []byte) ([]Problem, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	c := &shapeChecker{dec: dec}
	if err := c.value(reflect.TypeFor[Rules](), ""); err != nil {
		return nil, err
	}
	if _, err := dec.Token(); err != io.EOF {
		if err != nil {
			return nil, err
		}
		return nil, &json.SyntaxError{Offset: dec.InputOffset()}
	}
	return c.problems, nil
}

type shapeChecker struct {
	dec      *json.Decoder
	problems []Problem
}

var numberType = reflect.TypeFor[Number]()

// value reads one JSON value that should have type t (nil: an unknown field, skipped).
func (c *shapeChecker) value(t reflect.Type, path string) error {
	tok, err := c.dec.Token()
	if err != nil {
		return err
	}
	if tok == nil || t == nil { // null leaves a field unset, as encoding/json does
		return c.skip(tok)
	}
	want := ""
	switch {
	case t == numberType:
		switch tok.(type) {
		case string, json.Number:
		default:
			want = `a decimal string such as "12.5"`
		}
	case t.Kind() == reflect.String:
		if _, ok := tok.(string); !ok {
			want = "a string"
		}
	case t.Kind() == reflect.Int:
		n, ok := tok.(json.Number)
		if !ok {
			want = "a whole number"
		} else if _, err := strconv.ParseInt(string(n), 10, strconv.IntSize); err != nil {
			want = "a whole number"
		}
	case t.Kind() == reflect.Slice:
		if tok != json.Delim('[') {
			want = "a list"
			break
		}
		for i := 0; c.dec.More(); i++ {
			if err := c.value(t.Elem(), fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		_, err := c.dec.Token() // ]
		return err
	case t.Kind() == reflect.Struct:
		if tok != json.Delim('{') {
			want = "an object"
			break
		}
		return c.object(t, path)
	default:
		panic("pricing: checkShape: unexpected field type " + t.String())
	}
	if want != "" {
		c.problems = append(c.problems, Problem{Path: path, Message: "must be " + want})
	}
	return c.skip(tok)
}

// object reads the members of an object whose '{' has been read.
func (c *shapeChecker) object(t reflect.Type, path string) error {
	fields := jsonFields(t)
	seen := map[string]bool{}
	for c.dec.More() {
		tok, err := c.dec.Token()
		if err != nil {
			return err
		}
		key, _ := tok.(string) // the decoder only returns strings as object keys
		fieldPath := joinPath(path, key)
		ft, known := fields[key]
		switch {
		case !known:
			msg := "unknown field"
			if name := suggest(fields, key); name != "" {
				msg += fmt.Sprintf(" (did you mean %q?)", name)
			}
			c.problems = append(c.problems, Problem{Path: fieldPath, Message: msg})
		case seen[key]:
			c.problems = append(c.problems, Problem{Path: fieldPath, Message: "is given twice"})
		}
		seen[key] = true
		if err := c.value(ft, fieldPath); err != nil {
			return err
		}
	}
	_, err := c.dec.Token() // }
	return err
}

// suggest finds the field a mistyped key probably meant: the same name in another case, or its
// singular or plural ("brand" for "brands").
func suggest(fields map[string]reflect.Type, key string) string {
	for _, name := range slices.Sorted(maps.Keys(fields)) {
		if strings.EqualFold(name, key) || strings.EqualFold(name, key+"s") || strings.EqualFold(name+"s", key) {
			return name
		}
	}
	return ""
}

// skip consumes the rest of a value whose first token has been read.
func (c *shapeChecker) skip(tok json.Token) error {
	if d, ok := tok.(json.Delim); !ok || (d != '{' && d != '[') {
		return nil
	}
	for depth := 1; depth > 0; {
		tok, err := c.dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// jsonFields maps the JSON names of a struct's fields to their types, with untagged embedded structs
// (Rule's Action) flattened the way encoding/json flattens them.
func jsonFields(t reflect.Type) map[string]reflect.Type {
	fields := map[string]reflect.Type{}
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		tag := f.Tag.Get("json")
		if f.Anonymous && tag == "" {
			for name, ft := range jsonFields(f.Type) {
				fields[name] = ft
			}
			continue
		}
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		fields[name] = f.Type
	}
	return fields
}

func joinPath(path, name string) string {
	if path == "" {
		return name
	}
	return path + "." + name
}
