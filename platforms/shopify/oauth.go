package shopify

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Install flow sentinels.
var (
	// ErrBadHMAC reports a query whose hmac is missing or does not match.
	ErrBadHMAC = errors.New("shopify: oauth: query hmac invalid")
	// ErrStaleTimestamp reports a query timestamp missing, too old or in the future.
	ErrStaleTimestamp = errors.New("shopify: oauth: query timestamp out of range")
	// ErrBadShop reports a shop that is not a *.myshopify.com domain.
	ErrBadShop = errors.New("shopify: oauth: invalid shop domain")
	// ErrInvalidGrant reports a code or refresh token Shopify refused: unknown,
	// already used or expired. The merchant must install again (code) or the
	// app must re-authorize (refresh token).
	ErrInvalidGrant = errors.New("shopify: oauth: grant invalid, used or expired")
)

var validShopRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*\.myshopify\.com$`)

// ValidShopDomain reports whether shop is a lower-case *.myshopify.com
// domain: the only form the install flow accepts, so that no redirect or
// token request goes to a host an attacker named.
func ValidShopDomain(shop string) bool { return validShopRE.MatchString(shop) }

// queryMessages are the messages Shopify's query HMAC may cover: the
// parameters without hmac and signature, sorted by key, k=v joined by &,
// with the values form-encoded (spaces as %20, as Shopify's libraries do)
// or raw (as Shopify's documentation shows). Both carry the same
// parameters; accepting either does not weaken the check.
func queryMessages(q url.Values) []string {
	keys := make([]string, 0, len(q))
	for k := range q {
		if k != "hmac" && k != "signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	enc := make([]string, 0, len(keys))
	raw := make([]string, 0, len(keys))
	for _, k := range keys {
		v := strings.Join(q[k], ",")
		enc = append(enc, url.QueryEscape(k)+"="+url.QueryEscape(v))
		raw = append(raw, k+"="+v)
	}
	return []string{strings.ReplaceAll(strings.Join(enc, "&"), "+", "%20"), strings.Join(raw, "&")}
}

// VerifyQuery checks an install or callback query from Shopify: the hex
// HMAC-SHA256 in hmac (constant-time), then timestamp within maxSkew of now
// (stale and future both refused), then shop. Errors wrap ErrBadHMAC,
// ErrStaleTimestamp or ErrBadShop. The state nonce is the caller's to
// compare.
func VerifyQuery(q url.Values, clientSecret string, now time.Time, maxSkew time.Duration) error {
	got, err := hex.DecodeString(q.Get("hmac"))
	if clientSecret == "" || err != nil || len(got) != sha256.Size {
		return ErrBadHMAC
	}
	ok := false
	for _, msg := range queryMessages(q) {
		m := hmac.New(sha256.New, []byte(clientSecret))
		m.Write([]byte(msg))
		if hmac.Equal(got, m.Sum(nil)) {
			ok = true
		}
	}
	if !ok {
		return ErrBadHMAC
	}
	ts, err := strconv.ParseInt(q.Get("timestamp"), 10, 64)
	if err != nil {
		return fmt.Errorf("%w: %q", ErrStaleTimestamp, q.Get("timestamp"))
	}
	if skew := now.Sub(time.Unix(ts, 0)); skew > maxSkew || skew < -maxSkew {
		return fmt.Errorf("%w: %s off", ErrStaleTimestamp, skew.Round(time.Second))
	}
	if !ValidShopDomain(q.Get("shop")) {
		return fmt.Errorf("%w: %q", ErrBadShop, q.Get("shop"))
	}
	return nil
}

// AuthorizeURL is where the install sends the merchant's browser: Shopify's
// grant screen for an offline token (no grant_options), coming back to
// redirectURI with state.
func AuthorizeURL(shop, clientID string, scopes []string, redirectURI, state string) (string, error) {
	if !ValidShopDomain(shop) {
		return "", fmt.Errorf("%w: %q", ErrBadShop, shop)
	}
	if clientID == "" || state == "" {
		return "", errors.New("shopify: oauth: client id and state are required")
	}
	u, err := url.Parse(redirectURI)
	if err != nil || u.Host == "" || (u.Scheme != "https" && !(u.Scheme == "http" && isLoopback(u.Hostname()))) {
		return "", fmt.Errorf("shopify: oauth: redirect URI %q must be an absolute https URL", redirectURI)
	}
	q := url.Values{"client_id": {clientID}, "scope": {strings.Join(scopes, ",")}, "redirect_uri": {redirectURI}, "state": {state}}
	return "https://" + shop + "/admin/oauth/authorize?" + q.Encode(), nil
}

func isLoopback(host string) bool { return host == "localhost" || host == "127.0.0.1" || host == "::1" }

// NewState returns a fresh nonce (32 random bytes, URL-safe base64) for the
// state parameter.
func NewState() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("shopify: oauth: state: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// Token is an offline access token. Expiring tokens (ExpiresAt set) last an
// hour and come with a refresh token; store the pair atomically after each
// refresh (the refresh token rotates). String and LogValue redact both
// secrets.
type Token struct {
	AccessToken           string
	Scope                 string
	ExpiresAt             time.Time // zero: does not expire
	RefreshToken          string
	RefreshTokenExpiresAt time.Time
}

// NeedsRefresh reports whether the token expires within margin of now.
func (t Token) NeedsRefresh(now time.Time, margin time.Duration) bool {
	return !t.ExpiresAt.IsZero() && !now.Add(margin).Before(t.ExpiresAt)
}

func (t Token) String() string {
	return fmt.Sprintf("shopify.Token{scope=%q expires=%s refresh=%t}", t.Scope, t.ExpiresAt.Format(time.RFC3339), t.RefreshToken != "")
}

// GoString keeps %#v from printing the secrets.
func (t Token) GoString() string { return t.String() }

// LogValue logs the token without its secrets.
func (t Token) LogValue() slog.Value {
	return slog.GroupValue(slog.String("scope", t.Scope), slog.Time("expires_at", t.ExpiresAt),
		slog.Bool("refreshable", t.RefreshToken != ""), slog.Time("refresh_expires_at", t.RefreshTokenExpiresAt))
}

// OAuth exchanges install codes and refresh tokens for access tokens. Its
// zero HTTPClient and Now take http.DefaultClient and time.Now. Requests
// are never retried: a code and a refresh token are single use, so a resent
// request after a lost answer fails with ErrInvalidGrant anyway.
type OAuth struct {
	ClientID     string
	ClientSecret string
	HTTPClient   *http.Client
	// BaseURL replaces "https://{shop}" (tests: the shopifytest fake's URL()).
	BaseURL string
	Now     func() time.Time
}

func (o *OAuth) String() string { return "shopify.OAuth{client_id=" + o.ClientID + "}" }

// LogValue logs the client id only.
func (o *OAuth) LogValue() slog.Value { return slog.StringValue(o.String()) }

// Exchange trades an install code for an expiring offline token
// (expiring=1).
func (o *OAuth) Exchange(ctx context.Context, shop, code string) (Token, error) {
	if code == "" {
		return Token{}, fmt.Errorf("shopify: oauth exchange: empty code: %w", ErrInvalidGrant)
	}
	return o.token(ctx, "exchange", shop, map[string]string{"code": code, "expiring": "1"})
}

// Refresh trades a refresh token for a new token pair.
func (o *OAuth) Refresh(ctx context.Context, shop, refreshToken string) (Token, error) {
	if refreshToken == "" {
		return Token{}, fmt.Errorf("shopify: oauth refresh: empty refresh token: %w", ErrInvalidGrant)
	}
	return o.token(ctx, "refresh", shop, map[string]string{"grant_type": "refresh_token", "refresh_token": refreshToken})
}

func (o *OAuth) token(ctx context.Context, what, shop string, params map[string]string) (Token, error) {
	if !ValidShopDomain(shop) {
		return Token{}, fmt.Errorf("shopify: oauth %s: %w: %q", what, ErrBadShop, shop)
	}
	if o.ClientID == "" || o.ClientSecret == "" {
		return Token{}, fmt.Errorf("shopify: oauth %s: client id and secret are required", what)
	}
	params["client_id"], params["client_secret"] = o.ClientID, o.ClientSecret
	body, err := json.Marshal(params)
	if err != nil {
		return Token{}, fmt.Errorf("shopify: oauth %s: %w", what, err)
	}
	base := o.BaseURL
	if base == "" {
		base = "https://" + shop
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, strings.TrimSuffix(base, "/")+"/admin/oauth/access_token", bytes.NewReader(body))
	if err != nil {
		return Token{}, fmt.Errorf("shopify: oauth %s: %w", what, err)
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Accept", "application/json")
	hc := o.HTTPClient
	if hc == nil {
		hc = http.DefaultClient
	}
	now := time.Now
	if o.Now != nil {
		now = o.Now
	}
	sent := now()
	resp, err := hc.Do(req)
	if err != nil {
		// *url.Error names the URL, which carries no secret (they are in the body).
		return Token{}, fmt.Errorf("shopify: oauth %s: %w", what, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return Token{}, fmt.Errorf("shopify: oauth %s: read: %w", what, err)
	}
	var r struct {
		AccessToken           string `json:"access_token"`
		Scope                 string `json:"scope"`
		ExpiresIn             int64  `json:"expires_in"`
		RefreshToken          string `json:"refresh_token"`
		RefreshTokenExpiresIn int64  `json:"refresh_token_expires_in"`
		Error                 string `json:"error"`
		Description           string `json:"error_description"`
	}
	jerr := json.Unmarshal(raw, &r)
	if resp.StatusCode != http.StatusOK {
		e := &APIError{Operation: "oauth " + what, Status: resp.StatusCode, Code: r.Error, Message: r.Description, RequestID: resp.Header.Get("X-Request-Id")}
		if jerr != nil {
			e.Message = errorText(raw)
		}
		if resp.StatusCode == http.StatusBadRequest && (r.Error == "invalid_grant" || r.Error == "invalid_request") {
			return Token{}, fmt.Errorf("%w: %w", ErrInvalidGrant, e)
		}
		return Token{}, e
	}
	if jerr != nil || r.AccessToken == "" {
		return Token{}, fmt.Errorf("shopify: oauth %s: answer without an access token: %w", what, ErrUnavailable)
	}
	t := Token{AccessToken: r.AccessToken, Scope: r.Scope, RefreshToken: r.RefreshToken}
	// Expiry counts from when the request left, so a slow answer errs early.
	if r.ExpiresIn > 0 {
		t.ExpiresAt = sent.Add(time.Duration(r.ExpiresIn) * time.Second)
	}
	if r.RefreshTokenExpiresIn > 0 {
		t.RefreshTokenExpiresAt = sent.Add(time.Duration(r.RefreshTokenExpiresIn) * time.Second)
	}
	return t, nil
}
