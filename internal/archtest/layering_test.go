// Package archtest enforces the import directions of DESIGN.md: dependencies point downward only,
// cmd → (admin, webhooks) → connector → (platforms, iws, pricing), with the leaf packages under
// internal/ (standard library only) usable by every layer. It reads `go list`, so it checks what
// the compiler sees, not what a comment hopes.
package archtest

import (
	"bufio"
	"bytes"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"
)

const module = "github.com/intcomex-connector/connector"

// layer is what a group of packages may import from the module, as path prefixes relative to the
// module root ("" is the module root itself). A package matches the most specific (longest)
// prefix.
type layer struct {
	prefix string
	allow  []string
}

// layers, from the bottom up. Every package of the module must fall in one of them.
var layers = []layer{
	{"internal/", nil}, // leaves: the standard library and outside modules only
	{"migrations", nil},
	{"pricing", []string{"internal/"}},
	{"iws", []string{"internal/", "iws"}}, // iws/sandbox uses the client's models
	{"platforms", []string{"internal/", "platforms"}},
	{"connector", []string{"internal/", "migrations", "pricing", "iws", "platforms", "connector"}},
	// The store persists; it is not the domain: it knows the leaf packages whose types it keeps,
	// and nothing of pricing, the IWS client, the adapters or the jobs above it.
	{"connector/store", []string{"internal/", "migrations", "connector/secret", "connector/policy", "connector/mirror", "connector/store"}},
	{"connector/policy", []string{"internal/"}},
	{"connector/mirror", []string{"internal/"}},
	{"connector/secret", []string{"internal/"}},
	{"webhooks", []string{"internal/", "migrations", "pricing", "iws", "platforms", "connector"}},
	{"admin", []string{"internal/", "migrations", "pricing", "iws", "platforms", "connector", "webhooks", "admin/chart"}},
	{"admin/chart", nil}, // the UI's charts: pure drawing, the standard library only
	{"cmd", []string{"internal/", "migrations", "pricing", "iws", "platforms", "connector", "webhooks", "admin"}},
}

// testsObeyLayers are the layers whose test files must keep to the layer rules as well: the
// adapters, the IWS client, pricing and the leaves serve the core and must not import it, not
// even in a test. A test that puts an adapter together with the core (the audit transport around
// each adapter, in connector/audit) lives in the layer above. Packages of the core and above may
// use higher packages in tests (migrations tests read the schema through the store, store tests
// build rows with the margin rules).
var testsObeyLayers = []string{"internal/", "pricing", "iws", "platforms"}

// databasePackages may not be reachable from the adapters, the IWS client or pricing: a path
// ending in "/" names every package under it. database/sql/driver is not one of them: it only
// declares interfaces (shopspring/decimal implements driver.Valuer), it opens nothing.
var databasePackages = []string{"database/sql", "gorm.io/", "github.com/go-sql-driver/", "modernc.org/", "github.com/libtnb/"}

// under reports whether rel (a path relative to the module) is prefix or inside it.
func under(rel, prefix string) bool {
	if strings.HasSuffix(prefix, "/") {
		return strings.HasPrefix(rel, prefix)
	}
	return rel == prefix || strings.HasPrefix(rel, prefix+"/")
}

func layerOf(rel string) (layer, bool) {
	best, found := layer{}, false
	for _, l := range layers {
		if under(rel, l.prefix) && len(l.prefix) >= len(best.prefix) {
			best, found = l, true
		}
	}
	return best, found
}

func goList(t *testing.T, args ...string) []string {
	t.Helper()
	_, file, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(file), "..", "..")
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Dir = root
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %s: %v\n%s", strings.Join(args, " "), err, stderr.String())
	}
	var lines []string
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if line := strings.TrimSpace(sc.Text()); line != "" {
			lines = append(lines, line)
		}
	}
	return lines
}

// TestImportDirections checks every package's imports and, below the core (testsObeyLayers), its
// test files' imports too.
func TestImportDirections(t *testing.T) {
	t.Parallel()
	countImports := map[string]int{}
	for _, line := range goList(t, "-f", "{{.ImportPath}} {{len .Imports}}", "./...") {
		path, n, _ := strings.Cut(line, " ")
		countImports[path], _ = strconv.Atoi(n)
	}
	format := "{{.ImportPath}} {{join .Imports \" \"}} {{join .TestImports \" \"}} {{join .XTestImports \" \"}}"
	for _, line := range goList(t, "-f", format, "./...") {
		fields := strings.Fields(line)
		pkg := strings.TrimPrefix(strings.TrimPrefix(fields[0], module), "/")
		l, ok := layerOf(pkg)
		if !ok {
			t.Errorf("package %s is in no layer of DESIGN.md: add it to archtest's layers", fields[0])
			continue
		}
		imports := fields[1:]
		if !slices.ContainsFunc(testsObeyLayers, func(p string) bool { return under(pkg, p) }) {
			imports = imports[:countImports[fields[0]]]
		}
		for _, imp := range imports {
			if imp == fields[0] {
				continue // an external test package imports the package it tests
			}
			if imp != module && !strings.HasPrefix(imp, module+"/") {
				continue
			}
			rel := strings.TrimPrefix(strings.TrimPrefix(imp, module), "/")
			if !slices.ContainsFunc(l.allow, func(p string) bool { return under(rel, p) }) {
				t.Errorf("%s imports %s: the %q layer may import only %v (DESIGN.md: dependencies point downward)", pkg, rel, l.prefix, l.allow)
			}
		}
	}
}

func TestNoDatabaseBelowTheCore(t *testing.T) {
	t.Parallel()
	for _, root := range []string{"./platforms/...", "./iws/...", "./pricing/...", "./internal/..."} {
		deps := goList(t, "-deps", root)
		for _, d := range deps {
			for _, db := range databasePackages {
				if d == db || (strings.HasSuffix(db, "/") && strings.HasPrefix(d, db)) {
					t.Errorf("%s pulls in the database package %s (DESIGN.md: nothing under platforms/, iws/ or pricing reaches a database)", root, d)
				}
			}
		}
	}
}

// The rules themselves are checked against a known bad import, so a mistake in layerOf cannot
// make the test pass vacuously.
func TestLayersRefuseUpwardImports(t *testing.T) {
	t.Parallel()
	cases := []struct {
		pkg, imp string
		ok       bool
	}{
		{"platforms/shopify", "connector/audit", false},
		{"platforms/shopify", "internal/correlation", true},
		{"iws", "connector/store", false},
		{"pricing", "platforms", false},
		{"connector/listing", "platforms", true},
		{"connector/store", "webhooks", false},
		{"connector/store", "pricing", false},
		{"connector/store/storetest", "connector/store", true},
		{"connector/margin", "pricing", true},
		{"connector/mirror", "connector/store", false},
		{"connector/store", "connector/mirror", true},
		{"webhooks", "connector/store", true},
		{"admin", "cmd/connector", false},
		{"internal/correlation", "connector/audit", false},
	}
	for _, c := range cases {
		l, found := layerOf(c.pkg)
		got := found && slices.ContainsFunc(l.allow, func(p string) bool { return under(c.imp, p) })
		if got != c.ok {
			t.Errorf("%s importing %s: allowed=%v, want %v", c.pkg, c.imp, got, c.ok)
		}
	}
	if _, found := layerOf("nowhere"); found {
		t.Error("a package outside every layer was placed in one")
	}
}
