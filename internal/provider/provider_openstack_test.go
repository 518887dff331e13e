package provider

import (
	"strings"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/openstack"
)

func TestResolveOpenStackBlockWinsOverEnvironment(t *testing.T) {
	env := map[string]string{
		"OS_AUTH_URL": "https://env.example/v3", "OS_USERNAME": "env-user", "OS_PASSWORD": "env-secret",
		"OS_DOMAIN_NAME": "EnvDomain", "OS_TENANT_NAME": "env-project", "SCP_OPENSTACK_FLAVOUR": "OTC",
	}
	p := &scpProvider{sources: settingSources{getenv: func(k string) string { return env[k] }}}
	r := p.resolveOpenStack(&openstackModel{AuthURL: types.StringValue("https://block.example/v3"), Password: types.StringValue("block-secret")}, false)
	c := r.cfg
	if c.AuthURL != "https://block.example/v3" || c.Password != "block-secret" || c.UserName != "env-user" ||
		c.UserDomainName != "EnvDomain" || c.ProjectDomainName != "EnvDomain" || c.ProjectName != "env-project" || c.Flavour != "otc" {
		t.Fatalf("resolved %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	found := r.foundText()
	for _, want := range []string{"openstack block: auth_url, password", "user_name (OS_USERNAME)", "project_name (OS_TENANT_NAME)"} {
		if !strings.Contains(found, want) {
			t.Errorf("found text %q lacks %q", found, want)
		}
	}
	if strings.Contains(found, "secret") {
		t.Fatalf("a secret is in the message: %s", found)
	}
	if r := p.resolveOpenStack(&openstackModel{UserName: types.StringUnknown()}, false); !r.unknown {
		t.Fatal("an unknown value is not reported")
	}
}

func TestSCPSettingsSet(t *testing.T) {
	m := providerModel{Endpoint: types.StringValue("x"), AccessKey: types.StringValue("k")}
	if got := strings.Join(m.scpSettingsSet(), ","); got != "endpoint,access_key" {
		t.Fatal(got)
	}
	if got := (providerModel{}).scpSettingsSet(); len(got) != 0 {
		t.Fatal(got)
	}
}

// Every setting of the openstack package's table is read from the block, and the block has
// nothing the table lacks, so a setting added on one side cannot be silently dropped.
func TestOpenStackBlockReadsEverySetting(t *testing.T) {
	attrs := openstackBlock().Attributes
	for _, s := range openstack.Settings {
		if openstackValues[s.Name] == nil {
			t.Errorf("setting %q has no reader of the block's model", s.Name)
		}
		if _, ok := attrs[s.Name]; !ok {
			t.Errorf("setting %q has no attribute in the block", s.Name)
		}
	}
	if len(openstackValues) != len(openstack.Settings) || len(attrs) != len(openstack.Settings) {
		t.Errorf("%d readers and %d attributes for %d settings", len(openstackValues), len(attrs), len(openstack.Settings))
	}
}
