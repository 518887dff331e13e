package provider

import (
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/diag"
)

func TestUnconfiguredProviderDataIsADiagnosticNotAPanic(t *testing.T) {
	var data *providerData
	var diags diag.Diagnostics
	if data.ready(&diags) || !diags.HasError() {
		t.Fatal("a nil providerData reported ready")
	}
}
