package difftest

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
)

// authenticate asks Keystone for a project-scoped token and reads the catalog.
func (r *run) authenticate(ctx context.Context) error {
	ident := request{method: http.MethodGet, base: r.t.AuthURL, service: "identity"}
	if _, err := r.step(ctx, "identity.version", ident, http.StatusOK); err != nil {
		return err
	}
	project := map[string]any{"name": r.t.ProjectName, "domain": map[string]string{"name": r.t.ProjectDomainName}}
	if r.t.ProjectID != "" {
		project = map[string]any{"id": r.t.ProjectID}
	}
	body := map[string]any{"auth": map[string]any{
		"identity": map[string]any{"methods": []string{"password"}, "password": map[string]any{"user": map[string]any{
			"name": r.t.Username, "domain": map[string]string{"name": r.t.UserDomainName}, "password": r.t.Password,
		}}},
		"scope": map[string]any{"project": project},
	}}
	a, err := r.step(ctx, "token.create", request{method: http.MethodPost, base: r.t.AuthURL, path: "/auth/tokens", service: "identity", body: body}, http.StatusCreated)
	if err != nil {
		return err
	}
	r.c.token = a.header.Get("X-Subject-Token")
	if r.c.token == "" {
		return fmt.Errorf("token.create: no X-Subject-Token")
	}
	r.c.names.name(field(a.body, "token", "project", "id"), "project_id")
	r.c.names.name(field(a.body, "token", "user", "id"), "user_id")
	return r.readCatalog(a.body)
}

// readCatalog takes each service's public endpoint in the target's region.
func (r *run) readCatalog(body any) error {
	token, _ := body.(map[string]any)["token"].(map[string]any)
	catalog, _ := token["catalog"].([]any)
	urls := map[string]string{}
	for _, entry := range catalog {
		e, _ := entry.(map[string]any)
		eps, _ := e["endpoints"].([]any)
		for _, ep := range eps {
			m, _ := ep.(map[string]any)
			if m["interface"] == "public" && (r.t.Region == "" || m["region_id"] == r.t.Region || m["region"] == r.t.Region) {
				urls[fmt.Sprint(e["type"])] = strings.TrimRight(fmt.Sprint(m["url"]), "/")
			}
		}
	}
	r.ep = endpoints{compute: urls["compute"], volume: urls["volumev3"], image: urls["image"], network: urls["network"]}
	if r.ep.volume == "" {
		r.ep.volume = urls["block-storage"]
	}
	if r.ep.compute == "" || r.ep.volume == "" || r.ep.image == "" || r.ep.network == "" {
		return fmt.Errorf("the catalog lacks compute, volumev3, image or network in region %q: %v", r.t.Region, urls)
	}
	i := strings.LastIndex(r.ep.volume, "/v3")
	if i < 0 {
		return fmt.Errorf("the volumev3 endpoint %s has no /v3", r.ep.volume)
	}
	r.ep.volumeRoot = r.ep.volume[:i]
	return nil
}

// versions reads the version documents where clients look for them.
func (r *run) versions(ctx context.Context) error {
	if _, err := r.step(ctx, "compute.version", r.compute(http.MethodGet, "", "", nil), http.StatusOK); err != nil {
		return err
	}
	root := request{method: http.MethodGet, base: r.ep.volumeRoot, path: "/", service: "volume"}
	if _, err := r.step(ctx, "volume.versions", root, http.StatusMultipleChoices); err != nil {
		return err
	}
	root.path = "/v3/"
	if _, err := r.step(ctx, "volume.version.v3", root, http.StatusOK); err != nil {
		return err
	}
	_, err := r.step(ctx, "volume.endpoint", r.volume(http.MethodGet, "/", nil), http.StatusNotFound)
	return err
}

func (r *run) flavors(ctx context.Context) error {
	for _, s := range [][2]string{{"flavors.list", "/flavors"}, {"flavors.list.detail", "/flavors/detail"}, {"flavor.show", "/flavors/" + r.t.FlavorID}} {
		if _, err := r.step(ctx, s[0], r.compute(http.MethodGet, s[1], computeMicro, nil), http.StatusOK); err != nil {
			return err
		}
	}
	return nil
}

func (r *run) images(ctx context.Context) error {
	r.c.names.name(r.t.ImageID, "image")
	if _, err := r.step(ctx, "images.list", r.image("/v2/images"), http.StatusOK); err != nil {
		return err
	}
	if _, err := r.step(ctx, "image.show", r.image("/v2/images/"+r.t.ImageID), http.StatusOK); err != nil {
		return err
	}
	_, err := r.step(ctx, "image.show.missing", r.image("/v2/images/00000000-0000-4000-8000-000000000000"), http.StatusNotFound)
	return err
}

func (r *run) networks(ctx context.Context) error {
	r.c.names.name(r.t.NetworkID, "network")
	if _, err := r.step(ctx, "network.show", r.network("/v2.0/networks/"+r.t.NetworkID), http.StatusOK); err != nil {
		return err
	}
	if _, err := r.step(ctx, "networks.list", r.network("/v2.0/networks?id="+url.QueryEscape(r.t.NetworkID)), http.StatusOK); err != nil {
		return err
	}
	a, err := r.step(ctx, "subnets.list", r.network("/v2.0/subnets?network_id="+url.QueryEscape(r.t.NetworkID)), http.StatusOK)
	if err != nil {
		return err
	}
	subnets, _ := a.body.(map[string]any)["subnets"].([]any)
	if len(subnets) == 0 {
		return fmt.Errorf("subnets.list: network %s has no subnet", r.t.NetworkID)
	}
	subnet := field(subnets[0], "id")
	r.c.names.name(subnet, "subnet")
	if _, err := r.step(ctx, "subnet.show", r.network("/v2.0/subnets/"+subnet), http.StatusOK); err != nil {
		return err
	}
	_, err = r.step(ctx, "network.show.missing", r.network("/v2.0/networks/00000000-0000-4000-8000-000000000000"), http.StatusNotFound)
	return err
}
