package admin

import (
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/gin-gonic/gin"
)

// verbs returns a message's fmt verbs in order (%d, %s, %[1]s ...), %% excluded.
var verbRE = regexp.MustCompile(`%(\[\d+\])?[-+# 0]*\d*(\.\d+)?[a-zA-Z%]`)

func verbs(msg string) []string {
	var vs []string
	for _, v := range verbRE.FindAllString(msg, -1) {
		if v != "%%" {
			vs = append(vs, v)
		}
	}
	slices.Sort(vs)
	return vs
}

func TestCatalogsMatch(t *testing.T) {
	t.Parallel()
	cs, err := loadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	en, es := cs.keys(langEnglish), cs.keys(langSpanish)
	for _, k := range en {
		if _, ok := slices.BinarySearch(es, k); !ok {
			t.Errorf("%q is in en.json, not in es.json", k)
		}
	}
	for _, k := range es {
		if _, ok := slices.BinarySearch(en, k); !ok {
			t.Errorf("%q is in es.json, not in en.json", k)
		}
	}
	for _, k := range en {
		e, s := cs.messages[langEnglish][k], cs.messages[langSpanish][k]
		if strings.TrimSpace(e) == "" || strings.TrimSpace(s) == "" {
			t.Errorf("%q is empty in a catalog", k)
		}
		if !slices.Equal(verbs(e), verbs(s)) {
			t.Errorf("%q: en has verbs %v, es %v", k, verbs(e), verbs(s))
		}
	}
}

// keyRE finds the literal translation keys templates pass to T.
var templateKeyRE = regexp.MustCompile(`\bT\s+"([^"]+)"`)

// goKeyRE finds the literal keys Go code passes to the functions that translate.
var goKeyRE = regexp.MustCompile(`\b(?:errorPage|apiError|fail|forbid|flash|confirmed|T)\([^"\n]*"([a-z_]+(?:\.[a-z_]+)+)"`)

func TestUsedKeysExist(t *testing.T) {
	t.Parallel()
	cs, err := loadCatalogs()
	if err != nil {
		t.Fatal(err)
	}
	used := 0
	err = fs.WalkDir(templatesFS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := templatesFS.ReadFile(p)
		if err != nil {
			return err
		}
		for _, m := range templateKeyRE.FindAllStringSubmatch(string(b), -1) {
			used++
			if !cs.has(m[1]) {
				t.Errorf("%s uses %q, which no catalog has", p, m[1])
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	goFiles, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range goFiles {
		if strings.HasSuffix(p, "_test.go") {
			continue
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		var code strings.Builder // without comments, whose examples name keys of pages to come
		for line := range strings.Lines(string(b)) {
			if !strings.HasPrefix(strings.TrimSpace(line), "//") {
				code.WriteString(line)
			}
		}
		for _, m := range goKeyRE.FindAllStringSubmatch(code.String(), -1) {
			used++
			if !cs.has(m[1]) {
				t.Errorf("%s uses %q, which no catalog has", p, m[1])
			}
		}
	}
	// The keys built at run time: roles and sections.
	for _, k := range []string{"role.admin", "role.support"} {
		used++
		if !cs.has(k) {
			t.Errorf("no %q", k)
		}
	}
	for _, s := range sections {
		used++
		if !cs.has(s.Key) || !cs.has(s.Key+".about") {
			t.Errorf("no %q or %q", s.Key, s.Key+".about")
		}
	}
	if used < 30 {
		t.Errorf("found only %d keys in use: the patterns no longer match the code", used)
	}
}

// pageSamples is sample data for every page template, by name. A section's test file adds its
// pages in an init function (pageSamples["orders"] = ...).
var pageSamples = map[string]any{
	"login":       loginData{Email: "a@example.com", Next: "/", Error: "x"},
	"home":        nil,
	"placeholder": sections[1],
	"error":       errorData{Status: 403, Message: "error.forbidden"},
	"confirm":     confirmData{Question: "q", Action: "/x", Fields: []confirmFormField{{"a", "b"}}, Back: "/"},
}

// TestTemplatesRenderInBothLanguages renders every page template in English and Spanish and
// fails on a missing key ([[key]]) or an untranslated layout.
func TestTemplatesRenderInBothLanguages(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	pages := pageSamples
	if got, want := len(f.ui.tmpl.pages[langEnglish]), len(pages); got != want {
		t.Fatalf("%d page templates, the test knows %d: add the new one", got, want)
	}
	for _, lang := range []string{langEnglish, langSpanish} {
		for name, data := range pages {
			t.Run(lang+"/"+name, func(t *testing.T) {
				t.Parallel()
				f := newFixture(t)
				f.ui.routes.Pages.GET("/test/render", func(c *gin.Context) { f.ui.render(c, http.StatusOK, name, data) })
				resp := f.do(t, f.as(admin, req{method: "GET", path: "/test/render", headers: map[string]string{"Accept-Language": lang}}))
				body := resp.Body.String()
				if resp.Code != 200 {
					t.Fatalf("status %d: %s", resp.Code, body)
				}
				if strings.Contains(body, "[[") {
					t.Errorf("missing translation: %s", body)
				}
				if !strings.Contains(body, `<html lang="`+lang+`">`) {
					t.Errorf("no <html lang=%q>", lang)
				}
				signOut := map[string]string{langEnglish: "Sign out", langSpanish: "Cerrar sesión"}[lang]
				if !strings.Contains(body, signOut) {
					t.Errorf("layout not in %s", lang)
				}
			})
		}
	}
}

// TestEveryControlHasALabel checks the rendered forms: every visible input, select and textarea
// has a <label for> (or aria-label), every button has text.
func TestEveryControlHasALabel(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	control := regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	id := regexp.MustCompile(`\bid="([^"]+)"`)
	for _, r := range []req{{method: "GET", path: "/login"}, f.as(admin, req{method: "GET", path: "/"})} {
		body := f.do(t, r).Body.String()
		for _, c := range control.FindAllString(body, -1) {
			if strings.Contains(c, `type="hidden"`) || strings.Contains(c, "aria-label=") {
				continue
			}
			m := id.FindStringSubmatch(c)
			if m == nil || !strings.Contains(body, `<label for="`+m[1]+`">`) {
				t.Errorf("%s: control without a label: %s", r.path, c)
			}
		}
		if strings.Contains(body, "></button>") {
			t.Errorf("%s: a button without text", r.path)
		}
	}
}

// A section's catalog files join the shared ones; a key defined twice is refused.
func TestSectionCatalogs(t *testing.T) {
	t.Parallel()
	files := fstest.MapFS{
		"i18n/en.json":        {Data: []byte(`{"nav.home":"Home"}`)},
		"i18n/es.json":        {Data: []byte(`{"nav.home":"Inicio"}`)},
		"i18n/orders.en.json": {Data: []byte(`{"orders.title":"Orders"}`)},
		"i18n/orders.es.json": {Data: []byte(`{"orders.title":"Pedidos"}`)},
	}
	cs, err := loadCatalogsFrom(files)
	if err != nil {
		t.Fatal(err)
	}
	if got := cs.T(langSpanish, "orders.title"); got != "Pedidos" {
		t.Errorf("orders.title in Spanish = %q", got)
	}
	if got := cs.T(langEnglish, "nav.home"); got != "Home" {
		t.Errorf("nav.home = %q", got)
	}
	files["i18n/logs.en.json"] = &fstest.MapFile{Data: []byte(`{"orders.title":"Again"}`)}
	if _, err := loadCatalogsFrom(files); err == nil || !strings.Contains(err.Error(), `"orders.title" is defined twice`) {
		t.Errorf("a key defined twice: %v", err)
	}
}
