package admin

import (
	"context"
	"io"
	"net/url"

	"github.com/intcomex-connector/connector/connector/store"
)

// IWSDeps are the services of the IWS console (/iws); main fills them.
type IWSDeps struct {
	// Store lists the IWS accounts.
	Store *store.Store
	// Client returns the IWS client of an account, built as `connector iws` builds it: signed,
	// retried and recorded in the API log, through a recorder that also hands the rows to the
	// calling context's audit.Captured (audit.CapturingRecorder), so the console can link them.
	Client func(ctx context.Context, acct store.IWSAccount) (IWSCaller, error)
}

// IWSCaller is what the console needs of an IWS client: *iws.Client implements it.
type IWSCaller interface {
	Raw(ctx context.Context, method string, query url.Values, body []byte) (io.ReadCloser, error)
}

// mountIWS registers the IWS console (/iws) when its services are set. Read methods run on GET
// (support may use them); the writes (PlaceOrder, CancelOrder ...) are POSTs, admin-only, and
// those that are not safe to repeat ask for confirmation.
func (u *UI) mountIWS(rt Routes) {
	if u.cfg.IWS.Store == nil || u.cfg.IWS.Client == nil {
		return
	}
	rt.Pages.GET("/iws", u.iwsIndex)
	rt.Pages.GET("/iws/:method", u.iwsMethodPage)
	rt.Pages.POST("/iws/:method", u.iwsMethodPage)
	rt.API.GET("/iws", u.apiIWSMethods)
	rt.API.GET("/iws/:method", u.apiIWSCall)
	rt.API.POST("/iws/:method", u.apiIWSCall)
}
