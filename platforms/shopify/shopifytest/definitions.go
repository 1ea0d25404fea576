package shopifytest

import (
	"strings"
)

// MetafieldDefinition is a metafield definition created through
// metafieldDefinitionCreate.
type MetafieldDefinition struct {
	ID, Namespace, Key, Name, Type, OwnerType string
	UniqueValues                              bool
}

// MetafieldDefinitions returns copies of the shop's metafield definitions.
func (s *Server) MetafieldDefinitions() []MetafieldDefinition {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]MetafieldDefinition, 0, len(s.st.definitions))
	for _, d := range s.st.definitions {
		out = append(out, *d)
	}
	return out
}

func (d *MetafieldDefinition) obj() obj {
	return obj{"__typename": "MetafieldDefinition", "id": d.ID, "namespace": d.Namespace, "key": d.Key, "name": d.Name,
		"ownerType": d.OwnerType, "type": obj{"name": d.Type, "category": "TEXT"},
		"capabilities": obj{"uniqueValues": obj{"enabled": d.UniqueValues, "eligible": true},
			"adminFilterable":          obj{"enabled": false, "eligible": true, "status": "NOT_FILTERABLE"},
			"smartCollectionCondition": obj{"enabled": false, "eligible": true}}}
}

// metafieldDefinitions filters by the required ownerType and the optional
// namespace and key arguments.
func (s *Server) metafieldDefinitions(args map[string]any) conn {
	c := conn{}
	for _, d := range s.st.definitions {
		if d.OwnerType != str(args["ownerType"]) {
			continue
		}
		if ns, ok := args["namespace"]; ok && ns != nil && str(ns) != d.Namespace {
			continue
		}
		if k, ok := args["key"]; ok && k != nil && str(k) != d.Key {
			continue
		}
		c = append(c, d.obj())
	}
	return c
}

// definitionTypes are the metafield types the fake accepts.
var definitionTypes = map[string]bool{"single_line_text_field": true, "multi_line_text_field": true, "number_integer": true, "json": true, "url": true}

// metafieldDefinitionCreate refuses a second definition of the same
// namespace, key and owner type (code TAKEN), as Shopify does.
func (s *Server) metafieldDefinitionCreate(args map[string]any) obj {
	in, _ := args["definition"].(map[string]any)
	fail := func(field, msg, code string) obj {
		return obj{"createdDefinition": nil, "userErrors": []obj{userErr([]string{"definition", field}, msg, code)}}
	}
	d := &MetafieldDefinition{Namespace: str(in["namespace"]), Key: str(in["key"]), Name: str(in["name"]), Type: str(in["type"]), OwnerType: str(in["ownerType"])}
	if d.Namespace == "" {
		d.Namespace = "app"
	}
	switch {
	case d.Key == "":
		return fail("key", "Key can't be blank", "BLANK")
	case d.Name == "":
		return fail("name", "Name can't be blank", "BLANK")
	case !definitionTypes[d.Type]:
		return fail("type", "Type is invalid", "INCLUSION")
	}
	for _, x := range s.st.definitions {
		if x.Namespace == d.Namespace && x.Key == d.Key && x.OwnerType == d.OwnerType {
			return fail("key", "Key is in use for "+strings.ToLower(d.OwnerType)+" metafields on the 'intcomex' namespace.", "TAKEN")
		}
	}
	if caps, ok := in["capabilities"].(map[string]any); ok {
		if u, ok := caps["uniqueValues"].(map[string]any); ok {
			d.UniqueValues = u["enabled"] == true
		}
	}
	d.ID = s.gid("MetafieldDefinition")
	s.st.definitions = append(s.st.definitions, d)
	return obj{"createdDefinition": d.obj(), "userErrors": []obj{}}
}
