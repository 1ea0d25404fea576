package shopifytest

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

type tokenInfo struct {
	scope   string
	expires time.Time // zero: never
}

// QueryHMAC is the hex HMAC-SHA256 Shopify puts in `hmac` on install and
// callback URLs: over the parameters without hmac/signature, sorted by key,
// form-encoded with %20 for spaces, keyed with the client secret.
func QueryHMAC(secret string, q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		if k != "hmac" && k != "signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	parts := make([]string, 0, len(keys))
	for _, k := range keys {
		parts = append(parts, url.QueryEscape(k)+"="+url.QueryEscape(strings.Join(q[k], ",")))
	}
	msg := strings.ReplaceAll(strings.Join(parts, "&"), "+", "%20")
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(msg))
	return hex.EncodeToString(m.Sum(nil))
}

// InstallURL is the signed URL Shopify opens on the app at install.
func (s *Server) InstallURL(appURL string) string {
	q := url.Values{"shop": {s.cfg.Shop}, "timestamp": {strconv.FormatInt(s.cfg.Clock().Unix(), 10)}, "host": {"YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvZGVtbw"}}
	q.Set("hmac", QueryHMAC(s.cfg.ClientSecret, q))
	return appURL + "?" + q.Encode()
}

// handleAuthorize stands for the merchant approving the install: it
// redirects straight back to redirect_uri with a signed code.
func (s *Server) handleAuthorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != s.cfg.ClientID {
		http.Error(w, "Oauth error invalid_request: The client_id is invalid", http.StatusBadRequest)
		return
	}
	redirect, err := url.Parse(q.Get("redirect_uri"))
	if err != nil || redirect.Scheme == "" {
		http.Error(w, "Oauth error invalid_request: The redirect_uri is missing or not whitelisted", http.StatusBadRequest)
		return
	}
	scope := q.Get("scope")
	if scope == "" {
		scope = s.cfg.Scopes
	}
	code := randomHex(16)
	s.mu.Lock()
	s.codes[code] = scope
	s.mu.Unlock()
	back := url.Values{"code": {code}, "shop": {s.cfg.Shop}, "state": {q.Get("state")},
		"timestamp": {strconv.FormatInt(s.cfg.Clock().Unix(), 10)}, "host": {"YWRtaW4uc2hvcGlmeS5jb20vc3RvcmUvZGVtbw"}}
	back.Set("hmac", QueryHMAC(s.cfg.ClientSecret, back))
	redirect.RawQuery = back.Encode()
	http.Redirect(w, r, redirect.String(), http.StatusFound)
}

// handleAccessToken exchanges a code, or a refresh token
// (grant_type=refresh_token), for an access token. JSON or form bodies.
func (s *Server) handleAccessToken(w http.ResponseWriter, r *http.Request) {
	p := map[string]string{}
	if strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		var raw map[string]any
		if err := json.NewDecoder(r.Body).Decode(&raw); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "malformed body"})
			return
		}
		for k, v := range raw {
			p[k] = str(v)
		}
	} else {
		if err := r.ParseForm(); err != nil {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "malformed body"})
			return
		}
		for k := range r.PostForm {
			p[k] = r.PostForm.Get(k)
		}
	}
	if p["client_id"] != s.cfg.ClientID || !hmac.Equal([]byte(p["client_secret"]), []byte(s.cfg.ClientSecret)) {
		writeJSON(w, http.StatusUnauthorized, map[string]string{"error": "invalid_client", "error_description": "Client authentication failed"})
		return
	}
	now := s.cfg.Clock()
	s.mu.Lock()
	defer s.mu.Unlock()
	var scope string
	expiring := s.cfg.ExpiringTokens || p["expiring"] == "1"
	switch p["grant_type"] {
	case "refresh_token":
		info, ok := s.refresh[p["refresh_token"]]
		delete(s.refresh, p["refresh_token"]) // rotation: single use
		if !ok || !now.Before(info.expires) {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_grant", "error_description": "The refresh token is invalid or expired"})
			return
		}
		scope, expiring = info.scope, true
	case "", "authorization_code":
		sc, ok := s.codes[p["code"]]
		delete(s.codes, p["code"])
		if !ok {
			writeJSON(w, http.StatusBadRequest, map[string]string{"error": "invalid_request", "error_description": "The authorization code was not found or was already used"})
			return
		}
		scope = sc
	default:
		writeJSON(w, http.StatusBadRequest, map[string]string{"error": "unsupported_grant_type"})
		return
	}
	tok := "shpat_" + randomHex(16)
	resp := map[string]any{"access_token": tok, "scope": scope}
	info := tokenInfo{scope: scope}
	if expiring {
		info.expires = now.Add(s.cfg.TokenTTL)
		rt := "shprt_" + randomHex(16)
		s.refresh[rt] = tokenInfo{scope: scope, expires: now.Add(s.cfg.RefreshTokenTTL)}
		resp["expires_in"] = int(s.cfg.TokenTTL.Seconds())
		resp["refresh_token"] = rt
		resp["refresh_token_expires_in"] = int(s.cfg.RefreshTokenTTL.Seconds())
	}
	s.tokens[tok] = info
	writeJSON(w, http.StatusOK, resp)
}
