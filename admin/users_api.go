package admin

import (
	"net/http"
	"strings"
	"time"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/users"
)

// apiAccount is a user in the users API, as `connector user list --json` prints one.
type apiAccount = users.UserJSON

// apiToken is an API token, as `connector user token list --json` prints one; Secret only in
// the answer that made it.
type apiToken struct {
	ID         int64      `json:"id"`
	UserID     int64      `json:"user_id"`
	Name       string     `json:"name"`
	Prefix     string     `json:"prefix"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
	Secret     string     `json:"secret,omitempty"`
}

func toAPIToken(t users.APIToken) apiToken {
	return apiToken{ID: t.ID, UserID: t.UserID, Name: t.Name, Prefix: t.Prefix, CreatedAt: t.CreatedAt.UTC(), LastUsedAt: timeOrNil(t.LastUsedAt)}
}

// apiFieldProblems answers 400 with problems by field, in the shops API's shape.
func (u *UI) apiFieldProblems(c *gin.Context, fields map[string][]string) {
	var body apiProblemsError
	body.Error.Code = CodeInvalid
	var msgs []string
	for _, f := range []string{"email", "role", "current", "password", "password2", "name", "language"} {
		for _, m := range fields[f] {
			body.Error.Problems = append(body.Error.Problems, apiProblem{Field: f, Message: m})
			msgs = append(msgs, m)
		}
	}
	body.Error.Message = strings.Join(msgs, "; ")
	c.AbortWithStatusJSON(http.StatusBadRequest, body)
}

// bindJSON reads the request's JSON body into v; a bad one answers 400 and returns false.
func (u *UI) bindJSON(c *gin.Context, v any) bool {
	if err := c.ShouldBindJSON(v); err != nil {
		u.apiError(c, http.StatusBadRequest, CodeInvalid, "users.api.bad_json")
		return false
	}
	return true
}

// apiUsersList is GET /api/v1/users?q=&role=&sort=&desc=&page=&per_page=.
func (u *UI) apiUsersList(c *gin.Context) {
	pg, err := u.usersPage(c)
	apiListPage(u, c, pg, err, users.User.AsJSON)
}

// apiPasswordBody is a new password, typed twice (password2 may be left out by a program).
type apiPasswordBody struct {
	Current   *string `json:"current"`
	Password  string  `json:"password"`
	Password2 *string `json:"password2"`
}

func (b apiPasswordBody) again() string {
	if b.Password2 == nil {
		return b.Password
	}
	return *b.Password2
}

// apiUsersAdd is POST /api/v1/users with {"email", "role", "password"[, "password2"]}: 201.
func (u *UI) apiUsersAdd(c *gin.Context) {
	var body struct {
		Email string `json:"email"`
		Role  string `json:"role"`
		apiPasswordBody
	}
	if !u.bindJSON(c, &body) {
		return
	}
	added, fields, err := u.addUser(c.Request.Context(), u.lang(c), body.Email, body.Role, body.Password, body.again())
	switch {
	case fields != nil:
		u.apiFieldProblems(c, fields)
	case err != nil:
		u.apiFailure(c, err)
	default:
		c.JSON(http.StatusCreated, added.AsJSON())
	}
}

// apiUserGet is GET /api/v1/users/:id.
func (u *UI) apiUserGet(c *gin.Context) {
	if user, ok := u.userParam(c); ok {
		c.JSON(http.StatusOK, user.AsJSON())
	}
}

// apiUserSetRole is PUT /api/v1/users/:id/role with {"role"}; the last admin is 409.
func (u *UI) apiUserSetRole(c *gin.Context) {
	user, ok := u.userParam(c)
	if !ok {
		return
	}
	var body struct {
		Role string `json:"role"`
	}
	if !u.bindJSON(c, &body) {
		return
	}
	role, err := users.ParseRole(body.Role)
	if err == nil {
		err = u.cfg.Users.Users.SetRole(c.Request.Context(), user.Email, role)
	}
	if fields, ok := invalidFields(err); ok {
		u.apiFieldProblems(c, fields)
		return
	}
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	updated, err := u.cfg.Users.Users.ByID(c.Request.Context(), user.ID)
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	c.JSON(http.StatusOK, updated.AsJSON())
}

// apiPassword answers a password change: 204, or the problems.
func (u *UI) apiPassword(c *gin.Context, user users.User, self bool) {
	var body apiPasswordBody
	if !u.bindJSON(c, &body) {
		return
	}
	current := body.Current
	if self && current == nil {
		empty := ""
		current = &empty
	}
	if !self {
		current = nil
	}
	fields, err := u.changePassword(c, user, current, body.Password, body.again())
	switch {
	case fields != nil:
		u.apiFieldProblems(c, fields)
	case err != nil:
		u.apiFailure(c, err)
	default:
		c.Status(http.StatusNoContent)
	}
}

// apiUserSetPassword is PUT /api/v1/users/:id/password with {"password"[, "password2"]}: 204;
// the user's sessions end.
func (u *UI) apiUserSetPassword(c *gin.Context) {
	if user, ok := u.userParam(c); ok {
		u.apiPassword(c, user, false)
	}
}

// apiUserRemove is DELETE /api/v1/users/:id: 204; the last admin is 409.
func (u *UI) apiUserRemove(c *gin.Context) {
	user, ok := u.userParam(c)
	if !ok {
		return
	}
	if err := u.cfg.Users.Users.Remove(c.Request.Context(), user.Email); err != nil {
		u.apiFailure(c, err)
		return
	}
	if user.ID == visitorOf(c).user.ID && visitorOf(c).token != "" {
		u.clearSessionCookie(c)
	}
	c.Status(http.StatusNoContent)
}

// apiTokens answers the user's tokens.
func (u *UI) apiTokens(c *gin.Context, user users.User) {
	if tokens, ok := u.apiTokensOf(c, user); ok {
		c.JSON(http.StatusOK, tokens)
	}
}

// apiTokensOf is the user's tokens as the API gives them; ok is false when it answered a failure.
func (u *UI) apiTokensOf(c *gin.Context, user users.User) (tokens []apiToken, ok bool) {
	list, err := u.cfg.Users.Users.Tokens(c.Request.Context(), user.ID)
	if err != nil {
		u.apiFailure(c, err)
		return nil, false
	}
	tokens = make([]apiToken, 0, len(list))
	for _, t := range list {
		tokens = append(tokens, toAPIToken(t))
	}
	return tokens, true
}

// apiCreateToken answers a new token with its secret: 201.
func (u *UI) apiCreateToken(c *gin.Context, user users.User) {
	var body struct {
		Name string `json:"name"`
	}
	if !u.bindJSON(c, &body) {
		return
	}
	secret, t, err := u.cfg.Users.Users.CreateToken(c.Request.Context(), user.ID, body.Name)
	if fields, ok := invalidFields(err); ok {
		u.apiFieldProblems(c, fields)
		return
	}
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	doc := toAPIToken(t)
	doc.Secret = secret
	c.JSON(http.StatusCreated, doc)
}

// apiRevokeToken revokes one of user's tokens: 204, or 404.
func (u *UI) apiRevokeToken(c *gin.Context, user users.User) {
	if err := u.revokeOwnedToken(c.Request.Context(), user.ID, c.Param("token")); err != nil {
		u.apiFailure(c, err)
		return
	}
	c.Status(http.StatusNoContent)
}

// withUser is a handler that runs h for the user find gives (the path's, or the signed-in one);
// find answers the request itself when there is none.
func withUser(find func(*gin.Context) (users.User, bool), h func(*gin.Context, users.User)) gin.HandlerFunc {
	return func(c *gin.Context) {
		if user, ok := find(c); ok {
			h(c, user)
		}
	}
}

// apiAccount is GET /api/v1/account: the signed-in user with their API tokens.
func (u *UI) apiAccount(c *gin.Context) {
	user, ok := u.accountUser(c)
	if !ok {
		return
	}
	if tokens, ok := u.apiTokensOf(c, user); ok {
		c.JSON(http.StatusOK, gin.H{"user": user.AsJSON(), "tokens": tokens})
	}
}

// apiAccountSetPassword is PUT /api/v1/account/password with {"current", "password"[,
// "password2"]}: 204; a browser session is renewed, every other session ends.
func (u *UI) apiAccountSetPassword(c *gin.Context) {
	if user, ok := u.accountUser(c); ok {
		u.apiPassword(c, user, true)
	}
}
