package main

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/intcomex-connector/connector/connector/secret"
)

const testKey = "MDEyMzQ1Njc4OWFiY2RlZjAxMjM0NTY3ODlhYmNkZWY=" // base64 of 32 bytes

func TestLoadConfigDefaults(t *testing.T) {
	cfg, err := loadConfig(map[string]string{}, false)
	if err != nil {
		t.Fatal(err)
	}
	want := Config{
		DatabaseURL:     "sqlite:./data/connector.db",
		HTTPAddr:        "127.0.0.1:8080",
		IWSURL:          "https://intcomex-test.apigee.net/v1/",
		LogLevel:        "info",
		LogFormat:       "text",
		AutoMigrate:     true,
		IWSTimeout:      60 * time.Second,
		AuditMaxAge:     720 * time.Hour,
		AuditMaxRows:    1_000_000,
		AuditBodyLimit:  64 << 10,
		ShutdownTimeout: 20 * time.Second,

		JobWorkers:              4,
		JobLease:                5 * time.Minute,
		JobRescueInterval:       time.Minute,
		JobRetryBackoff:         10 * time.Second,
		ScheduleCatalog:         24 * time.Hour,
		SchedulePrices:          24 * time.Hour,
		ScheduleStock:           time.Hour,
		ScheduleExtendedCatalog: 720 * time.Hour,
		ScheduleAuditPurge:      24 * time.Hour,
		ScheduleVerifyListings:  24 * time.Hour,
		ScheduleSweepOrders:     5 * time.Minute,
		OrderTrackInterval:      2 * time.Minute,
		ImageConcurrency:        3,

		ShopifyScopes: "read_products,write_products,read_inventory,write_inventory,read_locations,read_orders,write_orders,read_merchant_managed_fulfillment_orders,write_merchant_managed_fulfillment_orders",
	}
	if !reflect.DeepEqual(cfg, want) {
		t.Errorf("defaults\n got %s\nwant %s", cfg.LogValue(), want.LogValue())
	}
}

func TestLoadConfigValues(t *testing.T) {
	cfg, err := loadConfig(map[string]string{
		"CONNECTOR_DATABASE_URL":     "mysql://app:pw@db:3306/connector",
		"CONNECTOR_HTTP_ADDR":        ":9090",
		"CONNECTOR_IWS_URL":          "https://intcomex-prod.apigee.net/v1/",
		"CONNECTOR_IWS_API_KEY":      "pub",
		"CONNECTOR_IWS_ACCESS_KEY":   "priv",
		"CONNECTOR_SECRET_KEY":       testKey,
		"CONNECTOR_LOG_LEVEL":        "debug",
		"CONNECTOR_LOG_FORMAT":       "json",
		"CONNECTOR_AUTO_MIGRATE":     "false",
		"CONNECTOR_IWS_TIMEOUT":      "90s",
		"CONNECTOR_AUDIT_MAX_AGE":    "24h",
		"CONNECTOR_AUDIT_MAX_ROWS":   "5000",
		"CONNECTOR_AUDIT_BODY_LIMIT": "0",
		"CONNECTOR_SHUTDOWN_TIMEOUT": "5s",
		"UNRELATED":                  "x",
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.DatabaseURL != "mysql://app:pw@db:3306/connector" || cfg.HTTPAddr != ":9090" || cfg.IWSAPIKey != "pub" ||
		cfg.IWSAccessKey != "priv" || cfg.SecretKey != testKey || cfg.LogLevel != "debug" || cfg.LogFormat != "json" ||
		cfg.AutoMigrate || cfg.IWSTimeout != 90*time.Second || cfg.AuditMaxAge != 24*time.Hour ||
		cfg.AuditMaxRows != 5000 || cfg.AuditBodyLimit != 0 || cfg.ShutdownTimeout != 5*time.Second {
		t.Errorf("cfg = %s", cfg.LogValue())
	}
	if got := cfg.auditOptions(nil).BodyLimit; got != -1 {
		t.Errorf("AUDIT_BODY_LIMIT=0 gives audit BodyLimit %d, want -1 (no bodies)", got)
	}
}

func TestLoadConfigReportsEveryProblem(t *testing.T) {
	_, err := loadConfig(map[string]string{
		"CONNECTOR_DATABASE_URL":     "postgres://u:pw@h/db",
		"CONNECTOR_HTTP_ADDR":        "localhost",
		"CONNECTOR_IWS_URL":          "intcomex.example/v1",
		"CONNECTOR_IWS_API_KEY":      "only-one",
		"CONNECTOR_SECRET_KEY":       "c2hvcnQ=",
		"CONNECTOR_LOG_LEVEL":        "verbose",
		"CONNECTOR_LOG_FORMAT":       "xml",
		"CONNECTOR_IWS_TIMEOUT":      "soon",
		"CONNECTOR_AUDIT_MAX_AGE":    "-1h",
		"CONNECTOR_AUDIT_MAX_ROWS":   "many",
		"CONNECTOR_AUDIT_BODY_LIMIT": "99999999",
		"CONNECTOR_AUTO_MIGRATE":     "perhaps",
		"CONNECTOR_TRUSTED_PROXIES":  "10.0.0.0/8, proxy.local",
	}, true)
	if err == nil {
		t.Fatal("no error")
	}
	msg := err.Error()
	for _, want := range []string{
		"CONNECTOR_DATABASE_URL", "CONNECTOR_HTTP_ADDR", "CONNECTOR_IWS_URL", "CONNECTOR_IWS_API_KEY and CONNECTOR_IWS_ACCESS_KEY",
		"CONNECTOR_SECRET_KEY: secret: invalid key: key decodes to 5 bytes", "CONNECTOR_LOG_LEVEL", "CONNECTOR_LOG_FORMAT",
		"CONNECTOR_IWS_TIMEOUT", "CONNECTOR_AUDIT_MAX_AGE", "CONNECTOR_AUDIT_MAX_ROWS", "CONNECTOR_AUDIT_BODY_LIMIT",
		"CONNECTOR_AUTO_MIGRATE", `CONNECTOR_TRUSTED_PROXIES: "proxy.local" is not an IP address or CIDR`,
	} {
		if !strings.Contains(msg, want) {
			t.Errorf("error does not mention %s:\n%s", want, msg)
		}
	}
	if n := strings.Count(msg, "\n") + 1; n != 13 {
		t.Errorf("%d problems reported, want 13 (one each):\n%s", n, msg)
	}
	if strings.Contains(msg, "pw@") {
		t.Errorf("error leaks the database password:\n%s", msg)
	}
	if !errors.Is(err, secret.ErrInvalidKey) {
		t.Error("errors.Is(err, secret.ErrInvalidKey) = false")
	}
}

func TestSecretKeyRequirement(t *testing.T) {
	tests := []struct {
		name    string
		key     string
		require bool
		wantErr string
	}{
		{"missing, required (serve, migrate)", "", true, "CONNECTOR_SECRET_KEY (or CONNECTOR_SECRET_KEY_FILE) is required"},
		{"missing, not required (demo)", "", false, ""},
		{"short is always an error", "c2hvcnQ=", false, "5 bytes, want 32"},
		{"not base64 is always an error", "%%%%", false, "not valid base64"},
		{"valid", testKey, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			env := map[string]string{}
			if tt.key != "" {
				env["CONNECTOR_SECRET_KEY"] = tt.key
			}
			_, err := loadConfig(env, tt.require)
			if tt.wantErr == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
				t.Fatalf("err = %v, want %q", err, tt.wantErr)
			}
		})
	}
}

func TestFileVariants(t *testing.T) {
	dir := t.TempDir()
	write := func(name, content string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
			t.Fatal(err)
		}
		return p
	}
	keyFile := write("key", testKey+"\n")
	accessFile := write("access", "s3cr3t-access\r\n")
	dbFile := write("db", "mysql://app:pw@db:3306/c\n")
	apiFile := write("api", "pub-key")

	cfg, err := loadConfig(map[string]string{
		"CONNECTOR_SECRET_KEY_FILE":     keyFile,
		"CONNECTOR_IWS_ACCESS_KEY_FILE": accessFile,
		"CONNECTOR_DATABASE_URL_FILE":   dbFile,
		"CONNECTOR_IWS_API_KEY_FILE":    apiFile,
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	if cfg.SecretKey != testKey || cfg.IWSAccessKey != "s3cr3t-access" || cfg.DatabaseURL != "mysql://app:pw@db:3306/c" || cfg.IWSAPIKey != "pub-key" {
		t.Errorf("cfg = %#v", cfg)
	}
	if cfg.SecretKeyFile != "" || cfg.IWSAccessKeyFile != "" {
		t.Error("file contents left in the _FILE fields")
	}

	t.Run("both set", func(t *testing.T) {
		_, err := loadConfig(map[string]string{"CONNECTOR_SECRET_KEY_FILE": keyFile, "CONNECTOR_SECRET_KEY": testKey}, true)
		if err == nil || !strings.Contains(err.Error(), "both set") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("missing file", func(t *testing.T) {
		_, err := loadConfig(map[string]string{"CONNECTOR_SECRET_KEY_FILE": filepath.Join(dir, "nope")}, true)
		if err == nil || !strings.Contains(err.Error(), "CONNECTOR_SECRET_KEY_FILE") {
			t.Fatalf("err = %v", err)
		}
	})
	t.Run("short key in file", func(t *testing.T) {
		_, err := loadConfig(map[string]string{"CONNECTOR_SECRET_KEY_FILE": write("short", "c2hvcnQ=\n")}, false)
		if err == nil || !strings.Contains(err.Error(), "want 32") {
			t.Fatalf("err = %v", err)
		}
	})
}

func TestConfigNeverPrintsSecrets(t *testing.T) {
	cfg, err := loadConfig(map[string]string{
		"CONNECTOR_DATABASE_URL":   "mysql://app:db-password-1@db:3306/c",
		"CONNECTOR_IWS_API_KEY":    "pub",
		"CONNECTOR_IWS_ACCESS_KEY": "access-key-2",
		"CONNECTOR_SECRET_KEY":     testKey,
	}, true)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{cfg.String(), cfg.GoString(), cfg.LogValue().String()} {
		for _, secret := range []string{"db-password-1", "access-key-2", testKey} {
			if strings.Contains(s, secret) {
				t.Errorf("printed config contains %q: %s", secret, s)
			}
		}
	}
}

// The README's configuration table lists every variable Config reads.
func TestReadmeListsEveryVariable(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	rt := reflect.TypeFor[Config]()
	for i := range rt.NumField() {
		f := rt.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("env"), ",")
		if !strings.Contains(string(readme), "`"+envPrefix+name+"`") {
			t.Errorf("README.md does not document %s%s", envPrefix, name)
		}
	}
}

func TestScheduleIntervalsNeverBelowIWSMinimums(t *testing.T) {
	_, err := loadConfig(map[string]string{
		"CONNECTOR_SCHEDULE_STOCK":            "30m",
		"CONNECTOR_SCHEDULE_EXTENDED_CATALOG": "12h",
		"CONNECTOR_SCHEDULE_CATALOG":          "0",
		"CONNECTOR_JOB_WORKERS":               "0",
	}, false)
	if err == nil {
		t.Fatal("intervals below the IWS minimums were accepted")
	}
	for _, want := range []string{"CONNECTOR_SCHEDULE_STOCK: 30m0s is below IWS's minimum of 1h0m0s",
		"CONNECTOR_SCHEDULE_EXTENDED_CATALOG: 12h0m0s is below IWS's minimum of 24h0m0s",
		"CONNECTOR_SCHEDULE_CATALOG", "CONNECTOR_JOB_WORKERS"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	cfg, err := loadConfig(map[string]string{"CONNECTOR_SCHEDULE_STOCK": "2h", "CONNECTOR_SCHEDULE_EXTENDED_CATALOG": "24h"}, false)
	if err != nil || cfg.ScheduleStock != 2*time.Hour {
		t.Errorf("2h stock schedule: %v, %v", cfg.ScheduleStock, err)
	}
}

func TestVerifyScheduleAndImageConcurrencyBounds(t *testing.T) {
	_, err := loadConfig(map[string]string{"CONNECTOR_SCHEDULE_VERIFY_LISTINGS": "30m", "CONNECTOR_IMAGE_CONCURRENCY": "9"}, false)
	for _, want := range []string{"CONNECTOR_SCHEDULE_VERIFY_LISTINGS: 30m0s is below the minimum of 1h0m0s",
		"CONNECTOR_IMAGE_CONCURRENCY: must be from 1 to 8, got 9"} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("error lacks %q:\n%v", want, err)
		}
	}
	if _, err := loadConfig(map[string]string{"CONNECTOR_IMAGE_CONCURRENCY": "0"}, false); err == nil {
		t.Error("image concurrency 0 accepted")
	}
	cfg, err := loadConfig(map[string]string{"CONNECTOR_SCHEDULE_VERIFY_LISTINGS": "6h", "CONNECTOR_IMAGE_CONCURRENCY": "8"}, false)
	if err != nil || cfg.ScheduleVerifyListings != 6*time.Hour || cfg.ImageConcurrency != 8 {
		t.Errorf("6h verification, 8 image requests: %+v, %v", cfg, err)
	}
}
