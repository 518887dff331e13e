package provider

import (
	"context"
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var (
	idPattern         = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	serverNamePattern = regexp.MustCompile(`^[A-Za-z0-9_ -]+$`)
	regionPattern     = regexp.MustCompile(`^[a-z]{2}-[a-z]+[0-9]+$`)
)

// idExample is shown in messages about malformed ids.
const idExample = "2a9be312-5d4b-4bc8-b2ae-35100fa9241f"

// validID checks that an SCP object id has the documented UUID form.
func validID(kind string) validator.String {
	return stringvalidator.RegexMatches(idPattern, fmt.Sprintf("must be an SCP %s id, a UUID such as %s", kind, idExample))
}

// sizeMultipleOf8 checks a size in GiB: SCP allocates block storage in steps of 8 GiB.
type sizeMultipleOf8 struct{}

func (sizeMultipleOf8) Description(context.Context) string {
	return "must be a positive multiple of 8 (GiB)"
}

func (v sizeMultipleOf8) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (sizeMultipleOf8) ValidateInt64(_ context.Context, req validator.Int64Request, resp *validator.Int64Response) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	if size := req.ConfigValue.ValueInt64(); size <= 0 || size%8 != 0 {
		resp.Diagnostics.AddAttributeError(req.Path, "Invalid volume size",
			fmt.Sprintf("SCP volume sizes are positive multiples of 8 GiB; %d is not. %s", size, nearestSizes(size)))
	}
}

// nearestSizes names the valid sizes next to size: one when only one is near (below 8, there is
// no smaller one).
func nearestSizes(size int64) string {
	below, above := size/8*8, (size/8+1)*8
	if below < 8 {
		return fmt.Sprintf("Use %d.", max(8, above))
	}
	return fmt.Sprintf("Use %d or %d.", below, above)
}
