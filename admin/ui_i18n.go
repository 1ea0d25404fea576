package admin

import (
	"embed"
	"encoding/json"
	"fmt"
	"io/fs"
	"maps"
	"slices"
)

// The translations: flat JSON objects, key to message, per language: i18n/en.json and
// i18n/es.json for what every page shares, and i18n/SECTION.en.json, i18n/SECTION.es.json for a
// section's own keys (prefixed with the section's name); a key defined twice is an error. Keys are dotted lower case (section.name); a message with arguments uses fmt verbs
// (%d, %s, or %[1]s where the word order differs). Both files must have the same keys and the
// same verbs per key (a test checks it, and that every key the templates use exists).
//
//go:embed i18n/*.json
var i18nFS embed.FS

// catalogs holds the messages of every UI language.
type catalogs struct {
	messages map[string]map[string]string // language → key → message
}

func loadCatalogs() (*catalogs, error) { return loadCatalogsFrom(i18nFS) }

// loadCatalogsFrom reads the catalogs of every UI language from fsys's i18n folder.
func loadCatalogsFrom(fsys fs.FS) (*catalogs, error) {
	cs := &catalogs{messages: map[string]map[string]string{}}
	for _, l := range uiLanguages {
		sections, err := fs.Glob(fsys, "i18n/*."+l.Code+".json")
		if err != nil {
			return nil, fmt.Errorf("admin: translations: %w", err)
		}
		m := map[string]string{}
		for _, name := range append([]string{"i18n/" + l.Code + ".json"}, sections...) {
			b, err := fs.ReadFile(fsys, name)
			if err != nil {
				return nil, fmt.Errorf("admin: translations: %w", err)
			}
			part := map[string]string{}
			if err := json.Unmarshal(b, &part); err != nil {
				return nil, fmt.Errorf("admin: translations %s: %w", name, err)
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					return nil, fmt.Errorf("admin: translations %s: key %q is defined twice", name, k)
				}
				m[k] = v
			}
		}
		cs.messages[l.Code] = m
	}
	return cs, nil
}

// T translates key into lang, formatting args into the message. A key missing in lang falls
// back to English; a key missing everywhere shows as [[key]], which tests look for.
func (cs *catalogs) T(lang, key string, args ...any) string {
	msg, ok := cs.messages[lang][key]
	if !ok {
		if msg, ok = cs.messages[langEnglish][key]; !ok {
			return "[[" + key + "]]"
		}
	}
	if len(args) == 0 {
		return msg
	}
	return fmt.Sprintf(msg, args...)
}

// has reports whether key exists (in English, the reference catalog).
func (cs *catalogs) has(key string) bool {
	_, ok := cs.messages[langEnglish][key]
	return ok
}

// keys returns lang's keys, sorted.
func (cs *catalogs) keys(lang string) []string {
	return slices.Sorted(maps.Keys(cs.messages[lang]))
}
