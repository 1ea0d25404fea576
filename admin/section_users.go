package admin

import (
	"context"

	"github.com/intcomex-connector/connector/connector/users"
)

// UserAdmin is what the users pages need of the accounts: *users.Service implements it.
type UserAdmin interface {
	Add(ctx context.Context, email string, role users.Role, password string) (users.User, error)
	List(ctx context.Context) ([]users.User, error)
	ByID(ctx context.Context, id int64) (users.User, error)
	Remove(ctx context.Context, email string) error
	SetRole(ctx context.Context, email string, role users.Role) error
	// SetPassword ends every session of the user.
	SetPassword(ctx context.Context, email, password string) error
	PasswordMatches(ctx context.Context, email, password string) (bool, error)
	CreateToken(ctx context.Context, userID int64, name string) (string, users.APIToken, error)
	Tokens(ctx context.Context, userID int64) ([]users.APIToken, error)
	RevokeToken(ctx context.Context, id int64) error
	MinPasswordLen() int
}

// UsersDeps are the services of the users and API tokens pages (/users, admins) and of every
// user's own account page (/account); main fills them.
type UsersDeps struct {
	Users UserAdmin
}

// mountUsers registers the users and API tokens pages (/users, admins), the account page
// (/account, every user) and their API when its services are set.
func (u *UI) mountUsers(rt Routes) {
	if u.cfg.Users.Users == nil {
		return
	}
	p := rt.AdminPages
	p.GET("/users", u.usersList)
	p.POST("/users", u.usersAdd)
	p.GET("/users/:id", u.userPage)
	p.POST("/users/:id/role", u.userSetRole)
	p.POST("/users/:id/password", u.userSetPassword)
	p.POST("/users/:id/remove", u.userRemove)
	p.POST("/users/:id/tokens", u.userCreateToken)
	p.POST("/users/:id/tokens/:token/revoke", u.userRevokeToken)

	a := rt.AdminAPI
	a.GET("/users", u.apiUsersList)
	a.POST("/users", u.apiUsersAdd)
	a.GET("/users/:id", u.apiUserGet)
	a.PUT("/users/:id/role", u.apiUserSetRole)
	a.PUT("/users/:id/password", u.apiUserSetPassword)
	a.DELETE("/users/:id", u.apiUserRemove)
	a.GET("/users/:id/tokens", withUser(u.userParam, u.apiTokens))
	a.POST("/users/:id/tokens", withUser(u.userParam, u.apiCreateToken))
	a.DELETE("/users/:id/tokens/:token", withUser(u.userParam, u.apiRevokeToken))

	// The signed-in user's own account: support changes their own password and tokens too.
	s := rt.SelfPages
	s.GET("/account", u.accountPage)
	s.POST("/account/password", u.accountSetPassword)
	s.POST("/account/tokens", u.accountCreateToken)
	s.POST("/account/tokens/:token/revoke", u.accountRevokeToken)

	sa := rt.SelfAPI
	sa.GET("/account", u.apiAccount)
	sa.PUT("/account/password", u.apiAccountSetPassword)
	sa.GET("/account/tokens", withUser(u.accountUser, u.apiTokens))
	sa.POST("/account/tokens", withUser(u.accountUser, u.apiCreateToken))
	sa.DELETE("/account/tokens/:token", withUser(u.accountUser, u.apiRevokeToken))
}

// The users service is what the section needs.
var _ UserAdmin = (*users.Service)(nil)
