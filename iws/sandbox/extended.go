package sandbox

import (
	"bytes"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strconv"
	"strings"
)

// imageSize is the side of the generated product images, in pixels.
const imageSize = 64

// downloadExtendedCatalog is GET /downloadextendedcatalog: the extended catalog file, a JSON array
// with Spanish keys (NOTES §5.6) served as application/octet-stream. Images point at the sandbox.
func (s *Sandbox) downloadExtendedCatalog(c *call) error {
	if f := strings.ToLower(c.param("format")); f != "" && f != "json" {
		// The spec's own example for this method uses 101 (its error table says 102 for formats).
		return iwsErr(http.StatusBadRequest, 101, "Invalid response format specified.")
	}
	loc := s.locale(c)
	base := s.baseURL(c.r)
	inv := s.snapshot()
	c.w.Header().Set("Content-Type", "application/octet-stream")
	c.w.Header().Set("Content-Disposition", fmt.Sprintf(`attachment; filename="extended-catalog-%s.json"`, []string{"es", "en"}[loc]))
	c.w.WriteHeader(http.StatusOK)
	e := &feedEncoder{s: s, inv: inv}
	imageURL := appendJSONStringBody(nil, base+"/images/")
	a := newJSONArray(c.w, "[")
	var buf []byte
	for _, i := range s.active(inv, filterAny) {
		buf = e.appendExtendedProduct(buf[:0], i, loc, imageURL)
		a.add(buf)
	}
	return finishStream(a.close(""))
}

// serveImage answers GET /images/{imagenId}.png with a small deterministic PNG: the product's SKU
// hashed to a color, a pattern per image index.
func (s *Sandbox) serveImage(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	name := r.URL.Path[len("/images/"):]
	id, ok := strings.CutSuffix(strings.ToLower(name), ".png")
	if !ok {
		http.NotFound(w, r)
		return
	}
	idx, n, ok := s.cat.parseImageID(id)
	if !ok {
		http.NotFound(w, r)
		return
	}
	body := productImage(s.cat.items[idx].sku, n)
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.Header().Set("Cache-Control", "public, max-age=86400")
	w.WriteHeader(http.StatusOK)
	if r.Method == http.MethodGet {
		_, _ = w.Write(body)
	}
}

func productImage(sku string, n int) []byte {
	h := hashString(sku)
	bg := color.RGBA{uint8(64 + h%160), uint8(64 + (h>>8)%160), uint8(64 + (h>>16)%160), 255}
	fg := color.RGBA{bg.R / 2, bg.G / 2, bg.B / 2, 255}
	img := image.NewPaletted(image.Rect(0, 0, imageSize, imageSize), color.Palette{bg, fg, color.White})
	for y := range imageSize {
		for x := range imageSize {
			var on bool
			switch n % 4 {
			case 0:
				on = (x+y)/8%2 == 0
			case 1:
				on = y/8%2 == 0
			case 2:
				on = x/8%2 == 0
			default:
				on = (x/8+y/8)%2 == 0
			}
			if on {
				img.SetColorIndex(x, y, 1)
			}
		}
	}
	// A white frame marks the main image.
	if n == 0 {
		for i := range imageSize {
			for _, p := range [][2]int{{i, 0}, {i, imageSize - 1}, {0, i}, {imageSize - 1, i}} {
				img.SetColorIndex(p[0], p[1], 2)
			}
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		panic("sandbox: png: " + err.Error()) // encoding an in-memory paletted image cannot fail
	}
	return buf.Bytes()
}
