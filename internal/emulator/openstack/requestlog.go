package openstack

import (
	"time"
)

// RequestRecord is one API request as the emulator saw it. It never holds a token,
// a password or a secret: only whether a token was sent and whether it was valid.
type RequestRecord struct {
	Seq      int64     `json:"seq"`
	Time     time.Time `json:"time"`
	Method   string    `json:"method"`
	Path     string    `json:"path"`
	RawQuery string    `json:"raw_query,omitempty"`
	Status   int       `json:"status"` // 0 when a fault dropped the connection
	// Service is "identity", "compute" or "volume"; empty for an unknown path.
	Service string `json:"service,omitempty"`
	// Op names the endpoint, with the action for POST .../action ("server.lock",
	// "volume.extend", "volume.os-detach").
	Op       Route  `json:"op,omitempty"`
	ServerID string `json:"server_id,omitempty"`
	VolumeID string `json:"volume_id,omitempty"` // also the attachment id of os-volume_attachments
	// HasToken is whether X-Auth-Token was sent; TokenValid whether it named a live token.
	HasToken   bool `json:"has_token"`
	TokenValid bool `json:"token_valid"`
	// AuthMethod is the Keystone method of a token request (password, token,
	// application_credential), never its secret.
	AuthMethod   string `json:"auth_method,omitempty"`
	AuthError    string `json:"auth_error,omitempty"`
	Microversion string `json:"microversion,omitempty"`
	// Deprecated marks a call of a Cinder action that only changes Cinder's records
	// (os-detach, os-begin_detaching, os-terminate_connection).
	Deprecated bool          `json:"deprecated,omitempty"`
	Fault      FaultKind     `json:"fault,omitempty"`
	Duration   time.Duration `json:"duration_ns"`
}

// numberRequest gives a record its place in the log.
func numberRequest(r *RequestRecord, seq int64) { r.Seq = seq }

// RequestsFor returns the records of one endpoint (for example RouteAttachmentDelete).
func (e *Emulator) RequestsFor(op Route) []RequestRecord {
	var out []RequestRecord
	for _, r := range e.Requests() {
		if r.Op == op {
			out = append(out, r)
		}
	}
	return out
}

// DeprecatedActionUses returns every call of os-detach, os-begin_detaching or
// os-terminate_connection since the last reset: a test asserts it is empty.
func (e *Emulator) DeprecatedActionUses() []RequestRecord {
	var out []RequestRecord
	for _, r := range e.Requests() {
		if r.Deprecated {
			out = append(out, r)
		}
	}
	return out
}
