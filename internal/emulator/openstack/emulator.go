package openstack

import (
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// Flavour selects the cloud's rules.
type Flavour string

const (
	// FlavourNova is upstream Nova: a root-device detach is refused (see RootDetachStatus),
	// data disks detach in any allowed vm_state.
	FlavourNova Flavour = "nova"
	// FlavourOTC is Open Telekom Cloud ECS (otc-ecs-detach-disk.md): the system disk
	// (/dev/sda) detaches only from a SHUTOFF server; a running server allows data
	// disks only, and only when its OS can hot-unplug.
	FlavourOTC Flavour = "otc"
)

// Defaults for the zero Config.
const (
	DefaultListen              = "127.0.0.1:0"
	DefaultRegion              = "RegionOne"
	DefaultDomainID            = "default"
	DefaultDomainName          = "Default"
	DefaultProjectName         = "emulator-project"
	DefaultUsername            = "emulator-user"
	DefaultPassword            = "emulator-password"
	DefaultAppCredentialName   = "emulator-appcred"
	DefaultAppCredentialSecret = "emulator-appcred-secret"
	DefaultComputePrefix       = "/v2.1"
	DefaultTokenTTL            = time.Hour
	DefaultDeletedVisibleFor   = time.Second
)

// Config configures an Emulator. The zero value is usable: one user, one project,
// one application credential, plain Nova rules, Nova's 400 for a root-device detach,
// the m1 flavors, one image and one network, latencies from DefaultLatencies at scale 1, seed 1.
type Config struct {
	// Listen is the address Start binds; default DefaultListen.
	Listen string
	// Region is the catalog's region_id; default DefaultRegion.
	Region string
	// Flavour selects the cloud's detach rules; default FlavourNova.
	Flavour Flavour
	// ComputePrefix is the compute path the catalog advertises: "/v2.1" (default) or
	// "/v2". Both are always served.
	ComputePrefix string
	// RootDetachStatus answers a root-device detach on FlavourNova: 400 (default, what
	// Nova answers: "Cannot detach a root device volume", measured on Nova 26) or 403
	// (the api-doc's "can't detach root device volume", a K5-era cloud).
	RootDetachStatus int

	// Flavors are the flavors servers are created with (flavorRef is one's id or URL; a
	// name is refused, as Nova refuses it); default DefaultFlavors.
	Flavors []Flavor
	// Images are what Glance lists; default DefaultImages.
	Images []Image
	// Networks are what Neutron lists; default DefaultNetworks.
	Networks []Network
	// StrictReferences refuses, as Nova does, a server whose imageRef, network uuid or
	// port is not one of the emulator's (400 "Image X could not be found.", "Network X
	// could not be found.", "Port id X could not be found."). Without it such references
	// are taken as given: the server shows the image id, and an address under
	// "net-<uuid prefix>" with no Neutron port behind it.
	StrictReferences bool

	// The identity: one domain, one project, one user, one application credential.
	// Ids default to values drawn from Seed; names and secrets to the Default* constants.
	DomainID, DomainName   string
	ProjectID, ProjectName string
	UserID, Username       string
	Password               string
	AppCredentialID        string
	AppCredentialName      string
	AppCredentialSecret    string
	// TokenTTL is how long an issued token is valid; default DefaultTokenTTL.
	TokenTTL time.Duration

	// ColdplugImages are image ids whose OS cannot hot-unplug disks: servers booted
	// from them (directly or through a boot volume made from them) start with
	// hotplug off, so on FlavourOTC their data disks detach only when stopped.
	ColdplugImages []string

	// DevicePrefix names devices: "/dev/vd" (default on Nova) or "/dev/sd" (default on
	// OTC, whose system disk is /dev/sda).
	DevicePrefix string
	// DeletedStatus, when "DELETED" or "SOFT_DELETED", is what a deleted server shows
	// for the server_purge latency (default DefaultDeletedVisibleFor) before GET
	// answers 404. Empty: 404 as soon as the delete finishes.
	DeletedStatus string

	// Latencies overrides the per-operation latencies; missing kinds use DefaultLatencies.
	Latencies map[OpKind]Latency
	// LatencyScale multiplies every latency; <= 0 means 1.
	LatencyScale float64
	// Seed seeds jitter, fault probabilities and ids; 0 means 1.
	Seed uint64
	// Clock stamps objects and records and decides token expiry; default time.Now.
	Clock func() time.Time
	// OnRequest, when set, is called after every API request (the process logs with it).
	OnRequest func(RequestRecord)
}

// Emulator is a Keystone v3 + Nova + Cinder v3 API. Methods are safe for concurrent
// use. The engine's Core gives it the operation, fault, request-log and listener
// methods. Catalog URLs are built from the Host of the token request, so Handler
// works behind any listener.
type Emulator struct {
	engine.Core[Route, RequestRecord]

	cfg Config

	// mu guards the object model, the scheduler and rng.
	mu      sync.Mutex
	rng     *rand.Rand
	seq     int64
	servers map[string]*server
	volumes map[string]*volume
	ports   map[string]*port

	tokens tokenStore
}

// New builds an Emulator from cfg, filling in defaults. It serves nothing until
// Start is called or Handler is mounted on a server of the caller's.
func New(cfg Config) *Emulator {
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	e := &Emulator{
		rng:     rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		servers: make(map[string]*server),
		volumes: make(map[string]*volume),
		ports:   make(map[string]*port),
	}
	e.cfg = e.withDefaults(cfg)
	latencies := DefaultLatencies()
	maps.Copy(latencies, e.cfg.Latencies)
	e.Init(engine.CoreConfig[RequestRecord]{
		Name: "openstack emulator", Seed: e.cfg.Seed, Listen: e.cfg.Listen,
		Scheduler: engine.SchedulerConfig{
			Lock: &e.mu, Rand: e.rng, Now: e.now,
			Kinds: OpKinds, Latencies: latencies, Scale: e.cfg.LatencyScale,
		},
		NumberRequest: numberRequest, OnRequest: e.cfg.OnRequest,
		Validate:    e.cfg.Validate,
		ClearFaults: e.clearInjectedTasks,
	})
	e.tokens.init(e.cfg.TokenTTL)
	e.Mount(e.routes())
	return e
}

func (e *Emulator) withDefaults(cfg Config) Config {
	def := func(s *string, v string) {
		if *s == "" {
			*s = v
		}
	}
	def(&cfg.Listen, DefaultListen)
	def(&cfg.Region, DefaultRegion)
	if cfg.Flavour == "" {
		cfg.Flavour = FlavourNova
	}
	def(&cfg.ComputePrefix, DefaultComputePrefix)
	if cfg.RootDetachStatus == 0 {
		cfg.RootDetachStatus = http.StatusBadRequest
	}
	if cfg.Flavors == nil {
		cfg.Flavors = DefaultFlavors()
	}
	if cfg.Images == nil {
		cfg.Images = DefaultImages()
	}
	if cfg.Networks == nil {
		cfg.Networks = DefaultNetworks()
	}
	def(&cfg.DomainID, DefaultDomainID)
	def(&cfg.DomainName, DefaultDomainName)
	def(&cfg.ProjectID, e.newHexID())
	def(&cfg.ProjectName, DefaultProjectName)
	def(&cfg.UserID, e.newHexID())
	def(&cfg.Username, DefaultUsername)
	def(&cfg.Password, DefaultPassword)
	def(&cfg.AppCredentialID, e.newHexID())
	def(&cfg.AppCredentialName, DefaultAppCredentialName)
	def(&cfg.AppCredentialSecret, DefaultAppCredentialSecret)
	if cfg.TokenTTL <= 0 {
		cfg.TokenTTL = DefaultTokenTTL
	}
	if cfg.DevicePrefix == "" {
		cfg.DevicePrefix = "/dev/vd"
		if cfg.Flavour == FlavourOTC {
			cfg.DevicePrefix = "/dev/sd"
		}
	}
	if cfg.LatencyScale <= 0 {
		cfg.LatencyScale = 1
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	return cfg
}

// Validate reports a Config that New would serve wrongly.
func (c Config) Validate() error {
	switch {
	case c.Flavour != "" && c.Flavour != FlavourNova && c.Flavour != FlavourOTC:
		return fmt.Errorf("openstack emulator: unknown flavour %q (want %q or %q)", c.Flavour, FlavourNova, FlavourOTC)
	case c.ComputePrefix != "" && c.ComputePrefix != "/v2" && c.ComputePrefix != "/v2.1":
		return fmt.Errorf("openstack emulator: compute prefix must be /v2 or /v2.1, got %q", c.ComputePrefix)
	case c.RootDetachStatus != 0 && c.RootDetachStatus != 400 && c.RootDetachStatus != 403:
		return fmt.Errorf("openstack emulator: root detach status must be 400 or 403, got %d", c.RootDetachStatus)
	case c.DeletedStatus != "" && c.DeletedStatus != statusDeleted && c.DeletedStatus != statusSoftDeleted:
		return fmt.Errorf("openstack emulator: deleted status must be empty, DELETED or SOFT_DELETED, got %q", c.DeletedStatus)
	}
	for _, n := range c.Networks {
		if n.ID == "" || n.SubnetID == "" || !strings.HasSuffix(n.CIDR, ".0/24") {
			return fmt.Errorf("openstack emulator: network %q needs an id, a subnet id and a /24 CIDR ending in .0/24", n.Name)
		}
	}
	return nil
}

// AuthURL is the Keystone v3 endpoint after Start (URL + "/v3").
func (e *Emulator) AuthURL() string { return e.URL() + "/v3" }

// Config returns the effective configuration (defaults filled in).
func (e *Emulator) Config() Config { return e.cfg }

func (e *Emulator) now() time.Time { return e.cfg.Clock() }
