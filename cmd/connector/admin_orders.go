package main

import "github.com/intcomex-connector/connector/admin"

// orders builds the services of the web UI's Orders section.
func (d adminUIDeps) orders() admin.OrdersDeps {
	return admin.OrdersDeps{}
}
