package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"path/filepath"
	"strings"
	"testing"
)

// duplicateKeys returns the keys that appear twice in one object of a JSON log line (at any
// depth, groups included): "component=jobs component=jobs" in text form.
func duplicateKeys(line string) ([]string, error) {
	dec := json.NewDecoder(strings.NewReader(line))
	var dups []string
	var object func(path string) error
	var value func(path string) error
	value = func(path string) error {
		tok, err := dec.Token()
		if err != nil {
			return err
		}
		switch tok {
		case json.Delim('{'):
			return object(path)
		case json.Delim('['):
			for dec.More() {
				if err := value(path + "[]"); err != nil {
					return err
				}
			}
			_, err := dec.Token()
			return err
		}
		return nil
	}
	object = func(path string) error {
		seen := map[string]bool{}
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return err
			}
			key := tok.(string)
			if seen[key] {
				dups = append(dups, path+key)
			}
			seen[key] = true
			if err := value(path + key + "."); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return err
	}
	if err := value(""); err != nil {
		return nil, err
	}
	return dups, nil
}

func TestDuplicateKeys(t *testing.T) {
	t.Parallel()
	for line, want := range map[string]string{
		`{"msg":"x","component":"jobs","job":1}`:                       "",
		`{"msg":"x","component":"jobs","component":"jobs"}`:            "component",
		`{"msg":"x","config":{"a":1,"a":2},"a":3}`:                     "config.a",
		`{"msg":"x","list":[{"k":1},{"k":2}],"g":{"h":{"i":1,"i":2}}}`: "g.h.i",
	} {
		dups, err := duplicateKeys(line)
		if err != nil || strings.Join(dups, ",") != want {
			t.Errorf("duplicateKeys(%s) = %v, %v; want %q", line, dups, err, want)
		}
	}
}

// assertNoDuplicateKeys checks every JSON log line of stderr.
func assertNoDuplicateKeys(t *testing.T, what, stderr string) {
	t.Helper()
	lines := 0
	for _, line := range strings.Split(stderr, "\n") {
		if !strings.HasPrefix(line, "{") {
			continue
		}
		lines++
		dups, err := duplicateKeys(line)
		if err != nil && !errors.Is(err, io.EOF) {
			t.Errorf("%s: log line is not JSON (%v): %s", what, err, line)
		}
		if len(dups) > 0 {
			t.Errorf("%s: attribute %v twice in: %s", what, dups, line)
		}
	}
	if lines == 0 {
		t.Errorf("%s logged nothing in JSON:\n%s", what, stderr)
	}
}

// No log line of the demo (start-up sync, push, webhooks, jobs, scheduler, shutdown) or of serve
// carries an attribute twice.
func TestLogsHaveNoAttributeTwice(t *testing.T) {
	t.Parallel()
	env := map[string]string{"CONNECTOR_LOG_FORMAT": "json", "CONNECTOR_LOG_LEVEL": "debug"}
	dataDir := filepath.Join(t.TempDir(), "demo")
	r, stop := runDemoUntilReady(t, env, dataDir)
	placeWooOrder(t, r.info.Shops[0])
	waitWebhookEvent(t, r.info.Database, r.info.Shops[0].ID)
	res := stop()
	if res.err != nil {
		t.Fatal(res.err)
	}
	for _, want := range []string{`"component":"jobs"`, `"component":"scheduler"`, `"component":"sync"`, `"component":"webhooks"`} {
		if !strings.Contains(res.stderr, want) {
			t.Errorf("the demo's log has no %s line: the check did not see that component", want)
		}
	}
	assertNoDuplicateKeys(t, "demo", res.stderr)

	serveEnv := map[string]string{"CONNECTOR_LOG_FORMAT": "json", "CONNECTOR_LOG_LEVEL": "debug",
		"CONNECTOR_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "c.db"), "CONNECTOR_SECRET_KEY": testKey}
	_, serve := startServing(t, serveEnv, "serve")
	res = serve.stop()
	if res.err != nil {
		t.Fatal(res.err)
	}
	assertNoDuplicateKeys(t, "serve", res.stderr)

	var stderr bytes.Buffer
	_, errOut, err := runCmd(context.Background(), map[string]string{"CONNECTOR_LOG_FORMAT": "json", "CONNECTOR_LOG_LEVEL": "debug",
		"CONNECTOR_DATABASE_URL": r.info.Database, "CONNECTOR_SECRET_KEY_FILE": filepath.Join(dataDir, "secret.key")}, "products", "show", "NOSUCHSKU")
	stderr.WriteString(errOut)
	if err == nil {
		t.Fatal("products show NOSUCHSKU succeeded")
	}
	assertNoDuplicateKeys(t, "products show", stderr.String())
}
