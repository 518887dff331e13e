package scp

import (
	"context"
	"strings"

	"github.com/scp-community/terraform-provider-scp/internal/cloud"
)

var _ cloud.Lister = Cloud{}

// ListServers lists the servers that match filter: every filter goes to GET /v1/servers as its
// query parameter, every page is read, and what the answer shows (name, state, VPC, server type)
// is checked again, since the documents do not say whether the API matches names exactly.
func (s Cloud) ListServers(ctx context.Context, filter cloud.ServerFilter) ([]cloud.Server, error) {
	servers, err := s.c.ListServersFiltered(ctx, ServerListFilter{
		Name: filter.Name, IP: filter.IP, State: filter.State, VpcID: filter.VpcID,
		ServerTypeID: filter.ServerTypeID, ProductCategory: filter.ProductCategory,
		ProductOfferings: filter.ProductOfferings,
	})
	if err != nil {
		return nil, classify(err)
	}
	out := []cloud.Server{}
	for i := range servers {
		if serverMatches(&servers[i], filter) {
			out = append(out, *toServer(&servers[i]))
		}
	}
	return out, nil
}

// serverMatches checks the filters the server's description can show; ip and the product
// filters are the API's alone.
func serverMatches(server *Server, f cloud.ServerFilter) bool {
	return (f.Name == "" || server.Name == f.Name) &&
		(f.State == "" || strings.EqualFold(server.State, f.State)) &&
		(f.VpcID == "" || server.VpcID == f.VpcID) &&
		(f.ServerTypeID == "" || server.ServerType.ID == f.ServerTypeID)
}

// ListVolumes lists the volumes that match filter through GET /v1/volumes's name, state and
// bootable parameters, every page, checking again what each volume's description shows.
func (s Cloud) ListVolumes(ctx context.Context, filter cloud.VolumeFilter) ([]cloud.Volume, error) {
	volumes, err := s.c.ListVolumesFiltered(ctx, VolumeListFilter{Name: filter.Name, State: filter.State, Bootable: filter.Bootable})
	if err != nil {
		return nil, classify(err)
	}
	out := []cloud.Volume{}
	for i := range volumes {
		v := &volumes[i]
		if (filter.Name == "" || v.Name == filter.Name) &&
			(filter.State == "" || strings.EqualFold(v.State, filter.State)) &&
			(filter.Bootable == nil || v.Bootable == *filter.Bootable) {
			out = append(out, *toVolume(v))
		}
	}
	return out, nil
}
