package shopifytest

import (
	"slices"
	"strings"
)

// orderByFulfillmentOrder finds the order owning a fulfillment order; callers hold mu.
func (s *Server) orderByFulfillmentOrder(id string) *Order {
	for _, o := range s.st.orders {
		if o.fulfillmentOrder == id {
			return o
		}
	}
	return nil
}

func (s *Server) fulfillmentOrderObj(o *Order) obj {
	fos, _ := s.orderObj(o)["fulfillmentOrders"].(lazy)
	return fos(nil).(conn)[0]
}

// fulfillmentOrderHold holds the whole fulfillment order (the fake does not
// split by line items). Like Shopify, a second hold with the same handle is
// refused, and so is a hold on a closed or cancelled fulfillment order.
func (s *Server) fulfillmentOrderHold(args map[string]any) (obj, []delivery) {
	in, _ := args["fulfillmentHold"].(map[string]any)
	fail := func(msg, code string) (obj, []delivery) {
		return obj{"fulfillmentHold": nil, "fulfillmentOrder": nil, "remainingFulfillmentOrder": nil,
			"userErrors": []obj{userErr([]string{"id"}, msg, code)}}, nil
	}
	o := s.orderByFulfillmentOrder(str(args["id"]))
	if o == nil {
		return fail("Fulfillment order does not exist.", "FULFILLMENT_ORDER_NOT_FOUND")
	}
	if len(objs(in["fulfillmentOrderLineItems"])) > 0 {
		return fail("The fake holds whole fulfillment orders only.", "FULFILLMENT_ORDER_NOT_SPLITTABLE")
	}
	if o.CancelledAt != nil || o.fulfillmentStatus() == "FULFILLED" {
		return fail("The fulfillment order is not in a holdable state.", "INVALID_STATE")
	}
	h := Hold{ID: s.gid("FulfillmentHold"), Reason: str(in["reason"]), ReasonNotes: str(in["reasonNotes"]), Handle: str(in["handle"])}
	if slices.ContainsFunc(o.Holds, func(x Hold) bool { return x.Handle == h.Handle }) {
		return fail("The handle provided for the fulfillment hold is already in use by this app for another hold on this fulfillment order.", "DUPLICATE_FULFILLMENT_HOLD_HANDLE")
	}
	o.Holds = append(o.Holds, h)
	hooks := s.touch(o)
	return obj{"fulfillmentHold": obj{"__typename": "FulfillmentHold", "id": h.ID, "reason": h.Reason, "reasonNotes": h.ReasonNotes, "handle": h.Handle},
		"fulfillmentOrder": s.fulfillmentOrderObj(o), "remainingFulfillmentOrder": nil, "userErrors": []obj{}}, hooks
}

// fulfillmentOrderReleaseHold releases the given holds, or every hold.
func (s *Server) fulfillmentOrderReleaseHold(args map[string]any) (obj, []delivery) {
	o := s.orderByFulfillmentOrder(str(args["id"]))
	if o == nil {
		return obj{"fulfillmentOrder": nil, "userErrors": []obj{userErr([]string{"id"}, "Fulfillment order does not exist.", "FULFILLMENT_ORDER_NOT_FOUND")}}, nil
	}
	if len(o.Holds) == 0 {
		return obj{"fulfillmentOrder": nil, "userErrors": []obj{userErr([]string{"id"}, "The fulfillment order is not on hold.", "INVALID_ACCESS")}}, nil
	}
	ids := strs(args["holdIds"])
	if _, given := args["holdIds"]; !given || len(ids) == 0 {
		o.Holds = nil
	} else {
		o.Holds = slices.DeleteFunc(o.Holds, func(h Hold) bool { return slices.Contains(ids, h.ID) })
	}
	hooks := s.touch(o)
	return obj{"fulfillmentOrder": s.fulfillmentOrderObj(o), "userErrors": []obj{}}, hooks
}

// metafieldsSet writes up to 25 metafields atomically: any invalid input
// fails the whole call, as on Shopify.
func (s *Server) metafieldsSet(args map[string]any) (obj, []delivery) {
	in := objs(args["metafields"])
	var ues []obj
	if len(in) > 25 {
		ues = append(ues, userErr([]string{"metafields"}, "Exceeded the maximum metafields input limit of 25.", "LESS_THAN_OR_EQUAL_TO"))
	}
	type target struct {
		mfs   *[]Metafield
		order *Order
	}
	targets := make([]target, len(in))
	for i, m := range in {
		owner := str(m["ownerId"])
		field := []string{"metafields", str(i), "ownerId"}
		switch {
		case s.order(owner) != nil:
			o := s.order(owner)
			targets[i] = target{&o.Metafields, o}
		case s.product(owner) != nil:
			targets[i] = target{mfs: &s.product(owner).Metafields}
		default:
			ues = append(ues, userErr(field, "Owner does not exist.", "INVALID"))
			continue
		}
		if str(m["key"]) == "" {
			ues = append(ues, userErr([]string{"metafields", str(i), "key"}, "Key can't be blank.", "BLANK"))
		}
		if str(m["namespace"]) == "" {
			ues = append(ues, userErr([]string{"metafields", str(i), "namespace"}, "Namespace can't be blank.", "BLANK"))
		}
		if str(m["type"]) == "" && metafieldIndex(*targets[i].mfs, str(m["namespace"]), str(m["key"])) < 0 {
			ues = append(ues, userErr([]string{"metafields", str(i), "type"}, "Type can't be blank.", "BLANK"))
		}
	}
	if len(ues) > 0 {
		return obj{"metafields": nil, "userErrors": ues}, nil
	}
	var out []obj
	var hooks []delivery
	touched := map[*Order]bool{}
	for i, m := range in {
		nm := Metafield{Namespace: str(m["namespace"]), Key: str(m["key"]), Type: str(m["type"]), Value: str(m["value"])}
		mfs := targets[i].mfs
		if j := metafieldIndex(*mfs, nm.Namespace, nm.Key); j >= 0 {
			if nm.Type == "" {
				nm.Type = (*mfs)[j].Type
			}
			(*mfs)[j] = nm
		} else {
			*mfs = append(*mfs, nm)
		}
		if o := targets[i].order; o != nil && !touched[o] {
			touched[o] = true
			hooks = append(hooks, s.touch(o)...)
		}
		out = append(out, obj{"__typename": "Metafield", "id": s.gid("Metafield"), "namespace": nm.Namespace, "key": nm.Key,
			"type": nm.Type, "value": nm.Value, "ownerType": ownerType(str(m["ownerId"]))})
	}
	return obj{"metafields": out, "userErrors": []obj{}}, hooks
}

func metafieldIndex(mfs []Metafield, ns, key string) int {
	return slices.IndexFunc(mfs, func(x Metafield) bool { return x.Namespace == ns && x.Key == key })
}

func ownerType(gid string) string {
	if strings.Contains(gid, "/Order/") {
		return "ORDER"
	}
	return "PRODUCT"
}
