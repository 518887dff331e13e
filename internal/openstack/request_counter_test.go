package openstack

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"sync"
)

// requestCounter is a transport that keeps, for the conformance suite, every mutation that left
// this process: which Cloud method sent it and for which object.
type requestCounter struct {
	next http.RoundTripper
	mu   sync.Mutex
	log  []sentRequest
}

type sentRequest struct{ method, id string }

func (rc *requestCounter) RoundTrip(req *http.Request) (*http.Response, error) {
	if method, id := rc.classify(req); method != "" {
		rc.mu.Lock()
		rc.log = append(rc.log, sentRequest{method, id})
		rc.mu.Unlock()
	}
	return rc.next.RoundTrip(req)
}

func (rc *requestCounter) count(method, id string) int {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	n := 0
	for _, s := range rc.log {
		if s.method == method && (id == "" || s.id == id) {
			n++
		}
	}
	return n
}

// classify names the Cloud method of a Nova or Cinder mutation, and the object it addresses (the
// volume for attachments); "" for anything else.
func (rc *requestCounter) classify(req *http.Request) (method, id string) {
	segs := strings.Split(strings.Trim(req.URL.Path, "/"), "/")
	last := func(i int) string {
		if len(segs) > i {
			return segs[len(segs)-1-i]
		}
		return ""
	}
	switch req.Method {
	case http.MethodDelete:
		switch {
		case last(1) == "os-volume_attachments":
			return "Detach", last(0)
		case last(1) == "servers":
			return "DeleteServer", last(0)
		case last(1) == "volumes":
			return "DeleteVolume", last(0)
		}
	case http.MethodPost:
		switch {
		case last(0) == "servers":
			return "CreateServer", ""
		case last(0) == "volumes":
			return "CreateVolume", ""
		case last(0) == "os-volume_attachments":
			var body struct {
				VolumeAttachment struct {
					VolumeID string `json:"volumeId"`
				} `json:"volumeAttachment"`
			}
			_ = json.Unmarshal(peekBody(req), &body)
			return "Attach", body.VolumeAttachment.VolumeID
		case last(0) == "action":
			return actionMethod(last(2), peekBody(req)), last(1)
		}
	}
	return "", ""
}

// actionMethod names the Cloud method of a POST .../action by its body's one key.
func actionMethod(collection string, body []byte) string {
	var action map[string]json.RawMessage
	_ = json.Unmarshal(body, &action)
	switch {
	case collection == "servers" && action["lock"] != nil:
		return "LockServer"
	case collection == "servers" && action["unlock"] != nil:
		return "UnlockServer"
	case collection == "volumes" && action["os-extend"] != nil:
		return "ExtendVolume"
	}
	return ""
}

// peekBody reads a request's body and puts it back.
func peekBody(req *http.Request) []byte {
	if req.Body == nil {
		return nil
	}
	b, _ := io.ReadAll(req.Body)
	_ = req.Body.Close()
	req.Body = io.NopCloser(bytes.NewReader(b))
	return b
}
