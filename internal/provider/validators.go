package provider

import (
	"fmt"
	"regexp"

	"github.com/hashicorp/terraform-plugin-framework-validators/stringvalidator"
	"github.com/hashicorp/terraform-plugin-framework/schema/validator"
)

var (
	idPattern     = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	regionPattern = regexp.MustCompile(`^[a-z]{2}-[a-z]+[0-9]+$`)
)

// idExample is shown in messages about malformed ids.
const idExample = "2a9be312-5d4b-4bc8-b2ae-35100fa9241f"

// validID checks that an SCP object id has the documented UUID form.
func validID(kind string) validator.String {
	return stringvalidator.RegexMatches(idPattern, fmt.Sprintf("must be an SCP %s id, a UUID such as %s", kind, idExample))
}
