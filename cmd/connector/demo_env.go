package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/spf13/cobra"

	"github.com/intcomex-connector/connector/platforms/shopify"
)

func newDemoEnvCmd(dataDir *string) *cobra.Command {
	return &cobra.Command{
		Use:   "env [--data DIR]",
		Short: "Print the export lines that point connector commands at the demo in --data",
		Long: `env prints, for a POSIX shell, the CONNECTOR_* variables that make every other connector command
work on the demo whose data folder is --data: the database and the secret key file, the IWS
sandbox's URL and keys, and the connector's address as CONNECTOR_PUBLIC_URL (the base of the
webhook URLs a shop added with "connector shop add" gets). It first unsets the _FILE and plain
variants that would clash with them. Values are shell-quoted; paths are absolute, so the lines
work from any folder.

The database and the keys work whether the demo runs or not; the IWS sandbox and the shops answer
only while it runs (env says so on standard error when it does not).`,
		Example: `  eval "$(connector demo env --data ./data/demo)"
  connector demo env --data /tmp/demo > demo.env`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemoEnv(cmd.OutOrStdout(), cmd.ErrOrStderr(), *dataDir)
		},
	}
}

func runDemoEnv(stdout, stderr io.Writer, dataDir string) error {
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return fmt.Errorf("demo env: %w", err)
	}
	info, err := readDemoInfo(filepath.Join(dir, demoInfoFile))
	if errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("demo env: %s holds no demo (no %s): start one with `connector demo --data %s`",
			dir, demoInfoFile, shellQuote(dataDir))
	}
	if err != nil {
		return fmt.Errorf("demo env: %w", err)
	}
	if _, running, err := folderHolder(dir); err != nil {
		return fmt.Errorf("demo env: %w", err)
	} else if !running {
		fmt.Fprintf(stderr, "# no demo is running on %s: the database and the keys work, the IWS sandbox and the shops answer only while it runs\n", dir)
	}
	_, err = io.WriteString(stdout, demoEnv(dir, info))
	return err
}

// demoEnv is the shell text that points connector commands at the demo of dir.
func demoEnv(dir string, info demoInfo) string {
	var b strings.Builder
	// A variable and its _FILE variant together are a configuration error: the demo's win.
	b.WriteString("unset CONNECTOR_DATABASE_URL_FILE CONNECTOR_SECRET_KEY CONNECTOR_IWS_API_KEY_FILE CONNECTOR_IWS_ACCESS_KEY_FILE\n")
	for _, kv := range [][2]string{
		{"CONNECTOR_DATABASE_URL", demoDatabaseURL(dir)},
		{"CONNECTOR_SECRET_KEY_FILE", filepath.Join(dir, demoSecretKeyFile)},
		{"CONNECTOR_IWS_URL", info.IWS.URL},
		{"CONNECTOR_IWS_API_KEY", info.IWS.APIKey},
		{"CONNECTOR_IWS_ACCESS_KEY", info.IWS.AccessKey},
		{"CONNECTOR_PUBLIC_URL", strings.TrimSuffix(info.AdminURL, "/")},
	} {
		fmt.Fprintf(&b, "export %s=%s\n", kv[0], shellQuote(kv[1]))
	}
	return b.String()
}

// The files of a demo data folder.
const (
	demoInfoFile      = "demo.json"
	demoSecretKeyFile = "secret.key"
	demoDatabaseFile  = "connector.db"
)

func demoDatabaseURL(dir string) string { return "sqlite:" + filepath.Join(dir, demoDatabaseFile) }

// readDemoInfo reads a demo.json.
func readDemoInfo(path string) (demoInfo, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return demoInfo{}, err
	}
	var info demoInfo
	if err := json.Unmarshal(raw, &info); err != nil {
		return demoInfo{}, fmt.Errorf("%s: %w", path, err)
	}
	return info, nil
}

// demoTry is the banner's "Try" list: commands that work when pasted into a shell, with the
// running demo's real values (the eval line first: it points the connector commands at the demo).
func demoTry(dataDir, sandboxURL, sampleSKU string, fakes *demoStorefronts) []string {
	return []string{
		fmt.Sprintf(`eval "$(connector demo env --data %s)"`, shellQuote(dataDir)),
		"connector iws authenticate",
		"connector iws getcatalog page=1 limit=3",
		"connector products show " + shellQuote(sampleSKU),
		"connector shop list",
		// A customer's checkout in the first shop: the connector places it with the sandbox,
		// follows it and writes it back (`connector order show SHOP ORDER` tells the story).
		"connector demo order --data " + shellQuote(dataDir),
		"connector orders list",
		"curl " + shellQuote(sandboxURL+"/_sandbox/state"),
		// The fake WooCommerce takes Basic auth only over HTTPS, as the real one does; the
		// header says the request came through a TLS proxy.
		fmt.Sprintf("curl -H 'X-Forwarded-Proto: https' -u %s %s",
			shellQuote(fakes.wooCreds.ConsumerKey+":"+fakes.wooCreds.ConsumerSecret),
			shellQuote(fakes.wooURL+"/wp-json/wc/v3/products?per_page=3")),
		fmt.Sprintf("curl -H %s -H 'Content-Type: application/json' -d %s %s",
			shellQuote("X-Shopify-Access-Token: "+fakes.shopifyCred.AccessToken),
			shellQuote(`{"query":"{ productVariants(first: 3) { nodes { sku price product { title } } } }"}`),
			shellQuote(fakes.shopify.URL()+"/admin/api/"+shopify.APIVersion+"/graphql.json")),
	}
}

var shellSafe = regexp.MustCompile(`^[A-Za-z0-9_./:@%+=,-]+$`)

// shellQuote returns s as one word of a POSIX shell: as is when it holds nothing the shell
// would interpret, else in single quotes.
func shellQuote(s string) string {
	if shellSafe.MatchString(s) {
		return s
	}
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
