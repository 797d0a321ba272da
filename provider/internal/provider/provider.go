// Package provider is the Terraform/OpenTofu face of tempgrant: the grant
// record and the PostgreSQL access resources a grant owns.
package provider

import (
	"context"
	"errors"

	"github.com/hashicorp/terraform-plugin-framework/datasource"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/provider"
	"github.com/hashicorp/terraform-plugin-framework/provider/schema"
	"github.com/hashicorp/terraform-plugin-framework/resource"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/tempgrant/tempgrant/provider/internal/clock"
	"github.com/tempgrant/tempgrant/provider/internal/pg"
)

// Address is the provider's registry address.
const Address = "registry.terraform.io/tempgrant/tempgrant"

// New returns the provider factory that providerserver serves.
func New(version string) func() provider.Provider {
	return func() provider.Provider {
		return &tempgrantProvider{version: version, clock: clock.System()}
	}
}

// NewWithClock is New with a swappable clock, for tests.
func NewWithClock(version string, c clock.Clock) func() provider.Provider {
	return func() provider.Provider {
		return &tempgrantProvider{version: version, clock: c}
	}
}

type tempgrantProvider struct {
	version string
	clock   clock.Clock
}

type providerModel struct {
	Host           types.String `tfsdk:"host"`
	Port           types.Int64  `tfsdk:"port"`
	Username       types.String `tfsdk:"username"`
	Password       types.String `tfsdk:"password"`
	Database       types.String `tfsdk:"database"`
	SSLMode        types.String `tfsdk:"sslmode"`
	ConnectTimeout types.Int64  `tfsdk:"connect_timeout"`
}

// providerData is handed to every resource. It holds settings, not a
// connection: only resources that touch PostgreSQL ever connect.
type providerData struct {
	clock    clock.Clock
	settings pg.Settings
	// unknown is set when a connection argument is not known yet (it comes
	// from another resource); connecting then fails with a clear message.
	unknown bool
}

func (p *tempgrantProvider) Metadata(_ context.Context, _ provider.MetadataRequest, resp *provider.MetadataResponse) {
	resp.TypeName = "tempgrant"
	resp.Version = p.version
}

func (p *tempgrantProvider) Schema(_ context.Context, _ provider.SchemaRequest, resp *provider.SchemaResponse) {
	resp.Schema = schema.Schema{
		Description: "Temporary production access as code. Every argument is optional and falls back to the libpq environment variable named; only PostgreSQL resources connect.",
		Attributes: map[string]schema.Attribute{
			"host":            schema.StringAttribute{Optional: true, Description: "PostgreSQL host (PGHOST)."},
			"port":            schema.Int64Attribute{Optional: true, Description: "PostgreSQL port (PGPORT)."},
			"username":        schema.StringAttribute{Optional: true, Description: "User to connect as (PGUSER)."},
			"password":        schema.StringAttribute{Optional: true, Sensitive: true, Description: "Password (PGPASSWORD). Never logged."},
			"database":        schema.StringAttribute{Optional: true, Description: "Database to connect to (PGDATABASE, default postgres)."},
			"sslmode":         schema.StringAttribute{Optional: true, Description: "libpq sslmode (PGSSLMODE)."},
			"connect_timeout": schema.Int64Attribute{Optional: true, Description: "Seconds to wait for a connection (default 10)."},
		},
	}
}

func (p *tempgrantProvider) Configure(ctx context.Context, req provider.ConfigureRequest, resp *provider.ConfigureResponse) {
	var m providerModel
	resp.Diagnostics.Append(req.Config.Get(ctx, &m)...)
	if resp.Diagnostics.HasError() {
		return
	}
	data := &providerData{clock: p.clock}
	for _, v := range []interface{ IsUnknown() bool }{m.Host, m.Port, m.Username, m.Password, m.Database, m.SSLMode, m.ConnectTimeout} {
		data.unknown = data.unknown || v.IsUnknown()
	}
	data.settings = pg.Settings{
		Host:           m.Host.ValueString(),
		Port:           m.Port.ValueInt64(),
		Username:       m.Username.ValueString(),
		Password:       m.Password.ValueString(),
		Database:       m.Database.ValueString(),
		SSLMode:        m.SSLMode.ValueString(),
		ConnectTimeout: m.ConnectTimeout.ValueInt64(),
	}
	resp.ResourceData = data
}

func (p *tempgrantProvider) Resources(context.Context) []func() resource.Resource {
	return []func() resource.Resource{newGrantResource, newLoginRoleResource, newMembershipResource}
}

func (p *tempgrantProvider) DataSources(context.Context) []func() datasource.DataSource {
	return nil
}

// client builds a PostgreSQL client from the provider's settings; it does not
// connect.
func (d *providerData) client() (*pg.Client, error) {
	if d == nil {
		return nil, &pg.Error{Kind: pg.KindConfig, Msg: "the provider is not configured"}
	}
	if d.unknown {
		return nil, &pg.Error{Kind: pg.KindConfig, Msg: "a provider connection argument is not known until apply; PostgreSQL resources need it known at plan time"}
	}
	return pg.NewClient(d.settings)
}

// addError turns an error into one diagnostic whose summary says which kind of
// failure it is (unreachable, authentication, privileges, refusal).
func addError(diags *diag.Diagnostics, err error) {
	var e *pg.Error
	if errors.As(err, &e) {
		diags.AddError(string(e.Kind), e.Error())
		return
	}
	diags.AddError("tempgrant error", err.Error())
}

// providerDataFrom is shared by every resource's Configure.
func providerDataFrom(raw any, diags *diag.Diagnostics) *providerData {
	if raw == nil {
		return nil // ValidateResourceConfig and early plans run unconfigured
	}
	d, ok := raw.(*providerData)
	if !ok {
		diags.AddError("Unexpected provider data", "the tempgrant provider handed resources data of the wrong type")
		return nil
	}
	return d
}
