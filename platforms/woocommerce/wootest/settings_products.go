package wootest

import (
	"net/http"
)

// productSetting is one entry of the "products" settings group. No recording covers this
// group: the shape follows the general group (fixture 25) and WooCommerce's
// WC_Settings_Products definitions of the two unit settings.
type productSetting struct {
	ID          string            `json:"id"`
	Label       string            `json:"label"`
	Description string            `json:"description"`
	Type        string            `json:"type"`
	Default     string            `json:"default"`
	Options     map[string]string `json:"options"`
	Tip         string            `json:"tip"`
	Value       string            `json:"value"`
	GroupID     string            `json:"group_id,omitempty"`
	Links       map[string]any    `json:"_links"`
}

func (s *Server) productSettings(base string) []productSetting {
	link := func(id string) map[string]any {
		return map[string]any{
			"self":       selfLink(base+restPrefix+"/settings/products/"+id, "GET", "POST", "PUT", "PATCH"),
			"collection": []link{{Href: base + restPrefix + "/settings/products"}},
		}
	}
	return []productSetting{
		{ID: "woocommerce_weight_unit", Label: "Weight unit", Description: "This controls what unit you will define weights in.",
			Type: "select", Default: "kg", Options: map[string]string{"kg": "kg", "g": "g", "lbs": "lbs", "oz": "oz"},
			Tip: "This controls what unit you will define weights in.", Value: s.cfg.WeightUnit, Links: link("woocommerce_weight_unit")},
		{ID: "woocommerce_dimension_unit", Label: "Dimensions unit", Description: "This controls what unit you will define lengths in.",
			Type: "select", Default: "cm", Options: map[string]string{"m": "m", "cm": "cm", "mm": "mm", "in": "in", "yd": "yd"},
			Tip: "This controls what unit you will define lengths in.", Value: s.cfg.DimensionUnit, Links: link("woocommerce_dimension_unit")},
	}
}

func (s *Server) getSettingsProducts(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.productSettings(s.restBase(r)))
}

func (s *Server) getProductSetting(w http.ResponseWriter, r *http.Request, id string) {
	for _, st := range s.productSettings(s.restBase(r)) {
		if st.ID == id {
			st.GroupID = "products"
			writeJSON(w, http.StatusOK, st)
			return
		}
	}
	writeError(w, newError(http.StatusNotFound, "rest_setting_setting_invalid", "Invalid setting."))
}
