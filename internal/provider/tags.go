package provider

import (
	"context"
	"errors"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-framework/resource/schema"
	"github.com/hashicorp/terraform-plugin-framework/tfsdk"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// Tags are sent in the create body and afterwards read and changed through SCP Resource Manager,
// because the server and volume bodies do not carry them. A tag change is an in-place update.

func tagsAttribute(object string) schema.MapAttribute {
	return schema.MapAttribute{
		Optional: true, ElementType: types.StringType,
		MarkdownDescription: fmt.Sprintf("Tags of the %s. Set at creation, then read and changed in place through SCP Resource Manager "+
			"(its endpoint comes from the endpoint catalog of `auth_url`, or from `resource_manager_endpoint`; tags also need `account_id` and the region).", object),
	}
}

// checkTagsUsable refuses at plan time a configuration with tags that the provider could not
// read back, before anything is created.
func (d *providerData) checkTagsUsable(ctx context.Context, plan tfsdk.Plan, diags *diag.Diagnostics) {
	if d == nil || plan.Raw.IsNull() {
		return
	}
	var tags types.Map
	diags.Append(plan.GetAttribute(ctx, path.Root("tags"), &tags)...)
	if tags.IsNull() || tags.IsUnknown() || len(tags.Elements()) == 0 {
		return
	}
	if _, err := d.tagger(); err != nil {
		diags.AddAttributeError(path.Root("tags"), "Tags cannot be managed with this provider configuration",
			err.Error()+". Nothing was sent to the API.")
	}
}

// readTags returns the object's tags as the cloud has them, when the state manages tags (or was
// just imported, when it cannot know yet). Tags the configuration does not set are not read, so a
// configuration without tags never needs Resource Manager and a refresh costs one read per object.
// Without Resource Manager, tags the state does manage are an error: the provider would otherwise
// report them unchanged without knowing.
func (d *providerData) readTags(ctx context.Context, kind cloud.ObjectKind, id string, prior types.Map, imported bool) (types.Map, error) {
	managed := !prior.IsNull() && !prior.IsUnknown()
	if !managed && !imported {
		return prior, nil
	}
	tagger, unavailable := d.tagger()
	if unavailable != nil {
		if !managed {
			return prior, nil
		}
		return prior, unavailable
	}
	tags, err := tagger.Tags(ctx, kind, id)
	if err != nil {
		return prior, err
	}
	return tagsToMap(tags, prior), nil
}

// updateTags sets the object's whole tag set to planned, when it differs from prior.
func (d *providerData) updateTags(ctx context.Context, kind cloud.ObjectKind, id string, planned, prior types.Map) error {
	if planned.Equal(prior) {
		return nil
	}
	tags, diags := tagsFromMap(ctx, planned)
	if diags.HasError() {
		return errors.New("the tags are not a map of strings")
	}
	tagger, err := d.tagger()
	if err != nil {
		return err
	}
	return tagger.SetTags(ctx, kind, id, tags)
}

// tagger is the cloud's tag calls, or why this configuration cannot manage tags (cloud.Tagger is
// optional).
func (d *providerData) tagger() (cloud.Tagger, error) {
	if tagger, ok := cloud.Capability[cloud.Tagger](d.cloud); ok {
		return tagger, nil
	}
	if why := d.cloud.Facts().NoTags; why != "" {
		return nil, errors.New(why)
	}
	return nil, fmt.Errorf("tags cannot be managed on %s", d.cloud.Facts().Name)
}
