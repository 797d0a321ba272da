package provider

import (
	"context"
	"math/big"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/tempgrant/tempgrant/provider/internal/clock"
)

// harness drives the provider through the plugin protocol, as Terraform does,
// so tests cover validators, ModifyPlan and CRUD exactly as served.
type harness struct {
	t       *testing.T
	srv     tfprotov6.ProviderServer
	schemas map[string]*tfprotov6.Schema
}

// unknown marks an attribute value as not known yet in a config.
type unknownValue struct{}

var unknown = unknownValue{}

func newHarness(t *testing.T, clk clock.Clock, providerConfig map[string]any) *harness {
	t.Helper()
	srv, err := providerserver.NewProtocol6WithError(NewWithClock("test", clk)())()
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	s, err := srv.GetProviderSchema(ctx, &tfprotov6.GetProviderSchemaRequest{})
	if err != nil || hasError(s.Diagnostics) {
		t.Fatalf("schema: %v %s", err, diagText(s.Diagnostics))
	}
	h := &harness{t: t, srv: srv, schemas: s.ResourceSchemas}
	if providerConfig == nil {
		providerConfig = map[string]any{}
	}
	cfg := dynamic(t, s.Provider.ValueType(), value(t, s.Provider.ValueType(), providerConfig))
	c, err := srv.ConfigureProvider(ctx, &tfprotov6.ConfigureProviderRequest{Config: &cfg})
	if err != nil || hasError(c.Diagnostics) {
		t.Fatalf("configure: %v %s", err, diagText(c.Diagnostics))
	}
	return h
}

func hasError(diags []*tfprotov6.Diagnostic) bool {
	for _, d := range diags {
		if d.Severity == tfprotov6.DiagnosticSeverityError {
			return true
		}
	}
	return false
}

func dynamic(t *testing.T, typ tftypes.Type, v tftypes.Value) tfprotov6.DynamicValue {
	t.Helper()
	d, err := tfprotov6.NewDynamicValue(typ, v)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// value builds an object of typ from Go values; missing attributes are null.
func value(t *testing.T, typ tftypes.Type, attrs map[string]any) tftypes.Value {
	t.Helper()
	if attrs == nil {
		return tftypes.NewValue(typ, nil)
	}
	obj := typ.(tftypes.Object)
	vals := map[string]tftypes.Value{}
	for name, at := range obj.AttributeTypes {
		raw, ok := attrs[name]
		switch {
		case !ok || raw == nil:
			vals[name] = tftypes.NewValue(at, nil)
		case raw == unknown:
			vals[name] = tftypes.NewValue(at, tftypes.UnknownValue)
		default:
			vals[name] = goValue(t, at, raw)
		}
	}
	for name := range attrs {
		if _, ok := obj.AttributeTypes[name]; !ok {
			t.Fatalf("no attribute %q", name)
		}
	}
	return tftypes.NewValue(typ, vals)
}

func goValue(t *testing.T, typ tftypes.Type, raw any) tftypes.Value {
	switch v := raw.(type) {
	case string, bool:
		return tftypes.NewValue(typ, v)
	case int:
		return tftypes.NewValue(typ, big.NewFloat(float64(v)))
	case int64:
		return tftypes.NewValue(typ, big.NewFloat(float64(v)))
	case []string:
		var elem tftypes.Type
		switch c := typ.(type) {
		case tftypes.List:
			elem = c.ElementType
		case tftypes.Set:
			elem = c.ElementType
		default:
			t.Fatalf("%v is not a collection", typ)
		}
		out := []tftypes.Value{}
		for _, s := range v {
			out = append(out, tftypes.NewValue(elem, s))
		}
		return tftypes.NewValue(typ, out)
	}
	t.Fatalf("unsupported value %T", raw)
	return tftypes.Value{}
}

// toMap reads an object value back into Go values (strings, bools, numbers as
// int64, lists/sets as []string); null is nil.
func toMap(t *testing.T, v tftypes.Value) map[string]any {
	t.Helper()
	if v.IsNull() {
		return nil
	}
	var attrs map[string]tftypes.Value
	if err := v.As(&attrs); err != nil {
		t.Fatal(err)
	}
	out := map[string]any{}
	for k, a := range attrs {
		switch {
		case a.IsNull():
			out[k] = nil
		case !a.IsKnown():
			out[k] = unknown
		case a.Type().Is(tftypes.String):
			var s string
			_ = a.As(&s)
			out[k] = s
		case a.Type().Is(tftypes.Bool):
			var b bool
			_ = a.As(&b)
			out[k] = b
		case a.Type().Is(tftypes.Number):
			var f big.Float
			_ = a.As(&f)
			i, _ := f.Int64()
			out[k] = i
		default:
			var elems []tftypes.Value
			_ = a.As(&elems)
			ss := []string{}
			for _, e := range elems {
				var s string
				_ = e.As(&s)
				ss = append(ss, s)
			}
			out[k] = ss
		}
	}
	return out
}

// proposed is Terraform's proposed new state: the config, with computed
// attributes the config leaves null taken from the prior state.
func (h *harness) proposed(typeName string, prior, config map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range config {
		out[k] = v
	}
	for _, a := range h.schemas[typeName].Block.Attributes {
		if a.Computed && out[a.Name] == nil && prior != nil {
			out[a.Name] = prior[a.Name]
		}
	}
	return out
}

type step struct {
	state   map[string]any
	diags   []*tfprotov6.Diagnostic
	replace []string // attributes whose change forces a replacement
}

func (h *harness) plan(typeName string, prior, config map[string]any) step {
	h.t.Helper()
	typ := h.schemas[typeName].ValueType()
	priorDV := dynamic(h.t, typ, value(h.t, typ, prior))
	var propDV, cfgDV tfprotov6.DynamicValue
	if config == nil {
		propDV = dynamic(h.t, typ, value(h.t, typ, nil))
		cfgDV = propDV
	} else {
		propDV = dynamic(h.t, typ, value(h.t, typ, h.proposed(typeName, prior, config)))
		cfgDV = dynamic(h.t, typ, value(h.t, typ, config))
	}
	ctx := context.Background()
	// Terraform validates the config before planning.
	if config != nil {
		v, err := h.srv.ValidateResourceConfig(ctx, &tfprotov6.ValidateResourceConfigRequest{TypeName: typeName, Config: &cfgDV})
		if err != nil {
			h.t.Fatal(err)
		}
		if hasError(v.Diagnostics) {
			return step{diags: v.Diagnostics}
		}
	}
	resp, err := h.srv.PlanResourceChange(ctx, &tfprotov6.PlanResourceChangeRequest{
		TypeName: typeName, PriorState: &priorDV, ProposedNewState: &propDV, Config: &cfgDV,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	if hasError(resp.Diagnostics) {
		return step{diags: resp.Diagnostics}
	}
	planned, err := resp.PlannedState.Unmarshal(typ)
	if err != nil {
		h.t.Fatal(err)
	}
	var replace []string
	for _, p := range resp.RequiresReplace {
		replace = append(replace, p.String())
	}
	return step{state: toMap(h.t, planned), diags: resp.Diagnostics, replace: replace}
}

func (h *harness) apply(typeName string, prior, planned, config map[string]any) step {
	h.t.Helper()
	typ := h.schemas[typeName].ValueType()
	priorDV := dynamic(h.t, typ, value(h.t, typ, prior))
	plannedDV := dynamic(h.t, typ, value(h.t, typ, planned))
	cfgDV := dynamic(h.t, typ, value(h.t, typ, config))
	resp, err := h.srv.ApplyResourceChange(context.Background(), &tfprotov6.ApplyResourceChangeRequest{
		TypeName: typeName, PriorState: &priorDV, PlannedState: &plannedDV, Config: &cfgDV,
	})
	if err != nil {
		h.t.Fatal(err)
	}
	newState, err := resp.NewState.Unmarshal(typ)
	if err != nil {
		h.t.Fatal(err)
	}
	return step{state: toMap(h.t, newState), diags: resp.Diagnostics}
}

func (h *harness) read(typeName string, current map[string]any) step {
	h.t.Helper()
	typ := h.schemas[typeName].ValueType()
	cur := dynamic(h.t, typ, value(h.t, typ, current))
	resp, err := h.srv.ReadResource(context.Background(), &tfprotov6.ReadResourceRequest{TypeName: typeName, CurrentState: &cur})
	if err != nil {
		h.t.Fatal(err)
	}
	newState, err := resp.NewState.Unmarshal(typ)
	if err != nil {
		h.t.Fatal(err)
	}
	return step{state: toMap(h.t, newState), diags: resp.Diagnostics}
}

// planApply plans and, when the plan succeeds, applies.
func (h *harness) planApply(typeName string, prior, config map[string]any) step {
	h.t.Helper()
	p := h.plan(typeName, prior, config)
	if hasError(p.diags) {
		return p
	}
	return h.apply(typeName, prior, p.state, config)
}

func diagText(diags []*tfprotov6.Diagnostic) string {
	s := ""
	for _, d := range diags {
		s += d.Summary + ": " + d.Detail + "\n"
	}
	return s
}
