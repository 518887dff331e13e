package scp

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// SCP's own rules for what the provider creates, checked at plan time (ValidateServer and
// ValidateVolume) and never applied to another cloud: block storage comes in steps of 8 GiB, a
// server needs a key pair and at least one network (ServerCreateRequest requires keypair_name and
// networks), and a server's name takes letters, digits, '-', '_' and spaces.

// serverNamePattern is the characters SCP takes in a server's name.
var serverNamePattern = regexp.MustCompile(`^[A-Za-z0-9_ -]+$`)

// ValidateServer refuses what SCP would refuse of spec, all at once.
func (s Cloud) ValidateServer(spec cloud.ServerSpec) error {
	var problems []string
	if spec.Name != "" && !serverNamePattern.MatchString(spec.Name) {
		problems = append(problems, fmt.Sprintf("name %q: on SCP a server name may contain only letters, digits, '-', '_' and spaces", spec.Name))
	}
	if spec.KeypairName == "" {
		problems = append(problems, "keypair_name is required on SCP (the server's key pair)")
	}
	if len(spec.Networks) == 0 {
		problems = append(problems, "networks: SCP needs at least one network interface")
	}
	if msg := sizeProblem(spec.BootVolume.Size); msg != "" {
		problems = append(problems, "boot_volume.size: "+msg)
	}
	if len(problems) > 0 {
		return fmt.Errorf("SCP cannot create this server: %s", strings.Join(problems, "; "))
	}
	return nil
}

// ValidateVolume refuses a size SCP does not allocate.
func (s Cloud) ValidateVolume(spec cloud.VolumeSpec) error {
	if msg := sizeProblem(spec.Size); msg != "" {
		return fmt.Errorf("SCP cannot create this volume: size: %s", msg)
	}
	return nil
}

// sizeProblem says why size (GiB) is not an SCP volume size, "" when it is one.
func sizeProblem(size int64) string {
	if size > 0 && size%8 == 0 {
		return ""
	}
	// No final period: the message is continued by its callers.
	return fmt.Sprintf("SCP volume sizes are positive multiples of 8 GiB; %d is not. %s", size, strings.TrimSuffix(nearestSizes(size), "."))
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
