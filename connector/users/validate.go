package users

import (
	"fmt"
	"net/mail"
	"strings"
	"unicode/utf8"
)

// InvalidError is a refused input: Field names it ("email", "role", "password", "language",
// "name") and Message says what to fix, in a sentence a person can act on. It wraps ErrInvalid;
// the web layer shows Message beside the field, the CLI prints it.
type InvalidError struct {
	Field   string
	Message string
}

func (e *InvalidError) Error() string { return e.Message }

// Unwrap makes errors.Is(err, ErrInvalid) true.
func (e *InvalidError) Unwrap() error { return ErrInvalid }

// sentinelError is one of the package's sentinel errors with a message that reads on its own
// ("no user with email x"), without the sentinel's text.
type sentinelError struct {
	sentinel error
	msg      string
}

func (e *sentinelError) Error() string { return e.msg }
func (e *sentinelError) Unwrap() error { return e.sentinel }

// errorf returns an error that is sentinel (errors.Is) and says the formatted message.
func errorf(sentinel error, format string, args ...any) error {
	return &sentinelError{sentinel: sentinel, msg: fmt.Sprintf(format, args...)}
}

func invalid(field, format string, args ...any) error {
	return &InvalidError{Field: field, Message: fmt.Sprintf(format, args...)}
}

const (
	// DefaultMinPasswordLen is the shortest password accepted unless Options say otherwise.
	DefaultMinPasswordLen = 10
	// MaxPasswordLen bounds a password (in characters): a passphrase fits, a megabyte does not.
	MaxPasswordLen = 1024
	maxEmailLen    = 254 // RFC 5321's path limit, less the brackets
	maxTokenName   = 100
)

// NormalizeEmail trims and lower-cases email and checks it is a bare address (name@example.com,
// no display name or angle brackets).
func NormalizeEmail(email string) (string, error) {
	e := strings.ToLower(strings.TrimSpace(email))
	if e == "" {
		return "", invalid("email", "email is required")
	}
	if len(e) > maxEmailLen {
		return "", invalid("email", "email must be at most %d characters", maxEmailLen)
	}
	addr, err := mail.ParseAddress(e)
	// net/mail takes a domain without a dot (name@host); an account's address has one.
	if err != nil || addr.Address != e || addr.Name != "" || !strings.Contains(e[strings.LastIndexByte(e, '@')+1:], ".") {
		return "", invalid("email", "%q is not an email address like name@example.com", strings.TrimSpace(email))
	}
	return e, nil
}

// ParseRole reads a role name (admin or support, any case).
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		return "", invalid("role", "role must be %s or %s, not %q", RoleAdmin, RoleSupport, s)
	}
	return r, nil
}

// checkPassword enforces the length bounds (counted in characters, not bytes).
func (s *Service) checkPassword(password string) error {
	n := utf8.RuneCountInString(password)
	switch {
	case n < s.minPasswordLen:
		return invalid("password", "password must be at least %d characters", s.minPasswordLen)
	case n > MaxPasswordLen:
		return invalid("password", "password must be at most %d characters", MaxPasswordLen)
	case strings.TrimSpace(password) == "":
		return invalid("password", "password must not be only spaces")
	}
	return nil
}

// checkLanguage accepts "", "en" and "es".
func checkLanguage(lang string) error {
	switch lang {
	case "", LanguageEnglish, LanguageSpanish:
		return nil
	}
	return invalid("language", "language must be %s or %s (or empty to follow the browser), not %q", LanguageEnglish, LanguageSpanish, lang)
}

func checkTokenName(name string) (string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return "", invalid("name", "token name is required: say what the token is for, such as \"nightly export\"")
	}
	if utf8.RuneCountInString(name) > maxTokenName {
		return "", invalid("name", "token name must be at most %d characters", maxTokenName)
	}
	return name, nil
}
