package sandbox

import (
	"crypto/subtle"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/intcomex-connector/connector/iws"
)

// authenticate checks the IWS token (NOTES §2). The Authorization header is read first; only when
// there is no such header at all is the query string used, so a header with any invalid value fails
// even when the query string carries a valid token. It returns the caller's API key.
func (s *Sandbox) authenticate(r *http.Request) (string, *apiError) {
	var fields url.Values
	if vals, present := r.Header["Authorization"]; present {
		raw := ""
		if len(vals) > 0 {
			raw = strings.TrimSpace(vals[0])
		}
		scheme, token, _ := strings.Cut(raw, " ")
		token = strings.TrimSpace(token)
		if !strings.EqualFold(scheme, "Bearer") || token == "" {
			return "", iwsErr(http.StatusUnauthorized, 18, "Missing bearer authentication header.")
		}
		// Clients do not URL-encode the token; ParseQuery also tolerates those that do. On a bad escape
		// it still returns the fields it could parse, and the checks below report what is missing.
		parsed, _ := url.ParseQuery(token)
		fields = lowerKeys(parsed)
	} else {
		fields = lowerKeys(r.URL.Query())
		if fields.Get("apikey") == "" && fields.Get("utctimestamp") == "" && fields.Get("signature") == "" {
			return "", iwsErr(http.StatusUnauthorized, 19, "Missing authentication token.")
		}
	}
	apiKey, ts, sig := fields.Get("apikey"), fields.Get("utctimestamp"), fields.Get("signature")

	// Keys are compared and hashed byte for byte, as issued (NOTES §2.5).
	if apiKey == "" || subtle.ConstantTimeCompare([]byte(apiKey), []byte(s.cfg.APIKey)) != 1 {
		return "", iwsErr(http.StatusUnauthorized, 13, "Invalid API Key.", "ApiKey", apiKey)
	}
	t, ok := parseTokenTime(ts)
	if !ok {
		return "", iwsErr(http.StatusUnauthorized, 11, "Invalid time stamp.")
	}
	now := s.now()
	if now.Sub(t) > s.cfg.TokenLifetime {
		return "", iwsErr(http.StatusUnauthorized, 12, "Request time stamp no longer valid.", "TimeStamp", ts)
	}
	if t.Sub(now) > s.cfg.MaxSkew {
		// IWS does not document future timestamps; a token from too far ahead is as invalid as a
		// malformed one.
		return "", iwsErr(http.StatusUnauthorized, 11, "Invalid time stamp.")
	}
	want := iws.Signature(apiKey, s.cfg.AccessKey, ts)
	if subtle.ConstantTimeCompare([]byte(sig), []byte(want)) != 1 {
		return "", iwsErr(http.StatusUnauthorized, 10, "Invalid signature.", "Signature", sig)
	}
	if len(s.cfg.AllowedIPs) > 0 {
		ip := clientIP(r)
		if !slices.Contains(s.cfg.AllowedIPs, ip) {
			return "", iwsErr(http.StatusUnauthorized, 14, "IP address not registered.", "ClientIp", ip)
		}
	}
	return apiKey, nil
}

// parseTokenTime accepts the documented second-precision form (2024-01-02T03:04:05Z) and, since the
// signature covers the exact string sent anyway, any RFC 3339 timestamp (fractions, offsets): whether
// IWS accepts those is not documented.
func parseTokenTime(ts string) (time.Time, bool) {
	if t, err := time.Parse(iws.TimestampLayout, ts); err == nil {
		return t, true
	}
	t, err := time.Parse(time.RFC3339Nano, ts)
	return t, err == nil
}

func lowerKeys(v url.Values) url.Values {
	out := make(url.Values, len(v))
	for k, vs := range v {
		lk := strings.ToLower(k)
		out[lk] = append(out[lk], vs...)
	}
	return out
}

func clientIP(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// authenticateMethod is GET /authenticate: an empty 200 when the token is valid (checked before
// every handler).
func (s *Sandbox) authenticateMethod(c *call) error {
	c.w.WriteHeader(http.StatusOK)
	return nil
}
