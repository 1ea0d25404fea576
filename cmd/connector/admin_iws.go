package main

import (
	"context"

	"github.com/intcomex-connector/connector/admin"
	"github.com/intcomex-connector/connector/connector/audit"
	"github.com/intcomex-connector/connector/connector/store"
)

// iws builds the services of the web UI's IWS section: the accounts of the store, and per account
// the client `connector iws` builds (signed, retried, recorded in api_calls), whose rows the
// console also captures to link them.
func (d adminUIDeps) iws() admin.IWSDeps {
	if d.st == nil {
		return admin.IWSDeps{}
	}
	rec := audit.CapturingRecorder(d.st)
	return admin.IWSDeps{
		Store: d.st,
		Client: func(_ context.Context, acct store.IWSAccount) (admin.IWSCaller, error) {
			return iwsKeys{baseURL: acct.BaseURL, apiKey: acct.APIKey, accessKey: acct.AccessKey}.client(d.cfg, rec, d.logger)
		},
	}
}
