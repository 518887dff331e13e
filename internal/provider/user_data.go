package provider

import (
	"context"
	"encoding/base64"
	"fmt"

	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

// The APIs take user_data base64-encoded. The argument is the script as text, so that a
// configuration reads as what the server runs; the cloud implementation encodes it before sending.

// maxUserDataBytes is the documented limit. Whether it counts the encoded or the decoded bytes is
// not documented, so the encoded size (the larger) is held to it: that passes either way.
const maxUserDataBytes = 65535

type userDataSize struct{}

func (userDataSize) Description(context.Context) string {
	return fmt.Sprintf("at most %d bytes once base64-encoded", maxUserDataBytes)
}

func (v userDataSize) MarkdownDescription(ctx context.Context) string { return v.Description(ctx) }

func (userDataSize) ValidateString(_ context.Context, req validator.StringRequest, resp *validator.StringResponse) {
	if req.ConfigValue.IsNull() || req.ConfigValue.IsUnknown() {
		return
	}
	raw := len(req.ConfigValue.ValueString())
	if encoded := base64.StdEncoding.EncodedLen(raw); encoded > maxUserDataBytes {
		resp.Diagnostics.AddAttributeError(req.Path, "user_data is too long",
			fmt.Sprintf("user_data is %d bytes, %d once base64-encoded as SCP takes it; SCP accepts at most %d. "+
				"Keep it under %d bytes of text, for example by having it download a larger script.",
				raw, encoded, maxUserDataBytes, maxUserDataBytes/4*3))
	}
}
