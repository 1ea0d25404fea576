package webhooks

import (
	"errors"
	"net/http"
	"strconv"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/connector/store"
)

// woocommerce takes a delivery for the WooCommerce shop whose id is in the path (each shop's
// webhooks are registered at its own URL, since WooCommerce deliveries do not name the connector's
// shop id).
func (h *Handler) woocommerce(c *gin.Context) {
	ctx := c.Request.Context()
	id, err := strconv.ParseInt(c.Param("shop"), 10, 64)
	if err != nil || id <= 0 {
		result{status: http.StatusNotFound, word: "unknown shop"}.write(c)
		return
	}
	body, fail := h.readBody(c)
	if fail != nil {
		fail.write(c)
		return
	}
	shop, err := h.shops.byShopID(ctx, id, h.store.Shop)
	switch {
	case errors.Is(err, store.ErrNotFound) || (err == nil && shop.Platform != store.PlatformWooCommerce):
		result{status: http.StatusNotFound, word: "unknown shop"}.write(c)
		return
	case err != nil:
		h.logger.ErrorContext(ctx, "webhooks: read the shop", "shop", id, "err", err)
		result{status: http.StatusInternalServerError, word: "not recorded"}.write(c)
		return
	}
	h.receive(ctx, shop, c.Request.Header, body).write(c)
}
