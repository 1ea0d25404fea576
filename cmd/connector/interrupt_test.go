package main

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/intcomex-connector/connector/connector/margin"
	"github.com/intcomex-connector/connector/connector/shops"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/iws/sandbox"
	"github.com/intcomex-connector/connector/platforms/woocommerce/wootest"
	"github.com/intcomex-connector/connector/pricing"
)

// watchWriter is a command's stderr that calls onLine with each complete line as it is written:
// a test acts the moment the command logs something (a retry about to wait), without polling.
type watchWriter struct {
	mu     sync.Mutex
	buf    bytes.Buffer
	onLine func(string)
	part   []byte
}

func (w *watchWriter) Write(p []byte) (int, error) {
	w.mu.Lock()
	w.buf.Write(p)
	w.part = append(w.part, p...)
	var lines []string
	for {
		i := bytes.IndexByte(w.part, '\n')
		if i < 0 {
			break
		}
		lines = append(lines, string(w.part[:i]))
		w.part = w.part[i+1:]
	}
	w.mu.Unlock()
	for _, l := range lines {
		w.onLine(l)
	}
	return len(p), nil
}

func (w *watchWriter) String() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.String()
}

// runCmdWatched is runCmd with stderr watched line by line.
func runCmdWatched(ctx context.Context, env map[string]string, onStderr func(string), args ...string) (string, string, error) {
	var environ []string
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	var stdout bytes.Buffer
	stderr := &watchWriter{onLine: onStderr}
	root := newRootCmd(testApp)
	root.SetArgs(args)
	root.SetOut(&stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(withEnviron(ctx, environ))
	return stdout.String(), stderr.String(), err
}

// Ctrl-C at any moment of `connector sync all` (a download, a throttle wait, a cut stream, a push)
// ends quietly: one line "interrupted", exit status 130, no ERROR line, no IWS error and no
// "malformed" for our own cancellation.
func TestSyncInterruptedEndsQuietly(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		// iws and woo decide, for each request, whether it is the moment to press Ctrl-C: before
		// it is served (cancel first), or after part of its answer (cut).
		iws, woo func(r *http.Request) bool
		cut      bool
		// onStderr is the moment from the command's own log, "" for none.
		onStderr string
		faults   sandbox.Faults
	}{
		{name: "catalog download", iws: method("getcatalog")},
		{name: "price list download", iws: method("getpricelist")},
		{name: "stream cut mid-body", iws: method("getcatalog"), cut: true},
		{name: "throttle wait", onStderr: "iws retry",
			faults: sandbox.Faults{Next: map[string][]sandbox.Fault{"getinventory": {{Kind: sandbox.FaultThrottle}}}}},
		{name: "push", woo: func(r *http.Request) bool {
			return r.Method == http.MethodPost && strings.HasSuffix(r.URL.Path, "/products/batch")
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var once sync.Once
			press := func() { once.Do(cancel) } // Ctrl-C
			env := interruptEnv(t, tc.faults, interrupter(tc.iws, tc.cut, press), interrupter(tc.woo, false, press))
			out, stderr, err := runCmdWatched(ctx, env, func(line string) {
				if tc.onStderr != "" && strings.Contains(line, tc.onStderr) {
					press()
				}
			}, "sync", "all")
			if ctx.Err() == nil {
				t.Fatalf("the moment never came: %v\n%s%s", err, out, stderr)
			}
			t.Logf("stderr:\n%s", stderr)
			var status bytes.Buffer
			if code := exitStatus(ctx, err, &status); code != exitInterrupted || status.String() != "interrupted\n" {
				t.Errorf("exit status %d, main says %q; want 130 and \"interrupted\" (err %v)", code, status.String(), err)
			}
			for _, bad := range []string{"level=ERROR", "IWS error", "IWS answered", "malformed"} {
				if strings.Contains(stderr, bad) {
					t.Errorf("stderr has %q:\n%s", bad, stderr)
				}
			}
		})
	}
}

// method matches an IWS method's requests.
func method(name string) func(*http.Request) bool {
	return func(r *http.Request) bool { return strings.HasSuffix(strings.ToLower(r.URL.Path), "/"+name) }
}

// interrupter wraps a handler: at the first request matching at, it presses Ctrl-C, either before
// serving it or, with cut, after the first bytes of its answer (and then ends the answer there).
func interrupter(at func(*http.Request) bool, cut bool, press func()) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		if at == nil {
			return next
		}
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if !at(r) {
				next.ServeHTTP(w, r)
				return
			}
			if !cut {
				press()
				next.ServeHTTP(w, r)
				return
			}
			rec := httptest.NewRecorder()
			next.ServeHTTP(rec, r)
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Del("Content-Length")
			w.WriteHeader(rec.Code)
			body := rec.Body.Bytes()
			_, _ = w.Write(body[:len(body)/3])
			w.(http.Flusher).Flush()
			press()
			<-r.Context().Done() // the client hangs up once cancelled
		})
	}
}

// interruptEnv is a sandbox and a WooCommerce fake, each behind its wrapper, and a database with
// the sandbox account and a WooCommerce shop.
func interruptEnv(t *testing.T, faults sandbox.Faults, wrapIWS, wrapWoo func(http.Handler) http.Handler) map[string]string {
	t.Helper()
	sb, err := sandbox.New(sandbox.Config{APIKey: syncTestAPIKey, AccessKey: syncTestAccessKey, SKUs: 300, Seed: 3, Faults: faults})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = sb.Close() })
	iwsSrv := httptest.NewServer(wrapIWS(sb))
	t.Cleanup(iwsSrv.Close)
	woo := wootest.New(wootest.Config{ImageCheck: wootest.AllowImages, Currency: "USD"})
	wooSrv := httptest.NewServer(wrapWoo(woo))
	t.Cleanup(wooSrv.Close)

	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "c.db")
	env := map[string]string{
		"CONNECTOR_DATABASE_URL":   dbURL,
		"CONNECTOR_SECRET_KEY":     testKey,
		"CONNECTOR_IWS_URL":        iwsSrv.URL + "/v1/",
		"CONNECTOR_IWS_API_KEY":    syncTestAPIKey,
		"CONNECTOR_IWS_ACCESS_KEY": syncTestAccessKey,
	}
	e := &syncEnv{dbURL: dbURL}
	st := e.open(t)
	defer st.Close()
	ctx := context.Background()
	acct, err := st.SaveIWSAccount(ctx, store.IWSAccount{Name: store.DefaultIWSAccountName, Environment: store.EnvironmentTest,
		BaseURL: iwsSrv.URL + "/v1/", APIKey: syncTestAPIKey, AccessKey: syncTestAccessKey})
	if err != nil {
		t.Fatal(err)
	}
	ck, cs := woo.ConsumerKey()
	creds, err := shops.MarshalCredentials(shops.WooCommerceCredentials{ConsumerKey: ck, ConsumerSecret: cs})
	if err != nil {
		t.Fatal(err)
	}
	shop, err := st.SaveShop(ctx, store.Shop{Name: "Woo", Platform: store.PlatformWooCommerce, BaseURL: wooSrv.URL,
		Credentials: creds, IWSAccountID: acct.ID, Currency: "USD", Locale: "es"})
	if err != nil {
		t.Fatal(err)
	}
	rules, err := pricing.ParseRules(strings.NewReader(`{"currency":"USD","default":{"markup_percent":"20"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if err := margin.Replace(ctx, st, shop.ID, rules); err != nil {
		t.Fatal(err)
	}
	return env
}

// Ctrl-C at any step of the demo's start-up ends it quietly: "interrupted", exit status 130, no
// ERROR line, and the next start works.
func TestDemoStartupInterruptedEndsQuietly(t *testing.T) {
	t.Parallel()
	for _, step := range []string{"data folder locked", "sandbox answering", "storefronts started", "mirror catalog", "mirror listings", "webhooks registered"} {
		t.Run(step, func(t *testing.T) {
			t.Parallel()
			dataDir := filepath.Join(t.TempDir(), "demo")
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			var mu sync.Mutex
			var seen []string
			hooks := demoHooks{
				Progress: func(s string) {
					mu.Lock()
					seen = append(seen, s)
					mu.Unlock()
					if strings.HasPrefix(s, step) {
						cancel()
					}
				},
				Ready: func(demoRunning) { cancel() }, // too late: reported below
			}
			_, stderr, err := runCmd(withDemoHooks(ctx, hooks), map[string]string{"CONNECTOR_LOG_LEVEL": "debug"},
				"demo", "--addr", "127.0.0.1:0", "--data", dataDir, "--skus", "200", "--sample-orders=false")
			mu.Lock()
			if !slices.ContainsFunc(seen, func(s string) bool { return strings.HasPrefix(s, step) }) {
				t.Fatalf("the step never came; steps %q", seen)
			}
			mu.Unlock()
			var status bytes.Buffer
			if code := exitStatus(ctx, err, &status); code != exitInterrupted || status.String() != "interrupted\n" {
				t.Errorf("exit status %d, main says %q; want 130 and \"interrupted\" (err %v)", code, status.String(), err)
			}
			for _, bad := range []string{"level=ERROR", "IWS error", "malformed"} {
				if strings.Contains(stderr, bad) {
					t.Errorf("stderr has %q:\n%s", bad, stderr)
				}
			}
			// Nothing was left half done that the next start trips over.
			again, stop := runDemoUntilReady(t, nil, dataDir)
			if len(again.info.Shops) != 2 || again.info.Products.Mirrored != 200 {
				t.Errorf("start after the interrupted one: %+v", again.info)
			}
			if r := stop(); r.err != nil {
				t.Error(r.err)
			}
		})
	}
}
