package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/migrations"
)

// testApp is the app of every command the tests run, as main builds one for the process: the
// memory shops of a test's database live across its commands.
var testApp = newApp()

// runCmd runs the root command with args and the given environment, as main would.
func runCmd(ctx context.Context, env map[string]string, args ...string) (string, string, error) {
	var environ []string
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	root := newRootCmd(testApp)
	root.SetArgs(args)
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	err := root.ExecuteContext(withEnviron(ctx, environ))
	return stdout.String(), stderr.String(), err
}

func TestMigrateCommands(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "sub", "c.db")
	env := map[string]string{"CONNECTOR_DATABASE_URL": dbURL, "CONNECTOR_SECRET_KEY": testKey}
	ctx := context.Background()

	out, _, err := runCmd(ctx, env, "migrate", "status")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`00001_init\.sql +pending`).MatchString(out) || regexp.MustCompile(`\b0 pending`).MatchString(out) {
		t.Errorf("status before up:\n%s", out)
	}
	out, _, err = runCmd(ctx, env, "migrate", "up")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`00001_init\.sql +applied`).MatchString(out) || !strings.Contains(out, "0 pending") {
		t.Errorf("up:\n%s", out)
	}

	// status reads no secret: it needs no key. up keeps asking for the one its schema will use.
	out, _, err = runCmd(ctx, map[string]string{"CONNECTOR_DATABASE_URL": dbURL}, "migrate", "status")
	if err != nil || !strings.Contains(out, "0 pending") {
		t.Errorf("migrate status without a secret key: %v\n%s", err, out)
	}
	if _, _, err := runCmd(ctx, map[string]string{"CONNECTOR_DATABASE_URL": dbURL}, "migrate", "up"); err == nil ||
		!strings.Contains(err.Error(), "CONNECTOR_SECRET_KEY") {
		t.Errorf("migrate up without a secret key: %v", err)
	}
}

func TestVersionCommand(t *testing.T) {
	out, _, err := runCmd(context.Background(), nil, "version")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(out, "connector dev (commit") || !strings.Contains(out, "go1.") {
		t.Errorf("version = %q", out)
	}
}

func TestEveryCommandHasHelp(t *testing.T) {
	for _, c := range newRootCmd(newApp()).Commands() {
		if c.Short == "" {
			t.Errorf("%s has no Short description", c.Name())
		}
	}
	for _, name := range []string{"serve", "migrate", "version"} {
		c, _, err := newRootCmd(newApp()).Find([]string{name})
		if err != nil || len(c.Long) < 80 {
			t.Errorf("%s lacks a Long description", name)
		}
	}
}

// runningCmd is a command (serve, demo) running in the background until stop.
type runningCmd struct {
	cancel context.CancelFunc
	done   chan struct{} // closed when the command has returned
	res    cmdResult     // set before done is closed
}

type cmdResult struct {
	stdout, stderr string
	err            error
}

// startCmd runs the root command with args in the background, on ctx (which may carry the
// tests' hooks: withListening, withDemoReady) until stop.
func startCmd(ctx context.Context, env map[string]string, args ...string) *runningCmd {
	ctx, cancel := context.WithCancel(ctx)
	c := &runningCmd{cancel: cancel, done: make(chan struct{})}
	go func() {
		defer close(c.done)
		c.res.stdout, c.res.stderr, c.res.err = runCmd(ctx, env, args...)
	}()
	return c
}

// stop cancels the command, as Ctrl-C would, and returns its result once it has returned.
func (c *runningCmd) stop() cmdResult {
	c.cancel()
	<-c.done
	return c.res
}

// startServing runs a serving command with --addr 127.0.0.1:0 and returns once its HTTP server
// accepts connections, with that server's address. It fails the test if the command ends first.
func startServing(t *testing.T, env map[string]string, args ...string) (string, *runningCmd) {
	t.Helper()
	addrs := make(chan string, 1)
	c := startCmd(withListening(context.Background(), func(addr string) { addrs <- addr }), env,
		append(args, "--addr", "127.0.0.1:0")...)
	t.Cleanup(func() { c.stop() })
	select {
	case addr := <-addrs:
		return addr, c
	case <-c.done:
		t.Fatalf("%s returned before serving: %v\n%s", args[0], c.res.err, c.res.stderr)
		return "", nil
	}
}

func TestServeEndToEnd(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	dbURL := "sqlite:" + filepath.Join(dir, "data", "connector.db")
	env := map[string]string{"CONNECTOR_DATABASE_URL": dbURL, "CONNECTOR_SECRET_KEY": testKey, "CONNECTOR_LOG_FORMAT": "json"}
	addr, serve := startServing(t, env, "serve")

	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatalf("server never answered: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/readyz = %d %s (serve migrates by default)", resp.StatusCode, body)
	}
	r := serve.stop()
	if r.err != nil {
		t.Fatalf("serve returned %v", r.err)
	}
	if !strings.Contains(r.stderr, `"msg":"http server stopped"`) {
		t.Errorf("no shutdown log:\n%s", r.stderr)
	}
	if strings.Contains(r.stderr, testKey) {
		t.Error("the secret key reached the log")
	}
}

func TestServeNoMigrateIsNotReady(t *testing.T) {
	t.Parallel()
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "c.db")
	env := map[string]string{"CONNECTOR_DATABASE_URL": dbURL, "CONNECTOR_SECRET_KEY": testKey}
	addr, serve := startServing(t, env, "serve", "--no-migrate")
	resp, err := http.Get("http://" + addr + "/readyz")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || !strings.Contains(string(body), "pending") {
		t.Errorf("/readyz = %d %s, want 503 with pending migrations", resp.StatusCode, body)
	}
	if r := serve.stop(); r.err != nil {
		t.Fatal(r.err)
	}
}

func TestServeRejectsBadConfigAtOnce(t *testing.T) {
	_, _, err := runCmd(context.Background(), map[string]string{"CONNECTOR_LOG_LEVEL": "loud"}, "serve")
	if err == nil {
		t.Fatal("serve started with a bad configuration")
	}
	for _, want := range []string{"CONNECTOR_LOG_LEVEL", "CONNECTOR_SECRET_KEY"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %s: %v", want, err)
		}
	}
}

func TestOpenDatabaseMigratesUnlessTold(t *testing.T) {
	for _, auto := range []bool{true, false} {
		t.Run(fmt.Sprint("autoMigrate=", auto), func(t *testing.T) {
			cfg, err := loadConfig(map[string]string{
				"CONNECTOR_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "c.db"),
				"CONNECTOR_SECRET_KEY":   testKey,
			}, true)
			if err != nil {
				t.Fatal(err)
			}
			ctx := context.Background()
			st, err := openDatabase(ctx, cfg, discardLogger(), auto)
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			n, err := migrations.Pending(ctx, st.DB(), st.Dialect())
			if err != nil {
				t.Fatal(err)
			}
			if (n == 0) != auto {
				t.Errorf("pending = %d with autoMigrate=%v", n, auto)
			}
			if auto {
				// The store has the configured secret box.
				if _, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: "a", Environment: "test", BaseURL: "https://x/", APIKey: "k", AccessKey: "s"}); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}

// A busy port stops serve at once with one line saying so, before the database is even opened.
func TestServeBusyPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	dir := t.TempDir()
	env := map[string]string{"CONNECTOR_DATABASE_URL": "sqlite:" + filepath.Join(dir, "c.db"), "CONNECTOR_SECRET_KEY": testKey}
	_, stderr, err := runCmd(context.Background(), env, "serve", "--addr", ln.Addr().String())
	if err == nil {
		t.Fatal("serve started on a busy port")
	}
	if msg := err.Error(); !strings.Contains(msg, ln.Addr().String()+" is already in use") || strings.Contains(msg, "\n") {
		t.Errorf("error %q, want one line naming the busy address", msg)
	}
	if stderr != "" {
		t.Errorf("serve logged before giving up on the port:\n%s", stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "c.db")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("the database was opened before the port was taken: %v", err)
	}
}
