package admin

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/store"
	"github.com/intcomex-connector/connector/connector/users"
)

// The stable codes of the JSON API's errors: clients branch on them, never on the message.
const (
	CodeUnauthorized     = "unauthorized"
	CodeForbidden        = "forbidden"
	CodeNotFound         = "not_found"
	CodeMethodNotAllowed = "method_not_allowed"
	CodeInvalid          = "invalid"
	CodeRateLimited      = "rate_limited"
	CodeConflict         = "conflict"
	CodeInternal         = "internal"
)

// APIError is the body of every JSON API error: {"error":{"code":"...","message":"..."}}.
type APIError struct {
	Error APIErrorDetail `json:"error"`
}

// APIErrorDetail is an error's stable code and its message for people, in the request's
// language.
type APIErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// apiError answers status with code and the translated message of key, and ends the request.
func (u *UI) apiError(c *gin.Context, status int, code, key string, args ...any) {
	u.apiErrorText(c, status, code, u.i18n.T(u.lang(c), key, args...))
}

// apiErrorText answers status with code and message as it is (a validation message of the
// core), and ends the request.
func (u *UI) apiErrorText(c *gin.Context, status int, code, message string) {
	c.Header("Cache-Control", "no-store")
	c.AbortWithStatusJSON(status, APIError{Error: APIErrorDetail{Code: code, Message: message}})
}

// apiFailure answers err with the status and code of its category: not found 404, invalid 400
// (its message says what to fix), conflict 409; anything else is logged and answered 500 with
// a generic message, so no internal detail leaks.
func (u *UI) apiFailure(c *gin.Context, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound), errors.Is(err, users.ErrNotFound):
		u.apiError(c, http.StatusNotFound, CodeNotFound, "error.not_found")
	case errors.Is(err, store.ErrInvalid), errors.Is(err, users.ErrInvalid):
		u.apiErrorText(c, http.StatusBadRequest, CodeInvalid, err.Error())
	case errors.Is(err, store.ErrConflict), errors.Is(err, users.ErrExists), errors.Is(err, users.ErrLastAdmin):
		u.apiErrorText(c, http.StatusConflict, CodeConflict, err.Error())
	default:
		u.log.ErrorContext(c.Request.Context(), "admin: API", "path", c.Request.URL.Path, "err", err)
		u.apiError(c, http.StatusInternalServerError, CodeInternal, "error.internal")
	}
}

// apiUser is a user as the API shows it.
type apiUser struct {
	ID       int64  `json:"id"`
	Email    string `json:"email"`
	Role     string `json:"role"`
	Language string `json:"language"`
}

// apiMe is GET /api/v1/me: the user the request is signed in as.
func (u *UI) apiMe(c *gin.Context) {
	user, _ := CurrentUser(c)
	c.JSON(http.StatusOK, apiUser{ID: user.ID, Email: user.Email, Role: string(user.Role), Language: user.Language})
}
