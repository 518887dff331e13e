package provider

import (
	"context"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework-timeouts/resource/timeouts"
	"github.com/hashicorp/terraform-plugin-framework/diag"
	"github.com/hashicorp/terraform-plugin-framework/list"
	"github.com/hashicorp/terraform-plugin-framework/list/schema"
	"github.com/hashicorp/terraform-plugin-framework/path"
	"github.com/hashicorp/terraform-plugin-go/tftypes"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// List resources (Terraform 1.14 and later) find the objects that exist in the cloud, so that
// `terraform query` can show them and `terraform query -generate-config-out=FILE` can write the
// resource and import blocks that bring them under management. Each result carries the object's
// identity (see identity.go) and, when Terraform asks for it, the object as an import of it would
// read it, so that the generated configuration plans no change beyond what an import records.

func (p *scpProvider) ListResources(_ context.Context) []func() list.ListResource {
	return []func() list.ListResource{NewVirtualServerListResource, NewVolumeListResource, NewVolumeAttachmentListResource}
}

// listResource is a list resource: the managed resource's type name, how its objects are found
// by the config block's filters, and how each one becomes a result. C is the config block's model,
// T an object found, M the resource's model.
type listResource[C, T any, M listedModel] struct {
	resourceBase
	// kind names one object in messages, such as "volume attachment".
	kind   string
	schema func() schema.Schema
	find   func(ctx context.Context, d *providerData, l cloud.Lister, config C) ([]T, error)
	// label sets a result's display name and identity.
	label func(ctx context.Context, object *T, result *list.ListResult)
	// imported is the object as the resource reads it after an import.
	imported func(ctx context.Context, d *providerData, object *T) (M, error)
}

// listedModel is a resource model a listed object fills; its timeouts block is set apart, as the
// schema's null one.
type listedModel interface{ setTimeouts(timeouts.Value) }

func (m *virtualServerModel) setTimeouts(t timeouts.Value)    { m.Timeouts = t }
func (m *volumeModel) setTimeouts(t timeouts.Value)           { m.Timeouts = t }
func (m *volumeAttachmentModel) setTimeouts(t timeouts.Value) { m.Timeouts = t }

// labelByID names a listed server or volume by its name and id, and gives its id as its identity.
func labelByID(ctx context.Context, result *list.ListResult, name, id string) {
	result.DisplayName = fmt.Sprintf("%s (%s)", name, id)
	result.Diagnostics.Append(setIDIdentity(ctx, result.Identity, id)...)
}

func (l *listResource[C, T, M]) ListResourceConfigSchema(_ context.Context, _ list.ListResourceSchemaRequest, resp *list.ListResourceSchemaResponse) {
	resp.Schema = l.schema()
}

func (l *listResource[C, T, M]) List(ctx context.Context, req list.ListRequest, stream *list.ListResultsStream) {
	var config C
	diags := req.Config.Get(ctx, &config)
	lister, ok := l.data.queryLister("scp"+l.suffix, &diags)
	if !ok || diags.HasError() {
		stream.Results = list.ListResultsStreamDiagnostics(diags)
		return
	}
	stream.Results = func(push func(list.ListResult) bool) {
		objects, err := l.find(ctx, l.data, lister, config)
		if err != nil {
			push(errorResult("Cannot list the "+l.kind+"s", queryErrorDetail(l.data.cloud, err)))
			return
		}
		streamResults(ctx, req, push, l.kind, objects, func(ctx context.Context, object *T, result *list.ListResult) error {
			l.label(ctx, object, result)
			if result.Resource == nil {
				return nil
			}
			m, err := l.imported(ctx, l.data, object)
			if err != nil {
				return err
			}
			m.setTimeouts(noTimeouts(ctx, req, &result.Diagnostics))
			result.Diagnostics.Append(result.Resource.Set(ctx, m)...)
			return nil
		})
	}
}

// queryLister is the configured cloud's list calls, or an error that says listing is not
// supported there.
func (d *providerData) queryLister(typeName string, diags *diag.Diagnostics) (cloud.Lister, bool) {
	return d.cloudLister(fmt.Sprintf("The %s list resource finds objects by filter", typeName),
		"Import objects one at a time by id instead.", diags)
}

// queryErrorDetail explains a failed listing; a refusal of the call as invalid is about the filters.
func queryErrorDetail(c cloud.Cloud, err error) string {
	return listingErrorDetail(c, err, "Check the list block's filters (its config block)")
}

// errorResult is a result that reports a failure of the whole listing.
func errorResult(summary, detail string) list.ListResult {
	var diags diag.Diagnostics
	diags.AddError(summary, detail)
	return list.ListResult{Diagnostics: diags}
}

// streamResults makes a result of each object, at most req.Limit of them, and pushes them in the
// order given. fill sets a result's display name and identity, and its resource when req asks for
// it; objects are filled describeParallel at a time, because describing one costs a few reads.
// An object gone by the time it is described (deleted since the listing) is left out.
func streamResults[T any](ctx context.Context, req list.ListRequest, push func(list.ListResult) bool, kind string,
	objects []T, fill func(context.Context, *T, *list.ListResult) error) {
	if req.Limit > 0 && int64(len(objects)) > req.Limit {
		objects = objects[:req.Limit]
	}
	results, err := describeAll(ctx, objects, func(ctx context.Context, object *T) (list.ListResult, error) {
		result := req.NewListResult(ctx)
		if !req.IncludeResource {
			result.Resource = nil
		}
		return result, fill(ctx, object, &result)
	})
	if err != nil {
		push(errorResult("Cannot read the "+kind+"s listed", errorDetail(err)))
		return
	}
	for _, result := range results {
		if !push(result) {
			return
		}
	}
}

// noTimeouts is the null timeouts block of the resource schema of req, for a listed object's
// resource (a timeouts block is configuration, which no object in the cloud has).
func noTimeouts(ctx context.Context, req list.ListRequest, diags *diag.Diagnostics) timeouts.Value {
	typ, d := req.ResourceSchema.TypeAtPath(ctx, path.Root("timeouts"))
	if diags.Append(d...); d.HasError() {
		return timeouts.Value{}
	}
	value, err := typ.ValueFromTerraform(ctx, tftypes.NewValue(typ.TerraformType(ctx), nil))
	if err != nil {
		diags.AddError("Cannot make the timeouts of a listed object", err.Error())
		return timeouts.Value{}
	}
	if v, ok := value.(timeouts.Value); ok {
		return v
	}
	diags.AddError("Cannot make the timeouts of a listed object", fmt.Sprintf("the schema's timeouts are a %T", value))
	return timeouts.Value{}
}

// isOSDisk reports whether a volume is attached somewhere as the system disk (by the cloud's rule
// for device names), for the filters that leave OS disks out.
func (d *providerData) isOSDisk(v *cloud.Volume) bool {
	for _, s := range v.Servers {
		if d.systemDiskDevice(s.Device) {
			return true
		}
	}
	return false
}
