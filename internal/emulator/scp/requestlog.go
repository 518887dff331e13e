package scp

import (
	"time"
)

// RequestRecord is one /v1 request as the emulator saw it. It never holds the
// signature or a secret.
type RequestRecord struct {
	Seq            int64     `json:"seq"`
	Time           time.Time `json:"time"`
	Method         string    `json:"method"`
	Path           string    `json:"path"`
	RawQuery       string    `json:"raw_query,omitempty"`
	Status         int       `json:"status"` // 0 when a fault dropped the connection
	Op             Route     `json:"op,omitempty"`
	ServerID       string    `json:"server_id,omitempty"`
	VolumeID       string    `json:"volume_id,omitempty"`
	APIVersion     string    `json:"api_version,omitempty"` // the Scp-Api-Version header as sent
	AccessKey      string    `json:"access_key,omitempty"`
	SignatureValid bool      `json:"signature_valid"`
	AuthError      string    `json:"auth_error,omitempty"` // why authentication failed, if it did
	Fault          FaultKind `json:"fault,omitempty"`      // the injected fault, if one fired
	// ErrorCode is the emulator's own name (Code*) for why it answered an error. It is
	// not sent: SCP's error envelope has only status and detail.
	ErrorCode string        `json:"error_code,omitempty"`
	Duration  time.Duration `json:"duration_ns"`
}

// numberRequest gives a record its place in the log.
func numberRequest(r *RequestRecord, seq int64) { r.Seq = seq }
