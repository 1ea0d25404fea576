package sandbox

import (
	"strconv"
	"time"
	"unicode/utf8"
)

// The feeds (GetCatalog, GetPriceList, GetInventory, DownloadExtendedCatalog) are written with the
// appenders of this file and feed_items.go instead of encoding/json: reflection, the re-scan of every
// MarshalJSON result and the per-item structs cost more CPU than the connector spends reading the
// feeds, on the same machine. The output is byte for byte what json.Encoder wrote (the tests in
// feed_equiv_test.go hold them to it), so the encoding rules below are encoding/json's.

const hexDigits = "0123456789abcdef"

// jsonPlain marks the ASCII bytes encoding/json copies as they are with HTML escaping on (as
// json.Marshal and json.Encoder use it): everything printable but `"`, `\`, `<`, `>` and `&`.
var jsonPlain = func() (t [utf8.RuneSelf]bool) {
	for b := 0x20; b < utf8.RuneSelf; b++ {
		t[b] = true
	}
	for _, b := range `"\<>&` {
		t[b] = false
	}
	return t
}()

// appendJSONString appends s as encoding/json writes a string.
func appendJSONString[S []byte | string](dst []byte, s S) []byte {
	dst = append(dst, '"')
	dst = appendJSONStringBody(dst, s)
	return append(dst, '"')
}

// appendJSONStringBody appends s escaped as encoding/json escapes it, without the quotes: control
// characters, `"` and `\`, the HTML-sensitive <, > and &, U+2028 and U+2029; invalid UTF-8 becomes
// \ufffd.
func appendJSONStringBody[S []byte | string](dst []byte, s S) []byte {
	start := 0
	for i := 0; i < len(s); {
		b := s[i]
		if b < utf8.RuneSelf {
			if jsonPlain[b] {
				i++
				continue
			}
			dst = append(dst, s[start:i]...)
			switch b {
			case '\\', '"':
				dst = append(dst, '\\', b)
			case '\b':
				dst = append(dst, '\\', 'b')
			case '\f':
				dst = append(dst, '\\', 'f')
			case '\n':
				dst = append(dst, '\\', 'n')
			case '\r':
				dst = append(dst, '\\', 'r')
			case '\t':
				dst = append(dst, '\\', 't')
			default:
				dst = append(dst, '\\', 'u', '0', '0', hexDigits[b>>4], hexDigits[b&0xf])
			}
			i++
			start = i
			continue
		}
		// Converting at most UTFMax bytes keeps the []byte case from allocating.
		c, size := utf8.DecodeRuneInString(string(s[i:min(len(s), i+utf8.UTFMax)]))
		if c == utf8.RuneError && size == 1 {
			dst = append(dst, s[start:i]...)
			dst = append(dst, `\ufffd`...)
			i++
			start = i
			continue
		}
		if c == '\u2028' || c == '\u2029' {
			dst = append(dst, s[start:i]...)
			dst = append(dst, '\\', 'u', '2', '0', '2', hexDigits[c&0xf])
			i += size
			start = i
			continue
		}
		i += size
	}
	return append(dst, s[start:]...)
}

func appendJSONBool(dst []byte, b bool) []byte {
	if b {
		return append(dst, "true"...)
	}
	return append(dst, "false"...)
}

// appendScaled appends v·10^-scale, scale > 0, as decimal.New(v, -scale).String() (and so
// iws.Decimal's MarshalJSON) writes it: no exponent, trailing fractional zeros and a bare point
// dropped.
func appendScaled(dst []byte, v int64, scale int) []byte {
	var tmp [24]byte
	digits := strconv.AppendUint(tmp[:0], absInt64(v), 10)
	if v < 0 {
		dst = append(dst, '-')
	}
	var intPart, frac []byte
	zeros := 0
	if len(digits) > scale {
		intPart, frac = digits[:len(digits)-scale], digits[len(digits)-scale:]
	} else {
		intPart, frac, zeros = []byte{'0'}, digits, scale-len(digits)
	}
	for len(frac) > 0 && frac[len(frac)-1] == '0' {
		frac = frac[:len(frac)-1]
	}
	dst = append(dst, intPart...)
	if len(frac) == 0 {
		return dst
	}
	dst = append(dst, '.')
	for range zeros {
		dst = append(dst, '0')
	}
	return append(dst, frac...)
}

func absInt64(v int64) uint64 {
	if v < 0 {
		return uint64(-(v + 1)) + 1 // also right for math.MinInt64
	}
	return uint64(v)
}

// appendUnixTime appends the time sec seconds after the epoch as iws.Time's MarshalJSON writes it.
func appendUnixTime(dst []byte, sec int64) []byte {
	t := time.Unix(sec, 0).UTC()
	if t.IsZero() {
		return append(dst, "null"...)
	}
	dst = append(dst, '"')
	dst = t.AppendFormat(dst, time.RFC3339Nano)
	return append(dst, '"')
}

// appendHex appends v in lower-case hex, zero-padded to width digits (as fmt's %0<width>x).
func appendHex(dst []byte, v uint64, width int) []byte {
	var tmp [16]byte
	digits := strconv.AppendUint(tmp[:0], v, 16)
	for range width - len(digits) {
		dst = append(dst, '0')
	}
	return append(dst, digits...)
}
