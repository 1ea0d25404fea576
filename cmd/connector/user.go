package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/spf13/cobra"
	"golang.org/x/term"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/users"
)

// newUserCmd is `connector user`: the accounts of the web UI and the JSON API.
func newUserCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "user",
		Short: "Add, list and remove the people who use the web UI, set passwords, and manage API tokens",
		Long: `user manages the accounts of the web UI and of the JSON API (/api/v1). Two roles: admin reads
everything and acts (edits rules and settings, retries orders, runs syncs, manages users);
support reads everything and changes nothing.

  add --email E --role admin|support [--password-file F]   a new account
  list [--json]                                            every account
  remove EMAIL                                             an account, its sessions and API tokens
  passwd EMAIL [--password-file F]                         a new password; signs the user out everywhere
  token add EMAIL --name NAME                              an API token (its secret shown once)
  token list [--email E] [--json]                          the API tokens
  token revoke ID                                          an API token stops working

Passwords are at least ` + strconv.Itoa(users.DefaultMinPasswordLen) + ` characters and are stored as argon2id hashes, never as
text. Without --password-file the password is asked twice on the terminal (not echoed), or read
as one line from standard input when that is not a terminal. The last admin can be neither
removed nor demoted.`,
	}
	cmd.AddCommand(newUserAddCmd(), newUserListCmd(), newUserRemoveCmd(), newUserPasswdCmd(), newUserTokenCmd())
	return cmd
}

// openUsers opens the database (no secret key needed: accounts hold no sealed credentials) and
// the users service over it. The caller closes the store.
func openUsers(cmd *cobra.Command) (Config, *store.Store, *users.Service, error) {
	cfg, logger, st, err := openCLI(cmd, false)
	if err != nil {
		return cfg, nil, nil, err
	}
	return cfg, st, users.New(st, users.Options{Logger: logger}), nil
}

func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

func newUserAddCmd() *cobra.Command {
	var email, role, passwordFile string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add --email E --role admin|support [--password-file F] [--json]",
		Short: "Add a user of the web UI: an admin, or a support user who only reads",
		Long: `add creates an account of the web UI and the JSON API. The email is its login (any case; kept in
lower case). --role admin may change everything; --role support reads everything and changes
nothing.

The password (at least ` + strconv.Itoa(users.DefaultMinPasswordLen) + ` characters) comes from --password-file (its first line;
"-" for standard input), or is asked twice on the terminal without echo, or is read as one line
from standard input when that is not a terminal. It is stored as an argon2id hash.

--json prints {"id", "email", "role", "language", "created_at", "last_login_at"}.`,
		Example: `  connector user add --email ana@example.com --role admin
  connector user add --email soporte@example.com --role support --password-file ./pw.txt
  printf '%s\n' "$PASSWORD" | connector user add --email ci@example.com --role support`,
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if email == "" || role == "" {
				return usageError{cmd: cmd, problem: "--email and --role are required"}
			}
			e, err := users.NormalizeEmail(email)
			if err != nil {
				return usageError{cmd: cmd, problem: "--email: " + err.Error()}
			}
			r, err := users.ParseRole(role)
			if err != nil {
				return usageError{cmd: cmd, problem: "--role: " + err.Error()}
			}
			cfg, st, svc, err := openUsers(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			ctx := cmd.Context()
			// Before asking for a password: a taken email is known now.
			if _, err := svc.ByEmail(ctx, e); err == nil {
				return fmt.Errorf("user add: a user with email %s exists already; `connector user passwd %s` sets a new password", e, e)
			} else if !errors.Is(err, users.ErrNotFound) {
				return fmt.Errorf("user add: %w", err)
			}
			password, err := readNewPassword(cmd, passwordFile, e, svc.MinPasswordLen())
			if err != nil {
				return fmt.Errorf("user add: %w", err)
			}
			u, err := svc.Add(ctx, e, r, password)
			if err != nil {
				return fmt.Errorf("user add: %w", err)
			}
			w := cmd.OutOrStdout()
			if asJSON {
				return writeJSON(w, u.AsJSON())
			}
			fmt.Fprintf(w, "User %s added with role %s.\n", u.Email, u.Role)
			if cfg.PublicURL != "" {
				fmt.Fprintf(w, "Sign in at %s/login\n", strings.TrimSuffix(cfg.PublicURL, "/"))
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&email, "email", "", "the user's email, their login (required)")
	cmd.Flags().StringVar(&role, "role", "", "admin or support (required)")
	cmd.Flags().StringVar(&passwordFile, "password-file", "", `read the password from this file's first line ("-": standard input)`)
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the user as a JSON object")
	return cmd
}

func newUserListCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--json]",
		Short: "List the users: email, role, language, when added, last sign-in",
		Long: `list prints every user by email: role, language (empty: the browser's), when the account was
added and when it last signed in (UTC). It reads the database only.

--json prints an array (empty when there are no users):

  [{"id", "email", "role", "language", "created_at", "last_login_at"}]

last_login_at is null until the first sign-in.`,
		Example:      "  connector user list\n  connector user list --json",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: withUsers(func(cmd *cobra.Command, _ []string, svc *users.Service) error {
			list, err := svc.List(cmd.Context())
			if err != nil {
				return fmt.Errorf("user list: %w", err)
			}
			w := cmd.OutOrStdout()
			if asJSON {
				items := make([]users.UserJSON, 0, len(list))
				for _, u := range list {
					items = append(items, u.AsJSON())
				}
				return writeJSON(w, items)
			}
			if len(list) == 0 {
				_, err := fmt.Fprintln(w, "No users yet. `connector user add --email E --role admin` adds the first admin.")
				return err
			}
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "EMAIL\tROLE\tLANGUAGE\tADDED (UTC)\tLAST SIGN-IN (UTC)")
			for _, u := range list {
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", u.Email, u.Role, dash(u.Language), orderTime(u.CreatedAt), orderTime(u.LastLoginAt))
			}
			return tw.Flush()
		}),
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array instead of a table")
	return cmd
}

func newUserRemoveCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "remove EMAIL",
		Short: "Remove a user with their sessions and API tokens",
		Long: `remove deletes the account: its browser sessions end and its API tokens stop working at once.
The last admin cannot be removed: add another admin first.`,
		Example:      "  connector user remove ana@example.com",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: withUsers(func(cmd *cobra.Command, args []string, svc *users.Service) error {
			err := svc.Remove(cmd.Context(), args[0])
			switch {
			case errors.Is(err, users.ErrNotFound):
				return fmt.Errorf("user remove: %w (`connector user list` shows the users)", err)
			case errors.Is(err, users.ErrLastAdmin):
				return fmt.Errorf("user remove: %w (`connector user add --email E --role admin`)", err)
			case err != nil:
				return fmt.Errorf("user remove: %w", err)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "User %s removed; their sessions ended and their API tokens no longer work.\n",
				strings.ToLower(strings.TrimSpace(args[0])))
			return err
		}),
	}
	return cmd
}

func newUserPasswdCmd() *cobra.Command {
	var passwordFile string
	cmd := &cobra.Command{
		Use:   "passwd EMAIL [--password-file F]",
		Short: "Set a user's password; it signs them out everywhere",
		Long: `passwd sets a new password (at least ` + strconv.Itoa(users.DefaultMinPasswordLen) + ` characters) for the user and ends all of their
browser sessions, so every browser signs in again with it. API tokens keep working.

The password comes from --password-file (its first line; "-" for standard input), or is asked
twice on the terminal without echo, or is read as one line from standard input when that is not
a terminal.`,
		Example:      "  connector user passwd ana@example.com\n  connector user passwd ana@example.com --password-file ./pw.txt",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: withUsers(func(cmd *cobra.Command, args []string, svc *users.Service) error {
			ctx := cmd.Context()
			u, err := userByEmail(ctx, svc, "user passwd", args[0])
			if err != nil {
				return err
			}
			password, err := readNewPassword(cmd, passwordFile, u.Email, svc.MinPasswordLen())
			if err != nil {
				return fmt.Errorf("user passwd: %w", err)
			}
			if err := svc.SetPassword(ctx, u.Email, password); err != nil {
				return fmt.Errorf("user passwd: %w", err)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "Password of %s changed; their browser sessions have ended, so they sign in again with it.\n", u.Email)
			return err
		}),
	}
	cmd.Flags().StringVar(&passwordFile, "password-file", "", `read the password from this file's first line ("-": standard input)`)
	return cmd
}

// withUsers is a command's RunE that gives run the users service, and closes its store after.
func withUsers(run func(cmd *cobra.Command, args []string, svc *users.Service) error) func(*cobra.Command, []string) error {
	return func(cmd *cobra.Command, args []string) error {
		_, st, svc, err := openUsers(cmd)
		if err != nil {
			return err
		}
		defer st.Close()
		return run(cmd, args, svc)
	}
}

// userByEmail is the user of email, for the command op ("user passwd"): an unknown one is an
// error that says where the users are listed.
func userByEmail(ctx context.Context, svc *users.Service, op, email string) (users.User, error) {
	u, err := svc.ByEmail(ctx, email)
	if errors.Is(err, users.ErrNotFound) {
		return u, fmt.Errorf("%s: %w (`connector user list` shows the users)", op, err)
	}
	if err != nil {
		return u, fmt.Errorf("%s: %w", op, err)
	}
	return u, nil
}

// readNewPassword reads a new password for email: from file ("-": standard input), else twice
// from the terminal without echo, else one line of standard input. The service checks it.
func readNewPassword(cmd *cobra.Command, file, email string, minLen int) (string, error) {
	switch file {
	case "":
	case "-":
		return readPasswordLine(cmd.InOrStdin(), "standard input")
	default:
		f, err := os.Open(file)
		if err != nil {
			return "", fmt.Errorf("--password-file: %w", err)
		}
		defer f.Close()
		return readPasswordLine(f, file)
	}
	in := cmd.InOrStdin()
	if f, ok := in.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return promptPasswordTwice(cmd.ErrOrStderr(), func() ([]byte, error) { return term.ReadPassword(int(f.Fd())) }, email, minLen)
	}
	return readPasswordLine(in, "standard input")
}

// promptPasswordTwice asks on prompt for a new password and for it again, reading each with read
// (the terminal, without echo), and returns it when both agree.
func promptPasswordTwice(prompt io.Writer, read func() ([]byte, error), email string, minLen int) (string, error) {
	fmt.Fprintf(prompt, "New password for %s (at least %d characters): ", email, minLen)
	first, err := read()
	fmt.Fprintln(prompt)
	if err != nil {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	fmt.Fprint(prompt, "The same password again: ")
	second, err := read()
	fmt.Fprintln(prompt)
	if err != nil {
		return "", fmt.Errorf("reading the password: %w", err)
	}
	if string(first) != string(second) {
		return "", errors.New("the two passwords differ; nothing was changed, run the command again")
	}
	if len(first) == 0 {
		return "", errors.New("no password typed; nothing was changed, run the command again")
	}
	return string(first), nil
}

// readPasswordLine reads the first line of r (its line ending dropped, nothing else trimmed:
// spaces may be part of a password).
func readPasswordLine(r io.Reader, from string) (string, error) {
	line, err := bufio.NewReader(io.LimitReader(r, 64<<10)).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("reading the password from %s: %w", from, err)
	}
	line = strings.TrimRight(line, "\r\n")
	if line == "" {
		return "", fmt.Errorf("no password in %s: give one line with the password, or use --password-file FILE, or run the command in a terminal to be asked", from)
	}
	return line, nil
}

func newUserTokenCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:   "token",
		Short: "Make, list and revoke the users' API tokens of the JSON API",
		Long: `token manages per-user API tokens for automation against the JSON API (/api/v1). A token acts
as its user, with the user's role. Its secret (icx_...) is shown once, when it is made; the
database keeps only its SHA-256 and its first characters, which list shows to tell tokens apart.`,
	}
	cmd.AddCommand(newUserTokenAddCmd(), newUserTokenListCmd(), newUserTokenRevokeCmd())
	return cmd
}

// tokenJSON is an API token in --json output (never its secret, except in token add's).
type tokenJSON struct {
	ID         int64      `json:"id"`
	Email      string     `json:"email"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	Secret     string     `json:"secret,omitempty"`
}

func toTokenJSON(t users.APIToken, email string) tokenJSON {
	return tokenJSON{ID: t.ID, Email: email, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt.UTC(), LastUsedAt: timePtrJSON(t.LastUsedAt)}
}

func newUserTokenAddCmd() *cobra.Command {
	var name string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "add EMAIL --name NAME [--json]",
		Short: "Make an API token for a user; its secret is shown once",
		Long: `add makes an API token that acts as the user (with the user's role) and prints its secret once:
copy it then, it cannot be shown again. --name says what it is for ("nightly export"), so a list
of tokens can be read later.

--json prints {"id", "email", "name", "prefix", "created_at", "last_used_at", "secret"}.`,
		Example:      `  connector user token add ana@example.com --name "nightly export"`,
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			if strings.TrimSpace(name) == "" {
				return usageError{cmd: cmd, problem: `--name is required: say what the token is for, such as --name "nightly export"`}
			}
			_, st, svc, err := openUsers(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			ctx := cmd.Context()
			u, err := userByEmail(ctx, svc, "user token add", args[0])
			if err != nil {
				return err
			}
			secret, t, err := svc.CreateToken(ctx, u.ID, name)
			if err != nil {
				return fmt.Errorf("user token add: %w", err)
			}
			w := cmd.OutOrStdout()
			if asJSON {
				doc := toTokenJSON(t, u.Email)
				doc.Secret = secret
				return writeJSON(w, doc)
			}
			_, err = fmt.Fprintf(w, `API token %d %q made for %s (role %s):

  %s

Copy it now: it will not be shown again. It acts as %s until `+"`connector user token revoke %d`"+`.
`, t.ID, t.Name, u.Email, u.Role, secret, u.Email, t.ID)
			return err
		},
	}
	cmd.Flags().StringVar(&name, "name", "", "what the token is for (required)")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print the token, its secret included, as a JSON object")
	return cmd
}

func newUserTokenListCmd() *cobra.Command {
	var email string
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "list [--email E] [--json]",
		Short: "List the API tokens (never their secrets)",
		Long: `list prints the API tokens, oldest first: id (what revoke takes), user, name, the first characters
of the secret, when it was made and when it was last used (UTC, to the minute). --email shows one
user's tokens.

--json prints an array: [{"id", "email", "name", "prefix", "created_at", "last_used_at"}];
last_used_at is null for a token never used.`,
		Example:      "  connector user token list\n  connector user token list --email ana@example.com --json",
		Args:         cobra.NoArgs,
		SilenceUsage: true,
		RunE: withUsers(func(cmd *cobra.Command, _ []string, svc *users.Service) error {
			ctx := cmd.Context()
			all, err := svc.List(ctx)
			if err != nil {
				return fmt.Errorf("user token list: %w", err)
			}
			emails := make(map[int64]string, len(all))
			for _, u := range all {
				emails[u.ID] = u.Email
			}
			var userID int64
			if email != "" {
				u, err := userByEmail(ctx, svc, "user token list", email)
				if err != nil {
					return err
				}
				userID = u.ID
			}
			list, err := svc.Tokens(ctx, userID)
			if err != nil {
				return fmt.Errorf("user token list: %w", err)
			}
			w := cmd.OutOrStdout()
			if asJSON {
				items := make([]tokenJSON, 0, len(list))
				for _, t := range list {
					items = append(items, toTokenJSON(t, emails[t.UserID]))
				}
				return writeJSON(w, items)
			}
			if len(list) == 0 {
				_, err := fmt.Fprintln(w, "No API tokens. `connector user token add EMAIL --name NAME` makes one.")
				return err
			}
			tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
			fmt.Fprintln(tw, "ID\tUSER\tNAME\tPREFIX\tMADE (UTC)\tLAST USED (UTC)")
			for _, t := range list {
				fmt.Fprintf(tw, "%d\t%s\t%s\t%s…\t%s\t%s\n", t.ID, emails[t.UserID], t.Name, t.Prefix, orderTime(t.CreatedAt), orderTime(t.LastUsedAt))
			}
			return tw.Flush()
		}),
	}
	cmd.Flags().StringVar(&email, "email", "", "only this user's tokens")
	cmd.Flags().BoolVar(&asJSON, "json", false, "print a JSON array instead of a table")
	return cmd
}

func newUserTokenRevokeCmd() *cobra.Command {
	cmd := &cobra.Command{
		Use:          "revoke ID",
		Short:        "Revoke an API token: its secret stops working at once",
		Long:         "revoke deletes the API token with this id (`connector user token list` shows the ids); requests\nwith its secret are refused from then on.",
		Example:      "  connector user token revoke 3",
		Args:         cobra.ExactArgs(1),
		SilenceUsage: true,
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := strconv.ParseInt(strings.TrimSpace(args[0]), 10, 64)
			if err != nil || id <= 0 {
				return usageError{cmd: cmd, problem: fmt.Sprintf("%q is not a token id (`connector user token list` shows them)", args[0])}
			}
			_, st, svc, err := openUsers(cmd)
			if err != nil {
				return err
			}
			defer st.Close()
			err = svc.RevokeToken(cmd.Context(), id)
			if errors.Is(err, users.ErrNotFound) {
				return fmt.Errorf("user token revoke: %w (`connector user token list` shows the tokens)", err)
			}
			if err != nil {
				return fmt.Errorf("user token revoke: %w", err)
			}
			_, err = fmt.Fprintf(cmd.OutOrStdout(), "API token %d revoked: its secret no longer works.\n", id)
			return err
		},
	}
	return cmd
}
