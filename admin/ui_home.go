package admin

import (
	"net/http"

	"github.com/gin-gonic/gin"
)

// home is GET /: who is signed in and the way to every section. The dashboard replaces it.
func (u *UI) home(c *gin.Context) {
	u.render(c, http.StatusOK, "home", nil)
}
