package provider

import (
	"context"
	"maps"
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
	"github.com/tempgrant/tempgrant/provider/internal/pg"
)

// loginRoleResource is login-role mode: the grant gets its own LOGIN role,
// with a SCRAM verifier and a server-enforced VALID UNTIL.
type loginRoleResource struct {
	data *providerData
}

var _ resource.ResourceWithConfigure = (*loginRoleResource)(nil)

func newLoginRoleResource() resource.Resource { return &loginRoleResource{} }

type loginRoleModel struct {
	Name            types.String `tfsdk:"name"`
	ValidUntil      types.String `tfsdk:"valid_until"`
	ScramVerifier   types.String `tfsdk:"scram_verifier"`
	MemberOf        types.Set    `tfsdk:"member_of"`
	Superuser       types.Bool   `tfsdk:"superuser"`
	CreateRole      types.Bool   `tfsdk:"create_role"`
	CreateDB        types.Bool   `tfsdk:"create_db"`
	BypassRLS       types.Bool   `tfsdk:"bypass_rls"`
	Replication     types.Bool   `tfsdk:"replication"`
	ReassignOwnedTo types.String `tfsdk:"reassign_owned_to"`
	OID             types.Int64  `tfsdk:"oid"`
}

func (m *loginRoleModel) flags() pg.Flags {
	return flagsModel{m.Superuser, m.CreateRole, m.CreateDB, m.BypassRLS, m.Replication}.flags()
}

func (m *loginRoleModel) setFlags(f pg.Flags) {
	fm := flagsFrom(f)
	m.Superuser, m.CreateRole, m.CreateDB, m.BypassRLS, m.Replication = fm.Superuser, fm.CreateRole, fm.CreateDB, fm.BypassRLS, fm.Replication
}

func (r *loginRoleResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_postgresql_login_role"
}

func (r *loginRoleResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := roleAttributes()
	maps.Copy(attrs, map[string]schema.Attribute{
		"name": schema.StringAttribute{
			Required: true, Description: "The login role to create; it must not exist yet.",
			Validators:    []validator.String{roleName},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"valid_until": schema.StringAttribute{
			Required: true, Description: "RFC 3339 end of the password's validity (VALID UNTIL); must be after the provider's clock when set.",
			Validators: []validator.String{rfc3339},
		},
		"scram_verifier": schema.StringAttribute{
			Required: true, Sensitive: true,
			Description: "SCRAM-SHA-256 verifier of the password; a plain password is refused.",
			Validators:  []validator.String{scram},
		},
	})
	resp.Schema = schema.Schema{
		Description: "A grant's own PostgreSQL login role (login-role mode).",
		Attributes:  attrs,
	}
}

func (r *loginRoleResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

// role converts the model for the SQL layer and reads the provider's clock;
// a bad clock or timestamp stops the change (fail closed).
func (r *loginRoleResource) role(ctx context.Context, m *loginRoleModel, diags *diag.Diagnostics) (pg.LoginRole, time.Time, *pg.Client) {
	until, err := clock.ParseTimestamp(m.ValidUntil.ValueString())
	if err != nil {
		diags.AddAttributeError(path.Root("valid_until"), "Invalid valid_until", "valid_until: "+err.Error())
		return pg.LoginRole{}, time.Time{}, nil
	}
	clk := clock.System()
	if r.data != nil {
		clk = r.data.clock
	}
	now, err := clk.Now()
	if err != nil {
		diags.AddError("Invalid "+clock.EnvVar, err.Error())
		return pg.LoginRole{}, time.Time{}, nil
	}
	role := pg.LoginRole{
		Name:          m.Name.ValueString(),
		ValidUntil:    until,
		ScramVerifier: m.ScramVerifier.ValueString(),
		MemberOf:      stringsOf(ctx, m.MemberOf, diags),
		Flags:         m.flags(),
	}
	if diags.HasError() {
		return role, now, nil
	}
	return role, now, clientFor(r.data, diags)
}

func (r *loginRoleResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m loginRoleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	role, now, c := r.role(ctx, &m, &resp.Diagnostics)
	if c == nil {
		return
	}
	oid, err := pg.CreateLoginRole(ctx, c, role, now)
	if err != nil {
		addError(&resp.Diagnostics, err)
		return
	}
	m.OID = types.Int64Value(int64(oid))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

// Read reports the role as the server has it, so drift shows in the plan.
func (r *loginRoleResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m loginRoleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := clientFor(r.data, &resp.Diagnostics)
	if c == nil {
		return
	}
	info, err := pg.ReadRole(ctx, c, m.Name.ValueString(), oidOf(m.OID), m.ScramVerifier.ValueString())
	if err != nil {
		addError(&resp.Diagnostics, err)
		return
	}
	if info == nil {
		// Gone: the plan shows it created again, and the checker sees that.
		resp.State.RemoveResource(ctx)
		return
	}
	m.Name = types.StringValue(info.Name)
	m.OID = types.Int64Value(int64(info.OID))
	m.ValidUntil = types.StringValue(pg.ReportValidUntil(info.ValidUntil, m.ValidUntil.ValueString()))
	m.setFlags(info.Flags)
	m.MemberOf = setOf(info.MemberOf, &resp.Diagnostics)
	if info.PasswordKnown && !info.PasswordMatches {
		m.ScramVerifier = types.StringValue(pg.PasswordChangedPlaceholder)
	}
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *loginRoleResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state loginRoleModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	if resp.Diagnostics.HasError() {
		return
	}
	role, now, c := r.role(ctx, &plan, &resp.Diagnostics)
	if c == nil {
		return
	}
	resetPassword := plan.ScramVerifier.ValueString() != state.ScramVerifier.ValueString()
	if err := pg.UpdateLoginRole(ctx, c, oidOf(state.OID), role, resetPassword, now); err != nil {
		addError(&resp.Diagnostics, err)
		return
	}
	plan.OID = state.OID
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete is the revocation: see pg.Revoke for the steps.
func (r *loginRoleResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m loginRoleModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := clientFor(r.data, &resp.Diagnostics)
	if c == nil {
		return
	}
	_, err := pg.Revoke(ctx, c, pg.Revocation{
		Name: m.Name.ValueString(), OID: oidOf(m.OID), ReassignTo: m.ReassignOwnedTo.ValueString(),
	})
	if err != nil {
		addError(&resp.Diagnostics, err)
	}
}
