package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// Every command of the banner's "Try" list works as pasted: the eval line sets the environment
// from `connector demo env`, the connector commands run with it, and the curl lines' requests
// answer. The data folder's name has a space: the quoting must hold.
func TestDemoBannerCommandsWork(t *testing.T) {
	t.Parallel()
	dataDir := filepath.Join(t.TempDir(), "my demo")
	r, stop := runDemoUntilReady(t, nil, dataDir)
	defer stop()
	ctx := context.Background()
	var env map[string]string
	kinds := map[string]int{}
	for _, line := range r.info.Try {
		words := shellWords(t, line)
		kinds[words[0]]++
		switch words[0] {
		case "eval":
			sub, ok := strings.CutPrefix(words[1], "$(")
			if !ok || len(words) != 2 || !strings.HasSuffix(sub, ")") {
				t.Fatalf("eval line %q is not eval \"$(...)\"", line)
			}
			inner := shellWords(t, strings.TrimSuffix(sub, ")"))
			if inner[0] != "connector" {
				t.Fatalf("eval runs %q", inner[0])
			}
			out, stderr, err := runCmd(ctx, nil, inner[1:]...)
			if err != nil || stderr != "" {
				t.Fatalf("%s: %v\n%s", line, err, stderr)
			}
			env = parseExports(t, out)
		case "connector":
			if env == nil {
				t.Fatalf("%q comes before the eval line that sets its environment", line)
			}
			out, stderr, err := runCmd(ctx, env, words[1:]...)
			if err != nil || strings.TrimSpace(out) == "" {
				t.Errorf("%s: %v, stdout %q\n%s", line, err, out, stderr)
			}
			for _, p := range []string{"CONSUMER_KEY", "ACCESS_TOKEN", "<SKU>"} {
				if strings.Contains(line, p) {
					t.Errorf("%q has a placeholder", line)
				}
			}
		case "curl":
			curl(t, words[1:])
		default:
			t.Errorf("unexpected Try line %q", line)
		}
	}
	if kinds["eval"] != 1 || kinds["connector"] < 3 || kinds["curl"] != 3 {
		t.Errorf("Try lines by command: %v", kinds)
	}
	// The environment points at the demo: its database, key, sandbox and address.
	want := map[string]string{
		"CONNECTOR_DATABASE_URL":    r.info.Database,
		"CONNECTOR_SECRET_KEY_FILE": filepath.Join(dataDir, "secret.key"),
		"CONNECTOR_IWS_URL":         r.info.IWS.URL,
		"CONNECTOR_IWS_API_KEY":     r.info.IWS.APIKey,
		"CONNECTOR_IWS_ACCESS_KEY":  r.info.IWS.AccessKey,
		"CONNECTOR_PUBLIC_URL":      strings.TrimSuffix(r.info.AdminURL, "/"),
	}
	for k, v := range want {
		if env[k] != v {
			t.Errorf("demo env %s = %q, want %q", k, env[k], v)
		}
	}
	res := stop()
	for _, line := range r.info.Try {
		if !strings.Contains(res.stdout, "  "+line+"\n") {
			t.Errorf("the banner lacks %q:\n%s", line, res.stdout)
		}
	}
}

func TestDemoEnvWithoutADemo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	_, _, err := runCmd(context.Background(), nil, "demo", "env", "--data", dir)
	if err == nil || !strings.Contains(err.Error(), "holds no demo") || !strings.Contains(err.Error(), "connector demo --data "+dir) {
		t.Errorf("demo env of an empty folder: %v", err)
	}
}

func TestShellQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"sqlite:/tmp/demo/connector.db": "sqlite:/tmp/demo/connector.db",
		"/tmp/my demo":                  "'/tmp/my demo'",
		"it's":                          `'it'\''s'`,
		"":                              "''",
		`{"query":"{ x }"}`:             `'{"query":"{ x }"}'`,
	} {
		if got := shellQuote(in); got != want {
			t.Errorf("shellQuote(%q) = %s, want %s", in, got, want)
		}
		if words := shellWords(t, "echo "+shellQuote(in)); len(words) != 2 || words[1] != in {
			t.Errorf("%q does not come back from the shell: %q", in, words)
		}
	}
}

// parseExports reads `export NAME=value` lines as a shell would.
func parseExports(t *testing.T, out string) map[string]string {
	t.Helper()
	env := map[string]string{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		words := shellWords(t, line)
		switch words[0] {
		case "unset":
		case "export":
			k, v, ok := strings.Cut(words[1], "=")
			if !ok || len(words) != 2 {
				t.Fatalf("export line %q", line)
			}
			env[k] = v
		default:
			t.Fatalf("demo env line %q is neither export nor unset", line)
		}
	}
	return env
}

// shellWords splits a command line as a POSIX shell does for what the banner uses: blanks
// between words, a backslash quoting the next character, single quotes literal, double quotes
// with \" and \\ escapes.
func shellWords(t *testing.T, line string) []string {
	t.Helper()
	var (
		words []string
		cur   strings.Builder
		in    bool // inside a word
	)
	for i := 0; i < len(line); i++ {
		switch c := line[i]; {
		case c == ' ' || c == '\t':
			if in {
				words, in = append(words, cur.String()), false
				cur.Reset()
			}
		case c == '\\' && i+1 < len(line):
			i++
			cur.WriteByte(line[i])
			in = true
		case c == '\'':
			end := strings.IndexByte(line[i+1:], '\'')
			if end < 0 {
				t.Fatalf("unterminated ' in %q", line)
			}
			cur.WriteString(line[i+1 : i+1+end])
			i, in = i+1+end, true
		case c == '"':
			i++
			for ; i < len(line) && line[i] != '"'; i++ {
				if line[i] == '\\' && i+1 < len(line) && (line[i+1] == '"' || line[i+1] == '\\') {
					i++
				}
				cur.WriteByte(line[i])
			}
			if i == len(line) {
				t.Fatalf(`unterminated " in %q`, line)
			}
			in = true
		default:
			cur.WriteByte(c)
			in = true
		}
	}
	if in {
		words = append(words, cur.String())
	}
	return words
}

// curl makes the request of a curl command line (-H, -u, -d and the URL) and checks it answers
// 200 with JSON.
func curl(t *testing.T, args []string) {
	t.Helper()
	var (
		url, user, body string
		headers         [][2]string
	)
	for i := 0; i < len(args); i++ {
		switch args[i] {
		case "-H":
			i++
			k, v, _ := strings.Cut(args[i], ":")
			headers = append(headers, [2]string{k, strings.TrimSpace(v)})
		case "-u":
			i++
			user = args[i]
		case "-d":
			i++
			body = args[i]
		default:
			if strings.HasPrefix(args[i], "-") {
				t.Fatalf("curl option %s not understood by the test", args[i])
			}
			url = args[i]
		}
	}
	method := http.MethodGet
	if body != "" {
		method = http.MethodPost
	}
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range headers {
		req.Header.Set(h[0], h[1])
	}
	if user != "" {
		u, p, _ := strings.Cut(user, ":")
		req.SetBasicAuth(u, p)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !json.Valid(raw) || strings.Contains(string(raw), `"errors"`) {
		t.Errorf("curl %s: %d %.300s", strings.Join(args, " "), resp.StatusCode, raw)
	}
}
