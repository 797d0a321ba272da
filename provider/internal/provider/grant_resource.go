package provider

import (
	"context"
	"fmt"
	"time"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tempgrant/tempgrant/provider/internal/clock"
)

// grantResource is the grant record: no database, only the clock. The access
// resources a grant owns depend on it, so a stale or early record stops the
// whole apply before any access is made.
type grantResource struct {
	data *providerData
}

var (
	_ resource.ResourceWithConfigure      = (*grantResource)(nil)
	_ resource.ResourceWithModifyPlan     = (*grantResource)(nil)
	_ resource.ResourceWithValidateConfig = (*grantResource)(nil)
)

func newGrantResource() resource.Resource { return &grantResource{} }

type grantModel struct {
	ID           types.String `tfsdk:"id"`
	GrantID      types.String `tfsdk:"grant_id"`
	Principal    types.String `tfsdk:"principal"`
	Target       types.String `tfsdk:"target"`
	Access       types.String `tfsdk:"access"`
	Reason       types.String `tfsdk:"reason"`
	RequestedBy  types.String `tfsdk:"requested_by"`
	Binding      types.String `tfsdk:"binding"`
	Ticket       types.String `tfsdk:"ticket"`
	StartsAt     types.String `tfsdk:"starts_at"`
	ExpiresAt    types.String `tfsdk:"expires_at"`
	ApprovedBy   types.List   `tfsdk:"approved_by"`
	BreakGlass   types.Bool   `tfsdk:"break_glass"`
	NativeExpiry types.Bool   `tfsdk:"native_expiry"`
	Resources    types.List   `tfsdk:"resources"`
	Digest       types.String `tfsdk:"digest"`
}

func (r *grantResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_grant"
}

func (r *grantResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	required := func(desc string) schema.StringAttribute {
		return schema.StringAttribute{Required: true, Description: desc, Validators: []validator.String{nonEmpty}}
	}
	resp.Schema = schema.Schema{
		Description: "One approved grant. Planning fails once it has expired; applying fails when it has expired or not yet started.",
		Attributes: map[string]schema.Attribute{
			"id": schema.StringAttribute{
				Computed: true, Description: "Same as grant_id.",
				PlanModifiers: []planmodifier.String{stringplanmodifier.UseStateForUnknown()},
			},
			"grant_id": schema.StringAttribute{
				Required: true, Description: "The grant's id: lowercase letters, digits and dashes.",
				Validators:    []validator.String{grantIDValid},
				PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
			},
			"principal":    required("Who receives the access."),
			"target":       required("What the access is to."),
			"access":       required("The access level granted."),
			"reason":       required("Why the access is needed."),
			"requested_by": required("Who asked for it."),
			"binding":      required("How the access is bound (e.g. login-role or membership)."),
			"ticket":       schema.StringAttribute{Optional: true, Description: "Ticket reference."},
			"starts_at": schema.StringAttribute{
				Optional: true, Description: "RFC 3339 start; checked against the real clock only.",
				Validators: []validator.String{rfc3339},
			},
			"expires_at": schema.StringAttribute{
				Required: true, Description: "RFC 3339 end; checked against the provider's clock.",
				Validators: []validator.String{rfc3339},
			},
			"approved_by": schema.ListAttribute{
				Required: true, ElementType: types.StringType, Description: "Approvers (may be empty).",
				Validators: []validator.List{nonEmpties},
			},
			"break_glass":   schema.BoolAttribute{Required: true, Description: "Emergency access without prior approval."},
			"native_expiry": schema.BoolAttribute{Required: true, Description: "Whether the target enforces the end itself (e.g. VALID UNTIL)."},
			"resources": schema.ListAttribute{
				Required: true, ElementType: types.StringType, Description: "Addresses of the access resources this grant owns.",
			},
			"digest": schema.StringAttribute{
				Optional: true, Validators: []validator.String{grantDigest},
				Description: "The grant digest approvers sign: sha256: and 64 lowercase hex digits. " +
					"Informative: the policy checker recomputes it from the other attributes.",
			},
		},
	}
}

func (r *grantResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *grantResource) clock() clock.Clock {
	if r.data == nil {
		return clock.System()
	}
	return r.data.clock
}

// ValidateConfig checks what can be checked without a clock.
func (r *grantResource) ValidateConfig(ctx context.Context, req resource.ValidateConfigRequest, resp *resource.ValidateConfigResponse) {
	var m grantModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() || !known(m.StartsAt) || !known(m.ExpiresAt) {
		return
	}
	start, err1 := clock.ParseTimestamp(m.StartsAt.ValueString())
	end, err2 := clock.ParseTimestamp(m.ExpiresAt.ValueString())
	if err1 == nil && err2 == nil && !start.Before(end) {
		resp.Diagnostics.AddAttributeError(path.Root("starts_at"), "Invalid grant window",
			fmt.Sprintf("starts_at %s is not before expires_at %s", m.StartsAt.ValueString(), m.ExpiresAt.ValueString()))
	}
}

// ModifyPlan refuses a configuration whose grant has already ended: it was
// synthesized for an earlier moment and applying it would re-create access.
func (r *grantResource) ModifyPlan(ctx context.Context, req resource.ModifyPlanRequest, resp *resource.ModifyPlanResponse) {
	if req.Plan.Raw.IsNull() {
		return // destroy is always allowed
	}
	var plan grantModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	if resp.Diagnostics.HasError() {
		return
	}
	if known(plan.GrantID) {
		// id is grant_id: known at plan time even on create, so the policy
		// checker never sees an unknown on the record.
		resp.Diagnostics.Append(resp.Plan.SetAttribute(ctx, path.Root("id"), plan.GrantID)...)
	}
	if !known(plan.ExpiresAt) {
		return // checked again at apply
	}
	resp.Diagnostics.Append(r.checkNotExpired(plan)...)
}

func (r *grantResource) checkNotExpired(m grantModel) diag.Diagnostics {
	var diags diag.Diagnostics
	end, err := clock.ParseTimestamp(m.ExpiresAt.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("expires_at"), "Invalid expires_at", "expires_at: "+err.Error())
		return diags
	}
	now, err := r.clock().Now()
	if err != nil {
		diags.AddError("Invalid "+clock.EnvVar, err.Error())
		return diags
	}
	if !end.After(now) {
		diags.AddAttributeError(path.Root("expires_at"), "Grant expired",
			fmt.Sprintf("grant %s expired at %s: this configuration is stale; synthesize again at the current time",
				m.GrantID.ValueString(), m.ExpiresAt.ValueString()))
	}
	return diags
}

// checkApply runs at apply: a saved plan applied after the end, or before the
// start, writes nothing.
func (r *grantResource) checkApply(m grantModel) diag.Diagnostics {
	diags := r.checkNotExpired(m)
	if diags.HasError() || !known(m.StartsAt) {
		return diags
	}
	start, err := clock.ParseTimestamp(m.StartsAt.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("starts_at"), "Invalid starts_at", "starts_at: "+err.Error())
		return diags
	}
	// The real clock only: a forward TEMPGRANT_NOW must not start a grant early.
	if realNow := r.clock().RealNow(); start.After(realNow) {
		diags.AddAttributeError(path.Root("starts_at"), "Grant not yet started",
			fmt.Sprintf("grant %s starts at %s, after the current time %s: nothing was created",
				m.GrantID.ValueString(), m.StartsAt.ValueString(), realNow.UTC().Format(time.RFC3339)))
	}
	return diags
}

func (r *grantResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	r.write(ctx, req.Plan.Get, &resp.State, &resp.Diagnostics)
}

func (r *grantResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	r.write(ctx, req.Plan.Get, &resp.State, &resp.Diagnostics)
}

type stateSetter interface {
	Set(context.Context, any) diag.Diagnostics
}

func (r *grantResource) write(ctx context.Context, get func(context.Context, any) diag.Diagnostics, state stateSetter, diags *diag.Diagnostics) {
	var m grantModel
	diags.Append(get(ctx, &m)...)
	if diags.HasError() {
		return
	}
	diags.Append(r.checkApply(m)...)
	if diags.HasError() {
		return
	}
	m.ID = m.GrantID
	diags.Append(state.Set(ctx, &m)...)
}

// Read keeps state: the record lives only in state.
func (r *grantResource) Read(context.Context, resource.ReadRequest, *resource.ReadResponse) {}

// Delete always succeeds; the framework removes the record from state.
func (r *grantResource) Delete(context.Context, resource.DeleteRequest, *resource.DeleteResponse) {}

func known(v interface {
	IsNull() bool
	IsUnknown() bool
}) bool {
	return !v.IsNull() && !v.IsUnknown()
}
