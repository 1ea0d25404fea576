package main

import "github.com/intcomex-connector/connector/admin"

// iws builds the services of the web UI's IWS section.
func (d adminUIDeps) iws() admin.IWSDeps {
	return admin.IWSDeps{}
}
