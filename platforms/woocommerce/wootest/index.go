package wootest

import (
	"net/http"
	"strings"
)

// The REST index (GET /wp-json/) is WordPress's, not WooCommerce's: the recordings do not hold
// one, so this follows WordPress's documented shape (WP_REST_Server::get_index) with the fields
// the connector reads: name, description, url, home and namespaces. `_fields` keeps only the
// fields it lists, as rest_filter_response_fields does. routes and authentication are left out.

// DefaultSiteName is the site title the fake reports unless Config.SiteName says otherwise.
const DefaultSiteName = "WooCommerce fake"

// wooNamespaces and wpNamespaces are the REST namespaces of a WordPress with and without
// WooCommerce active.
var (
	wpNamespaces  = []string{"oembed/1.0", "wp/v2", "wp-site-health/v1", "wp-block-editor/v1"}
	wooNamespaces = []string{"wc/store", "wc/store/v1", "wc-admin", "wc-analytics", "wc/v1", "wc/v2", "wc/v3", "wc-telemetry"}
)

// serveIndex answers GET /wp-json/ (anonymous: the index needs no authentication).
func (s *Server) serveIndex(w http.ResponseWriter, r *http.Request) {
	s.commonHeaders(w, r)
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		writeError(w, newError(http.StatusNotFound, "rest_no_route", "No route was found matching the URL and request method."))
		return
	}
	namespaces := append([]string(nil), wpNamespaces[:1]...)
	if !s.cfg.WithoutWooCommerce {
		namespaces = append(namespaces, wooNamespaces...)
	}
	namespaces = append(namespaces, wpNamespaces[1:]...)
	name := s.cfg.SiteName
	if name == "" {
		name = DefaultSiteName
	}
	site := s.site()
	if s.isHTTPS(r) {
		// A site reached over TLS has an https home (StartTLS keeps an http siteURL for the
		// other links).
		site = "https://" + strings.TrimPrefix(site, "http://")
	}
	doc := map[string]any{
		"name": name, "description": "", "url": site, "home": site,
		"gmt_offset": "0", "timezone_string": "", "namespaces": namespaces,
	}
	if f := r.URL.Query().Get("_fields"); f != "" {
		keep := map[string]bool{}
		for _, k := range strings.Split(f, ",") {
			keep[strings.TrimSpace(k)] = true
		}
		for k := range doc {
			if !keep[k] {
				delete(doc, k)
			}
		}
	}
	writeJSON(w, http.StatusOK, doc)
}
