package provider

import "github.com/scp-community/terraform-provider-scp/internal/cloud"

// cloudAPI is the cloud the resources speak to.
func (d *providerData) cloudAPI() cloud.Cloud { return d.client.AsCloud() }
