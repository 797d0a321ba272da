package provider

import (
	"context"
	"math"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/booldefault"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/int64planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema/planmodifier"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tempgrant/tempgrant/provider/internal/pg"
)

// flagsModel is shared by both PostgreSQL resources. Each flag is
// optional+computed with a default of false: Read reports the server's real
// value, so a flag switched on by hand shows as a planned change back.
type flagsModel struct {
	Superuser   types.Bool `tfsdk:"superuser"`
	CreateRole  types.Bool `tfsdk:"create_role"`
	CreateDB    types.Bool `tfsdk:"create_db"`
	BypassRLS   types.Bool `tfsdk:"bypass_rls"`
	Replication types.Bool `tfsdk:"replication"`
}

func (f flagsModel) flags() pg.Flags {
	return pg.Flags{
		Superuser:   f.Superuser.ValueBool(),
		CreateRole:  f.CreateRole.ValueBool(),
		CreateDB:    f.CreateDB.ValueBool(),
		BypassRLS:   f.BypassRLS.ValueBool(),
		Replication: f.Replication.ValueBool(),
	}
}

func flagsFrom(f pg.Flags) flagsModel {
	return flagsModel{
		Superuser:   types.BoolValue(f.Superuser),
		CreateRole:  types.BoolValue(f.CreateRole),
		CreateDB:    types.BoolValue(f.CreateDB),
		BypassRLS:   types.BoolValue(f.BypassRLS),
		Replication: types.BoolValue(f.Replication),
	}
}

// roleAttributes are the attributes both PostgreSQL resources share.
func roleAttributes() map[string]schema.Attribute {
	flag := func(desc string) schema.BoolAttribute {
		return schema.BoolAttribute{Optional: true, Computed: true, Default: booldefault.StaticBool(false), Description: desc}
	}
	return map[string]schema.Attribute{
		"member_of": schema.SetAttribute{
			Required: true, ElementType: types.StringType,
			Description: "Existing privilege roles the grant role becomes a member of. Read reports the real memberships.",
			Validators:  []validator.Set{roleNames},
		},
		"superuser":   flag("SUPERUSER (default false)."),
		"create_role": flag("CREATEROLE (default false)."),
		"create_db":   flag("CREATEDB (default false)."),
		"bypass_rls":  flag("BYPASSRLS (default false)."),
		"replication": flag("REPLICATION (default false)."),
		"reassign_owned_to": schema.StringAttribute{
			Optional:    true,
			Description: "Role that receives the objects the grant role owns when it is revoked (default: the provider's connecting user).",
			Validators:  []validator.String{roleName},
		},
		"oid": schema.Int64Attribute{
			Computed: true, Description: "The role's oid; identifies it even if renamed.",
			PlanModifiers: []planmodifier.Int64{int64planmodifier.UseStateForUnknown()},
		},
	}
}

func stringsOf(ctx context.Context, set types.Set, diags *diag.Diagnostics) []string {
	var out []string
	if set.IsNull() || set.IsUnknown() {
		return out
	}
	diags.Append(set.ElementsAs(ctx, &out, false)...)
	return out
}

func setOf(values []string, diags *diag.Diagnostics) types.Set {
	if values == nil {
		values = []string{}
	}
	s, d := types.SetValueFrom(context.Background(), types.StringType, values)
	diags.Append(d...)
	return s
}

// oidOf is the stored oid; 0 (unknown) makes lookups fall back to the name.
func oidOf(v types.Int64) uint32 {
	if v.IsNull() || v.IsUnknown() || v.ValueInt64() <= 0 || v.ValueInt64() > math.MaxUint32 {
		return 0
	}
	return uint32(v.ValueInt64())
}

// clientFor returns the PostgreSQL client or records why there is none.
func clientFor(d *providerData, diags *diag.Diagnostics) *pg.Client {
	c, err := d.client()
	if err != nil {
		addError(diags, err)
		return nil
	}
	return c
}
