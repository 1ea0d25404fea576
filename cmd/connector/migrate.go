package main

import (
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
)

func newMigrateCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "migrate",
		Short: "Apply or inspect database migrations",
		Long: `Migrate manages the database schema, which is versioned SQL embedded in this binary (one set
for SQLite, one for MySQL/MariaDB). Every command that uses the database applies pending migrations
by itself unless --no-migrate or CONNECTOR_AUTO_MIGRATE=false is given; operators who prefer to
migrate as a separate step run "connector migrate up" and start the service with --no-migrate.
On MySQL, concurrent migrations from several instances wait for each other (a named lock).`,
	}
	cmd.AddCommand(&cobra.Command{
		Use:          "up",
		Short:        "Apply every pending migration",
		Example:      `  CONNECTOR_SECRET_KEY_FILE=./secret.key connector migrate up`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runMigrate(cmd, true)
		},
	}, &cobra.Command{
		Use:   "status",
		Short: "List migrations with their state (applied or pending)",
		Long: `Status prints one line per migration known to this binary: version, file name, state and
when it was applied. It only reads the database, and needs no CONNECTOR_SECRET_KEY.`,
		Example:      `  CONNECTOR_DATABASE_URL=sqlite:./data/connector.db connector migrate status`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runMigrate(cmd, false)
		},
	})
	return cmd
}

func runMigrate(cmd *cobra.Command, up bool) error {
	ctx := cmd.Context()
	// Status reads only the schema's version table; up keeps asking for the key that will
	// encrypt the credentials stored in the schema it creates.
	cfg, err := configFromCmd(cmd, up)
	if err != nil {
		return err
	}
	logger, err := newLogger(cmd.ErrOrStderr(), cfg.LogLevel, cfg.LogFormat)
	if err != nil {
		return err
	}
	st, err := openDatabase(ctx, cfg, logger, false)
	if err != nil {
		return err
	}
	defer st.Close()
	if up {
		if err := st.Migrate(ctx); err != nil {
			return err
		}
	}
	status, err := st.MigrationStatus(ctx)
	if err != nil {
		return err
	}
	w := tabwriter.NewWriter(cmd.OutOrStdout(), 0, 4, 2, ' ', 0)
	fmt.Fprintln(w, "VERSION\tNAME\tSTATE\tAPPLIED AT")
	pending := 0
	for _, m := range status {
		state, at := "applied", m.AppliedAt.UTC().Format(time.RFC3339)
		if !m.Applied {
			state, at = "pending", "-"
			pending++
		}
		fmt.Fprintf(w, "%d\t%s\t%s\t%s\n", m.Version, m.Name, state, at)
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("migrate: %w", err)
	}
	fmt.Fprintf(cmd.OutOrStdout(), "%s database: %d migration(s), %d pending\n", st.Dialect(), len(status), pending)
	return nil
}
