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
	"time"

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

	if _, _, err := runCmd(ctx, map[string]string{"CONNECTOR_DATABASE_URL": dbURL}, "migrate", "status"); err == nil ||
		!strings.Contains(err.Error(), "CONNECTOR_SECRET_KEY") {
		t.Errorf("migrate without a secret key: %v", err)
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

func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

func TestServeEndToEnd(t *testing.T) {
	dir := t.TempDir()
	dbURL := "sqlite:" + filepath.Join(dir, "data", "connector.db")
	addr := freeAddr(t)
	env := map[string]string{"CONNECTOR_DATABASE_URL": dbURL, "CONNECTOR_SECRET_KEY": testKey, "CONNECTOR_LOG_FORMAT": "json"}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	var stderr string
	go func() {
		var err error
		_, stderr, err = runCmd(ctx, env, "serve", "--addr", addr)
		done <- err
	}()

	base := "http://" + addr
	var resp *http.Response
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp, err = http.Get(base + "/readyz"); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatalf("server never answered: %v", err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("/readyz = %d %s (serve migrates by default)", resp.StatusCode, body)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("serve returned %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop on cancel")
	}
	if !strings.Contains(stderr, `"msg":"http server stopped"`) {
		t.Errorf("no shutdown log:\n%s", stderr)
	}
	if strings.Contains(stderr, testKey) {
		t.Error("the secret key reached the log")
	}
}

func TestServeNoMigrateIsNotReady(t *testing.T) {
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "c.db")
	addr := freeAddr(t)
	env := map[string]string{"CONNECTOR_DATABASE_URL": dbURL, "CONNECTOR_SECRET_KEY": testKey}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() {
		_, _, err := runCmd(ctx, env, "serve", "--addr", addr, "--no-migrate")
		done <- err
	}()
	var resp *http.Response
	var err error
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if resp, err = http.Get("http://" + addr + "/readyz"); err == nil {
			break
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 503 || !strings.Contains(string(body), "pending") {
		t.Errorf("/readyz = %d %s, want 503 with pending migrations", resp.StatusCode, body)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatal(err)
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
