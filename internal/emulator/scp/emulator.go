package scp

import (
	"maps"
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/scp-community/terraform-provider-scp/internal/contract"
	"github.com/scp-community/terraform-provider-scp/internal/emulator/engine"
)

// Default credentials, used when Config.Credentials is empty.
const (
	DefaultAccessKey = "emulator-access-key"
	DefaultSecretKey = "emulator-secret-key"
)

// DefaultListen binds a free loopback port.
const DefaultListen = "127.0.0.1:0"

// DefaultTimestampWindow is how far Scp-Timestamp may be from the emulator's clock.
const DefaultTimestampWindow = 5 * time.Minute

// Credential is one access key the emulator accepts. When AccountID is set, requests
// must send it in Scp-AccountId.
type Credential struct {
	AccessKey string `json:"access_key"`
	SecretKey string `json:"secret_key"`
	AccountID string `json:"account_id,omitempty"`
}

// Config configures an Emulator. The zero value is usable: default credentials,
// short latencies, seed 1, versions 1.2 and 1.3, the busy rule on.
type Config struct {
	// Listen is the address Start binds; default DefaultListen.
	Listen string
	// Credentials accepted; default one credential DefaultAccessKey/DefaultSecretKey.
	// The first is the one Credentials() returns.
	Credentials []Credential
	// Latencies overrides the per-operation latencies; missing kinds use DefaultLatencies.
	Latencies map[OpKind]Latency
	// LatencyScale multiplies every latency (0.01 makes tests fast); <= 0 means 1.
	LatencyScale float64
	// Seed seeds jitter, fault probabilities and generated ids; 0 means 1, so runs are
	// repeatable unless asked otherwise.
	Seed uint64
	// SupportedVersions of Scp-Api-Version, oldest first; default 1.2, 1.3.
	SupportedVersions []string
	// TimestampWindow bounds |Scp-Timestamp - emulator clock|; default DefaultTimestampWindow.
	TimestampWindow time.Duration
	// DisableBusyRule turns off the 409 SERVER_BUSY answer to an attach or detach
	// while the same server has another one in progress.
	DisableBusyRule bool
	// RateLimit in requests per second over all /v1 requests (0 = unlimited), with RateBurst.
	RateLimit float64
	RateBurst int
	// Clock is the emulator's time source; default time.Now. Latencies always run
	// on real timers; Clock stamps records and objects and is what SetClockSkew shifts.
	Clock func() time.Time
	// DevicePrefix names devices: "/dev/vd" (default, virtio: /dev/vda is the OS disk) or
	// "/dev/sd" for images on a SCSI bus, whose OS disk is /dev/sda.
	DevicePrefix string
	// OnRequest, when set, is called after every API request (the process logs with it).
	OnRequest func(RequestRecord)

	// Region is the region the endpoint catalog lists and SRNs must name; default
	// DefaultRegion.
	Region string
	// AccountID is the account every object belongs to (account_id of servers, the
	// account of SRNs); default the first credential's AccountID, else DefaultAccountID.
	AccountID string

	// CheckContract checks every request and answer of the API (not the control API)
	// against internal/contract and keeps the violations (ContractViolations).
	CheckContract bool
	// OnContractViolation, when set with CheckContract, is called for each violation.
	OnContractViolation func(contract.Violation)

	// OSVolumeLast lists a server's OS volume last instead of first, in the volumes
	// of GET /v1/servers/{id} and in GET /v1/servers/{id}/volumes, so a client that
	// takes the first entry for the OS disk is caught (no source documents the order;
	// the OS disk is the attachment whose device is /dev/vda or /dev/sda).
	// SetOSVolumeLast changes it later.
	OSVolumeLast bool
	// ErrorDetailArray sends the detail of every error as an array of strings rather
	// than a string (the real API may send either). Busy 409s always send an array.
	// SetErrorDetailArray changes it later.
	ErrorDetailArray bool
}

// AuthPath is the IAM auth URL's path on the emulator's base URL: a client mounted
// through Handler on a server of its own uses <server URL> + AuthPath as auth URL.
const AuthPath = contract.DefaultIAMPrefix

// DefaultRegion is the region of the emulator's endpoint catalog.
const DefaultRegion = "kr-west1"

// DefaultAccountID is the account objects belong to when no credential names one.
const DefaultAccountID = "e0a5f6c1c8d24f0b9e5e1a2b3c4d5e6f"

// DefaultUserID is the user_id of volumes and created_by of servers.
const DefaultUserID = "7c1b2d3e4f5a4b6c8d9e0f1a2b3c4d5e"

// Emulator is an SCP Virtual Server API. Methods are safe for concurrent use. The
// engine's Core gives it the operation, fault, request-log and listener methods.
//
// Handler serves the API (/v1/, /iam/v1/) and the control API for a caller's own
// server (httptest); the endpoint catalog then names the request's Host. When
// checking the contract, close that server before Close, so every exchange is
// checked before ContractViolations is read.
type Emulator struct {
	engine.Core[Route, RequestRecord]

	cfg   Config
	creds map[string]Credential
	skew  atomic.Int64 // time.Duration added to Clock for the timestamp check

	// mu guards the object model, the scheduler and rng.
	mu      sync.Mutex
	rng     *rand.Rand
	seq     int64 // creation order of objects, for stable listings
	vpcID   string
	servers map[string]*server
	volumes map[string]*volume

	limiter rateLimiter

	contract    *contract.Recorder // nil unless Config.CheckContract
	osLast      atomic.Bool
	arrayDetail atomic.Bool
}

// New builds an Emulator from cfg, filling in defaults. It serves nothing until
// Start is called or Handler is mounted on a server of the caller's.
func New(cfg Config) *Emulator {
	if cfg.Listen == "" {
		cfg.Listen = DefaultListen
	}
	if len(cfg.Credentials) == 0 {
		cfg.Credentials = []Credential{{AccessKey: DefaultAccessKey, SecretKey: DefaultSecretKey}}
	}
	if cfg.LatencyScale <= 0 {
		cfg.LatencyScale = 1
	}
	if cfg.Seed == 0 {
		cfg.Seed = 1
	}
	if len(cfg.SupportedVersions) == 0 {
		cfg.SupportedVersions = []string{"1.2", "1.3"}
	}
	if cfg.TimestampWindow <= 0 {
		cfg.TimestampWindow = DefaultTimestampWindow
	}
	if cfg.Clock == nil {
		cfg.Clock = time.Now
	}
	if cfg.DevicePrefix == "" {
		cfg.DevicePrefix = "/dev/vd"
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if cfg.AccountID == "" {
		cfg.AccountID = cfg.Credentials[0].AccountID
	}
	if cfg.AccountID == "" {
		cfg.AccountID = DefaultAccountID
	}

	e := &Emulator{
		cfg:     cfg,
		creds:   make(map[string]Credential, len(cfg.Credentials)),
		rng:     rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		servers: make(map[string]*server),
		volumes: make(map[string]*volume),
	}
	for _, c := range cfg.Credentials {
		e.creds[c.AccessKey] = c
	}
	latencies := DefaultLatencies()
	maps.Copy(latencies, cfg.Latencies)
	e.Init(engine.CoreConfig[RequestRecord]{
		Name: "emulator", Seed: cfg.Seed, Listen: cfg.Listen,
		Scheduler: engine.SchedulerConfig{
			Lock: &e.mu, Rand: e.rng, Now: e.now,
			Kinds: OpKinds, Latencies: latencies, Scale: cfg.LatencyScale,
		},
		NumberRequest: numberRequest, OnRequest: cfg.OnRequest,
		ClearFaults: e.clearBusyWindows,
	})
	e.limiter.set(cfg.RateLimit, cfg.RateBurst)
	e.vpcID = e.newID()
	e.osLast.Store(cfg.OSVolumeLast)
	e.arrayDetail.Store(cfg.ErrorDetailArray)
	if cfg.CheckContract {
		c, err := contract.Default()
		if err != nil { // the embedded contract is part of the build: broken means a broken build
			panic(err)
		}
		e.contract = contract.NewRecorder(c, cfg.OnContractViolation)
	}
	e.Mount(e.routes())
	return e
}

// AuthURL is the IAM auth URL after Start (URL() + "/iam/v1"): GET {AuthURL}/endpoints
// is the endpoint catalog. Empty before Start.
func (e *Emulator) AuthURL() string {
	if e.URL() == "" {
		return ""
	}
	return e.URL() + AuthPath
}

// Region is the region the endpoint catalog lists.
func (e *Emulator) Region() string { return e.cfg.Region }

// AccountID is the account every object belongs to.
func (e *Emulator) AccountID() string { return e.cfg.AccountID }

// SetOSVolumeLast lists servers' OS volumes last (true) or first (false); see
// Config.OSVolumeLast.
func (e *Emulator) SetOSVolumeLast(last bool) { e.osLast.Store(last) }

// SetErrorDetailArray sends every error detail as an array of strings (true) or as a
// string (false); busy 409s always send an array.
func (e *Emulator) SetErrorDetailArray(array bool) { e.arrayDetail.Store(array) }

// Credentials returns the first configured credential.
func (e *Emulator) Credentials() Credential { return e.cfg.Credentials[0] }

// SetClockSkew shifts the clock the timestamp check uses by d (positive: the
// emulator runs ahead of the client).
func (e *Emulator) SetClockSkew(d time.Duration) { e.skew.Store(int64(d)) }

// now is the emulator's clock for objects and records.
func (e *Emulator) now() time.Time { return e.cfg.Clock() }

// authClock is the clock the timestamp check compares against.
func (e *Emulator) authClock() time.Time {
	return e.cfg.Clock().Add(time.Duration(e.skew.Load()))
}
