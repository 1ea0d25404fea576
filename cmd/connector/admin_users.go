package main

import "github.com/intcomex-connector/connector/admin"

// users builds the services of the web UI's Users section and of every user's account page:
// the users service the UI signs in with (serve and demo pass *users.Service).
func (d adminUIDeps) users() admin.UsersDeps {
	svc, ok := d.accounts.(admin.UserAdmin)
	if !ok {
		return admin.UsersDeps{}
	}
	return admin.UsersDeps{Users: svc}
}
