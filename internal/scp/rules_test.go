package scp

import (
	"strings"
	"testing"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

func TestNearestSizesNamesOnlyRealChoices(t *testing.T) {
	for size, want := range map[int64]string{
		7:   "Use 8.",
		-5:  "Use 8.",
		0:   "Use 8.",
		12:  "Use 8 or 16.",
		100: "Use 96 or 104.",
	} {
		if got := nearestSizes(size); got != want {
			t.Errorf("nearestSizes(%d) = %q, want %q", size, got, want)
		}
	}
}

func TestSCPVolumeSizes(t *testing.T) {
	var c Cloud
	for size, ok := range map[int64]bool{8: true, 64: true, 1: false, 0: false, -8: false, 12: false} {
		err := c.ValidateVolume(cloud.VolumeSpec{Name: "v", Size: size})
		if (err == nil) != ok {
			t.Errorf("size %d: %v", size, err)
		}
		if err != nil && !strings.Contains(err.Error(), "SCP volume sizes are positive multiples of 8 GiB") {
			t.Errorf("size %d: the message does not name SCP's rule: %v", size, err)
		}
	}
	if err := c.ValidateVolume(cloud.VolumeSpec{Size: 12}); err == nil || !strings.Contains(err.Error(), "12 is not. Use 8 or 16") {
		t.Errorf("the nearest sizes are not named: %v", err)
	}
}

func TestSCPServerRules(t *testing.T) {
	var c Cloud
	good := cloud.ServerSpec{
		Name: "web 1_a-b", KeypairName: "key", Networks: []cloud.Network{{SubnetID: "s"}}, BootVolume: cloud.BootVolume{Size: 16},
	}
	if err := c.ValidateServer(good); err != nil {
		t.Fatalf("a server SCP takes was refused: %v", err)
	}
	bad := cloud.ServerSpec{Name: "bad/name!", BootVolume: cloud.BootVolume{Size: 1}}
	err := c.ValidateServer(bad)
	if err == nil {
		t.Fatal("no error")
	}
	for _, want := range []string{"SCP cannot create this server", "may contain only letters", "keypair_name is required on SCP",
		"SCP needs at least one network", "boot_volume.size: SCP volume sizes are positive multiples of 8 GiB; 1 is not"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("the message lacks %q: %v", want, err)
		}
	}
}
