package admin

import (
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/intcomex-connector/connector/iws"
)

// iwsMaxBody bounds a request body given to the console.
const iwsMaxBody = 1 << 20

// iwsMethodInfo is an IWS method as the console lists it.
type iwsMethodInfo struct {
	Name       string   `json:"name"`
	Path       string   `json:"path"` // the console's address: /iws/NAME (lower case)
	HTTPMethod string   `json:"http_method"`
	Params     []string `json:"query"`
	Body       bool     `json:"body"`
	// Write: a POST of IWS, run by admins only; Confirm: not safe to repeat, asked first.
	Write   bool   `json:"write"`
	Confirm bool   `json:"confirm"`
	About   string `json:"-"` // translation key
}

func iwsInfo(ep iws.Endpoint) iwsMethodInfo {
	lower := strings.ToLower(ep.Name)
	write := ep.HTTPMethod != http.MethodGet
	return iwsMethodInfo{Name: ep.Name, Path: "/iws/" + lower, HTTPMethod: ep.HTTPMethod, Params: ep.Query, Body: ep.Body,
		Write: write, Confirm: write && !ep.Idempotent, About: "iws.about." + lower}
}

// iwsMethods lists every IWS method of the client, in the spec's order.
func iwsMethods() []iwsMethodInfo {
	var out []iwsMethodInfo
	for _, name := range iws.MethodNames() {
		ep, _ := iws.LookupMethod(name)
		out = append(out, iwsInfo(ep))
	}
	return out
}

// iwsIndexData is the console's start page data.
type iwsIndexData struct {
	Accounts []iwsAccountOption
	Account  string
	Problem  string
	Reads    []iwsMethodInfo
	Writes   []iwsMethodInfo
}

// iwsIndex is GET /iws: the methods, reads and writes, each linking to its form.
func (u *UI) iwsIndex(c *gin.Context) {
	d := iwsIndexData{Account: strings.TrimSpace(c.Query("account"))}
	_, opts, err := chooseIWSAccount(c.Request.Context(), u.cfg.IWS.Store, d.Account)
	d.Accounts = opts
	if err != nil {
		if d.Problem = accountErrorKey(err); d.Problem == "error.internal" {
			u.log.ErrorContext(c.Request.Context(), "admin: IWS console", "err", err)
		}
	}
	for _, m := range iwsMethods() {
		if d.Account != "" {
			m.Path += "?account=" + url.QueryEscape(d.Account)
		}
		if m.Write {
			d.Writes = append(d.Writes, m)
		} else {
			d.Reads = append(d.Reads, m)
		}
	}
	u.render(c, http.StatusOK, "iws", d)
}

// iwsMethodData is a method's page data: its form, and the call when one was made.
type iwsMethodData struct {
	Accounts []iwsAccountOption
	Account  string
	Method   iwsMethodInfo
	Values   map[string]string
	Body     string
	Errors   map[string]string // field ("account", "body") → translation key
	Result   *iwsCallView
}

// iwsMethodPage is GET and POST /iws/:method. GET shows the form; with run=1 it calls a read
// method. POST (admins) calls a write method, after a confirmation when it is not safe to repeat.
func (u *UI) iwsMethodPage(c *gin.Context) {
	ep, ok := iws.LookupMethod(c.Param("method"))
	if !ok {
		u.errorPage(c, http.StatusNotFound, "iws.unknown_method")
		return
	}
	info := iwsInfo(ep)
	post := c.Request.Method == http.MethodPost
	if post != info.Write && (post || c.Query("run") != "") {
		u.errorPage(c, http.StatusMethodNotAllowed, map[bool]string{true: "iws.write_needs_post", false: "iws.read_needs_get"}[info.Write])
		return
	}
	values := c.Request.URL.Query()
	if post {
		if err := c.Request.ParseForm(); err == nil {
			values = c.Request.PostForm
		}
	}
	d := iwsMethodData{Account: strings.TrimSpace(values.Get("account")), Method: info, Values: map[string]string{},
		Errors: map[string]string{}, Body: strings.TrimSpace(values.Get("body"))}
	for _, p := range info.Params {
		d.Values[p] = values.Get(p)
	}
	acct, opts, err := chooseIWSAccount(c.Request.Context(), u.cfg.IWS.Store, d.Account)
	d.Accounts = opts
	if err != nil {
		if d.Errors["account"] = accountErrorKey(err); d.Errors["account"] == "error.internal" {
			u.log.ErrorContext(c.Request.Context(), "admin: IWS console", "err", err)
			u.errorPage(c, http.StatusInternalServerError, "error.internal")
			return
		}
	}
	if !post && c.Query("run") == "" {
		u.render(c, http.StatusOK, "iws_method", d)
		return
	}
	if key := iwsBodyProblem(ep, []byte(d.Body)); key != "" {
		d.Errors["body"] = key
	}
	if len(d.Errors) > 0 {
		u.render(c, http.StatusBadRequest, "iws_method", d)
		return
	}
	if info.Confirm && !u.confirmed(c, "iws.confirm_write", ep.Name) {
		return
	}
	view, err := u.callIWS(c.Request.Context(), acct, ep, iwsQuery(values), []byte(d.Body))
	if err != nil {
		u.log.ErrorContext(c.Request.Context(), "admin: IWS console", "method", ep.Name, "err", err)
		u.errorPage(c, http.StatusInternalServerError, "error.internal")
		return
	}
	d.Result = &view
	u.render(c, http.StatusOK, "iws_method", d)
}

// iwsMethodsJSON is GET /api/v1/iws's answer.
type iwsMethodsJSON struct {
	Methods []iwsMethodInfo `json:"methods"`
}

// apiIWSMethods is GET /api/v1/iws: every IWS method with its parameters.
func (u *UI) apiIWSMethods(c *gin.Context) {
	ms := iwsMethods()
	for i := range ms {
		ms[i].Path = "/api/v1" + ms[i].Path
	}
	c.JSON(http.StatusOK, iwsMethodsJSON{Methods: ms})
}

// apiIWSCall is GET /api/v1/iws/:method (read methods) and POST (write methods, admins; the
// request body is the IWS body): the query parameters but account go to IWS. The answer is the
// call as the console shows it, 200 whether IWS accepted it or not (ok, iws_error).
func (u *UI) apiIWSCall(c *gin.Context) {
	ep, ok := iws.LookupMethod(c.Param("method"))
	if !ok {
		u.apiError(c, http.StatusNotFound, CodeNotFound, "iws.unknown_method")
		return
	}
	info := iwsInfo(ep)
	if post := c.Request.Method == http.MethodPost; post != info.Write {
		u.apiError(c, http.StatusMethodNotAllowed, CodeMethodNotAllowed, map[bool]string{true: "iws.write_needs_post", false: "iws.read_needs_get"}[info.Write])
		return
	}
	acct, ok := u.apiIWSAccount(c, u.cfg.IWS.Store, c.Query("account"))
	if !ok {
		return
	}
	var body []byte
	if info.Write {
		b, err := io.ReadAll(io.LimitReader(c.Request.Body, iwsMaxBody+1))
		if err != nil || len(b) > iwsMaxBody {
			u.apiError(c, http.StatusBadRequest, CodeInvalid, "iws.body_too_large")
			return
		}
		body = []byte(strings.TrimSpace(string(b)))
	}
	if key := iwsBodyProblem(ep, body); key != "" {
		u.apiError(c, http.StatusBadRequest, CodeInvalid, key)
		return
	}
	view, err := u.callIWS(c.Request.Context(), acct, ep, iwsQuery(c.Request.URL.Query()), body)
	if err != nil {
		u.apiFailure(c, err)
		return
	}
	c.JSON(http.StatusOK, view)
}
