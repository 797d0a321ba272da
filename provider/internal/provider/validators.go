package provider

import (
	"context"
	"fmt"
	"regexp"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/attr"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tempgrant/tempgrant/provider/internal/clock"
	"github.com/tempgrant/tempgrant/provider/internal/pg"
)

// stringCheck adapts a plain check to a framework string validator; the
// diagnostic is attached to the attribute so its name is in the message.
type stringCheck struct {
	desc  string
	check func(string) error
}

func (v stringCheck) Description(context.Context) string         { return v.desc }
func (v stringCheck) MarkdownDescription(context.Context) string { return v.desc }

func (v stringCheck) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if err := v.check(req.ConfigValue.ValueString()); err != nil {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid "+attrName(req.Path), fmt.Sprintf("%s: %v", req.Path, err))
	}
}

// elementsCheck applies a string check to every known element of a set or list.
type elementsCheck struct{ stringCheck }

func (v elementsCheck) ValidateSet(ctx context.Context, req validator.SetRequest, resp *validator.SetResponse) {
	v.elements(ctx, req.Path, req.ConfigValue.Elements(), &resp.Diagnostics)
}

func (v elementsCheck) ValidateList(ctx context.Context, req validator.ListRequest, resp *validator.ListResponse) {
	v.elements(ctx, req.Path, req.ConfigValue.Elements(), &resp.Diagnostics)
}

func (v elementsCheck) elements(_ context.Context, p path.Path, elems []attr.Value, diags interface {
	AddAttributeError(path.Path, string, string)
}) {
	for _, e := range elems {
		s, ok := e.(types.String)
		if !ok || s.IsNull() || s.IsUnknown() {
			continue
		}
		if err := v.check(s.ValueString()); err != nil {
			diags.AddAttributeError(p, "Invalid "+attrName(p), fmt.Sprintf("%s: element %q: %v", p, s.ValueString(), err))
		}
	}
}

func attrName(p path.Path) string {
	return strings.TrimSpace(p.String())
}

var grantIDPattern = regexp.MustCompile(`^[a-z0-9-]+$`)

var grantDigestPattern = regexp.MustCompile(`^sha256:[0-9a-f]{64}$`)

var (
	grantIDValid = stringCheck{"lowercase letters, digits and dashes", func(s string) error {
		if !grantIDPattern.MatchString(s) {
			return fmt.Errorf("%q must be lowercase letters, digits and dashes", s)
		}
		return nil
	}}
	grantDigest = stringCheck{"sha256: and 64 lowercase hex digits", func(s string) error {
		if !grantDigestPattern.MatchString(s) {
			return fmt.Errorf("%q is not a grant digest (sha256: and 64 lowercase hex digits)", s)
		}
		return nil
	}}
	nonEmpty = stringCheck{"must not be empty", func(s string) error {
		if strings.TrimSpace(s) == "" {
			return fmt.Errorf("must not be empty")
		}
		return nil
	}}
	rfc3339 = stringCheck{"an RFC 3339 timestamp", func(s string) error {
		_, err := clock.ParseTimestamp(s)
		return err
	}}
	roleName = stringCheck{"a PostgreSQL role name: non-empty, no NUL, at most 63 bytes", pg.ValidateIdentifier}
	scram    = stringCheck{"a SCRAM-SHA-256 verifier", pg.ValidateVerifier}

	roleNames  = elementsCheck{roleName}
	nonEmpties = elementsCheck{nonEmpty}
)
