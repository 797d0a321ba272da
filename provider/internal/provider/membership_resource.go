package provider

import (
	"context"
	"maps"
	"strings"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/stringplanmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tempgrant/tempgrant/provider/internal/pg"
)

// membershipResource is membership mode: the principal keeps their own login
// role and gains a per-grant NOLOGIN role holding the privileges, so revoking
// one grant never touches another grant's access.
type membershipResource struct {
	data *providerData
}

var _ resource.ResourceWithConfigure = (*membershipResource)(nil)

func newMembershipResource() resource.Resource { return &membershipResource{} }

type membershipModel struct {
	Name            types.String `tfsdk:"name"`
	Member          types.String `tfsdk:"member"`
	MemberOf        types.Set    `tfsdk:"member_of"`
	Superuser       types.Bool   `tfsdk:"superuser"`
	CreateRole      types.Bool   `tfsdk:"create_role"`
	CreateDB        types.Bool   `tfsdk:"create_db"`
	BypassRLS       types.Bool   `tfsdk:"bypass_rls"`
	Replication     types.Bool   `tfsdk:"replication"`
	ReassignOwnedTo types.String `tfsdk:"reassign_owned_to"`
	OID             types.Int64  `tfsdk:"oid"`
}

func (m *membershipModel) spec(ctx context.Context, diags *diag.Diagnostics) pg.Membership {
	return pg.Membership{
		Name:     m.Name.ValueString(),
		Member:   m.Member.ValueString(),
		MemberOf: stringsOf(ctx, m.MemberOf, diags),
		Flags:    flagsModel{m.Superuser, m.CreateRole, m.CreateDB, m.BypassRLS, m.Replication}.flags(),
	}
}

func (r *membershipResource) Metadata(_ context.Context, req resource.MetadataRequest, resp *resource.MetadataResponse) {
	resp.TypeName = req.ProviderTypeName + "_postgresql_membership"
}

func (r *membershipResource) Schema(_ context.Context, _ resource.SchemaRequest, resp *resource.SchemaResponse) {
	attrs := roleAttributes()
	maps.Copy(attrs, map[string]schema.Attribute{
		"name": schema.StringAttribute{
			Required: true, Description: "The per-grant NOLOGIN role to create; it must not exist yet.",
			Validators:    []validator.String{roleName},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
		"member": schema.StringAttribute{
			Required: true, Description: "The principal's existing role, made a member of name. Read reports the real members when they differ.",
			Validators:    []validator.String{roleName},
			PlanModifiers: []planmodifier.String{stringplanmodifier.RequiresReplace()},
		},
	})
	resp.Schema = schema.Schema{
		Description: "A per-grant NOLOGIN role granted to the principal's existing role (membership mode).",
		Attributes:  attrs,
	}
}

func (r *membershipResource) Configure(_ context.Context, req resource.ConfigureRequest, resp *resource.ConfigureResponse) {
	r.data = providerDataFrom(req.ProviderData, &resp.Diagnostics)
}

func (r *membershipResource) Create(ctx context.Context, req resource.CreateRequest, resp *resource.CreateResponse) {
	var m membershipModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &m)...)
	spec := m.spec(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	c := clientFor(r.data, &resp.Diagnostics)
	if c == nil {
		return
	}
	oid, err := pg.CreateMembership(ctx, c, spec)
	if err != nil {
		addError(&resp.Diagnostics, err)
		return
	}
	m.OID = types.Int64Value(int64(oid))
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *membershipResource) Read(ctx context.Context, req resource.ReadRequest, resp *resource.ReadResponse) {
	var m membershipModel
	resp.Diagnostics.Append(req.State.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	c := clientFor(r.data, &resp.Diagnostics)
	if c == nil {
		return
	}
	info, err := pg.ReadRole(ctx, c, m.Name.ValueString(), oidOf(m.OID), "")
	if err != nil {
		addError(&resp.Diagnostics, err)
		return
	}
	if info == nil {
		resp.State.RemoveResource(ctx)
		return
	}
	m.Name = types.StringValue(info.Name)
	m.OID = types.Int64Value(int64(info.OID))
	// member is one role; anything else (membership revoked by hand, extra
	// members added by hand) is reported as the real, comma-separated list,
	// which forces a replacement that rebuilds exactly the configured access.
	if len(info.Members) != 1 || info.Members[0] != m.Member.ValueString() {
		m.Member = types.StringValue(strings.Join(info.Members, ","))
	}
	fm := flagsFrom(info.Flags)
	m.Superuser, m.CreateRole, m.CreateDB, m.BypassRLS, m.Replication = fm.Superuser, fm.CreateRole, fm.CreateDB, fm.BypassRLS, fm.Replication
	m.MemberOf = setOf(info.MemberOf, &resp.Diagnostics)
	resp.Diagnostics.Append(resp.State.Set(ctx, &m)...)
}

func (r *membershipResource) Update(ctx context.Context, req resource.UpdateRequest, resp *resource.UpdateResponse) {
	var plan, state membershipModel
	resp.Diagnostics.Append(req.Plan.Get(ctx, &plan)...)
	resp.Diagnostics.Append(req.State.Get(ctx, &state)...)
	spec := plan.spec(ctx, &resp.Diagnostics)
	if resp.Diagnostics.HasError() {
		return
	}
	c := clientFor(r.data, &resp.Diagnostics)
	if c == nil {
		return
	}
	if err := pg.UpdateMembership(ctx, c, oidOf(state.OID), spec); err != nil {
		addError(&resp.Diagnostics, err)
		return
	}
	plan.OID = state.OID
	resp.Diagnostics.Append(resp.State.Set(ctx, &plan)...)
}

// Delete revokes: see pg.Revoke, and the resource doc for what happens to the
// member's open sessions.
func (r *membershipResource) Delete(ctx context.Context, req resource.DeleteRequest, resp *resource.DeleteResponse) {
	var m membershipModel
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
