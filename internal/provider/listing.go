package provider

import (
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// What the list data sources and the list resources share: both list objects by filter, which
// not every cloud can do, and both send the API's own filters.

// cloudLister is the configured cloud's optional list calls, or an error diagnostic that says
// listing is not supported there: what says what asked for the listing, instead how to do without.
func (d *providerData) cloudLister(what, instead string, diags *diag.Diagnostics) (cloud.Lister, bool) {
	if !d.ready(diags) {
		return nil, false
	}
	l, ok := cloud.Capability[cloud.Lister](d.cloud)
	if !ok {
		name := d.cloud.Facts().Name
		diags.AddError(fmt.Sprintf("Listing is not supported on %s", name),
			fmt.Sprintf("%s, which this provider cannot do yet on %s. %s", what, name, instead))
		return nil, false
	}
	return l, true
}

// listingErrorDetail explains a failed listing; a refusal of the call as invalid is about the
// filters, which check tells where to look for.
func listingErrorDetail(c cloud.Cloud, err error, check string) string {
	if cloud.IsRejected(err) {
		return fmt.Sprintf("%s refused the listing as asked: %v\n\n%s: remove those the message names, or correct "+
			"their values. Nothing was changed.", c.Facts().Name, err, check)
	}
	return errorDetail(err)
}

// volumeFilter is the API's filter of volumes by name, state and whether they are bootable; an
// unset filter matches every volume.
func volumeFilter(name, state types.String, bootable types.Bool) cloud.VolumeFilter {
	f := cloud.VolumeFilter{Name: name.ValueString(), State: state.ValueString()}
	if !bootable.IsNull() {
		b := bootable.ValueBool()
		f.Bootable = &b
	}
	return f
}
