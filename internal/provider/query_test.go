package provider

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
	"github.com/scp-community/terraform-provider-scp/internal/scp"
)

// adoptQuery is the query file of the adoption: every server, every volume but the OS disks, and
// every attachment, the OS disks' among them (which come with skip_destroy = true).
const adoptQuery = `
list "scp_virtual_server" "servers" {
  provider = scp
  limit    = 1000
}

list "scp_volume" "volumes" {
  provider = scp
  limit    = 1000
}

list "scp_volume_attachment" "attachments" {
  provider = scp
  limit    = 1000
  config {
    include_os_disks = true
  }
}
`

// estate is what adoptionEstate made outside Terraform.
type estate struct {
	servers, volumes []string
	// attached is how many of the volumes are attached to a server.
	attached int
}

// adoptionScale is how many servers and volumes the adoption test makes: a few, unless
// SCP_ACC_ADOPT_SERVERS and SCP_ACC_ADOPT_VOLUMES ask for more (the closing note measured 100 and 200).
func adoptionScale(t *testing.T) (servers, volumes int) {
	servers, volumes = 3, 5
	for _, v := range []struct {
		name string
		into *int
	}{{"SCP_ACC_ADOPT_SERVERS", &servers}, {"SCP_ACC_ADOPT_VOLUMES", &volumes}} {
		if s := os.Getenv(v.name); s != "" {
			n, err := strconv.Atoi(s)
			if err != nil || n < 1 {
				t.Fatalf("%s=%q: want a positive number", v.name, s)
			}
			*v.into = n
		}
	}
	return servers, volumes
}

// adoptionEstate makes servers and volumes straight through the API, as the console or another
// tool would: every other server tagged, every third volume tagged, and three volumes in four
// attached, round robin, to the servers. It returns when every one is ready and attached.
func (a *accTarget) adoptionEstate(t *testing.T, servers, volumes int) estate {
	t.Helper()
	ctx := context.Background()
	e := estate{servers: make([]string, servers), volumes: make([]string, volumes), attached: volumes * 3 / 4}
	parallel(t, servers, func(i int) error {
		var tags []scp.Tag
		if i%2 == 0 {
			tags = []scp.Tag{{Key: "team", Value: "adopt"}}
		}
		id, err := a.client.CreateServer(ctx, scp.CreateServerRequest{
			Name: fmt.Sprintf("adopt-%03d", i), ImageID: a.imageID, ServerTypeID: a.serverTypeID, KeypairName: a.keypairName,
			Networks: []scp.ServerNetwork{{SubnetID: a.subnetID}}, Tags: tags,
			Volumes: []scp.ServerVolumeSpec{{BootIndex: 0, Size: 16, SourceType: "image", DeleteOnTermination: true}},
		})
		e.servers[i] = id
		return err
	})
	parallel(t, volumes, func(i int) error {
		var tags []scp.Tag
		if i%3 == 0 {
			tags = []scp.Tag{{Key: "backup", Value: "daily"}}
		}
		v, err := a.client.CreateVolume(ctx, scp.CreateVolumeRequest{Name: fmt.Sprintf("adopt-data-%03d", i), Size: 8, Tags: tags})
		if err == nil {
			e.volumes[i] = v.ID
		}
		return err
	})
	parallel(t, servers, func(i int) error {
		return waitUntil(func() (bool, error) {
			s, err := a.client.GetServer(ctx, e.servers[i])
			return err == nil && s.State == scp.ServerStateActive, err
		})
	})
	// One volume operation per server at a time: each server's volumes are attached in turn.
	parallel(t, servers, func(i int) error {
		for v := i; v < volumes; v += servers {
			if err := waitUntil(func() (bool, error) {
				vol, err := a.client.GetVolume(ctx, e.volumes[v])
				return err == nil && vol.State == scp.VolumeStateAvailable, err
			}); err != nil || v >= e.attached {
				return err
			}
			if _, err := a.client.AttachVolume(ctx, e.volumes[v], e.servers[i], false); err != nil {
				return err
			}
			if err := waitUntil(func() (bool, error) {
				vol, err := a.client.GetVolume(ctx, e.volumes[v])
				return err == nil && vol.State == scp.VolumeStateInUse, err
			}); err != nil {
				return err
			}
		}
		return nil
	})
	return e
}

// parallel runs f for 0..n-1, eight at a time, and fails the test with the first error.
func parallel(t *testing.T, n int, f func(i int) error) {
	t.Helper()
	errs := make([]error, n)
	sem := make(chan struct{}, 8)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			errs[i] = f(i)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

// waitUntil polls done until it reports true, fails, or five minutes pass.
func waitUntil(done func() (bool, error)) error {
	deadline := time.Now().Add(5 * time.Minute)
	for {
		ok, err := done()
		if ok || err != nil {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("still not ready after five minutes")
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// requestTally counts the API requests the emulator received since a mark, and those that change
// something (anything but GET).
type requestTally struct{ all, changing int }

func tallySince(emu *scpemu.Emulator, mark int) requestTally {
	var n requestTally
	for _, r := range emu.Requests()[mark:] {
		n.all++
		if r.Method != http.MethodGet {
			n.changing++
		}
	}
	return n
}

// TestAccQuery_adoptExisting brings under management servers, volumes and attachments made outside
// Terraform: terraform query -generate-config-out writes their resource and import blocks; the
// review fills in each server's networks, which the API does not show (written as null); the apply
// imports every object and sends nothing that changes one; and the plan after it is empty.
func TestAccQuery_adoptExisting(t *testing.T) {
	cli := newQueryCLI(t, "1.14.0", "terraform query")
	acc := emulatorTarget(t, "counts the requests each command sends")
	nServers, nVolumes := adoptionScale(t)
	e := acc.adoptionEstate(t, nServers, nVolumes)
	cli.write("main.tf", acc.providerHCL)
	cli.write("adopt.tfquery.hcl", adoptQuery)
	cli.run("init")

	mark, started := len(acc.emu.Requests()), time.Now()
	cli.exitCode("query", "-generate-config-out=generated.tf")
	queried, queryTook := tallySince(acc.emu, mark), time.Since(started)
	generated := cli.read("generated.tf")
	attachments := e.attached + nServers
	for pattern, want := range map[string]int{
		`(?m)^resource "scp_virtual_server" `:    nServers,
		`(?m)^resource "scp_volume" `:            nVolumes,
		`(?m)^resource "scp_volume_attachment" `: attachments,
		`(?m)^import \{`:                         nServers + nVolumes + attachments,
		`(?m)^\s+identity = \{`:                  nServers + nVolumes + attachments,
		`(?m)^\s+networks\s*=\s*null$`:           nServers,
		`(?m)^\s+skip_destroy\s*=\s*true$`:       nServers,
		`\bteam\s*=\s*"adopt"`:                   (nServers + 1) / 2,
		`\bbackup\s*=\s*"daily"`:                 (nVolumes + 2) / 3,
	} {
		if got := len(regexp.MustCompile(pattern).FindAllString(generated, -1)); got != want {
			t.Errorf("the generated configuration has %d matches of %s, want %d", got, pattern, want)
		}
	}
	if t.Failed() {
		t.Fatalf("generated configuration:\n%s", generated)
	}

	// The review: the API does not show the networks a server was made with.
	reviewed := regexp.MustCompile(`(?m)^(\s+networks\s*=\s*)null$`).ReplaceAllString(generated, fmt.Sprintf(`${1}[{ subnet_id = %q }]`, acc.subnetID))
	cli.write("generated.tf", reviewed)
	mark, started = len(acc.emu.Requests()), time.Now()
	_, out := cli.exitCode("apply", "-auto-approve", "-input=false")
	applied, applyTook := tallySince(acc.emu, mark), time.Since(started)
	want := fmt.Sprintf("Resources: %d imported, 0 added, %d changed, 0 destroyed", nServers+nVolumes+attachments, 2*nServers)
	if !strings.Contains(out, want) {
		t.Fatalf("the apply did not say %q:\n%s", want, out)
	}
	if applied.changing != 0 {
		t.Errorf("the apply that adopted everything sent %d requests that change something, want none", applied.changing)
	}
	mark, started = len(acc.emu.Requests()), time.Now()
	if code, out := cli.exitCode("plan", "-detailed-exitcode", "-input=false"); code != 0 {
		t.Fatalf("the plan after the adoption is not empty:\n%s", out)
	}
	planned, planTook := tallySince(acc.emu, mark), time.Since(started)
	t.Logf("adopted %d servers, %d volumes and %d attachments: query %s (%d requests, %d changing), "+
		"apply %s (%d requests, none changing), empty plan after it %s (%d requests)",
		nServers, nVolumes, attachments, queryTook.Round(time.Millisecond), queried.all, queried.changing,
		applyTook.Round(time.Millisecond), applied.all, planTook.Round(time.Millisecond), planned.all)
	if queried.changing != 0 {
		t.Errorf("terraform query sent %d requests that change something, want none", queried.changing)
	}
}
