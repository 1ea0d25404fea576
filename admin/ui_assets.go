package admin

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"mime"
	"net/http"
	"path"
	"strings"

	"github.com/gin-gonic/gin"
)

// The stylesheet, the script and the images of the UI, served under /assets/ (no CDN).
//
//go:embed assets
var assetsFS embed.FS

// assetSet is the embedded assets with their content hashes, read once.
type assetSet struct {
	files map[string]assetFile // by name relative to assets/
}

type assetFile struct {
	body  []byte
	ctype string
	hash  string // the first 12 hex digits of the content's SHA-256
}

func loadAssets() (*assetSet, error) {
	a := &assetSet{files: map[string]assetFile{}}
	err := fs.WalkDir(assetsFS, "assets", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		body, err := assetsFS.ReadFile(p)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(body)
		ctype := mime.TypeByExtension(path.Ext(p))
		if ctype == "" {
			ctype = http.DetectContentType(body)
		}
		a.files[strings.TrimPrefix(p, "assets/")] = assetFile{body: body, ctype: ctype, hash: hex.EncodeToString(sum[:])[:12]}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("admin: assets: %w", err)
	}
	return a, nil
}

// url is the address of the asset name with its content hash as version (templates: {{asset
// "app.css"}}): a new build changes the address, so the browser may keep each version forever.
func (a *assetSet) url(name string) (string, error) {
	f, ok := a.files[name]
	if !ok {
		return "", fmt.Errorf("admin: no asset %q", name)
	}
	return "/assets/" + name + "?v=" + f.hash, nil
}

// asset serves GET /assets/NAME. The current version (?v=HASH) is cached for a year; any other
// request revalidates with the ETag.
func (u *UI) asset(c *gin.Context) {
	f, ok := u.assets.files[strings.TrimPrefix(c.Param("file"), "/")]
	if !ok {
		c.Header("Cache-Control", "no-store")
		c.String(http.StatusNotFound, "not found\n")
		return
	}
	etag := `"` + f.hash + `"`
	c.Header("ETag", etag)
	if c.Query("v") == f.hash {
		c.Header("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		c.Header("Cache-Control", "no-cache")
	}
	if c.GetHeader("If-None-Match") == etag {
		c.Status(http.StatusNotModified)
		return
	}
	c.Data(http.StatusOK, f.ctype, f.body)
}
