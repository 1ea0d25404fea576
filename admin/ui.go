package admin

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/users"
)

// Accounts is what the web UI needs of the people who use it: *users.Service implements it.
// The UI owns this interface so that it can be tested with a fake and built before the service.
type Accounts interface {
	// Authenticate checks an email and password; users.ErrBadCredentials when either is wrong.
	Authenticate(ctx context.Context, email, password string) (users.User, error)
	// StartSession opens a browser session and returns its token (the cookie's value).
	StartSession(ctx context.Context, userID int64) (string, users.Session, error)
	// SessionUser resolves a session token; users.ErrNoSession when unknown or expired.
	SessionUser(ctx context.Context, token string) (users.Session, error)
	// EndSession ends a session (logout, renewal at login).
	EndSession(ctx context.Context, token string) error
	// TokenUser resolves an API token's secret; users.ErrNoSession when unknown or revoked.
	TokenUser(ctx context.Context, secret string) (users.User, error)
	// SetLanguage saves the user's UI language ("", "en" or "es").
	SetLanguage(ctx context.Context, userID int64, lang string) error
}

// UIConfig holds the web UI's dependencies. Page builders add the services their pages need
// here (the store, the shops service, the job client ...), as fields main fills.
type UIConfig struct {
	Accounts Accounts
	Logger   *slog.Logger
	// Secure marks the cookies Secure (and names the session cookie with the __Host- prefix):
	// set it when the connector is served over https (its public URL is https).
	Secure bool
	// TrustedOrigins are other origins (scheme://host[:port]) allowed to send state-changing
	// requests, for a UI reached through a host name the server does not see in Host.
	TrustedOrigins []string
	// Now is the clock (default time.Now): the login limiter's windows.
	Now func() time.Time
	// Login tunes the login limiter (zero fields take the defaults).
	Login LoginLimits
	// Common, when set, adds data every page's layout may show (e.g. the count of held orders
	// beside the navigation); templates read it as .Common. An error is logged and the page is
	// rendered without it.
	Common func(ctx context.Context, user users.User) (map[string]any, error)

	// The sections' services, each type defined beside its pages (section_NAME.go). A section
	// whose services are missing is not mounted: its navigation entry shows the placeholder.
	Dashboard DashboardDeps
	Shops     ShopsDeps
	Rules     RulesDeps
	Products  ProductsDeps
	Orders    OrdersDeps
	Logs      LogsDeps
	Sync      SyncDeps
	IWS       IWSDeps
	Reports   ReportsDeps
	Users     UsersDeps
}

// UI is the management web UI and its JSON API (/api/v1): login, sessions and API tokens, roles,
// the security headers and cross-origin protection, the layout, the translations and the pages.
type UI struct {
	cfg     UIConfig
	log     *slog.Logger
	now     func() time.Time
	csrf    *http.CrossOriginProtection
	limiter *loginLimiter
	tmpl    *templates
	assets  *assetSet
	i18n    *catalogs
	routes  Routes // set by Mount

	webhookChecks webhookChecks // the dashboard's live webhook checks
}

// NewUI builds the UI; it fails when the embedded templates, assets or translations are broken
// or a trusted origin is malformed.
func NewUI(cfg UIConfig) (*UI, error) {
	if cfg.Accounts == nil {
		return nil, errors.New("admin: UI needs Accounts")
	}
	u := &UI{cfg: cfg, log: cfg.Logger, now: cfg.Now}
	if u.log == nil {
		u.log = slog.New(slog.DiscardHandler)
	}
	if u.now == nil {
		u.now = time.Now
	}
	u.csrf = http.NewCrossOriginProtection()
	for _, o := range cfg.TrustedOrigins {
		if err := u.csrf.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("admin: trusted origin: %w", err)
		}
	}
	var err error
	if u.i18n, err = loadCatalogs(); err != nil {
		return nil, err
	}
	if u.assets, err = loadAssets(); err != nil {
		return nil, err
	}
	if u.tmpl, err = loadTemplates(u.assets, u.i18n); err != nil {
		return nil, err
	}
	u.limiter = newLoginLimiter(cfg.Login.withDefaults(), u.now)
	return u, nil
}

// Routes are the router groups a page or API handler is registered on. Every group sends the
// security headers, no-store and refuses cross-origin state-changing requests.
//
//   - Pages: signed-in pages. A request other than GET/HEAD/OPTIONS on it needs the admin role
//     (support gets 403), so a page's actions are admin-only without anything more to do.
//   - AdminPages: pages only admins may see at all (users and API tokens).
//   - API: /api/v1, signed in by session or API token; non-safe methods need admin, as Pages.
//   - AdminAPI: /api/v1 endpoints only admins may read.
//   - SelfPages and SelfAPI: signed-in pages and /api/v1 endpoints whose state-changing
//     requests every role may send, support included: only for what acts on the signed-in
//     user's own account (their password, their API tokens). Nothing else belongs here.
type Routes struct {
	Pages      *gin.RouterGroup
	AdminPages *gin.RouterGroup
	API        *gin.RouterGroup
	AdminAPI   *gin.RouterGroup
	SelfPages  *gin.RouterGroup
	SelfAPI    *gin.RouterGroup
}

// Mount registers the UI on r: /assets/, /login, /logout, /language, the pages, /api/v1, and
// r's NoRoute and NoMethod answers (a translated page, or JSON under /api/).
func (u *UI) Mount(r *gin.Engine) {
	r.GET("/assets/*file", u.securityHeaders, u.asset)
	r.HEAD("/assets/*file", u.securityHeaders, u.asset)

	ui := r.Group("", u.securityHeaders, u.noStore, u.recoverPanic, u.crossOrigin(false), u.identify(false))
	ui.GET("/login", u.loginForm)
	ui.POST("/login", u.login)
	ui.POST("/logout", u.logout)
	ui.POST("/language", u.setLanguage)

	signedIn := ui.Group("", u.requireUser(false))
	pages := signedIn.Group("", u.writeGuard(false))
	apiUser := r.Group("/api/v1", u.securityHeaders, u.noStore, u.recoverPanic, u.crossOrigin(true), u.identify(true), u.requireUser(true))
	api := apiUser.Group("", u.writeGuard(true))
	rt := Routes{
		Pages:      pages,
		AdminPages: pages.Group("", u.requireAdmin(false)),
		API:        api,
		AdminAPI:   api.Group("", u.requireAdmin(true)),
		SelfPages:  signedIn,
		SelfAPI:    apiUser,
	}
	u.routes = rt
	u.mountRoutes(rt)
	u.mountPlaceholders(r, rt)

	fallback := []gin.HandlerFunc{u.securityHeaders, u.noStore, u.identifyOptional}
	r.NoRoute(append(fallback, u.notFound)...)
	r.NoMethod(append(fallback, u.methodNotAllowed)...)
}

// mountRoutes registers every page and API endpoint. Page builders add their lines here: one
// handler file per page or action.
func (u *UI) mountRoutes(rt Routes) {
	if !u.mountDashboard(rt) {
		rt.Pages.GET("/", u.home)
	}
	u.mountShops(rt)
	u.mountRules(rt)
	u.mountProducts(rt)
	u.mountOrders(rt)
	u.mountLogs(rt)
	u.mountSync(rt)
	u.mountIWS(rt)
	u.mountReports(rt)
	u.mountUsers(rt)
	rt.API.GET("/me", u.apiMe)
}
