package audit

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"unicode/utf8"
)

// Redacted replaces every secret the audit log would otherwise keep.
const Redacted = "REDACTED"

// SensitiveKeys are the JSON object keys and form field names whose values are never stored.
// Names compare after lower-casing and dropping '_', '-', '.' and spaces, so "accessKey",
// "access_key" and "Access-Key" are one name. A name is also sensitive when it ends with one of
// SensitiveSuffixes ("webhookSecret", "storefrontAccessToken"). Options.SensitiveKeys adds more.
// Treat as read-only.
var SensitiveKeys = []string{
	"authorization", "signature", "accesskey", "access_key", "consumer_key", "consumer_secret",
	"client_secret", "access_token", "refresh_token", "id_token", "token", "password", "passwd",
	"secret", "api_secret", "apisecret", "webhook_secret", "private_key", "oauth_signature",
	"oauth_token", "hmac", "cookie", "session",
}

// SensitiveSuffixes make any key ending with them sensitive (after the same normalisation).
var SensitiveSuffixes = []string{"secret", "password", "passwd", "token", "signature", "accesskey", "privatekey"}

// SensitiveQueryParams are redacted in URLs (and form bodies) on top of SensitiveKeys: "code" is
// the OAuth authorization code on install callbacks. IWS's apiKey and utcTimeStamp are kept: the
// first is a public identifier, the second is needed to read the log.
var SensitiveQueryParams = []string{"code"}

// SensitiveHeaders are never stored (their values become REDACTED); any header whose name is a
// sensitive key is redacted too.
var SensitiveHeaders = []string{
	"Authorization", "Proxy-Authorization", "Cookie", "Set-Cookie", "X-Shopify-Access-Token",
	"X-Shopify-Hmac-Sha256", "X-WC-Webhook-Signature", "X-Api-Secret", "X-Access-Key",
}

// maxHeaderBytes caps the stored header block of one request or response.
const maxHeaderBytes = 8 << 10

func normalizeKey(k string) string {
	var b strings.Builder
	b.Grow(len(k))
	for _, r := range strings.ToLower(k) {
		switch r {
		case '_', '-', '.', ' ':
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// redactor holds the compiled sensitive names and the literal secret values of one transport.
type redactor struct {
	keys    map[string]bool // normalised SensitiveKeys + extras
	query   map[string]bool // keys + SensitiveQueryParams
	headers map[string]bool // canonical header names
	values  []string        // literal secrets, longest first
}

func newRedactor(extraKeys, values []string) redactor {
	r := redactor{keys: map[string]bool{}, query: map[string]bool{}, headers: map[string]bool{}}
	for _, k := range slices.Concat(SensitiveKeys, extraKeys) {
		r.keys[normalizeKey(k)] = true
		r.query[normalizeKey(k)] = true
	}
	for _, k := range SensitiveQueryParams {
		r.query[normalizeKey(k)] = true
	}
	for _, h := range SensitiveHeaders {
		r.headers[http.CanonicalHeaderKey(h)] = true
	}
	for _, v := range values {
		// Very short values would blank out unrelated text; such "secrets" are not worth it.
		if len(v) >= 4 {
			r.values = append(r.values, v)
		}
	}
	slices.SortFunc(r.values, func(a, b string) int { return len(b) - len(a) })
	return r
}

func (r redactor) sensitiveKey(k string) bool {
	n := normalizeKey(k)
	if r.keys[n] {
		return true
	}
	for _, s := range SensitiveSuffixes {
		if strings.HasSuffix(n, s) {
			return true
		}
	}
	return false
}

func (r redactor) sensitiveParam(k string) bool {
	return r.query[normalizeKey(k)] || r.sensitiveKey(k)
}

// scrub replaces literal secret values, in their raw, URL-escaped and JSON-escaped forms.
func (r redactor) scrub(s string) string {
	for _, v := range r.values {
		for _, form := range secretForms(v) {
			s = strings.ReplaceAll(s, form, Redacted)
		}
	}
	return s
}

// secretForms lists the encodings under which a secret value may show up in a stored field.
func secretForms(v string) []string {
	forms := []string{v}
	add := func(f string) {
		if f != "" && !slices.Contains(forms, f) {
			forms = append(forms, f)
		}
	}
	add(url.QueryEscape(v))
	add(url.PathEscape(v))
	if b, err := json.Marshal(v); err == nil {
		add(string(b[1 : len(b)-1]))
	}
	return forms
}

// redactURL drops user info and the fragment and replaces sensitive query values, keeping the
// parameters' order.
func (r redactor) redactURL(u *url.URL) string {
	if u == nil {
		return ""
	}
	c := *u
	if c.User != nil {
		c.User = url.User(Redacted)
	}
	c.Fragment, c.RawFragment = "", ""
	c.RawQuery = r.redactPairs(c.RawQuery, r.sensitiveParam)
	return r.scrub(c.String())
}

// redactPairs redacts a&b=c style text (query strings, form bodies), tolerating a cut-off end.
func (r redactor) redactPairs(s string, sensitive func(string) bool) string {
	if s == "" {
		return s
	}
	parts := strings.Split(s, "&")
	for i, p := range parts {
		k, _, hasValue := strings.Cut(p, "=")
		name, err := url.QueryUnescape(k)
		if err != nil {
			name = k
		}
		if hasValue && sensitive(name) {
			parts[i] = k + "=" + Redacted
		}
	}
	return strings.Join(parts, "&")
}

// redactHeaders renders headers as "Name: value" lines, sorted, sensitive values replaced.
func (r redactor) redactHeaders(h http.Header) string {
	if len(h) == 0 {
		return ""
	}
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, k := range names {
		canon := http.CanonicalHeaderKey(k)
		secret := r.headers[canon] || r.sensitiveKey(canon)
		for _, v := range h[k] {
			if secret {
				v = Redacted
			}
			line := canon + ": " + v + "\n"
			if b.Len()+len(line) > maxHeaderBytes {
				b.WriteString("[headers truncated]\n")
				return r.scrub(b.String())
			}
			b.WriteString(line)
		}
	}
	return r.scrub(b.String())
}

// body renders a captured body prefix for storage: decoded if gzip, redacted by content type,
// literal secrets scrubbed, and replaced by a short note when it is not text. Request bodies are
// redacted with the query-parameter names too ("code" of an OAuth token exchange); response
// bodies keep "code", which IWS uses for its error codes.
func (r redactor) body(prefix []byte, limit int, truncated bool, total int64, header http.Header, request bool) (string, bool) {
	if len(prefix) == 0 {
		return "", truncated
	}
	contentType := header.Get("Content-Type")
	mediaType, _, _ := mime.ParseMediaType(contentType)
	switch enc := strings.ToLower(strings.TrimSpace(header.Get("Content-Encoding"))); enc {
	case "", "identity":
	case "gzip", "x-gzip":
		decoded, cut, err := gunzipPrefix(prefix, limit)
		if err != nil {
			return fmt.Sprintf("[gzip body not stored: %d bytes, %v]", total, err), truncated
		}
		prefix, truncated = decoded, truncated || cut
	default:
		return fmt.Sprintf("[%s-encoded body not stored: %d bytes]", enc, total), truncated
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		// Multipart uploads carry files and often signed policy fields.
		return fmt.Sprintf("[%s body not stored: %d bytes]", mediaType, total), truncated
	}
	if truncated {
		prefix = trimPartialRune(prefix)
	}
	if !utf8.Valid(prefix) || bytes.IndexByte(prefix, 0) >= 0 {
		return fmt.Sprintf("[binary body not stored: %d bytes, content type %q]", total, contentType), truncated
	}
	sensitive := r.sensitiveKey
	if request {
		sensitive = r.sensitiveParam
	}
	var out string
	switch {
	case strings.Contains(mediaType, "json") || ((mediaType == "" || mediaType == "text/plain") && looksJSON(prefix)):
		out = string(redactJSON(prefix, sensitive))
	case mediaType == "application/x-www-form-urlencoded" || (mediaType == "" && looksForm(prefix)):
		out = r.redactPairs(string(prefix), sensitive)
	default:
		out = string(prefix)
	}
	return r.scrub(out), truncated
}

func looksJSON(b []byte) bool {
	b = bytes.TrimLeft(b, " \t\r\n")
	return len(b) > 0 && (b[0] == '{' || b[0] == '[')
}

func looksForm(b []byte) bool {
	return bytes.IndexByte(b, '=') > 0 && !bytes.ContainsAny(b, " \t\r\n<>{}")
}

// trimPartialRune drops an incomplete UTF-8 sequence left at the end by the size cap.
func trimPartialRune(b []byte) []byte {
	for i := 1; i <= utf8.UTFMax && i <= len(b); i++ {
		if utf8.RuneStart(b[len(b)-i]) {
			if !utf8.FullRune(b[len(b)-i:]) {
				return b[:len(b)-i]
			}
			return b
		}
	}
	return b
}

// gunzipPrefix decodes as much of a possibly cut gzip stream as it can, up to limit bytes.
func gunzipPrefix(b []byte, limit int) ([]byte, bool, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, false, errors.New("not gzip")
	}
	out, err := io.ReadAll(io.LimitReader(zr, int64(limit)+1))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, false, errors.New("corrupt gzip")
	}
	if len(out) > limit {
		return out[:limit], true, nil
	}
	return out, false, nil
}

// redactJSON replaces the value of every sensitive key with "REDACTED". It scans tokens instead
// of parsing, so it also works on a prefix cut anywhere, on invalid JSON and on JSON lines; a
// value cut off by the end of the input is redacted as a whole.
func redactJSON(b []byte, sensitive func(string) bool) []byte {
	out := make([]byte, 0, len(b)+64)
	for i := 0; i < len(b); {
		if b[i] != '"' {
			out = append(out, b[i])
			i++
			continue
		}
		end, closed := scanString(b, i)
		j := skipSpace(b, end)
		if !closed || j >= len(b) || b[j] != ':' {
			out = append(out, b[i:end]...)
			i = end
			continue
		}
		// b[i:end] is an object key.
		key := jsonKey(b[i:end])
		out = append(out, b[i:j+1]...)
		i = j + 1
		if !sensitive(key) {
			continue
		}
		k := skipSpace(b, i)
		out = append(out, b[i:k]...)
		if k >= len(b) {
			break
		}
		out = append(out, `"`+Redacted+`"`...)
		i = skipValue(b, k)
	}
	return out
}

// jsonKey unquotes a closed JSON string token, falling back to its raw text.
func jsonKey(tok []byte) string {
	var s string
	if err := json.Unmarshal(tok, &s); err == nil {
		return s
	}
	return string(bytes.Trim(tok, `"`))
}

// scanString returns the index just past the string starting at b[i] == '"', and whether its
// closing quote was found.
func scanString(b []byte, i int) (int, bool) {
	for j := i + 1; j < len(b); j++ {
		switch b[j] {
		case '\\':
			j++
		case '"':
			return j + 1, true
		}
	}
	return len(b), false
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n') {
		i++
	}
	return i
}

// skipValue returns the index just past the JSON value starting at b[i], or len(b) when the
// value runs to the end.
func skipValue(b []byte, i int) int {
	switch b[i] {
	case '"':
		end, _ := scanString(b, i)
		return end
	case '{', '[':
		depth := 0
		for j := i; j < len(b); j++ {
			switch b[j] {
			case '"':
				end, _ := scanString(b, j)
				j = end - 1
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return j + 1
				}
			}
		}
		return len(b)
	default:
		j := i
		for j < len(b) && !bytes.ContainsRune([]byte(",}] \t\r\n"), rune(b[j])) {
			j++
		}
		return j
	}
}
