package main

import "github.com/intcomex-connector/connector/admin"

// users builds the services of the web UI's Users section.
func (d adminUIDeps) users() admin.UsersDeps {
	return admin.UsersDeps{}
}
