package main

import (
	"context"
	"encoding/json"
	"errors"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/audit/audittest"
	"github.com/intcomex-connector/connector/connector/secret"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/iws"
	"github.com/intcomex-connector/connector/iws/sandbox"
)

const (
	sandboxAPIKey    = "c0ffee00-0000-4000-8000-0000000000a1"
	sandboxAccessKey = "5ec12e7a-1111-4222-8333-444455556666"
)

// iwsSandbox starts an IWS sandbox on a loopback port and returns it with its /v1/ URL.
func iwsSandbox(t *testing.T, cfg sandbox.Config) (*sandbox.Sandbox, string) {
	t.Helper()
	cfg.APIKey, cfg.AccessKey = sandboxAPIKey, sandboxAccessKey
	if cfg.SKUs == 0 {
		cfg.SKUs = 300
	}
	sb, err := sandbox.New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sb)
	t.Cleanup(func() {
		srv.Close()
		_ = sb.Close()
	})
	return sb, srv.URL + "/v1/"
}

// physicalSKU is a product of the sandbox that can be ordered.
func physicalSKU(t *testing.T, sb *sandbox.Sandbox) string {
	t.Helper()
	for _, sku := range sb.SKUs() {
		p, err := sb.Product(sku)
		if err != nil {
			t.Fatal(err)
		}
		if p.Type == iws.TypePhysical && p.Price != nil && p.Price.UnitPrice.IsPositive() && *p.InStock > 2 {
			return sku
		}
	}
	t.Fatal("no orderable product")
	return ""
}

// signaturesBetween lists every signature the account could have produced between from and to: the
// command builds its own client, so the test cannot see its tokens, but it can enumerate them.
func signaturesBetween(from, to time.Time) []string {
	var out []string
	for ts := from.Add(-2 * time.Second).Truncate(time.Second); !ts.After(to.Add(2 * time.Second)); ts = ts.Add(time.Second) {
		out = append(out, iws.Signature(sandboxAPIKey, sandboxAccessKey, ts.UTC().Format(iws.TimestampLayout)))
	}
	return out
}

func apiCalls(t *testing.T, dbURL string, opts ...store.Option) []store.APICall {
	t.Helper()
	st, err := store.Open(context.Background(), dbURL, nil, opts...)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	calls, err := st.ListAPICalls(context.Background(), store.APICallFilter{Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return calls
}

func TestIWSCommand(t *testing.T) {
	sb, base := iwsSandbox(t, sandbox.Config{})
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "c.db")
	env := map[string]string{
		"CONNECTOR_DATABASE_URL":   dbURL,
		"CONNECTOR_IWS_URL":        base,
		"CONNECTOR_IWS_API_KEY":    sandboxAPIKey,
		"CONNECTOR_IWS_ACCESS_KEY": sandboxAccessKey,
	}
	ctx := context.Background()
	sku := physicalSKU(t, sb)
	start := time.Now()

	t.Run("getproduct", func(t *testing.T) {
		out, stderr, err := runCmd(ctx, env, "iws", "getproduct", "sku="+sku, "includePriceData=true")
		if err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		var p iws.Product
		if err := json.Unmarshal([]byte(out), &p); err != nil {
			t.Fatalf("not JSON: %v\n%s", err, out)
		}
		if p.Sku != sku || p.Price == nil || !p.Price.UnitPrice.IsPositive() {
			t.Errorf("product %s, price %+v", p.Sku, p.Price)
		}
		if !strings.HasPrefix(out, "{\n  \"") || !strings.HasSuffix(out, "}\n") {
			t.Errorf("not pretty-printed:\n%.200s", out)
		}
	})

	t.Run("authenticate", func(t *testing.T) {
		out, stderr, err := runCmd(ctx, env, "iws", "authenticate")
		if err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		if want := "IWS accepted the token: the API key " + sandboxAPIKey + " and its access key are valid at " + base + "\n"; out != want {
			t.Errorf("stdout = %q, want %q", out, want)
		}
	})

	t.Run("getcatalog page", func(t *testing.T) {
		out, stderr, err := runCmd(ctx, env, "iws", "getcatalog", "page=1", "limit=5")
		if err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		var page iws.Page[iws.Product]
		if err := json.Unmarshal([]byte(out), &page); err != nil {
			t.Fatal(err)
		}
		if page.Page != 1 || page.PageSize != 5 || len(page.Data) != 5 || page.TotalRows != len(sb.SKUs()) || page.Data[0].Sku != sb.SKUs()[0] {
			t.Errorf("page %d of %d, %d rows, %d items", page.Page, page.TotalPages, page.TotalRows, len(page.Data))
		}
	})

	t.Run("placeorder and getorder", func(t *testing.T) {
		body := filepath.Join(t.TempDir(), "order.json")
		if err := os.WriteFile(body, []byte(`[{"Sku":"`+sku+`","Quantity":2}]`+"\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		out, stderr, err := runCmd(ctx, env, "iws", "placeorder", "customerOrderNumber=CLI-1", "--body", body)
		if err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		var placed iws.SalesOrder
		if err := json.Unmarshal([]byte(out), &placed); err != nil {
			t.Fatal(err)
		}
		if placed.CustomerOrderNumber != "CLI-1" || placed.OrderNumber == "" || len(sb.Orders()) != 1 {
			t.Fatalf("placed %+v", placed)
		}
		out, stderr, err = runCmd(ctx, env, "iws", "getorder", "orderNumber=CLI-1")
		if err != nil {
			t.Fatalf("%v\n%s", err, stderr)
		}
		var got iws.SalesOrder
		if err := json.Unmarshal([]byte(out), &got); err != nil {
			t.Fatal(err)
		}
		if got.OrderNumber != placed.OrderNumber || got.Items[0].Product.Sku != sku {
			t.Errorf("getorder found %s, placed %s", got.OrderNumber, placed.OrderNumber)
		}
	})

	t.Run("IWS error", func(t *testing.T) {
		out, stderr, err := runCmd(ctx, env, "iws", "getproduct", "sku=NOSUCH001")
		var exit exitError
		if !errors.As(err, &exit) || exit.code == 0 {
			t.Fatalf("err = %v (%T), want an exitError with a non-zero code", err, err)
		}
		if out != "" {
			t.Errorf("stdout: %q", out)
		}
		for _, want := range []string{"IWS error 20 (HTTP 404): Invalid product.", "reference: ", "sku: NOSUCH001"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		}
	})

	t.Run("ambiguous PlaceOrder", func(t *testing.T) {
		if err := sb.SetFaults(sandbox.Faults{Next: map[string][]sandbox.Fault{"placeorder": {{Kind: sandbox.FaultGateway}}}}); err != nil {
			t.Fatal(err)
		}
		body := `[{"Sku":"` + sku + `","Quantity":1}]`
		_, stderr, err := runCmdStdin(ctx, env, body, "iws", "placeorder", "customerOrderNumber=CLI-2", "--body", "-")
		var exit exitError
		if !errors.As(err, &exit) || exit.code == 0 {
			t.Fatalf("err = %v, want an exitError\n%s", err, stderr)
		}
		for _, want := range []string{"HTTP 502", "502 Bad Gateway", "outcome is unknown", "getorder orderNumber=CLI-2"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("stderr lacks %q:\n%s", want, stderr)
			}
		}
	})

	t.Run("usage errors", func(t *testing.T) {
		tests := []struct {
			args []string
			want string
		}{
			{[]string{"iws", "nosuchmethod"}, `unknown method "nosuchmethod"`},
			{[]string{"iws"}, "name a method"},
			{[]string{"iws", "placeorder", "customerOrderNumber=X"}, "placeorder needs a JSON body: --body FILE or --body -"},
			{[]string{"iws", "getproduct", "sku=" + sku, "--body", filepath.Join("testdata", "nope.json")}, "reading the body"},
			{[]string{"iws", "getproduct", "sku"}, `"sku" is not name=value`},
		}
		for _, tt := range tests {
			_, _, err := runCmd(ctx, env, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("%v: err = %v, want %q", tt.args, err, tt.want)
			}
		}
		bad := filepath.Join(t.TempDir(), "bad.json")
		if err := os.WriteFile(bad, []byte(`{"Sku":`), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, _, err := runCmd(ctx, env, "iws", "placeorder", "--body", bad); err == nil || !strings.Contains(err.Error(), "not valid JSON") {
			t.Errorf("invalid JSON body: %v", err)
		}
		get := filepath.Join(t.TempDir(), "get.json")
		if err := os.WriteFile(get, []byte(`{}`), 0o600); err != nil {
			t.Fatal(err)
		}
		if _, _, err := runCmd(ctx, env, "iws", "getcatalog", "--body", get); err == nil || !strings.Contains(err.Error(), "takes no body") {
			t.Errorf("GET with a body: %v", err)
		}
	})

	t.Run("every call is in api_calls without secrets", func(t *testing.T) {
		calls := apiCalls(t, dbURL)
		var methods []string
		for _, c := range calls {
			methods = append(methods, c.Method)
		}
		// Newest first; the usage errors never reached IWS.
		want := []string{"placeorder", "getproduct", "getorder", "placeorder", "getcatalog", "authenticate", "getproduct"}
		if strings.Join(methods, " ") != strings.Join(want, " ") {
			t.Errorf("api_calls methods %v, want %v", methods, want)
		}
		secrets := append([]string{sandboxAccessKey, "Bearer apiKey="}, signaturesBetween(start, time.Now())...)
		audittest.AssertNoSecrets(t, calls, secrets...)
	})
}

// runCmdStdin is runCmd with stdin.
func runCmdStdin(ctx context.Context, env map[string]string, stdin string, args ...string) (string, string, error) {
	var environ []string
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	var stdout, stderr strings.Builder
	root := newRootCmd(testApp)
	root.SetArgs(args)
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	err := root.ExecuteContext(withEnviron(ctx, environ))
	return stdout.String(), stderr.String(), err
}

func TestIWSCommandStoredAccount(t *testing.T) {
	sb, base := iwsSandbox(t, sandbox.Config{})
	dbURL := "sqlite:" + filepath.Join(t.TempDir(), "c.db")
	ctx := context.Background()
	key, err := secret.ParseKey(testKey)
	if err != nil {
		t.Fatal(err)
	}
	box, err := secret.NewBox(key)
	if err != nil {
		t.Fatal(err)
	}
	// No keys in the environment, and none stored yet.
	env := map[string]string{"CONNECTOR_DATABASE_URL": dbURL, "CONNECTOR_SECRET_KEY": testKey}
	if _, _, err := runCmd(ctx, env, "iws", "authenticate"); err == nil || !strings.Contains(err.Error(), "CONNECTOR_IWS_API_KEY") {
		t.Fatalf("no account: %v", err)
	}

	st, err := store.Open(ctx, dbURL, nil, store.WithSecretBox(box))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.SaveIWSAccount(ctx, store.IWSAccount{
		Name: store.DefaultIWSAccountName, Environment: store.EnvironmentTest, BaseURL: base,
		APIKey: sandboxAPIKey, AccessKey: sandboxAccessKey,
	}); err != nil {
		t.Fatal(err)
	}
	if err := st.Close(); err != nil {
		t.Fatal(err)
	}

	start := time.Now()
	sku := sb.SKUs()[0]
	out, stderr, err := runCmd(ctx, env, "iws", "getproduct", "sku="+sku)
	if err != nil {
		t.Fatalf("%v\n%s", err, stderr)
	}
	var p iws.Product
	if err := json.Unmarshal([]byte(out), &p); err != nil || p.Sku != sku {
		t.Fatalf("stored account: %v, %.200s", err, out)
	}
	calls := apiCalls(t, dbURL, store.WithSecretBox(box))
	if len(calls) != 1 || calls[0].Method != "getproduct" || calls[0].StatusCode != 200 {
		t.Errorf("api_calls: %+v", calls)
	}
	audittest.AssertNoSecrets(t, calls, append([]string{sandboxAccessKey}, signaturesBetween(start, time.Now())...)...)

	// The stored access key cannot be opened without CONNECTOR_SECRET_KEY: say so.
	delete(env, "CONNECTOR_SECRET_KEY")
	_, _, err = runCmd(ctx, env, "iws", "getproduct", "sku="+sku)
	if err == nil || !strings.Contains(err.Error(), "CONNECTOR_SECRET_KEY") {
		t.Errorf("stored account without a secret key: %v", err)
	}
}
