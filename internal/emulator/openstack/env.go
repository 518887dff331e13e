package openstack

import (
	"github.com/gophercloud/gophercloud/v2"
)

// Env is the OS_* environment a client (the provider, the openstack CLI) needs to
// reach this emulator with the password method, after Start.
func (e *Emulator) Env() map[string]string {
	return map[string]string{
		"OS_AUTH_URL":             e.AuthURL(),
		"OS_USERNAME":             e.cfg.Username,
		"OS_PASSWORD":             e.cfg.Password,
		"OS_PROJECT_NAME":         e.cfg.ProjectName,
		"OS_USER_DOMAIN_NAME":     e.cfg.DomainName,
		"OS_PROJECT_DOMAIN_NAME":  e.cfg.DomainName,
		"OS_REGION_NAME":          e.cfg.Region,
		"OS_IDENTITY_API_VERSION": "3",
	}
}

// AuthOptions are gophercloud's password options for this emulator at authURL
// (AuthURL() after Start, or an httptest server's URL + "/v3").
func (e *Emulator) AuthOptions(authURL string) gophercloud.AuthOptions {
	return gophercloud.AuthOptions{
		IdentityEndpoint: authURL,
		Username:         e.cfg.Username,
		Password:         e.cfg.Password,
		DomainName:       e.cfg.DomainName,
		TenantName:       e.cfg.ProjectName,
		AllowReauth:      true,
	}
}
