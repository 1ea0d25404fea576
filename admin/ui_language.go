package admin

import (
	"errors"
	"net/http"

	"github.com/gin-gonic/gin"
	"golang.org/x/text/language"

	"github.com/intcomex-connector/connector/connector/users"
)

// The languages the UI speaks; English is the default.
const (
	langEnglish = users.LanguageEnglish
	langSpanish = users.LanguageSpanish
	// langCookie keeps an anonymous visitor's choice (and a signed-in user's, for the login page
	// after logout).
	langCookie = "connector_lang"
	// langCookieAge is a year: a language choice is not private and rarely changes.
	langCookieAge = 365 * 24 * 60 * 60
)

// uiLanguages are the languages in the switcher, each named in its own language.
var uiLanguages = []struct{ Code, Name string }{{langEnglish, "English"}, {langSpanish, "Español"}}

// languageMatcher picks from Accept-Language; its first tag (English) is the fallback.
var languageMatcher = language.NewMatcher([]language.Tag{language.English, language.Spanish})

func validLanguage(l string) bool { return l == langEnglish || l == langSpanish }

// negotiateLanguage picks the request's language: the user's saved language; else, for an
// anonymous visitor, ?lang= (remembered in a cookie); else the language cookie; else the best
// match of Accept-Language; else English.
func (u *UI) negotiateLanguage(c *gin.Context, v *visitor) string {
	if v.signedIn && validLanguage(v.user.Language) {
		return v.user.Language
	}
	if q := c.Query("lang"); !v.signedIn && validLanguage(q) {
		u.setLanguageCookie(c, q)
		return q
	}
	if l, err := c.Cookie(langCookie); err == nil && validLanguage(l) {
		return l
	}
	tag, _ := language.MatchStrings(languageMatcher, c.GetHeader("Accept-Language"))
	if base, _ := tag.Base(); base.String() == langSpanish {
		return langSpanish
	}
	return langEnglish
}

// lang returns the request's language, negotiating it when identify has not run (a request
// refused before it).
func (u *UI) lang(c *gin.Context) string {
	v := visitorOf(c)
	if v.lang == "" {
		v.lang = u.negotiateLanguage(c, v)
	}
	return v.lang
}

func (u *UI) setLanguageCookie(c *gin.Context, lang string) {
	http.SetCookie(c.Writer, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: langCookieAge,
		HttpOnly: true, Secure: u.cfg.Secure, SameSite: http.SameSiteLaxMode})
}

// setLanguage is POST /language (lang, next): a signed-in user's choice is saved with the account;
// everyone's is kept in a cookie. It then goes back to next.
func (u *UI) setLanguage(c *gin.Context) {
	lang := c.PostForm("lang")
	if !validLanguage(lang) {
		u.errorPage(c, http.StatusBadRequest, "error.language")
		return
	}
	v := visitorOf(c)
	if v.signedIn {
		ctx := c.Request.Context()
		if err := u.cfg.Accounts.SetLanguage(ctx, v.user.ID, lang); err != nil {
			if errors.Is(err, users.ErrInvalid) {
				u.errorPage(c, http.StatusBadRequest, "error.language")
				return
			}
			u.log.ErrorContext(ctx, "admin: save language", "user", v.user.ID, "err", err)
			u.errorPage(c, http.StatusInternalServerError, "error.internal")
			return
		}
		v.user.Language = lang
	}
	v.lang = lang
	u.setLanguageCookie(c, lang)
	c.Redirect(http.StatusSeeOther, safeNext(c.PostForm("next")))
}
