// Package admin holds the connector's web endpoints for people: the shop connection flows
// (Shopify app install, WooCommerce key handoff, in Install) and the management web UI with its
// JSON API (UI).
//
// # The UI
//
// NewUI(UIConfig) builds it; Mount(engine) registers it. Pages are server-rendered with
// html/template; templates, translations and assets are embedded (templates/, i18n/, assets/):
// nothing comes from a CDN, and the Content-Security-Policy forbids inline script and style, so
// a template never carries <script> or style="" (put behaviour in assets/app.js, keyed on
// data- attributes, and styles in assets/app.css).
//
// Adding a page (in this package):
//
//   - templates/pages/NAME.html defines "title" and "content"; its dot is a View (.User,
//     .CanWrite, .Lang, .Path, .Data for the page's own data ...); {{T "key" args...}}
//     translates, {{asset "file"}} links an asset.
//   - NAME.go has the handler, a method on *UI: func (u *UI) shops(c *gin.Context) that passes
//     c.Request.Context() down and ends with u.render(c, http.StatusOK, "NAME", data).
//   - A section's routes are registered by its mountNAME in section_NAME.go (called by
//     mountRoutes in ui.go) when its services, NAMEDeps in the same file, are set: e.g.
//     rt.Pages.GET("/shops", u.shops). A section of the navigation (ui_nav.go) shows a
//     placeholder until its GET route is registered.
//   - The services the section needs are fields of its NAMEDeps, which main fills
//     (cmd/connector/admin_NAME.go).
//   - Its tests: a section_NAME_test.go with its own route table (every route as anonymous,
//     support and admin) on a fixture whose UIConfig carries the section's services
//     (newFixture(t, func(c *UIConfig) { c.Orders = ... })), and an init function adding its
//     page templates to pageSamples.
//
// A section's own styles and scripts go in assets/NAME.css and assets/NAME.js (not in app.css
// and app.js, which every page shares), linked from its page templates' "head" block:
// {{define "head"}}<link rel="stylesheet" href="{{asset "NAME.css"}}">{{end}}.
//
// Adding an action: register it on rt.Pages (or rt.API) with POST/PUT/DELETE. Every
// state-changing request there is refused for the support role (403, a page or JSON), and every
// one is checked against cross-site forgery, with nothing more to write. rt.AdminPages and
// rt.AdminAPI are for what support may not even see. After the action, u.flash(c, flashSuccess,
// "key") and redirect 303; for a destructive one, start with `if !u.confirmed(c, "key") {
// return }` and give its form data-confirm="{{T "key"}}" (the browser asks; without the script
// the server asks).
//
// Adding a translation: the same key in i18n/NAME.en.json and i18n/NAME.es.json for a section
// NAME (keys prefixed "NAME."), or in i18n/en.json and i18n/es.json for what every page shares
// (dotted lower case; fmt verbs for arguments, the same ones in both). Tests fail on a key missing from either file or
// used by a template or handler without existing.
//
// The API: JSON under /api/v1, signed in by the session cookie or `Authorization: Bearer
// icx_...`. Errors are APIError ({"error":{"code","message"}}) with the Code* constants:
// u.apiError(c, status, code, "key"), or u.apiFailure(c, err), which maps the core's sentinel
// errors (not found 404, invalid 400, conflict 409, else 500 without details).
package admin
