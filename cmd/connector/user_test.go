package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/users"
)

// runCmdIn is runCmd with stdin as the command's standard input.
func runCmdIn(ctx context.Context, env map[string]string, stdin string, args ...string) (string, string, error) {
	var environ []string
	for k, v := range env {
		environ = append(environ, k+"="+v)
	}
	var stdout, stderr bytes.Buffer
	root := newRootCmd(testApp)
	root.SetArgs(args)
	root.SetIn(strings.NewReader(stdin))
	root.SetOut(&stdout)
	root.SetErr(&stderr)
	err := root.ExecuteContext(withEnviron(ctx, environ))
	return stdout.String(), stderr.String(), err
}

// userEnv is the environment of the user commands' tests: a SQLite database (no secret key:
// accounts need none) and, when publicURL is set, the connector's public address.
func userEnv(t *testing.T, publicURL string) map[string]string {
	t.Helper()
	env := map[string]string{"CONNECTOR_DATABASE_URL": "sqlite:" + filepath.Join(t.TempDir(), "c.db")}
	if publicURL != "" {
		env["CONNECTOR_PUBLIC_URL"] = publicURL
	}
	return env
}

// authenticates reports whether email and password sign in on the database of env.
func authenticates(t *testing.T, env map[string]string, email, password string) bool {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, env["CONNECTOR_DATABASE_URL"], nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	_, err = users.New(st, users.Options{}).Authenticate(ctx, email, password)
	if err != nil && !errors.Is(err, users.ErrBadCredentials) {
		t.Fatal(err)
	}
	return err == nil
}

func TestUserAddListRemove(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := userEnv(t, "https://connector.example.com/")
	pwFile := filepath.Join(t.TempDir(), "pw.txt")
	if err := os.WriteFile(pwFile, []byte("first admin pw\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	out, _, err := runCmd(ctx, env, "user", "list")
	if err != nil || !strings.Contains(out, "No users yet. `connector user add --email E --role admin` adds the first admin.") {
		t.Errorf("list with no users: %v\n%s", err, out)
	}
	out, _, err = runCmd(ctx, env, "user", "add", "--email", "Ana@Example.com", "--role", "admin", "--password-file", pwFile)
	if err != nil {
		t.Fatal(err)
	}
	if want := "User ana@example.com added with role admin.\nSign in at https://connector.example.com/login\n"; out != want {
		t.Errorf("add printed %q, want %q", out, want)
	}
	if !authenticates(t, env, "ana@example.com", "first admin pw") {
		t.Error("the password of --password-file does not sign in (its line ending must be dropped)")
	}
	// Standard input that is not a terminal: one line.
	out, _, err = runCmdIn(ctx, env, "support password\n", "user", "add", "--email", "bob@example.com", "--role", "support", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var added users.UserJSON
	if err := json.Unmarshal([]byte(out), &added); err != nil || added.Email != "bob@example.com" || added.Role != "support" || added.ID == 0 || added.LastLoginAt != nil {
		t.Errorf("add --json = %s (%v)", out, err)
	}
	if !authenticates(t, env, "bob@example.com", "support password") {
		t.Error("the password from standard input does not sign in")
	}

	for _, tc := range []struct {
		name, stdin string
		args        []string
		want        string
		usage       bool
	}{
		{"taken email", "another password", []string{"--email", "ANA@example.com", "--role", "support"},
			"a user with email ana@example.com exists already; `connector user passwd ana@example.com` sets a new password", false},
		{"bad email", "", []string{"--email", "ana", "--role", "admin"}, `--email: "ana" is not an email address like name@example.com`, true},
		{"bad role", "", []string{"--email", "c@example.com", "--role", "owner"}, `--role: role must be admin or support, not "owner"`, true},
		{"no role", "", []string{"--email", "c@example.com"}, "--email and --role are required", true},
		{"short password", "short\n", []string{"--email", "c@example.com", "--role", "admin"}, "user add: password must be at least 10 characters", false},
		{"no password", "", []string{"--email", "c@example.com", "--role", "admin"}, "no password in standard input", false},
		{"missing file", "", []string{"--email", "c@example.com", "--role", "admin", "--password-file", filepath.Join(t.TempDir(), "none")}, "--password-file", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := runCmdIn(ctx, env, tc.stdin, append([]string{"user", "add"}, tc.args...)...)
			var usage usageError
			if err == nil || !strings.Contains(err.Error(), tc.want) || errors.As(err, &usage) != tc.usage {
				t.Errorf("add %v = %v; want an error saying %q (usage error %v)", tc.args, err, tc.want, tc.usage)
			}
		})
	}

	out, _, err = runCmd(ctx, env, "user", "list")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^EMAIL +ROLE +LANGUAGE +ADDED \(UTC\) +LAST SIGN-IN \(UTC\)\nana@example\.com +admin +- +\d{4}-\d\d-\d\d \d\d:\d\d +\d{4}-\d\d-\d\d \d\d:\d\d\nbob@example\.com +support +- +\d{4}-\d\d-\d\d \d\d:\d\d +\d{4}`).MatchString(out) {
		t.Errorf("list:\n%s", out)
	}
	out, _, err = runCmd(ctx, env, "user", "list", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var list []users.UserJSON
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 2 || list[0].Email != "ana@example.com" || list[1].Role != "support" {
		t.Errorf("list --json = %s (%v)", out, err)
	}

	// The last admin stays; a support user goes.
	_, _, err = runCmd(ctx, env, "user", "remove", "ana@example.com")
	if err == nil || err.Error() != "user remove: ana@example.com is the only admin and cannot be removed; add another admin first (`connector user add --email E --role admin`)" {
		t.Errorf("removing the last admin: %v", err)
	}
	out, _, err = runCmd(ctx, env, "user", "remove", "BOB@example.com")
	if err != nil || out != "User bob@example.com removed; their sessions ended and their API tokens no longer work.\n" {
		t.Errorf("remove: %v, %q", err, out)
	}
	_, _, err = runCmd(ctx, env, "user", "remove", "bob@example.com")
	if err == nil || err.Error() != "user remove: no user with email bob@example.com (`connector user list` shows the users)" {
		t.Errorf("removing twice: %v", err)
	}
	if _, _, err := runCmd(ctx, env, "user", "remove"); !errors.As(err, new(usageError)) {
		t.Errorf("remove without an email: %v", err)
	}
}

// Without CONNECTOR_PUBLIC_URL, add only confirms.
func TestUserAddWithoutPublicURL(t *testing.T) {
	t.Parallel()
	env := userEnv(t, "")
	out, _, err := runCmdIn(context.Background(), env, "a long password\n", "user", "add", "--email", "a@example.com", "--role", "support")
	if err != nil || out != "User a@example.com added with role support.\n" {
		t.Errorf("add: %v, %q", err, out)
	}
}

func TestUserPasswd(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := userEnv(t, "")
	if _, _, err := runCmdIn(ctx, env, "old password 1\n", "user", "add", "--email", "ana@example.com", "--role", "admin"); err != nil {
		t.Fatal(err)
	}
	// A session of the user, to see it end.
	st, err := store.Open(ctx, env["CONNECTOR_DATABASE_URL"], nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := users.New(st, users.Options{})
	u, err := svc.ByEmail(ctx, "ana@example.com")
	if err != nil {
		t.Fatal(err)
	}
	token, _, err := svc.StartSession(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}

	out, _, err := runCmdIn(ctx, env, "new password 2\r\n", "user", "passwd", "ANA@example.com")
	if err != nil || out != "Password of ana@example.com changed; their browser sessions have ended, so they sign in again with it.\n" {
		t.Errorf("passwd: %v, %q", err, out)
	}
	if !authenticates(t, env, "ana@example.com", "new password 2") || authenticates(t, env, "ana@example.com", "old password 1") {
		t.Error("after passwd the new password must sign in and the old one not")
	}
	if _, err := svc.SessionUser(ctx, token); !errors.Is(err, users.ErrNoSession) {
		t.Errorf("the session survived passwd: %v", err)
	}
	pwFile := filepath.Join(t.TempDir(), "pw")
	if err := os.WriteFile(pwFile, []byte("from a file 3"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, _, err := runCmd(ctx, env, "user", "passwd", "ana@example.com", "--password-file", pwFile); err != nil {
		t.Fatal(err)
	}
	if !authenticates(t, env, "ana@example.com", "from a file 3") {
		t.Error("the password of --password-file does not sign in")
	}
	for _, tc := range []struct {
		args  []string
		stdin string
		want  string
	}{
		{[]string{"nobody@example.com"}, "whatever pw 1\n", "user passwd: no user with email nobody@example.com (`connector user list` shows the users)"},
		{[]string{"ana@example.com"}, "short\n", "user passwd: password must be at least 10 characters"},
		{[]string{"ana@example.com"}, "", "no password in standard input"},
	} {
		if _, _, err := runCmdIn(ctx, env, tc.stdin, append([]string{"user", "passwd"}, tc.args...)...); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("passwd %v: %v, want %q", tc.args, err, tc.want)
		}
	}
	if !authenticates(t, env, "ana@example.com", "from a file 3") {
		t.Error("a refused passwd changed the password")
	}
}

func TestUserTokens(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	env := userEnv(t, "")
	for _, a := range [][]string{
		{"--email", "ana@example.com", "--role", "admin"},
		{"--email", "bob@example.com", "--role", "support"},
	} {
		if _, _, err := runCmdIn(ctx, env, "a password 123\n", append([]string{"user", "add"}, a...)...); err != nil {
			t.Fatal(err)
		}
	}
	out, _, err := runCmd(ctx, env, "user", "token", "list")
	if err != nil || out != "No API tokens. `connector user token add EMAIL --name NAME` makes one.\n" {
		t.Errorf("token list with none: %v, %q", err, out)
	}
	out, _, err = runCmd(ctx, env, "user", "token", "add", "bob@example.com", "--name", "nightly export")
	if err != nil {
		t.Fatal(err)
	}
	m := regexp.MustCompile(`^API token (\d+) "nightly export" made for bob@example\.com \(role support\):\n\n  (icx_[A-Za-z0-9_-]{43})\n\nCopy it now: it will not be shown again\. It acts as bob@example\.com until ` +
		"`connector user token revoke \\d+`" + `\.\n$`).FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("token add printed:\n%s", out)
	}
	bobSecret := m[2]
	out, _, err = runCmd(ctx, env, "user", "token", "add", "ana@example.com", "--name", "ci", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var anaTok tokenJSON
	if err := json.Unmarshal([]byte(out), &anaTok); err != nil || !strings.HasPrefix(anaTok.Secret, "icx_") || anaTok.Prefix != anaTok.Secret[:10] ||
		anaTok.Email != "ana@example.com" || anaTok.Name != "ci" {
		t.Errorf("token add --json = %s (%v)", out, err)
	}

	// The secret works as its user.
	st, err := store.Open(ctx, env["CONNECTOR_DATABASE_URL"], nil)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc := users.New(st, users.Options{})
	if u, err := svc.TokenUser(ctx, bobSecret); err != nil || u.Email != "bob@example.com" {
		t.Errorf("TokenUser = %+v, %v", u, err)
	}

	out, _, err = runCmd(ctx, env, "user", "token", "list")
	if err != nil {
		t.Fatal(err)
	}
	if !regexp.MustCompile(`(?m)^ID +USER +NAME +PREFIX +MADE \(UTC\) +LAST USED \(UTC\)\n` + m[1] + ` +bob@example\.com +nightly export +` + regexp.QuoteMeta(bobSecret[:10]) + `… +\S+ \S+ +\S+ \S+\n\d+ +ana@example\.com +ci +icx_\S+… +\S+ \S+ +-\n$`).MatchString(out) {
		t.Errorf("token list:\n%s", out)
	}
	if strings.Contains(out, bobSecret) || strings.Contains(out, anaTok.Secret) {
		t.Errorf("token list shows a secret:\n%s", out)
	}
	out, _, err = runCmd(ctx, env, "user", "token", "list", "--email", "ANA@example.com", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var list []tokenJSON
	if err := json.Unmarshal([]byte(out), &list); err != nil || len(list) != 1 || list[0].ID != anaTok.ID || list[0].Secret != "" || list[0].LastUsedAt != nil {
		t.Errorf("token list --email --json = %s (%v)", out, err)
	}

	out, _, err = runCmd(ctx, env, "user", "token", "revoke", m[1])
	if err != nil || out != "API token "+m[1]+" revoked: its secret no longer works.\n" {
		t.Errorf("revoke: %v, %q", err, out)
	}
	if _, err := svc.TokenUser(ctx, bobSecret); !errors.Is(err, users.ErrNoSession) {
		t.Errorf("a revoked token still works: %v", err)
	}
	for _, tc := range []struct {
		args  []string
		want  string
		usage bool
	}{
		{[]string{"token", "revoke", m[1]}, "user token revoke: no API token " + m[1] + " (`connector user token list` shows the tokens)", false},
		{[]string{"token", "revoke", "abc"}, `"abc" is not a token id`, true},
		{[]string{"token", "add", "bob@example.com"}, "--name is required", true},
		{[]string{"token", "add", "nobody@example.com", "--name", "x"}, "no user with email nobody@example.com", false},
		{[]string{"token", "list", "--email", "nobody@example.com"}, "no user with email nobody@example.com", false},
	} {
		_, _, err := runCmd(ctx, env, append([]string{"user"}, tc.args...)...)
		if err == nil || !strings.Contains(err.Error(), tc.want) || errors.As(err, new(usageError)) != tc.usage {
			t.Errorf("user %v: %v, want %q (usage error %v)", tc.args, err, tc.want, tc.usage)
		}
	}
}

func TestPromptPasswordTwice(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		answers []string
		want    string
		err     string
	}{
		{"same twice", []string{"s3cret words", "s3cret words"}, "s3cret words", ""},
		{"differ", []string{"s3cret words", "s3cret wordz"}, "", "the two passwords differ; nothing was changed, run the command again"},
		{"empty", []string{"", ""}, "", "no password typed"},
		{"closed terminal", nil, "", "reading the password: EOF"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			answers := tc.answers
			read := func() ([]byte, error) {
				if len(answers) == 0 {
					return nil, io.EOF
				}
				a := answers[0]
				answers = answers[1:]
				return []byte(a), nil
			}
			var prompt bytes.Buffer
			got, err := promptPasswordTwice(&prompt, read, "ana@example.com", 10)
			if got != tc.want || (err == nil) != (tc.err == "") || err != nil && !strings.Contains(err.Error(), tc.err) {
				t.Errorf("= %q, %v; want %q, %q", got, err, tc.want, tc.err)
			}
			if !strings.HasPrefix(prompt.String(), "New password for ana@example.com (at least 10 characters): \n") {
				t.Errorf("prompt %q", prompt.String())
			}
			if strings.Contains(prompt.String(), "s3cret") {
				t.Error("the prompt echoed the password")
			}
		})
	}
}
