package openstack

import (
	"net/http"
	"time"

	"github.com/hashicorp/terraform-plugin-log/tflog"
)

// LogSubsystem is the tflog subsystem of OpenStack API traffic; TF_LOG_PROVIDER_OPENSTACK_API can
// make it quieter than the rest of the provider.
const LogSubsystem = "openstack_api"

// loggingTransport logs every request's method, path, status and duration at DEBUG. Never a
// header or a body: the token travels in X-Auth-Token, the password in the token request's body.
type loggingTransport struct{ next http.RoundTripper }

func (t loggingTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	ctx := tflog.NewSubsystem(req.Context(), LogSubsystem, tflog.WithLevelFromEnv("TF_LOG_PROVIDER_OPENSTACK_API"))
	started := time.Now()
	resp, err := t.next.RoundTrip(req)
	fields := map[string]any{
		"method": req.Method, "path": req.URL.EscapedPath(), "host": req.URL.Host,
		"duration_ms": time.Since(started).Milliseconds(),
	}
	if v := req.Header.Get("OpenStack-API-Version"); v != "" {
		fields["microversion"] = v
	}
	if err != nil {
		fields["error"] = err.Error()
		tflog.SubsystemDebug(ctx, LogSubsystem, "OpenStack API request failed", fields)
		return resp, err
	}
	fields["status"] = resp.StatusCode
	if id := resp.Header.Get("X-Openstack-Request-Id"); id != "" {
		fields["request_id"] = id
	} else if id := resp.Header.Get("X-Compute-Request-Id"); id != "" {
		fields["request_id"] = id
	}
	tflog.SubsystemDebug(ctx, LogSubsystem, "OpenStack API request", fields)
	return resp, nil
}
