package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/intcomex-connector/connector/connector/audit"
	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/internal/correlation"
	"github.com/intcomex-connector/connector/iws"
)

func newIWSCmd() *cobra.Command {
	var bodyPath string
	var list bool
	cmd := &cobra.Command{
		Use:   "iws METHOD [name=value ...] [--body FILE|-]",
		Short: "Call any Intcomex Web Services method by hand and print its JSON answer",
		Long: `iws calls one IWS method with the configured account and prints the response JSON, pretty, on
standard output. Query parameters are given as name=value pairs (names match case-insensitively,
as IWS does); POST methods take their JSON body from --body FILE, or from standard input with
--body -. The request is signed, retried and logged in the API call log (api_calls) exactly as the
service does it.

The account is CONNECTOR_IWS_URL with CONNECTOR_IWS_API_KEY and CONNECTOR_IWS_ACCESS_KEY; when the
keys are not set, the default IWS account stored in the database is used (which needs
CONNECTOR_SECRET_KEY to decrypt its access key).

An IWS error prints its code, message and reference on standard error and exits with status 1.
` + "\n" + methodsHelp(),
		Example: `  connector iws getproduct sku=SE001MSE01 includePriceData=true
  connector iws getcatalog locale=en page=1 limit=50
  connector iws getorder orderNumber=WC-1001
  connector iws placeorder customerOrderNumber=WC-1001 --body order.json
  echo '[{"Sku":"SE001MSE01","Quantity":1}]' | connector iws placeorder --body -`,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if list {
				fmt.Fprint(cmd.OutOrStdout(), methodsHelp())
				return nil
			}
			if len(args) == 0 {
				return fmt.Errorf("iws: name a method (connector iws --list shows them)")
			}
			return runIWS(cmd, args[0], args[1:], bodyPath)
		},
	}
	cmd.Flags().StringVar(&bodyPath, "body", "", "JSON request body for POST methods: a file path, or - for standard input")
	cmd.Flags().BoolVar(&list, "list", false, "list the IWS methods and their query parameters")
	return cmd
}

// methodsHelp lists every IWS method with its HTTP verb and query parameters.
func methodsHelp() string {
	var b strings.Builder
	b.WriteString("Methods:\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	for _, name := range iws.MethodNames() {
		ep, _ := iws.LookupMethod(name)
		params := strings.Join(ep.Query, " ")
		if ep.Body {
			params = strings.TrimSpace(params + " --body")
		}
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", strings.ToLower(ep.Name), ep.HTTPMethod, params)
	}
	_ = tw.Flush() // writes to a strings.Builder cannot fail
	return b.String()
}

func runIWS(cmd *cobra.Command, method string, pairs []string, bodyPath string) error {
	ctx := cmd.Context()
	ep, ok := iws.LookupMethod(method)
	if !ok {
		return fmt.Errorf("iws: unknown method %q; known: %s", method, strings.ToLower(strings.Join(iws.MethodNames(), ", ")))
	}
	query, err := parseQueryPairs(pairs)
	if err != nil {
		return err
	}
	body, err := readBody(cmd.InOrStdin(), bodyPath)
	if err != nil {
		return err
	}
	if ep.Body && len(body) == 0 {
		return fmt.Errorf("iws: %s needs a JSON body: --body FILE or --body -", strings.ToLower(ep.Name))
	}
	if !ep.Body && len(body) > 0 {
		return fmt.Errorf("iws: %s takes no body", strings.ToLower(ep.Name))
	}

	cfg, logger, st, err := openCLI(cmd, false)
	if err != nil {
		return err
	}
	defer st.Close()

	keys, err := configuredIWSKeys(cmd, cfg, st)
	if err != nil {
		return err
	}
	client, err := keys.client(cfg, st, logger)
	if err != nil {
		return err
	}
	rc, err := client.Raw(correlation.WithMethod(ctx, strings.ToLower(ep.Name)), ep.Name, query, body)
	if err != nil {
		return reportIWSError(cmd.ErrOrStderr(), err, lookupHint(query))
	}
	raw, err := io.ReadAll(rc)
	closeErr := rc.Close() // closing records the call in api_calls
	if err != nil {
		return fmt.Errorf("iws: %s: reading the answer: %w", ep.Name, err)
	}
	if closeErr != nil {
		return fmt.Errorf("iws: %s: %w", ep.Name, closeErr)
	}
	if ep.Name == "Authenticate" && len(bytes.TrimSpace(raw)) == 0 {
		// IWS answers an accepted token with 200 and no body: say so rather than print nothing.
		_, err := fmt.Fprintf(cmd.OutOrStdout(), "IWS accepted the token: the API key %s and its access key are valid at %s\n",
			keys.apiKey, keys.baseURL)
		return err
	}
	return printJSON(cmd.OutOrStdout(), raw)
}

// newIWSClient builds the IWS client for the configured account: the keys from the environment,
// else the default account stored in the database. Every call it makes is recorded in api_calls.
func newIWSClient(cmd *cobra.Command, cfg Config, st *store.Store, logger *slog.Logger) (*iws.Client, error) {
	keys, err := configuredIWSKeys(cmd, cfg, st)
	if err != nil {
		return nil, err
	}
	return keys.client(cfg, st, logger)
}

// iwsKeys are the IWS account a command calls.
type iwsKeys struct{ baseURL, apiKey, accessKey string }

// configuredIWSKeys returns the keys from the environment, else the default account stored in
// the database.
func configuredIWSKeys(cmd *cobra.Command, cfg Config, st *store.Store) (iwsKeys, error) {
	keys := iwsKeys{baseURL: cfg.IWSURL, apiKey: cfg.IWSAPIKey, accessKey: cfg.IWSAccessKey}
	if keys.apiKey != "" && keys.accessKey != "" {
		return keys, nil
	}
	if keys.apiKey != "" || keys.accessKey != "" {
		return keys, errors.New("iws: set both CONNECTOR_IWS_API_KEY and CONNECTOR_IWS_ACCESS_KEY, or neither to use the stored account")
	}
	acct, err := st.DefaultIWSAccount(cmd.Context())
	switch {
	case errors.Is(err, store.ErrNotFound):
		return keys, errors.New("iws: no IWS account: set CONNECTOR_IWS_API_KEY and CONNECTOR_IWS_ACCESS_KEY")
	case err != nil && cfg.SecretKey == "":
		// The store has no secret box then, and its error names a Go option, not the variable.
		return keys, fmt.Errorf("iws: the stored IWS account needs CONNECTOR_SECRET_KEY to decrypt its access key (or set CONNECTOR_IWS_API_KEY and CONNECTOR_IWS_ACCESS_KEY): %w", err)
	case err != nil:
		return keys, fmt.Errorf("iws: stored account: %w", err)
	}
	return iwsKeys{baseURL: acct.BaseURL, apiKey: acct.APIKey, accessKey: acct.AccessKey}, nil
}

// client builds the audited IWS client of the keys, recording its calls through rec (the store,
// or the web UI console's audit.CapturingRecorder of it).
func (k iwsKeys) client(cfg Config, rec audit.Recorder, logger *slog.Logger) (*iws.Client, error) {
	transport := newAuditTransport(http.DefaultTransport.(*http.Transport).Clone(), rec, audit.SystemIWS, cfg, logger, k.accessKey)
	return iws.New(iws.Config{
		BaseURL:    k.baseURL,
		APIKey:     k.apiKey,
		AccessKey:  k.accessKey,
		HTTPClient: &http.Client{Transport: transport, Timeout: cfg.IWSTimeout},
		Logger:     logger,
		UserAgent:  "intcomex-connector/" + version,
	})
}

// openCLI loads the configuration of a one-shot command, its logger and its database (migrated
// unless --no-migrate). The caller closes the store.
func openCLI(cmd *cobra.Command, requireSecretKey bool) (Config, *slog.Logger, *store.Store, error) {
	cfg, err := configFromCmd(cmd, requireSecretKey)
	if err != nil {
		return cfg, nil, nil, err
	}
	logger, err := cliLogger(cmd, cfg)
	if err != nil {
		return cfg, nil, nil, err
	}
	st, err := openDatabase(cmd.Context(), cfg, logger, cfg.AutoMigrate)
	return cfg, logger, st, err
}

// cliLogger is the logger of one-shot commands: warnings and errors only, unless the configured
// level asks for debug, so standard error stays readable.
func cliLogger(cmd *cobra.Command, cfg Config) (*slog.Logger, error) {
	level := cfg.LogLevel
	if level != "debug" {
		level = "warn"
	}
	return newLogger(cmd.ErrOrStderr(), level, cfg.LogFormat)
}

func parseQueryPairs(pairs []string) (url.Values, error) {
	q := url.Values{}
	for _, p := range pairs {
		name, value, ok := strings.Cut(p, "=")
		if !ok || name == "" {
			return nil, fmt.Errorf("iws: %q is not name=value", p)
		}
		q.Add(name, value)
	}
	return q, nil
}

func readBody(stdin io.Reader, path string) ([]byte, error) {
	var (
		raw []byte
		err error
	)
	switch path {
	case "":
		return nil, nil
	case "-":
		raw, err = io.ReadAll(stdin)
	default:
		raw, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("iws: reading the body: %w", err)
	}
	raw = bytes.TrimSpace(raw)
	if !json.Valid(raw) {
		return nil, errors.New("iws: the body is not valid JSON")
	}
	return raw, nil
}

// printJSON writes raw indented when it is JSON, as it came otherwise (an attachment, a CSV).
func printJSON(w io.Writer, raw []byte) error {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil // authenticate answers 200 with an empty body
	}
	var out bytes.Buffer
	if err := json.Indent(&out, raw, "", "  "); err != nil {
		_, err = w.Write(raw)
		return err
	}
	out.WriteByte('\n')
	_, err := out.WriteTo(w)
	return err
}

// reportIWSError prints an IWS error's code, message and reference on stderr and returns an
// error that makes the command exit non-zero without printing it again. An answer without an IWS
// code (a gateway's HTML 502) shows its status and body instead; a failure after which IWS may have
// acted anyway (IsAmbiguous) says so, with how to check. Other errors, whose text says it all
// (including "outcome unknown"), are returned for main to print.
func reportIWSError(stderr io.Writer, err error, lookup string) error {
	if errors.Is(err, context.Canceled) {
		// Our own cancellation (Ctrl-C): an IWS error kept from an attempt before it is history,
		// and main says "interrupted".
		return err
	}
	apiErr, ok := iws.AsError(err)
	if !ok {
		return err
	}
	if apiErr.ErrorCode != 0 {
		fmt.Fprintf(stderr, "IWS error %d (HTTP %d): %s\n", apiErr.ErrorCode, apiErr.HTTPStatus, apiErr.Message)
	} else {
		text := apiErr.Message
		if text == "" {
			text = apiErr.Body
		}
		fmt.Fprintf(stderr, "IWS answered HTTP %d %s: %s\n", apiErr.HTTPStatus, http.StatusText(apiErr.HTTPStatus), text)
	}
	if apiErr.Reference != "" {
		fmt.Fprintf(stderr, "reference: %s\n", apiErr.Reference)
	}
	for _, extra := range apiErr.Details() {
		fmt.Fprintln(stderr, extra)
	}
	if iws.IsAmbiguous(err) {
		fmt.Fprintf(stderr, "the outcome is unknown: IWS may have carried out the %s; check with `connector iws %s` before trying again\n",
			apiErr.Method, lookup)
	}
	return exitError{code: 1, err: err}
}

// lookupHint is the command that shows whether an ambiguous order call took effect: GetOrder by the
// customer order number (or Intcomex order number) given in the query.
func lookupHint(query url.Values) string {
	for _, want := range []string{"customerordernumber", "ordernumber"} {
		for name, vs := range query {
			if strings.ToLower(name) == want && len(vs) > 0 && vs[0] != "" {
				return "getorder orderNumber=" + vs[0]
			}
		}
	}
	return "getorders"
}
