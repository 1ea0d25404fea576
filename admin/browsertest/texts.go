package browsertest

import (
	"encoding/json"
	"fmt"
	"io/fs"
	"path"
	"strings"
	"testing"
)

// Texts are the web UI's translations as the admin package keeps them (i18n/LANG.json and
// i18n/SECTION.LANG.json: flat JSON objects, key to message with fmt verbs), so that a test
// looks for what the page says in the page's language without copying the words.
type Texts map[string]map[string]string // language → key → message

// LoadTexts reads the translations of every language under fsys's i18n directory, e.g.
// LoadTexts(os.DirFS("../../admin")) from a test in cmd/connector.
func LoadTexts(fsys fs.FS) (Texts, error) {
	names, err := fs.Glob(fsys, "i18n/*.json")
	if err != nil {
		return nil, fmt.Errorf("browsertest: translations: %w", err)
	}
	if len(names) == 0 {
		return nil, fmt.Errorf("browsertest: translations: no i18n/*.json")
	}
	tx := Texts{}
	for _, name := range names {
		base := strings.TrimSuffix(path.Base(name), ".json")
		lang := base[strings.LastIndexByte(base, '.')+1:] // "en" of "en" and of "orders.en"
		raw, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, fmt.Errorf("browsertest: translations: %w", err)
		}
		part := map[string]string{}
		if err := json.Unmarshal(raw, &part); err != nil {
			return nil, fmt.Errorf("browsertest: translations %s: %w", name, err)
		}
		if tx[lang] == nil {
			tx[lang] = map[string]string{}
		}
		for k, v := range part {
			tx[lang][k] = v
		}
	}
	return tx, nil
}

// T returns the message of key in lang with args formatted in, failing t when there is none.
func (tx Texts) T(t testing.TB, lang, key string, args ...any) string {
	t.Helper()
	msg, ok := tx[lang][key]
	if !ok {
		t.Fatalf("browsertest: no %s translation of %q", lang, key)
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}
