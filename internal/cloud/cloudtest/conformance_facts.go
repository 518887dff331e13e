package cloudtest

import (
	"reflect"
	"strings"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

// factsAreComplete: every fact the resources' messages and plan-time rules read is there, the
// same on every call, and a cloud that is no Tagger says why.
func (r *conformance) factsAreComplete() {
	facts := r.c.Facts()
	if !reflect.DeepEqual(facts, r.c.Facts()) {
		r.t.Errorf("Facts differ between two calls")
	}
	if facts.Name == "" || facts.Endpoint == "" || facts.SystemDiskRule == "" {
		r.t.Errorf("Facts without a name, endpoint or system-disk rule: %+v", facts)
	}
	if len(facts.SystemDiskDevices) == 0 {
		r.t.Errorf("Facts name no system-disk device")
	}
	for _, device := range facts.SystemDiskDevices {
		if device != strings.ToLower(device) || !strings.HasPrefix(device, "/dev/") || !facts.IsSystemDiskDevice(strings.ToUpper(device)) {
			r.t.Errorf("system-disk device %q: want a lower-case /dev/ name, matched in any case", device)
		}
	}
	for _, op := range []cloud.Operation{cloud.OpDeleteServer, cloud.OpDeleteVolume, cloud.OpAttach} {
		if facts.RefusalReasons[op] == "" {
			r.t.Errorf("Facts give no refusal reasons for %s", op)
		}
	}
	if _, tags := cloud.Capability[cloud.Tagger](r.c); !tags && facts.NoTags == "" {
		r.t.Errorf("the cloud is no cloud.Tagger, and its Facts do not say why (NoTags)")
	}
}
