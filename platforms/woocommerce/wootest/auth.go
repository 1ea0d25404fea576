package wootest

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

type apiKey struct {
	ID          int
	Key         string
	Secret      string
	Permissions string // read, write, read_write
	Description string
}

func (s *Server) addKeyLocked(key, secret, perms, desc string) *apiKey {
	k := &apiKey{ID: s.nextKeyID, Key: key, Secret: secret, Permissions: perms, Description: desc}
	s.nextKeyID++
	s.keys[key] = k
	return k
}

// AddKey registers another API key pair with permissions read, write or read_write.
func (s *Server) AddKey(key, secret, permissions string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.addKeyLocked(key, secret, permissions, "")
}

// Key is an API key as the store holds it.
type Key struct {
	ID                                  int
	ConsumerKey, ConsumerSecret, Access string
	Description                         string
}

// Keys returns every API key, including those created through wc-auth.
func (s *Server) Keys() []Key {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Key
	for _, k := range s.keys {
		out = append(out, Key{ID: k.ID, ConsumerKey: k.Key, ConsumerSecret: k.Secret, Access: k.Permissions, Description: k.Description})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

const oauthWindow = 15 * time.Minute

func authError(msg string) *apiError {
	return newError(http.StatusUnauthorized, "woocommerce_rest_authentication_error", msg)
}

// anonymousError is the permission error of an unauthenticated request (fixtures 18, 20).
func anonymousError(op operation) *apiError {
	switch op {
	case opView:
		return newError(http.StatusUnauthorized, "woocommerce_rest_cannot_view", "Sorry, you cannot view this resource.")
	case opCreate:
		return newError(http.StatusUnauthorized, "woocommerce_rest_cannot_create", "Sorry, you are not allowed to create resources.")
	case opEdit:
		return newError(http.StatusUnauthorized, "woocommerce_rest_cannot_edit", "Sorry, you are not allowed to edit this resource.")
	case opDelete:
		return newError(http.StatusUnauthorized, "woocommerce_rest_cannot_delete", "Sorry, you are not allowed to delete this resource.")
	case opBatch:
		return newError(http.StatusUnauthorized, "woocommerce_rest_cannot_batch", "Sorry, you are not allowed to batch manipulate this resource.")
	}
	return newError(http.StatusUnauthorized, "woocommerce_rest_cannot_view", "Sorry, you cannot list resources.")
}

// authenticate mirrors WC_REST_Authentication: Basic or query keys only under is_ssl(), one-legged
// OAuth 1.0a otherwise; an unknown key is anonymous, a wrong secret an authentication error.
func (s *Server) authenticate(r *http.Request, op operation) *apiError {
	var k *apiKey
	if s.isHTTPS(r) {
		key, secret, ok := r.BasicAuth()
		if !ok {
			q := r.URL.Query()
			key, secret = q.Get("consumer_key"), q.Get("consumer_secret")
			ok = key != "" && secret != ""
		}
		if !ok {
			return anonymousError(op)
		}
		s.mu.Lock()
		k = s.keys[key]
		s.mu.Unlock()
		if k == nil {
			return anonymousError(op)
		}
		if !hmac.Equal([]byte(k.Secret), []byte(secret)) {
			return authError("Consumer secret is invalid.")
		}
	} else {
		var err *apiError
		k, err = s.oauth(r)
		if err != nil {
			return err
		}
		if k == nil {
			return anonymousError(op)
		}
	}
	write := r.Method != http.MethodGet && r.Method != http.MethodHead && r.Method != http.MethodOptions
	switch {
	case write && k.Permissions == "read":
		return authError("The API key provided does not have write permissions.")
	case !write && k.Permissions == "write":
		return authError("The API key provided does not have read permissions.")
	}
	return nil
}

// oauth checks one-legged OAuth 1.0a; (nil, nil) means no OAuth attempt (anonymous).
func (s *Server) oauth(r *http.Request) (*apiKey, *apiError) {
	params := map[string]string{}
	for k, v := range r.URL.Query() {
		if len(v) > 0 {
			params[k] = v[0]
		}
	}
	if h := r.Header.Get("Authorization"); strings.HasPrefix(h, "OAuth ") {
		for _, part := range strings.Split(strings.TrimPrefix(h, "OAuth "), ",") {
			k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
			if !ok || !strings.HasPrefix(k, "oauth_") {
				continue
			}
			v, _ = url.PathUnescape(strings.Trim(v, `"`))
			params[k] = v
		}
	}
	if params["oauth_consumer_key"] == "" {
		return nil, nil
	}
	for _, p := range []string{"oauth_consumer_key", "oauth_timestamp", "oauth_nonce", "oauth_signature", "oauth_signature_method"} {
		if params[p] == "" {
			return nil, authError("Missing OAuth parameter " + p)
		}
	}
	s.mu.Lock()
	k := s.keys[params["oauth_consumer_key"]]
	s.mu.Unlock()
	if k == nil {
		return nil, authError("Consumer key is invalid.")
	}
	var h func() hash.Hash
	switch params["oauth_signature_method"] {
	case "HMAC-SHA1":
		h = sha1.New
	case "HMAC-SHA256":
		h = sha256.New
	default:
		return nil, authError("Invalid signature - signature method is invalid.")
	}
	want := OAuthSignature(h, r.Method, s.restBase(r)+r.URL.Path, params, k.Secret)
	got := strings.ReplaceAll(params["oauth_signature"], " ", "+")
	if !hmac.Equal([]byte(want), []byte(got)) {
		return nil, authError("Invalid signature - provided signature does not match.")
	}
	ts, err := strconv.ParseInt(params["oauth_timestamp"], 10, 64)
	now := s.cfg.Clock()
	if err != nil || time.Unix(ts, 0).Before(now.Add(-oauthWindow)) {
		return nil, authError("Invalid timestamp.")
	}
	nonceKey := k.Key + "\x00" + params["oauth_nonce"]
	s.mu.Lock()
	defer s.mu.Unlock()
	for n, t := range s.nonces {
		if t.Before(now.Add(-oauthWindow)) {
			delete(s.nonces, n)
		}
	}
	if _, used := s.nonces[nonceKey]; used {
		return nil, authError("Invalid nonce - nonce has already been used.")
	}
	s.nonces[nonceKey] = time.Unix(ts, 0)
	return k, nil
}

// OAuthSignature computes WooCommerce's one-legged OAuth 1.0a signature: key consumer_secret+"&",
// base string METHOD&rawurlencode(url)&… over the params sorted by key (minus oauth_signature),
// exactly as WC_REST_Authentication::check_oauth_signature builds it: each key and value
// RFC 3986-encoded (normalize_parameters), then each "key=value" encoded again
// (join_with_equals_sign), so a value holding a comma signs as %252C. (A real WooCommerce 11
// refused a signature that encoded "include=1,2" once.) Exported so tests can sign requests.
func OAuthSignature(h func() hash.Hash, method, baseURL string, params map[string]string, secret string) string {
	keys := make([]string, 0, len(params))
	for k := range params {
		if k != "oauth_signature" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	pairs := make([]string, len(keys))
	for i, k := range keys {
		pairs[i] = rfc3986(rfc3986(k) + "=" + rfc3986(params[k]))
	}
	base := strings.ToUpper(method) + "&" + rfc3986(baseURL) + "&" + strings.Join(pairs, "%26")
	mac := hmac.New(h, []byte(secret+"&"))
	mac.Write([]byte(base))
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// rfc3986 is PHP's rawurlencode.
func rfc3986(s string) string {
	return strings.ReplaceAll(url.QueryEscape(s), "+", "%20")
}
