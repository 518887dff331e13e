package main

import (
	"net/http"
	"time"

	osemu "github.com/scp-community/terraform-provider-scp/internal/emulator/openstack"
	scpemu "github.com/scp-community/terraform-provider-scp/internal/emulator/scp"
)

// probe is one request as the bench's metrics read it, whichever personality logged it.
type probe struct {
	time     time.Time
	duration time.Duration
	status   int
	// polls is the object whose state this read shows; ok is false for every other request.
	polls probeKey
	ok    bool
}

// requestLog is a personality's request log as the bench reads it: one format for both.
type requestLog interface {
	probes() []probe
}

// scpLog is the SCP personality's request log: GETs of a server or a volume poll it.
type scpLog []scpemu.RequestRecord

func (l scpLog) probes() []probe {
	out := make([]probe, len(l))
	for i, r := range l {
		out[i] = probe{time: r.Time, duration: r.Duration, status: r.Status}
		if r.Method != http.MethodGet {
			continue
		}
		switch r.Op {
		case scpemu.RouteServerGet:
			out[i].polls, out[i].ok = probeKey{serverObject, r.ServerID}, true
		case scpemu.RouteVolumeGet:
			out[i].polls, out[i].ok = probeKey{volumeObject, r.VolumeID}, true
		}
	}
	return out
}

// osLog is the OpenStack personality's request log. A server GET polls the server; an
// attach or a detach is polled through Cinder's volume (this provider) or through Nova's
// attachment, whose id is the volume id (the common provider), as attachmentPolls says.
type osLog struct {
	reqs            []osemu.RequestRecord
	attachmentPolls bool
}

func (l osLog) probes() []probe {
	out := make([]probe, len(l.reqs))
	for i, r := range l.reqs {
		out[i] = probe{time: r.Time, duration: r.Duration, status: r.Status}
		if r.Method != http.MethodGet {
			continue
		}
		switch {
		case r.Op == osemu.RouteServerGet:
			out[i].polls, out[i].ok = probeKey{serverObject, r.ServerID}, true
		case r.Op == osemu.RouteVolumeGet && !l.attachmentPolls,
			r.Op == osemu.RouteAttachmentGet && l.attachmentPolls:
			out[i].polls, out[i].ok = probeKey{volumeObject, r.VolumeID}, true
		}
	}
	return out
}
