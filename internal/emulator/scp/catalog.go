package scp

import "net/http"

type endpointBody struct {
	Region      string `json:"region"`
	ServiceType string `json:"service_type"`
	ServiceName string `json:"service_name"`
	URL         string `json:"url"`
}

// listEndpoints is the IAM endpoint catalog, GET {auth-url}/endpoints: both services
// the emulator serves, in its region, at its own base URL. The URL comes from the
// request (scheme and Host), so it is right when mounted through Handler too.
func (e *Emulator) listEndpoints(r *http.Request, _ params) (int, any, *apiError) {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	base := scheme + "://" + r.Host
	return http.StatusOK, map[string]any{"endpoints": []endpointBody{
		{Region: e.cfg.Region, ServiceType: "scp-virtualserver", ServiceName: "virtualserver", URL: base},
		{Region: e.cfg.Region, ServiceType: "scp-resourcemanager", ServiceName: "resourcemanager", URL: base},
	}}, nil
}
