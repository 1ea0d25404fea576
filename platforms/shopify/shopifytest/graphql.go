package shopifytest

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/vektah/gqlparser/v2"
	"github.com/vektah/gqlparser/v2/ast"
	"github.com/vektah/gqlparser/v2/validator"
)

// obj is a resolved object; projection picks the selected fields from it.
type obj = map[string]any

// lazy is a field that depends on its arguments (connections, filtered
// metafields) or would recurse (variant.product).
type lazy func(args map[string]any) any

// conn is a list served as a connection (nodes, edges, pageInfo).
type conn []obj

// gqlError is one entry of the GraphQL errors array.
type gqlError struct {
	Message    string         `json:"message"`
	Path       []any          `json:"path,omitempty"`
	Extensions map[string]any `json:"extensions,omitempty"`
}

// execute runs one request. Callers must not hold mu. It returns the
// response body and the webhooks the request triggered.
func (s *Server) execute(query, opName string, vars map[string]any, scope string) (map[string]any, []delivery) {
	doc, errs := gqlparser.LoadQueryWithRules(s.schema, query, s.rules)
	if errs != nil {
		s.mu.Lock()
		defer s.mu.Unlock()
		s.calls.Total++
		s.calls.Invalid++
		return map[string]any{"errors": errs, "extensions": s.costExt(0, nil)}, nil
	}
	var op *ast.OperationDefinition
	switch {
	case opName != "":
		op = doc.Operations.ForName(opName)
	case len(doc.Operations) == 1:
		op = doc.Operations[0]
	}
	if op == nil {
		return s.fail(0, gqlError{Message: "An operation name is required", Extensions: map[string]any{"code": "OPERATION_NOT_FOUND"}}), nil
	}
	coerced, verr := validator.VariableValues(s.schema, op, vars)
	if verr != nil {
		return s.fail(0, gqlError{Message: verr.Error(), Extensions: map[string]any{"code": "INVALID_VARIABLE"}}), nil
	}
	name := op.Name
	if name == "" && len(op.SelectionSet) > 0 {
		if f, ok := op.SelectionSet[0].(*ast.Field); ok {
			name = f.Name
		}
	}
	cost := queryCost(op, coerced)

	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls.Total++
	s.calls.ByOperation[name]++
	if op.Operation == ast.Mutation {
		s.calls.Mutations++
	}
	s.refill()
	if cost > maxQueryCost {
		return map[string]any{
			"errors": []gqlError{{
				Message:    fmt.Sprintf("Query cost is %d, which exceeds the single query max cost limit (%d).", cost, maxQueryCost),
				Extensions: map[string]any{"code": "MAX_COST_EXCEEDED", "cost": cost, "maxCost": maxQueryCost},
			}},
			"extensions": s.costExt(cost, nil),
		}, nil
	}
	if float64(cost) > s.available {
		s.calls.Throttled++
		return map[string]any{
			"errors": []gqlError{{
				Message:    "Throttled",
				Extensions: map[string]any{"code": "THROTTLED", "documentation": "https://shopify.dev/api/usage/limits#rate-limits"},
			}},
			"extensions": s.costExt(cost, nil),
		}, nil
	}
	s.available -= float64(cost)
	s.reqScope = scope
	data, gerrs, hooks := s.run(op, coerced, true)
	s.reqScope = ""
	if op.Operation == ast.Mutation {
		s.changed()
	}
	resp := map[string]any{"data": data, "extensions": s.costExt(cost, &cost)}
	if len(gerrs) > 0 {
		resp["errors"] = gerrs
	}
	return resp, hooks
}

// fail answers a request-level error that costs nothing.
func (s *Server) fail(cost int, e gqlError) map[string]any {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.calls.Total++
	s.refill()
	return map[string]any{"errors": []gqlError{e}, "extensions": s.costExt(cost, nil)}
}

// costExt builds extensions.cost; callers hold mu.
func (s *Server) costExt(requested int, actual *int) map[string]any {
	var act any
	if actual != nil {
		act = *actual
	}
	return map[string]any{"cost": map[string]any{
		"requestedQueryCost": requested,
		"actualQueryCost":    act,
		"throttleStatus": map[string]any{
			"maximumAvailable":   s.cfg.BucketSize,
			"currentlyAvailable": int(s.available),
			"restoreRate":        s.cfg.RestoreRate,
		},
	}}
}

// queryCost implements the documented cost model (see the package comment).
func queryCost(op *ast.OperationDefinition, vars map[string]any) int {
	if op.Operation == ast.Mutation {
		return 10
	}
	var selCost func(ast.SelectionSet) int
	selCost = func(set ast.SelectionSet) int {
		total := 0
		for _, sel := range set {
			switch f := sel.(type) {
			case *ast.Field:
				if len(f.SelectionSet) == 0 {
					continue
				}
				switch f.Name { // connection plumbing is free; its nodes are counted by the connection
				case "nodes", "edges", "node", "pageInfo":
					if f.Name != "pageInfo" {
						total += selCost(f.SelectionSet)
					}
					continue
				}
				if f.Definition != nil && strings.HasSuffix(f.Definition.Type.Name(), "Connection") {
					args := f.ArgumentMap(vars)
					n := toInt(args["first"])
					if n == 0 {
						n = toInt(args["last"])
					}
					if n == 0 {
						n = 10
					}
					total += 2 + n*selCost(f.SelectionSet)
					continue
				}
				total += 1 + selCost(f.SelectionSet)
			case *ast.InlineFragment:
				total += selCost(f.SelectionSet)
			case *ast.FragmentSpread:
				if f.Definition != nil {
					total += selCost(f.Definition.SelectionSet)
				}
			}
		}
		return total
	}
	return selCost(op.SelectionSet)
}

// run resolves every root field; callers hold mu. withHooks=false inside
// bulk operations that still want hooks is not needed: hooks are returned.
func (s *Server) run(op *ast.OperationDefinition, vars map[string]any, _ bool) (obj, []gqlError, []delivery) {
	data := obj{}
	var errs []gqlError
	var hooks []delivery
	for _, sel := range op.SelectionSet {
		f, ok := sel.(*ast.Field)
		if !ok {
			continue
		}
		args := f.ArgumentMap(vars)
		if e := checkInputSizes(f.Name, args); e != nil {
			data[f.Alias] = nil
			errs = append(errs, *e)
			continue
		}
		var res any
		var err *gqlError
		if f.Name == "__typename" {
			res = rootTypeName(op)
		} else {
			res, err, hooks = s.resolveRoot(op, f, args, vars, hooks)
		}
		if err != nil {
			if len(err.Path) == 0 {
				err.Path = []any{f.Alias}
			}
			errs = append(errs, *err)
			data[f.Alias] = nil
			continue
		}
		if c, ok := res.(conn); ok {
			res = paginate(c, args)
		}
		data[f.Alias] = project(res, f.SelectionSet, vars)
	}
	return data, errs, hooks
}

func rootTypeName(op *ast.OperationDefinition) string {
	if op.Operation == ast.Mutation {
		return "Mutation"
	}
	return "QueryRoot"
}

// checkInputSizes enforces Shopify's 250-item limit on input arrays.
// productSet's variant list is exempt (it takes up to 2048 variants).
func checkInputSizes(field string, args map[string]any) *gqlError {
	var walk func(path []any, v any) *gqlError
	walk = func(path []any, v any) *gqlError {
		switch t := v.(type) {
		case []any:
			exempt := field == "productSet" && len(path) == 3 && path[1] == "input" && path[2] == "variants"
			if len(t) > 250 && !exempt {
				return &gqlError{
					Message:    fmt.Sprintf("The input array size of %d is greater than the maximum allowed of 250.", len(t)),
					Path:       path,
					Extensions: map[string]any{"code": "MAX_INPUT_SIZE_EXCEEDED"},
				}
			}
			for i, x := range t {
				if e := walk(append(append([]any{}, path...), i), x); e != nil {
					return e
				}
			}
		case map[string]any:
			keys := make([]string, 0, len(t))
			for k := range t {
				keys = append(keys, k)
			}
			sort.Strings(keys)
			for _, k := range keys {
				if e := walk(append(append([]any{}, path...), k), t[k]); e != nil {
					return e
				}
			}
		}
		return nil
	}
	return walk([]any{field}, map[string]any(args))
}

// project shapes a resolved value by a selection set.
func project(v any, set ast.SelectionSet, vars map[string]any) any {
	switch t := v.(type) {
	case nil:
		return nil
	case obj:
		if len(set) == 0 {
			return t
		}
		out := obj{}
		projectInto(out, t, set, vars)
		return out
	case []obj:
		list := make([]any, len(t))
		for i, o := range t {
			list[i] = project(o, set, vars)
		}
		return list
	default:
		return t
	}
}

func projectInto(out, o obj, set ast.SelectionSet, vars map[string]any) {
	for _, sel := range set {
		switch f := sel.(type) {
		case *ast.Field:
			if f.Name == "__typename" {
				out[f.Alias] = o["__typename"]
				continue
			}
			val := o[f.Name]
			args := f.ArgumentMap(vars)
			if l, ok := val.(lazy); ok {
				val = l(args)
			}
			if c, ok := val.(conn); ok {
				val = paginate(c, args)
			}
			out[f.Alias] = project(val, f.SelectionSet, vars)
		case *ast.InlineFragment:
			if f.TypeCondition == "" || f.TypeCondition == o["__typename"] {
				projectInto(out, o, f.SelectionSet, vars)
			}
		case *ast.FragmentSpread:
			if f.Definition != nil && (f.Definition.TypeCondition == o["__typename"]) {
				projectInto(out, o, f.Definition.SelectionSet, vars)
			}
		}
	}
}

// paginate serves a list as a connection with opaque offset cursors.
func paginate(c conn, args map[string]any) obj {
	start := 0
	if a, ok := args["after"].(string); ok && a != "" {
		start = decodeCursor(a) + 1
	}
	n := toInt(args["first"])
	if n <= 0 {
		n = len(c)
	}
	if start > len(c) {
		start = len(c)
	}
	end := min(len(c), start+n)
	page := c[start:end]
	edges := make([]obj, len(page))
	for i, node := range page {
		edges[i] = obj{"node": node, "cursor": encodeCursor(start + i)}
	}
	pi := obj{"hasNextPage": end < len(c), "hasPreviousPage": start > 0, "startCursor": nil, "endCursor": nil}
	if len(page) > 0 {
		pi["startCursor"] = encodeCursor(start)
		pi["endCursor"] = encodeCursor(end - 1)
	}
	return obj{"nodes": []obj(page), "edges": edges, "pageInfo": pi}
}

func encodeCursor(i int) string {
	return base64.RawURLEncoding.EncodeToString([]byte(`{"last_id":` + strconv.Itoa(i) + `}`))
}

func decodeCursor(c string) int {
	b, err := base64.RawURLEncoding.DecodeString(c)
	if err != nil {
		return 1 << 30
	}
	var v struct {
		LastID int `json:"last_id"`
	}
	if json.Unmarshal(b, &v) != nil {
		return 1 << 30
	}
	return v.LastID
}

func toInt(v any) int {
	switch t := v.(type) {
	case int:
		return t
	case int64:
		return int(t)
	case float64:
		return int(t)
	case json.Number:
		n, _ := t.Int64()
		return int(n)
	}
	return 0
}

func str(v any) string {
	switch t := v.(type) {
	case string:
		return t
	case json.Number:
		return t.String()
	case nil:
		return ""
	}
	return fmt.Sprint(v)
}

func strs(v any) []string {
	l, _ := v.([]any)
	out := make([]string, 0, len(l))
	for _, x := range l {
		out = append(out, str(x))
	}
	return out
}

func objs(v any) []map[string]any {
	l, _ := v.([]any)
	out := make([]map[string]any, 0, len(l))
	for _, x := range l {
		if m, ok := x.(map[string]any); ok {
			out = append(out, m)
		}
	}
	return out
}

func userErr(field []string, msg, code string) obj {
	o := obj{"field": field, "message": msg}
	if code != "" {
		o["code"] = code
	}
	return o
}

func notImplemented(field string) *gqlError {
	return &gqlError{Message: "shopifytest: field " + field + " is not modeled by the fake", Extensions: map[string]any{"code": "NOT_IMPLEMENTED"}}
}
