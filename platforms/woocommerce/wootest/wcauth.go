package wootest

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

func decodeRune(b []byte) (rune, int) { return utf8.DecodeRune(b) }

//go:embed wp_die.html
var wpDieTemplate string

// wpDie writes WordPress's "Access denied" error page with msg (fixture 58).
func wpDie(w http.ResponseWriter, status int, msg string) {
	w.Header().Set("Content-Type", "text/html; charset=UTF-8")
	noCache(w)
	w.WriteHeader(status)
	_, _ = w.Write([]byte(strings.Replace(wpDieTemplate, "{{MESSAGE}}", msg, 1)))
}

// serveWCAuth handles /wc-auth/v1/authorize and /wc-auth/v1/access_granted/. Without AutoApprove,
// authorize redirects to the login page like an anonymous browser (fixture 52); with it, or on
// access_granted, the merchant's approval is simulated: a key is created, POSTed as JSON to
// callback_url (which must answer exactly 200, or the key is deleted), then 302 to
// return_url?success=1&user_id=… (fixtures 56, 57).
func (s *Server) serveWCAuth(w http.ResponseWriter, r *http.Request) {
	route := strings.Trim(strings.TrimPrefix(r.URL.Path, "/wc-auth/v1/"), "/")
	q := r.URL.Query()
	for _, p := range []string{"app_name", "scope", "user_id", "return_url", "callback_url"} {
		if q.Get(p) == "" {
			wpDie(w, http.StatusBadRequest, fmt.Sprintf("Error: %s parameter is missing.", p))
			return
		}
	}
	scope := q.Get("scope")
	if scope != "read" && scope != "write" && scope != "read_write" {
		wpDie(w, http.StatusBadRequest, "Error: Invalid scope "+scope+".")
		return
	}
	cb := q.Get("callback_url")
	if !strings.HasPrefix(cb, "https://") && !(s.cfg.AllowHTTPCallback && strings.HasPrefix(cb, "http://")) {
		wpDie(w, http.StatusUnauthorized, "Error: The callback_url needs to be over SSL.")
		return
	}
	switch {
	case route == "authorize" && !s.cfg.AutoApprove:
		v := url.Values{}
		for _, p := range []string{"app_name", "user_id", "return_url", "callback_url", "scope"} {
			v.Set(p, q.Get(p))
		}
		w.Header().Set("X-Redirect-By", "WordPress")
		w.Header().Set("Location", s.restBase(r)+"/wc-auth/v1/login/?"+strings.ReplaceAll(v.Encode(), "+", "%20"))
		w.Header().Set("Content-type", "text/html; charset=UTF-8")
		w.WriteHeader(http.StatusFound)
	case route == "authorize" || route == "access_granted":
		s.grant(w, r, q)
	default:
		wpDie(w, http.StatusNotFound, "Error: Invalid route.")
	}
}

func (s *Server) grant(w http.ResponseWriter, r *http.Request, q url.Values) {
	s.mu.Lock()
	k := s.addKeyLocked("ck_"+randHex(20), "cs_"+randHex(20), q.Get("scope"),
		fmt.Sprintf("%s - API (%s)", q.Get("app_name"), s.now().Format("2006-01-02 15:04:05")))
	s.mu.Unlock()
	body, _ := json.Marshal(struct {
		KeyID       int    `json:"key_id"`
		UserID      string `json:"user_id"`
		ConsumerKey string `json:"consumer_key"`
		Secret      string `json:"consumer_secret"`
		Permissions string `json:"key_permissions"`
	}{k.ID, q.Get("user_id"), k.Key, k.Secret, k.Permissions})
	req, err := http.NewRequestWithContext(r.Context(), http.MethodPost, q.Get("callback_url"), bytes.NewReader(body))
	status := 0
	if err == nil {
		req.Header.Set("Content-Type", "application/json;charset=UTF-8")
		req.Header.Set("User-Agent", "WordPress/"+WordPressVersion+"; "+s.site())
		req.Close = true
		resp, derr := s.cfg.WebhookClient.Do(req)
		if derr == nil {
			status = resp.StatusCode
			_ = resp.Body.Close()
		}
	}
	if status != http.StatusOK {
		s.mu.Lock()
		delete(s.keys, k.Key)
		s.mu.Unlock()
		wpDie(w, http.StatusUnauthorized, "Error: An error occurred in the request and at the time were unable to send the consumer data.")
		return
	}
	ret := q.Get("return_url")
	sep := "?"
	if strings.Contains(ret, "?") {
		sep = "&"
	}
	w.Header().Set("X-Redirect-By", "WordPress")
	w.Header().Set("Location", ret+sep+"success=1&user_id="+url.QueryEscape(q.Get("user_id")))
	w.Header().Set("Content-type", "text/html; charset=UTF-8")
	w.WriteHeader(http.StatusFound)
}
