package admin

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/users"
)

// userSorts are the users list's sort keys.
var userSorts = memSort[users.User]{
	"email":      func(a, b users.User) int { return cmp.Compare(a.Email, b.Email) },
	"role":       func(a, b users.User) int { return cmp.Compare(a.Role, b.Role) },
	"created":    func(a, b users.User) int { return a.CreatedAt.Compare(b.CreatedAt) },
	"last_login": func(a, b users.User) int { return a.LastLoginAt.Compare(b.LastLoginAt) },
}

// userFilter is the users list's filter: text in the email, role.
type userFilter struct{ Q, Role string }

func userFilterOf(c *gin.Context) userFilter {
	return userFilter{Q: strings.ToLower(strings.TrimSpace(c.Query("q"))), Role: c.Query("role")}
}

// usersPage reads the page of the users list the query asks for.
func (u *UI) usersPage(c *gin.Context) (store.PageOf[users.User], error) {
	p, err := memPageQuery(c, userSorts, "email")
	if err != nil {
		return store.PageOf[users.User]{}, fmt.Errorf("%w: %s", store.ErrInvalid, err.Error())
	}
	all, err := u.cfg.Users.Users.List(c.Request.Context())
	if err != nil {
		return store.PageOf[users.User]{}, err
	}
	f := userFilterOf(c)
	all = slices.DeleteFunc(all, func(x users.User) bool {
		return (f.Q != "" && !strings.Contains(x.Email, f.Q)) || (f.Role != "" && string(x.Role) != f.Role)
	})
	return memPaginate(all, userSorts, p), nil
}

// usersListData is the users list page: the users and the form that adds one.
type usersListData struct {
	Users   []users.User
	Filter  userFilter
	Roles   []users.Role
	Columns []string
	Pager   memPager
	// The add form: its values (never a password) and its problems by field (email, role,
	// password, password2).
	Email, Role    string
	Errors         map[string][]string
	MinPasswordLen int
}

var userRoles = []users.Role{users.RoleAdmin, users.RoleSupport}

func (u *UI) renderUsersList(c *gin.Context, status int, form usersListData) {
	pg, err := u.usersPage(c)
	if errors.Is(err, store.ErrInvalid) {
		u.errorPage(c, http.StatusBadRequest, "users.bad_query")
		return
	}
	if err != nil {
		u.failWithLog(c, "users list", err)
		return
	}
	form.Users, form.Filter, form.Roles = pg.Items, userFilterOf(c), userRoles
	form.Columns = []string{"email", "role", "created", "last_login"}
	form.Pager = newMemPager(c.Request.URL, pg, userSorts)
	form.MinPasswordLen = u.cfg.Users.Users.MinPasswordLen()
	if form.Errors == nil {
		form.Errors = map[string][]string{}
	}
	if form.Role == "" {
		form.Role = string(users.RoleSupport)
	}
	u.render(c, status, "users", form)
}

// usersList is GET /users: the users (filter q and role, sort, pages) and the add form.
func (u *UI) usersList(c *gin.Context) { u.renderUsersList(c, http.StatusOK, usersListData{}) }

// invalidFields turns the users service's refusal of an input into problems by field: an
// *InvalidError names its field. ok is false for other errors.
func invalidFields(err error) (map[string][]string, bool) {
	var ie *users.InvalidError
	if errors.As(err, &ie) {
		return map[string][]string{ie.Field: {ie.Message}}, true
	}
	return nil, false
}

// addUser adds a user after checking the password was typed the same twice.
func (u *UI) addUser(ctx context.Context, lang, email, role, password, again string) (users.User, map[string][]string, error) {
	if password != again {
		return users.User{}, map[string][]string{"password2": {u.i18n.T(lang, "users.password_mismatch")}}, nil
	}
	r, err := users.ParseRole(role)
	if err != nil {
		fields, _ := invalidFields(err)
		return users.User{}, fields, nil
	}
	added, err := u.cfg.Users.Users.Add(ctx, email, r, password)
	if fields, ok := invalidFields(err); ok {
		return users.User{}, fields, nil
	}
	return added, nil, err
}

// usersAdd is POST /users (email, role, password, password2).
func (u *UI) usersAdd(c *gin.Context) {
	ctx := c.Request.Context()
	email, role := strings.TrimSpace(c.PostForm("email")), c.PostForm("role")
	added, fields, err := u.addUser(ctx, u.lang(c), email, role, c.PostForm("password"), c.PostForm("password2"))
	if errors.Is(err, users.ErrExists) { // a taken email is the email field's problem
		fields, err = map[string][]string{"email": {err.Error()}}, nil
	}
	switch {
	case fields != nil:
		u.renderUsersList(c, http.StatusBadRequest, usersListData{Email: email, Role: role, Errors: fields})
		return
	case err != nil:
		u.failWithLog(c, "add user", err)
		return
	}
	u.log.InfoContext(ctx, "admin: user added", "user", added.ID, "role", string(added.Role), "by", visitorOf(c).user.ID)
	u.flash(c, flashSuccess, "users.flash.added")
	c.Redirect(http.StatusSeeOther, fmt.Sprintf("/users/%d", added.ID))
}

// userPageData is a user's page (/users/ID, admins) or the signed-in user's own (/account).
type userPageData struct {
	User    users.User
	Account bool   // the /account page: the person's own account
	Self    bool   // the user is the signed-in person
	Base    string // where the page's forms post: /users/ID or /account
	Tokens  []users.APIToken
	Roles   []users.Role
	// NewSecret is a token's secret, shown once, right after it was made.
	NewSecret string
	NewToken  users.APIToken
	TokenName string
	// Errors are problems by field: role, current, password, password2, name.
	Errors map[string][]string
	// FormError is a refusal of the whole action in words (the last admin).
	FormError      string
	MinPasswordLen int
}

func (u *UI) newUserPageData(ctx context.Context, c *gin.Context, user users.User, account bool) (userPageData, error) {
	tokens, err := u.cfg.Users.Users.Tokens(ctx, user.ID)
	if err != nil {
		return userPageData{}, err
	}
	base := fmt.Sprintf("/users/%d", user.ID)
	if account {
		base = "/account"
	}
	return userPageData{User: user, Account: account, Self: user.ID == visitorOf(c).user.ID, Base: base, Tokens: tokens,
		Roles: userRoles, Errors: map[string][]string{}, MinPasswordLen: u.cfg.Users.Users.MinPasswordLen()}, nil
}

// renderUser renders a user's page after mod fills in what the action left to show.
func (u *UI) renderUser(c *gin.Context, status int, user users.User, account bool, mod func(*userPageData)) {
	d, err := u.newUserPageData(c.Request.Context(), c, user, account)
	if err != nil {
		u.failWithLog(c, "user page", err)
		return
	}
	if mod != nil {
		mod(&d)
	}
	u.render(c, status, "users_user", d)
}

// userParam reads the user of the path's :id; an unknown one answers 404 and returns false.
func (u *UI) userParam(c *gin.Context) (users.User, bool) {
	id, err := strconv.ParseInt(c.Param("id"), 10, 64)
	if err != nil || id <= 0 {
		u.fail(c, http.StatusNotFound, CodeNotFound, "users.not_found")
		return users.User{}, false
	}
	user, err := u.cfg.Users.Users.ByID(c.Request.Context(), id)
	if errors.Is(err, users.ErrNotFound) {
		u.fail(c, http.StatusNotFound, CodeNotFound, "users.not_found")
		return users.User{}, false
	}
	if err != nil {
		u.failWithLog(c, "user", err)
		return users.User{}, false
	}
	return user, true
}

// userPage is GET /users/:id: the user, role, password reset, removal and API tokens.
func (u *UI) userPage(c *gin.Context) {
	if user, ok := u.userParam(c); ok {
		u.renderUser(c, http.StatusOK, user, false, nil)
	}
}

// lastAdmin says a refusal to remove or demote the last admin in the person's language, with the
// service's sentence (which names the account).
func (u *UI) lastAdmin(c *gin.Context, err error) string {
	return u.i18n.T(u.lang(c), "users.last_admin") + " " + err.Error()
}

// userSetRole is POST /users/:id/role (role).
func (u *UI) userSetRole(c *gin.Context) {
	user, ok := u.userParam(c)
	if !ok {
		return
	}
	ctx := c.Request.Context()
	role, err := users.ParseRole(c.PostForm("role"))
	if err == nil {
		err = u.cfg.Users.Users.SetRole(ctx, user.Email, role)
	}
	if fields, ok := invalidFields(err); ok {
		u.renderUser(c, http.StatusBadRequest, user, false, func(d *userPageData) { d.Errors = fields })
		return
	}
	if errors.Is(err, users.ErrLastAdmin) {
		u.renderUser(c, http.StatusConflict, user, false, func(d *userPageData) { d.FormError = u.lastAdmin(c, err) })
		return
	}
	if err != nil {
		u.failWithLog(c, "set role", err)
		return
	}
	u.log.InfoContext(ctx, "admin: user role changed", "user", user.ID, "role", string(role), "by", visitorOf(c).user.ID)
	u.flash(c, flashSuccess, "users.flash.role")
	target := fmt.Sprintf("/users/%d", user.ID)
	if user.ID == visitorOf(c).user.ID && role != users.RoleAdmin {
		target = "/account" // an admin who made themselves support may no longer see /users
	}
	c.Redirect(http.StatusSeeOther, target)
}

// changePassword sets user's password after checking it was typed the same twice (and, when
// current is not nil, that current is the user's password). SetPassword ends every session of
// the user; when the user is the person asking, with a browser session, a new session starts
// for them so they stay signed in. fields are the problems by field.
func (u *UI) changePassword(c *gin.Context, user users.User, current *string, password, again string) (map[string][]string, error) {
	ctx := c.Request.Context()
	lang := u.lang(c)
	svc := u.cfg.Users.Users
	if current != nil {
		ok, err := svc.PasswordMatches(ctx, user.Email, *current)
		if err != nil {
			return nil, err
		}
		if !ok {
			return map[string][]string{"current": {u.i18n.T(lang, "users.current_wrong")}}, nil
		}
	}
	if password != again {
		return map[string][]string{"password2": {u.i18n.T(lang, "users.password_mismatch")}}, nil
	}
	err := svc.SetPassword(ctx, user.Email, password)
	if fields, ok := invalidFields(err); ok {
		return fields, nil
	}
	if err != nil {
		return nil, err
	}
	v := visitorOf(c)
	u.log.InfoContext(ctx, "admin: password changed", "user", user.ID, "by", v.user.ID)
	if v.user.ID == user.ID && v.token != "" {
		token, _, err := u.cfg.Accounts.StartSession(ctx, user.ID)
		if err != nil {
			return nil, fmt.Errorf("new session after a password change: %w", err)
		}
		v.token = token
		u.setSessionCookie(c, token)
	}
	return nil, nil
}

// userSetPassword is POST /users/:id/password (password, password2): an admin resets a password;
// the user's sessions end.
func (u *UI) userSetPassword(c *gin.Context) {
	user, ok := u.userParam(c)
	if !ok {
		return
	}
	fields, err := u.changePassword(c, user, nil, c.PostForm("password"), c.PostForm("password2"))
	switch {
	case fields != nil:
		u.renderUser(c, http.StatusBadRequest, user, false, func(d *userPageData) { d.Errors = fields })
	case err != nil:
		u.failWithLog(c, "set password", err)
	default:
		u.flash(c, flashSuccess, "users.flash.password")
		c.Redirect(http.StatusSeeOther, fmt.Sprintf("/users/%d", user.ID))
	}
}

// userRemove is POST /users/:id/remove (confirmed): the user, their sessions and API tokens. The
// last admin is refused in words. An admin who removes their own account is signed out.
func (u *UI) userRemove(c *gin.Context) {
	user, ok := u.userParam(c)
	if !ok {
		return
	}
	if !u.confirmed(c, "users.remove.confirm", user.Email) {
		return
	}
	ctx := c.Request.Context()
	err := u.cfg.Users.Users.Remove(ctx, user.Email)
	switch {
	case errors.Is(err, users.ErrLastAdmin):
		u.renderUser(c, http.StatusConflict, user, false, func(d *userPageData) { d.FormError = u.lastAdmin(c, err) })
		return
	case errors.Is(err, users.ErrNotFound):
		u.fail(c, http.StatusNotFound, CodeNotFound, "users.not_found")
		return
	case err != nil:
		u.failWithLog(c, "remove user", err)
		return
	}
	v := visitorOf(c)
	u.log.InfoContext(ctx, "admin: user removed", "user", user.ID, "by", v.user.ID)
	if user.ID == v.user.ID {
		u.clearSessionCookie(c)
		u.flash(c, flashInfo, "users.flash.removed_self")
		c.Redirect(http.StatusSeeOther, "/login")
		return
	}
	u.flash(c, flashSuccess, "users.flash.removed")
	c.Redirect(http.StatusSeeOther, "/users")
}

// createToken makes an API token for user named by the form's name; fields are the problems.
func (u *UI) createToken(c *gin.Context, user users.User, account bool) {
	ctx := c.Request.Context()
	name := c.PostForm("name")
	secret, t, err := u.cfg.Users.Users.CreateToken(ctx, user.ID, name)
	if fields, ok := invalidFields(err); ok {
		u.renderUser(c, http.StatusBadRequest, user, account, func(d *userPageData) { d.Errors, d.TokenName = fields, name })
		return
	}
	if err != nil {
		u.failWithLog(c, "create token", err)
		return
	}
	u.log.InfoContext(ctx, "admin: API token made", "user", user.ID, "token", t.ID, "by", visitorOf(c).user.ID)
	// The secret is shown on this answer only: no redirect, nothing kept.
	u.renderUser(c, http.StatusCreated, user, account, func(d *userPageData) { d.NewSecret, d.NewToken = secret, t })
}

// revokeOwnedToken revokes the token of the path's :token when it is userID's; another user's
// or an unknown one is users.ErrNotFound.
func (u *UI) revokeOwnedToken(ctx context.Context, userID int64, raw string) error {
	id, err := strconv.ParseInt(raw, 10, 64)
	if err != nil || id <= 0 {
		return users.ErrNotFound
	}
	tokens, err := u.cfg.Users.Users.Tokens(ctx, userID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(tokens, func(t users.APIToken) bool { return t.ID == id }) {
		return users.ErrNotFound
	}
	return u.cfg.Users.Users.RevokeToken(ctx, id)
}

// revokeToken answers a revoke form: confirmed, then back to the page at base.
func (u *UI) revokeToken(c *gin.Context, user users.User, base string) {
	if !u.confirmed(c, "users.tokens.revoke_confirm") {
		return
	}
	err := u.revokeOwnedToken(c.Request.Context(), user.ID, c.Param("token"))
	if errors.Is(err, users.ErrNotFound) {
		u.fail(c, http.StatusNotFound, CodeNotFound, "users.tokens.not_found")
		return
	}
	if err != nil {
		u.failWithLog(c, "revoke token", err)
		return
	}
	u.log.InfoContext(c.Request.Context(), "admin: API token revoked", "user", user.ID, "token", c.Param("token"), "by", visitorOf(c).user.ID)
	u.flash(c, flashSuccess, "users.flash.revoked")
	c.Redirect(http.StatusSeeOther, base)
}

// userCreateToken is POST /users/:id/tokens (name): the secret is shown once.
func (u *UI) userCreateToken(c *gin.Context) {
	if user, ok := u.userParam(c); ok {
		u.createToken(c, user, false)
	}
}

// userRevokeToken is POST /users/:id/tokens/:token/revoke (confirmed).
func (u *UI) userRevokeToken(c *gin.Context) {
	if user, ok := u.userParam(c); ok {
		u.revokeToken(c, user, fmt.Sprintf("/users/%d", user.ID))
	}
}

// accountUser reads the signed-in user afresh (role and language may have changed).
func (u *UI) accountUser(c *gin.Context) (users.User, bool) {
	user, err := u.cfg.Users.Users.ByID(c.Request.Context(), visitorOf(c).user.ID)
	if err != nil {
		u.failWithLog(c, "account", err)
		return users.User{}, false
	}
	return user, true
}

// accountPage is GET /account: the signed-in person's account, password and API tokens.
func (u *UI) accountPage(c *gin.Context) {
	if user, ok := u.accountUser(c); ok {
		u.renderUser(c, http.StatusOK, user, true, nil)
	}
}

// accountSetPassword is POST /account/password (current, password, password2): every role may
// change their own password; the person stays signed in with a new session, their other
// sessions end.
func (u *UI) accountSetPassword(c *gin.Context) {
	user, ok := u.accountUser(c)
	if !ok {
		return
	}
	current := c.PostForm("current")
	fields, err := u.changePassword(c, user, &current, c.PostForm("password"), c.PostForm("password2"))
	switch {
	case fields != nil:
		u.renderUser(c, http.StatusBadRequest, user, true, func(d *userPageData) { d.Errors = fields })
	case err != nil:
		u.failWithLog(c, "account password", err)
	default:
		u.flash(c, flashSuccess, "users.flash.own_password")
		c.Redirect(http.StatusSeeOther, "/account")
	}
}

// accountCreateToken is POST /account/tokens (name): the person's own API token, acting with
// their role; the secret is shown once.
func (u *UI) accountCreateToken(c *gin.Context) {
	if user, ok := u.accountUser(c); ok {
		u.createToken(c, user, true)
	}
}

// accountRevokeToken is POST /account/tokens/:token/revoke (confirmed): one of the person's own.
func (u *UI) accountRevokeToken(c *gin.Context) {
	if user, ok := u.accountUser(c); ok {
		u.revokeToken(c, user, "/account")
	}
}
