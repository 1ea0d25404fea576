package pricing

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync"

	"github.com/go-playground/validator/v10"
	"github.com/shopspring/decimal"

	"github.com/intcomex-connector/connector/internal/iwscode"
	"github.com/intcomex-connector/connector/internal/money"
)

// Problem is one thing wrong with a rules file, at a path written the way the file spells it:
// "rules[0].margin_percent", "rounding.step", "default".
type Problem struct {
	Path    string
	Message string
}

func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// ValidationError lists every problem found in a rules file, so that one round of fixes is enough.
type ValidationError struct {
	Problems []Problem
}

func (e *ValidationError) Error() string {
	var b strings.Builder
	if len(e.Problems) == 1 {
		b.WriteString("pricing: invalid rules: 1 problem:")
	} else {
		fmt.Fprintf(&b, "pricing: invalid rules: %d problems:", len(e.Problems))
	}
	for _, p := range e.Problems {
		b.WriteString("\n  ")
		b.WriteString(p.String())
	}
	return b.String()
}

// Validate reports every problem with the rules as a *ValidationError, or nil when they can price.
func (r *Rules) Validate() error {
	if _, problems := r.check(nil); len(problems) > 0 {
		return &ValidationError{Problems: problems}
	}
	return nil
}

// check validates the rules, leaving out problems that follow from one already in prior (the file's
// shape problems: a mistyped field decodes as empty), and compiles them when there is no problem at all.
func (r *Rules) check(prior []Problem) (*Pricer, []Problem) {
	var problems []Problem
	for _, p := range fieldProblems(r) {
		if !covered(prior, p.Path) {
			problems = append(problems, p)
		}
	}
	pricer, cross := r.compile()
	for _, p := range cross {
		if !slices.ContainsFunc(p.dependsOn, func(path string) bool { return related(prior, path) }) &&
			!covered(problems, p.Path) {
			problems = append(problems, p.Problem)
		}
	}
	if len(problems) > 0 || len(prior) > 0 {
		return nil, problems
	}
	return pricer, nil
}

// crossProblem is a problem found by comparing fields: it is only worth reporting when none of the
// fields it depends on was already reported as mistyped.
type crossProblem struct {
	Problem
	dependsOn []string
}

// covered reports whether a problem at path, or at a path that contains it, is already listed.
func covered(problems []Problem, path string) bool {
	return slices.ContainsFunc(problems, func(p Problem) bool { return under(path, p.Path) })
}

// related reports whether a listed problem is at, above or below path.
func related(problems []Problem, path string) bool {
	return slices.ContainsFunc(problems, func(p Problem) bool { return under(path, p.Path) || under(p.Path, path) })
}

// under reports whether path is parent or inside it: "rules[0].match.brands" is under "rules[0]".
func under(path, parent string) bool {
	return path == parent || strings.HasPrefix(path, parent+".") || strings.HasPrefix(path, parent+"[")
}

// fieldProblems checks each field on its own, by its validate tag.
func fieldProblems(r *Rules) []Problem {
	err := fieldValidator().Struct(r)
	if err == nil {
		return nil
	}
	errs, ok := err.(validator.ValidationErrors)
	if !ok {
		panic("pricing: validator: " + err.Error()) // an invalid struct tag: a bug in this package
	}
	problems := make([]Problem, 0, len(errs))
	for _, fe := range errs {
		problems = append(problems, Problem{Path: fieldPath(fe.Namespace()), Message: fieldMessage(fe)})
	}
	return problems
}

// fieldPath turns the validator's "Rules.rules[0].Action.margin_percent" into the file's
// "rules[0].margin_percent" (Action is embedded, its fields sit on the rule).
func fieldPath(namespace string) string {
	_, path, _ := strings.Cut(namespace, ".")
	return strings.ReplaceAll(path, ".Action.", ".")
}

func fieldMessage(fe validator.FieldError) string {
	value, _ := fe.Value().(Number)
	switch fe.Tag() {
	case "required":
		if strings.HasSuffix(fe.Namespace(), "]") {
			return "must not be empty"
		}
		return "is required"
	case "number":
		_, err := value.Decimal()
		return err.Error()
	case "dec_gt":
		return "must be greater than " + fe.Param()
	case "dec_gte":
		if fe.Param() == "0" {
			return "must not be negative"
		}
		return "must be at least " + fe.Param()
	case "dec_lt":
		return "must be below " + fe.Param()
	case "currency":
		return fmt.Sprintf("unknown currency %q; want an ISO 4217 code such as USD or CLP", fe.Value())
	case "category":
		return iwscode.CheckCategory(fmt.Sprint(fe.Value())).Error()
	case "fx_rate":
		return money.CheckFXRate(string(value)).Error()
	case "tax_rate":
		return money.CheckTaxRate(string(value)).Error()
	default:
		return "fails " + fe.Tag()
	}
}

// fieldValidator is built once: a validator caches struct metadata and is safe for concurrent use.
var fieldValidator = sync.OnceValue(func() *validator.Validate {
	v := validator.New()
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			return ""
		}
		return name
	})
	custom := map[string]validator.Func{
		"number":   func(fl validator.FieldLevel) bool { _, err := Number(fl.Field().String()).Decimal(); return err == nil },
		"dec_gt":   compareNumber(func(c int) bool { return c > 0 }),
		"dec_gte":  compareNumber(func(c int) bool { return c >= 0 }),
		"dec_lt":   compareNumber(func(c int) bool { return c < 0 }),
		"currency": func(fl validator.FieldLevel) bool { _, ok := CurrencyDigits(fl.Field().String()); return ok },
		"category": func(fl validator.FieldLevel) bool { return iwscode.CheckCategory(fl.Field().String()) == nil },
		// The shop settings and the store check these two with the same functions.
		"fx_rate":  func(fl validator.FieldLevel) bool { return money.CheckFXRate(fl.Field().String()) == nil },
		"tax_rate": func(fl validator.FieldLevel) bool { return money.CheckTaxRate(fl.Field().String()) == nil },
	}
	for tag, fn := range custom {
		if err := v.RegisterValidation(tag, fn); err != nil {
			panic("pricing: register validation " + tag + ": " + err.Error())
		}
	}
	return v
})

// compareNumber builds a validation comparing a Number with the tag's parameter ("dec_lt=100"). A value
// that does not parse passes here: the "number" tag before it reports that.
func compareNumber(ok func(cmp int) bool) validator.Func {
	return func(fl validator.FieldLevel) bool {
		d, err := Number(fl.Field().String()).Decimal()
		if err != nil {
			return true
		}
		return ok(d.Cmp(decimal.RequireFromString(fl.Param())))
	}
}
