package admin

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/store"
)

// productsPushQueued is one push queued by "push now".
type productsPushQueued struct {
	ShopID int64  `json:"shop_id"`
	Shop   string `json:"shop"`
	JobID  int64  `json:"job_id"`
}

// productsPushError is a failed "push now" request: its status, API code and translation key.
type productsPushError struct {
	status    int
	code, key string
	err       error
}

func (e *productsPushError) Error() string { return e.key }

// queueProductPush queues a push of sku to the shop named by shopField ("all": every connected
// shop of the account) through ProductsDeps.Repush. Nothing is pushed here: the jobs do it.
func (u *UI) queueProductPush(ctx context.Context, accountField, shopField, sku string) ([]productsPushQueued, *productsPushError) {
	st := u.cfg.Products.Store
	acct, _, err := chooseIWSAccount(ctx, st, accountField)
	if err != nil {
		switch {
		case errors.Is(err, store.ErrInvalid):
			return nil, &productsPushError{http.StatusBadRequest, CodeInvalid, accountErrorKey(err), nil}
		case errors.Is(err, store.ErrNotFound):
			return nil, &productsPushError{http.StatusNotFound, CodeNotFound, accountErrorKey(err), nil}
		}
		return nil, &productsPushError{http.StatusInternalServerError, CodeInternal, "error.internal", err}
	}
	if _, err := st.Product(ctx, acct.ID, sku); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return nil, &productsPushError{http.StatusNotFound, CodeNotFound, "products.not_found", nil}
		}
		return nil, &productsPushError{http.StatusInternalServerError, CodeInternal, "error.internal", err}
	}
	var targets []store.Shop
	switch shopField = strings.TrimSpace(shopField); shopField {
	case "all":
		if targets, err = st.ConnectedShops(ctx, acct.ID); err != nil {
			return nil, &productsPushError{http.StatusInternalServerError, CodeInternal, "error.internal", err}
		}
		if len(targets) == 0 {
			return nil, &productsPushError{http.StatusConflict, CodeConflict, "products.no_shops", nil}
		}
	default:
		id, err := strconv.ParseInt(shopField, 10, 64)
		if err != nil || id <= 0 {
			return nil, &productsPushError{http.StatusBadRequest, CodeInvalid, "products.push_shop_invalid", nil}
		}
		shop, err := st.Shop(ctx, id)
		switch {
		case errors.Is(err, store.ErrNotFound) || err == nil && shop.IWSAccountID != acct.ID:
			return nil, &productsPushError{http.StatusNotFound, CodeNotFound, "products.push_shop_unknown", nil}
		case err != nil:
			return nil, &productsPushError{http.StatusInternalServerError, CodeInternal, "error.internal", err}
		case shop.Disconnected():
			return nil, &productsPushError{http.StatusConflict, CodeConflict, "products.shop_disconnected", nil}
		}
		targets = []store.Shop{shop}
	}
	queued := make([]productsPushQueued, 0, len(targets))
	for _, shop := range targets {
		jobID, err := u.cfg.Products.Repush(ctx, shop.ID, sku)
		if err != nil {
			return queued, &productsPushError{http.StatusInternalServerError, CodeInternal, "error.internal",
				fmt.Errorf("queue push of %s to shop %d: %w", sku, shop.ID, err)}
		}
		queued = append(queued, productsPushQueued{ShopID: shop.ID, Shop: shop.Name, JobID: jobID})
	}
	return queued, nil
}

// productPush is POST /products/:sku/push (admins): queue "push now" for one shop (shop=ID) or
// every shop (shop=all), then back to the product with a message.
func (u *UI) productPush(c *gin.Context) {
	sku := strings.TrimSpace(c.Param("sku"))
	account := strings.TrimSpace(c.PostForm("account"))
	_, perr := u.queueProductPush(c.Request.Context(), account, c.PostForm("shop"), sku)
	if perr != nil {
		if perr.err != nil {
			u.log.ErrorContext(c.Request.Context(), "admin: push now", "sku", sku, "err", perr.err)
		}
		if perr.status == http.StatusNotFound || perr.status >= 500 {
			u.errorPage(c, perr.status, perr.key)
			return
		}
		u.flash(c, flashError, perr.key)
	} else {
		u.flash(c, flashSuccess, "products.push_queued")
	}
	back := "/products/" + url.PathEscape(sku)
	if account != "" {
		back += "?account=" + url.QueryEscape(account)
	}
	c.Redirect(http.StatusSeeOther, back)
}

// productsPushJSON is POST /api/v1/products/:sku/push's answer.
type productsPushJSON struct {
	SKU    string               `json:"sku"`
	Queued []productsPushQueued `json:"queued"`
}

// apiProductPush is POST /api/v1/products/:sku/push (admins): shop=ID or shop=all (form or
// query), account optional; 202 with the jobs queued.
func (u *UI) apiProductPush(c *gin.Context) {
	sku := strings.TrimSpace(c.Param("sku"))
	shop := c.PostForm("shop")
	if shop == "" {
		shop = c.Query("shop")
	}
	account := c.PostForm("account")
	if account == "" {
		account = c.Query("account")
	}
	queued, perr := u.queueProductPush(c.Request.Context(), account, shop, sku)
	if perr != nil {
		if perr.err != nil && perr.status >= 500 {
			u.log.ErrorContext(c.Request.Context(), "admin: push now", "sku", sku, "err", perr.err)
		}
		u.apiError(c, perr.status, perr.code, perr.key)
		return
	}
	c.JSON(http.StatusAccepted, productsPushJSON{SKU: sku, Queued: queued})
}
