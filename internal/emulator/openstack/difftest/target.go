package difftest

import (
	"fmt"
	"os"
	"strings"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
)

// Target is a cloud the scenario runs against: where Keystone is, whose password, which
// project, and the image, flavor and network a server is made from.
type Target struct {
	AuthURL           string // Keystone v3, ending in /v3
	Region            string
	Username          string
	UserDomainName    string
	Password          string
	ProjectName       string
	ProjectDomainName string
	ProjectID         string // when set, the scope is by id

	ImageID   string
	FlavorID  string
	NetworkID string
}

// TargetFromEnv reads the OS_* variables an openrc sets, with OS_TEST_IMAGE_ID,
// OS_TEST_FLAVOR_ID and OS_TEST_NETWORK_ID for the server. ok is false when OS_AUTH_URL
// is not set; an error names what else is missing.
func TargetFromEnv() (Target, bool, error) {
	t := Target{
		AuthURL: strings.TrimRight(os.Getenv("OS_AUTH_URL"), "/"), Region: os.Getenv("OS_REGION_NAME"),
		Username: os.Getenv("OS_USERNAME"), Password: os.Getenv("OS_PASSWORD"),
		UserDomainName: firstSet("OS_USER_DOMAIN_NAME", "OS_DOMAIN_NAME"), ProjectName: firstSet("OS_PROJECT_NAME", "OS_TENANT_NAME"),
		ProjectDomainName: firstSet("OS_PROJECT_DOMAIN_NAME", "OS_DOMAIN_NAME"), ProjectID: os.Getenv("OS_PROJECT_ID"),
		ImageID: os.Getenv("OS_TEST_IMAGE_ID"), FlavorID: os.Getenv("OS_TEST_FLAVOR_ID"), NetworkID: os.Getenv("OS_TEST_NETWORK_ID"),
	}
	if t.AuthURL == "" {
		return t, false, nil
	}
	if !strings.HasSuffix(t.AuthURL, "/v3") {
		t.AuthURL += "/v3"
	}
	var missing []string
	for name, v := range map[string]string{
		"OS_USERNAME": t.Username, "OS_PASSWORD": t.Password, "OS_USER_DOMAIN_NAME": t.UserDomainName,
		"OS_TEST_IMAGE_ID": t.ImageID, "OS_TEST_FLAVOR_ID": t.FlavorID, "OS_TEST_NETWORK_ID": t.NetworkID,
	} {
		if v == "" {
			missing = append(missing, name)
		}
	}
	if t.ProjectID == "" && (t.ProjectName == "" || t.ProjectDomainName == "") {
		missing = append(missing, "OS_PROJECT_ID or OS_PROJECT_NAME with OS_PROJECT_DOMAIN_NAME")
	}
	if len(missing) > 0 {
		return t, true, fmt.Errorf("difftest: OS_AUTH_URL is set but these are not: %s", strings.Join(missing, ", "))
	}
	return t, true, nil
}

func firstSet(names ...string) string {
	for _, n := range names {
		if v := os.Getenv(n); v != "" {
			return v
		}
	}
	return ""
}

// EmulatorTarget is the emulator's own identity, with its first image, flavor and network.
func EmulatorTarget(e *openstack.Emulator, authURL string) Target {
	cfg := e.Config()
	return Target{
		AuthURL: authURL, Region: cfg.Region, Username: cfg.Username, UserDomainName: cfg.DomainName,
		Password: cfg.Password, ProjectName: cfg.ProjectName, ProjectDomainName: cfg.DomainName,
		ImageID: cfg.Images[0].ID, FlavorID: cfg.Flavors[0].ID, NetworkID: cfg.Networks[0].ID,
	}
}
