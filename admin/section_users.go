package admin

// UsersDeps are the services of the users and API tokens pages (/users, admins); main fills them.
type UsersDeps struct{}

// mountUsers registers the users and API tokens pages (/users, admins) when its services are set.
func (u *UI) mountUsers(rt Routes) {
	_ = rt
}
