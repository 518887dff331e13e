package main

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
	"github.com/scp-community/terraform-provider-scp/internal/provider"
	"github.com/scp-community/terraform-provider-scp/internal/scp"
	"github.com/scp-community/terraform-provider-scp/internal/wait"
)

// The micro-benchmark drives the emulator's operations with the scp client and a poller directly,
// no Terraform, to compare the provider's learning poller with two common fixed schedules on the
// same operations.

// schedule is one way of polling.
type schedule struct {
	Name string
	// delay is a baseline's schedule (see baseline); nil for the provider's learning poller.
	delay func(probes int) time.Duration
}

const learningSchedule = "learning"

// benchPriors are the provider's priors for SCP (what its poller starts from on a cloud it has
// not measured yet) under the emulator's kind names, plus one for the 6-10 minute kind of the
// fake clock: a long build, 8 minutes.
func benchPriors() map[string]wait.Prior {
	scp := provider.WaitPriors("SCP")
	names := map[scpemu.OpKind]string{
		scpemu.OpServerCreate: "server.create", scpemu.OpServerDelete: "server.delete",
		scpemu.OpVolumeCreate: "volume.create", scpemu.OpVolumeDelete: "volume.delete",
		scpemu.OpAttach: "volume.attach", scpemu.OpDetach: "volume.detach",
	}
	out := map[string]wait.Prior{longKind: {Typical: 8 * time.Minute}}
	for k, name := range names {
		if pr, ok := scp[name]; ok {
			out[string(k)] = pr
		}
	}
	return out
}

func schedules() []schedule {
	return []schedule{
		{Name: learningSchedule},
		{Name: "fixed 3s", delay: fixedInterval(3 * time.Second)},
		{Name: "linear 3s..10s", delay: linearCapped(3*time.Second, 10*time.Second)},
	}
}

// newWaiter returns a waiter of this schedule on clk (nil: the wall clock), with its own memory
// for the learning poller. opts apply to the learning poller only.
func (sc schedule) newWaiter(clk wait.Clock, opts ...wait.Option) waitFunc {
	if sc.delay != nil {
		if clk == nil {
			clk = wait.RealClock()
		}
		return baseline{clock: clk, delay: sc.delay}.wait
	}
	opts = append([]wait.Option{wait.WithPriors(benchPriors())}, opts...)
	if clk != nil {
		opts = append([]wait.Option{wait.WithClock(clk)}, opts...)
	}
	p := wait.New(opts...)
	return func(ctx context.Context, kind string, probe wait.Probe) (wait.Result, error) {
		return p.Wait(ctx, kind, probe)
	}
}

// microSample is one wait of the micro-benchmark.
type microSample struct {
	Schedule  string
	Kind      string
	Learned   bool // the poller placed the first probe from history
	Duration  time.Duration
	Overshoot time.Duration
	Probes    int
	Failed    bool
}

// microRow aggregates the samples of one schedule, kind and phase.
type microRow struct {
	Source   string `json:"source"` // "emulator" or "fake clock"
	Schedule string `json:"schedule"`
	Kind     string `json:"kind"`
	Phase    string `json:"phase"` // cold or learned for the learning poller, all for baselines
	Ops      int    `json:"ops"`
	Failed   int    `json:"failed"`
	waitStats
}

// aggregateMicro groups samples by schedule, kind and phase, in the order given.
func aggregateMicro(source string, samples []microSample, scheds []schedule, kinds []string) []microRow {
	var rows []microRow
	for _, sc := range scheds {
		for _, kind := range kinds {
			phases := []string{"all"}
			if sc.Name == learningSchedule {
				phases = []string{"cold", "learned"}
			}
			for _, phase := range phases {
				row := microRow{Source: source, Schedule: sc.Name, Kind: kind, Phase: phase}
				var durations, overs []time.Duration
				var probes []int
				for _, s := range samples {
					if s.Schedule != sc.Name || s.Kind != kind || (phase == "cold" && s.Learned) || (phase == "learned" && !s.Learned) {
						continue
					}
					if s.Failed {
						row.Failed++
						continue
					}
					row.Ops++
					durations = append(durations, s.Duration)
					overs = append(overs, s.Overshoot)
					probes = append(probes, s.Probes)
				}
				if row.Ops+row.Failed == 0 {
					continue
				}
				row.waitStats = newWaitStats(durations, overs, probes)
				rows = append(rows, row)
			}
		}
	}
	return rows
}

// waitRecord ties one micro wait to the emulator operation it waited for.
type waitRecord struct {
	schedule string
	kind     scpemu.OpKind
	object   string
	related  string
	learned  bool
	err      error
}

// runMicroEmulator runs, for every schedule at once (each on its own objects), ops operations of
// each kind in waves of `wave` waits started together, as `count = 10` would: servers and volumes
// created, each volume attached to its own server, detached, then everything deleted. The first
// wave of the learning poller is cold; the later ones use what it learned. Overshoot and probes
// come from the emulator's logs, exactly as for the Terraform runs.
func runMicroEmulator(ctx context.Context, emu *scpemu.Emulator, ops, wave int) ([]microRow, error) {
	opsBefore, reqsBefore := len(emu.Operations()), len(emu.Requests())
	scheds := schedules()
	var (
		mu      sync.Mutex
		records []waitRecord
		errs    []error
		wg      sync.WaitGroup
	)
	for _, sc := range scheds {
		wg.Add(1)
		go func() {
			defer wg.Done()
			l, err := newMicroLane(emu, sc)
			if err == nil {
				err = l.run(ctx, ops, wave)
			}
			mu.Lock()
			defer mu.Unlock()
			records = append(records, l.records...)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: %w", sc.Name, err))
			}
		}()
	}
	wg.Wait()
	if len(errs) > 0 {
		return nil, errs[0]
	}

	byOp := map[string]opMetric{}
	for _, m := range measureOps(emu.Operations()[opsBefore:], scpLog(emu.Requests()[reqsBefore:])) {
		byOp[string(m.Kind)+"|"+m.ObjectID+"|"+m.RelatedID] = m
	}
	var samples []microSample
	for _, r := range records {
		m, ok := byOp[string(r.kind)+"|"+r.object+"|"+r.related]
		s := microSample{Schedule: r.schedule, Kind: string(r.kind), Learned: r.learned}
		if r.err != nil || !ok || !m.Noticed || m.Outcome != scpemu.OutcomeSucceeded {
			s.Failed = true
		} else {
			s.Duration, s.Overshoot, s.Probes = m.Duration, m.Overshoot, m.Probes
		}
		samples = append(samples, s)
	}
	kinds := make([]string, len(benchKinds))
	for i, k := range benchKinds {
		kinds[i] = string(k)
	}
	return aggregateMicro("emulator", samples, scheds, kinds), nil
}

// microLane is one schedule's waiter, client and objects.
type microLane struct {
	sc      schedule
	client  *scp.Client
	wait    waitFunc
	servers []string
	volumes []string

	mu      sync.Mutex
	records []waitRecord
}

func newMicroLane(emu *scpemu.Emulator, sc schedule) (*microLane, error) {
	cred := emu.Credentials()
	client, err := scp.New(scp.Config{Endpoint: emu.URL(), AccessKey: cred.AccessKey, SecretKey: cred.SecretKey})
	if err != nil {
		return nil, err
	}
	return &microLane{sc: sc, client: client, wait: sc.newWaiter(nil)}, nil
}

func (l *microLane) run(ctx context.Context, ops, wave int) error {
	l.servers, l.volumes = make([]string, ops), make([]string, ops)
	prefix := "micro-" + strings.NewReplacer(" ", "-", ".", "").Replace(l.sc.Name)
	steps := [][]func(context.Context, int) (waitRecord, error){
		{l.createServer(prefix), l.createVolume(prefix)},
		{l.attach},
		{l.detach},
		{l.deleteServer, l.deleteVolume},
	}
	for _, step := range steps {
		var wg sync.WaitGroup
		errs := make([]error, len(step))
		for i, op := range step {
			wg.Add(1)
			go func() {
				defer wg.Done()
				errs[i] = l.waves(ctx, ops, wave, op)
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// waves runs op for 0..n-1, `wave` at a time, and keeps the records.
func (l *microLane) waves(ctx context.Context, n, wave int, op func(context.Context, int) (waitRecord, error)) error {
	for first := 0; first < n; first += wave {
		var wg sync.WaitGroup
		errs := make([]error, n)
		for i := first; i < min(first+wave, n); i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				rec, err := op(ctx, i)
				rec.schedule = l.sc.Name
				l.mu.Lock()
				l.records = append(l.records, rec)
				l.mu.Unlock()
				errs[i] = err
			}()
		}
		wg.Wait()
		for _, err := range errs {
			if err != nil {
				return err
			}
		}
	}
	return nil
}

// await waits for one operation with the lane's schedule, bounded like a resource timeout.
func (l *microLane) await(ctx context.Context, rec waitRecord, probe wait.Probe) (waitRecord, error) {
	ctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	res, err := l.wait(ctx, string(rec.kind), probe)
	rec.learned, rec.err = res.Learned, err
	return rec, err
}

func (l *microLane) createServer(prefix string) func(context.Context, int) (waitRecord, error) {
	return func(ctx context.Context, i int) (waitRecord, error) {
		rec := waitRecord{kind: scpemu.OpServerCreate}
		id, err := l.client.CreateServer(ctx, scp.CreateServerRequest{
			Name: fmt.Sprintf("%s-%d", prefix, i), ImageID: "ubuntu-22.04", ServerTypeID: "s1v2m4",
			KeypairName: "bench-key", Networks: []scp.ServerNetwork{{SubnetID: "bench-subnet"}},
			Volumes: []scp.ServerVolumeSpec{{BootIndex: 0, Size: 16, DeleteOnTermination: true}},
		})
		if err != nil {
			rec.err = err
			return rec, err
		}
		l.servers[i], rec.object = id, id
		return l.await(ctx, rec, func(ctx context.Context) (bool, error) {
			s, err := l.client.GetServer(ctx, id)
			if err != nil {
				return false, err
			}
			if s.State == scp.ServerStateError {
				return false, wait.Permanent(fmt.Errorf("server %s went to ERROR", id))
			}
			return s.State == scp.ServerStateActive, nil
		})
	}
}

func (l *microLane) createVolume(prefix string) func(context.Context, int) (waitRecord, error) {
	return func(ctx context.Context, i int) (waitRecord, error) {
		rec := waitRecord{kind: scpemu.OpVolumeCreate}
		v, err := l.client.CreateVolume(ctx, scp.CreateVolumeRequest{Name: fmt.Sprintf("%s-vol-%d", prefix, i), Size: 8})
		if err != nil {
			rec.err = err
			return rec, err
		}
		l.volumes[i], rec.object = v.ID, v.ID
		return l.await(ctx, rec, l.volumeProbe(v.ID, func(v *scp.Volume) bool { return v.State == scp.VolumeStateAvailable }))
	}
}

func (l *microLane) attach(ctx context.Context, i int) (waitRecord, error) {
	vol, srv := l.volumes[i], l.servers[i]
	send := func() error {
		_, err := l.client.AttachVolume(ctx, vol, srv, false)
		return err
	}
	return l.sendThenAwait(ctx, waitRecord{kind: scpemu.OpAttach, object: vol, related: srv}, send, l.volumeProbe(vol, func(v *scp.Volume) bool {
		_, ok := v.AttachedTo(srv)
		return ok && v.State == scp.VolumeStateInUse
	}))
}

func (l *microLane) detach(ctx context.Context, i int) (waitRecord, error) {
	vol, srv := l.volumes[i], l.servers[i]
	send := func() error { return l.client.DetachVolume(ctx, vol, srv) }
	return l.sendThenAwait(ctx, waitRecord{kind: scpemu.OpDetach, object: vol, related: srv}, send, l.volumeProbe(vol, func(v *scp.Volume) bool {
		_, ok := v.AttachedTo(srv)
		return !ok
	}))
}

func (l *microLane) deleteServer(ctx context.Context, i int) (waitRecord, error) {
	id := l.servers[i]
	send := func() error { return l.client.DeleteServer(ctx, id) }
	return l.sendThenAwait(ctx, waitRecord{kind: scpemu.OpServerDelete, object: id}, send, goneProbe(l.client.GetServer, id))
}

func (l *microLane) deleteVolume(ctx context.Context, i int) (waitRecord, error) {
	id := l.volumes[i]
	send := func() error { return l.client.DeleteVolume(ctx, id) }
	return l.sendThenAwait(ctx, waitRecord{kind: scpemu.OpVolumeDelete, object: id}, send, goneProbe(l.client.GetVolume, id))
}

// sendThenAwait sends one request and, once it is accepted, waits for its effect.
func (l *microLane) sendThenAwait(ctx context.Context, rec waitRecord, send func() error, probe wait.Probe) (waitRecord, error) {
	if err := send(); err != nil {
		rec.err = err
		return rec, err
	}
	return l.await(ctx, rec, probe)
}

// goneProbe reads the object until SCP answers that it does not exist.
func goneProbe[T any](get func(context.Context, string) (T, error), id string) wait.Probe {
	return func(ctx context.Context) (bool, error) {
		_, err := get(ctx, id)
		if scp.IsNotFound(err) {
			return true, nil
		}
		return false, err
	}
}

// volumeProbe reads the volume and reports done(volume); an error state ends the wait.
func (l *microLane) volumeProbe(id string, done func(*scp.Volume) bool) wait.Probe {
	return func(ctx context.Context) (bool, error) {
		v, err := l.client.GetVolume(ctx, id)
		if err != nil {
			return false, err
		}
		if scp.IsVolumeErrorState(v.State) {
			return false, wait.Permanent(fmt.Errorf("volume %s went to %s", id, v.State))
		}
		return done(v), nil
	}
}
