package main

import "github.com/intcomex-connector/connector/admin"

// shops builds the services of the web UI's Shops section.
func (d adminUIDeps) shops() admin.ShopsDeps {
	return admin.ShopsDeps{}
}
