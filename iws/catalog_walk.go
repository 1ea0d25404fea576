package iws

import (
	"bytes"
	"encoding/json"
	"strings"
)

// The catalog mirror reads GetCatalog twice per sync (StreamCatalogMaster, then
// StreamCatalogDescriptions for the second locale): 100,000 items whose decoding by reflection
// was most of a sync's client CPU. Their items are walked here in one pass over JSON the stream
// decoder has already checked, for the shapes IWS sends: strings, null, objects and arrays of the
// expected kinds, each known key once. Anything else (a number where a string belongs, a repeated
// key, a non-ASCII key that encoding/json could fold onto a field name, an escape that does not
// decode) makes the walk give up, and the whole item goes through encoding/json, which decides
// the error as before. TestCatalogWalkMatchesEncodingJSON and FuzzCatalogWalk check the two
// paths against each other.

// UnmarshalJSON implements json.Unmarshaler for the stream decoder, which hands over each item
// checked and in place (decoding into a json.RawMessage first would copy every item).
func (m *catalogMaster) UnmarshalJSON(b []byte) error {
	var w catalogMaster
	if b = trimJSONSpace(b); len(b) > 0 && b[0] == '{' && walkObject(b, w.set) == nil {
		*m = w
		return nil
	}
	type product catalogMaster // without this method
	return json.Unmarshal(b, (*product)(m))
}

// catalogDescription is CatalogDescription decoded by the walk (StreamCatalogDescriptions).
type catalogDescription CatalogDescription

// UnmarshalJSON implements json.Unmarshaler, as catalogMaster's does.
func (d *catalogDescription) UnmarshalJSON(b []byte) error {
	var w CatalogDescription
	if b = trimJSONSpace(b); len(b) > 0 && b[0] == '{' && walkObject(b, w.set) == nil {
		*d = catalogDescription(w)
		return nil
	}
	return json.Unmarshal(b, (*CatalogDescription)(d))
}

// walkObject calls set with every member of the valid JSON object b; a key that is not ASCII or
// a known key seen twice (set reports its field's bit) gives up.
func walkObject(b []byte, set func(key string, v []byte) (uint32, error)) error {
	var seen uint32
	return eachMember(b, func(key string, v []byte) error {
		if !isASCII(key) {
			return errNotPlain
		}
		bit, err := set(key, v)
		if err != nil {
			return err
		}
		if seen&bit != 0 {
			return errNotPlain
		}
		seen |= bit
		return nil
	})
}

func (d *CatalogDescription) set(key string, v []byte) (uint32, error) {
	switch {
	case strings.EqualFold(key, "Sku"):
		return 1 << 0, walkString(v, &d.Sku)
	case strings.EqualFold(key, "Description"):
		return 1 << 1, walkString(v, &d.Description)
	}
	return 0, nil
}

func (m *catalogMaster) set(key string, v []byte) (uint32, error) {
	switch {
	case strings.EqualFold(key, "Sku"):
		return 1 << 0, walkString(v, &m.Sku)
	case strings.EqualFold(key, "Mpn"):
		return 1 << 1, walkString(v, &m.Mpn)
	case strings.EqualFold(key, "Manufacturer"):
		return 1 << 2, walkPointer(v, &m.Manufacturer, (*Manufacturer).set)
	case strings.EqualFold(key, "Brand"):
		return 1 << 3, walkPointer(v, &m.Brand, (*Brand).set)
	case strings.EqualFold(key, "Category"):
		return 1 << 4, walkPointer(v, &m.Category, (*Category).set)
	case strings.EqualFold(key, "Description"):
		return 1 << 5, walkString(v, &m.Description)
	case strings.EqualFold(key, "Type"):
		return 1 << 6, walkString(v, &m.Type)
	case strings.EqualFold(key, "Upc"):
		if bytes.Equal(v, jsonNull) {
			m.Upc = nil
			return 1 << 7, nil
		}
		m.Upc = new(string)
		return 1 << 7, walkString(v, m.Upc)
	case strings.EqualFold(key, "Freight"):
		return 1 << 8, walkPointer(v, &m.Freight, (*Freight).set)
	case strings.EqualFold(key, "RealStockValue"):
		switch {
		case bytes.Equal(v, jsonNull):
			m.RealStockValue = nil
		case bytes.Equal(v, jsonTrue):
			m.RealStockValue = new(true)
		case bytes.Equal(v, jsonFalse):
			m.RealStockValue = new(false)
		default:
			return 0, errNotPlain
		}
		return 1 << 9, nil
	}
	return 0, nil
}

func (m *Manufacturer) set(key string, v []byte) (uint32, error) {
	switch {
	case strings.EqualFold(key, "ManufacturerId"):
		return 1 << 0, walkString(v, &m.ManufacturerID)
	case strings.EqualFold(key, "Description"):
		return 1 << 1, walkString(v, &m.Description)
	}
	return 0, nil
}

func (b *Brand) set(key string, v []byte) (uint32, error) {
	switch {
	case strings.EqualFold(key, "ManufacturerId"):
		return 1 << 0, walkString(v, &b.ManufacturerID)
	case strings.EqualFold(key, "BrandId"):
		return 1 << 1, walkString(v, &b.BrandID)
	case strings.EqualFold(key, "Description"):
		return 1 << 2, walkString(v, &b.Description)
	}
	return 0, nil
}

func (c *Category) set(key string, v []byte) (uint32, error) {
	switch {
	case strings.EqualFold(key, "CategoryId"):
		return 1 << 0, walkString(v, &c.CategoryID)
	case strings.EqualFold(key, "Description"):
		return 1 << 1, walkString(v, &c.Description)
	case strings.EqualFold(key, "Subcategories"):
		if bytes.Equal(v, jsonNull) {
			c.Subcategories = nil
			return 1 << 2, nil
		}
		if v[0] != '[' {
			return 0, errNotPlain
		}
		c.Subcategories = []Category{}
		err := eachElement(v, func(e []byte) error {
			var sub Category
			switch {
			case bytes.Equal(e, jsonNull): // a zero Category, as encoding/json leaves it
			case e[0] == '{':
				if err := walkObject(e, sub.set); err != nil {
					return err
				}
			default:
				return errNotPlain
			}
			c.Subcategories = append(c.Subcategories, sub)
			return nil
		})
		return 1 << 2, err
	}
	return 0, nil
}

func (f *Freight) set(key string, v []byte) (uint32, error) {
	switch {
	case strings.EqualFold(key, "Item"):
		return 1 << 0, walkPointer(v, &f.Item, (*Measures).set)
	case strings.EqualFold(key, "Package"):
		return 1 << 1, walkPointer(v, &f.Package, (*Measures).set)
	}
	return 0, nil
}

func (m *Measures) set(key string, v []byte) (uint32, error) {
	var dst **Decimal
	var bit uint32
	switch {
	case strings.EqualFold(key, "Weight"):
		dst, bit = &m.Weight, 1<<0
	case strings.EqualFold(key, "Length"):
		dst, bit = &m.Length, 1<<1
	case strings.EqualFold(key, "Width"):
		dst, bit = &m.Width, 1<<2
	case strings.EqualFold(key, "Height"):
		dst, bit = &m.Height, 1<<3
	default:
		return 0, nil
	}
	if bytes.Equal(v, jsonNull) {
		*dst = nil
		return bit, nil
	}
	d := new(Decimal)
	if d.UnmarshalJSON(v) != nil {
		return 0, errNotPlain
	}
	*dst = d
	return bit, nil
}

// walkString decodes a JSON string into dst; null leaves dst alone, as encoding/json does.
func walkString(v []byte, dst *string) error {
	if bytes.Equal(v, jsonNull) {
		return nil
	}
	if v[0] != '"' {
		return errNotPlain
	}
	s, err := jsonString(v)
	if err != nil {
		return errNotPlain
	}
	*dst = s
	return nil
}

// walkPointer decodes a JSON object into a new *T at dst (null makes it nil).
func walkPointer[T any](v []byte, dst **T, set func(*T, string, []byte) (uint32, error)) error {
	if bytes.Equal(v, jsonNull) {
		*dst = nil
		return nil
	}
	if v[0] != '{' {
		return errNotPlain
	}
	t := new(T)
	if err := walkObject(v, func(key string, v []byte) (uint32, error) { return set(t, key, v) }); err != nil {
		return err
	}
	*dst = t
	return nil
}

// eachElement calls fn with every element of the valid JSON array b (b[0] == '['), in order.
func eachElement(b []byte, fn func(v []byte) error) error {
	i := skipSpace(b, 1)
	for i < len(b) && b[i] != ']' {
		end := endOfValue(b, i)
		if err := fn(b[i:end]); err != nil {
			return err
		}
		i = skipSpace(b, end)
		if i < len(b) && b[i] == ',' {
			i = skipSpace(b, i+1)
		}
	}
	return nil
}

var (
	jsonTrue  = []byte("true")
	jsonFalse = []byte("false")
)
