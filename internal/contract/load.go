package contract

import (
	"context"
	"fmt"
	"strings"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/routers"
	"github.com/getkin/kin-openapi/routers/legacy"
)

// DefaultIAMPrefix is where the emulator serves the IAM API: its auth URL is
// <base URL>/iam/v1, so the catalog is GET /iam/v1/endpoints.
const DefaultIAMPrefix = "/iam/v1"

// loadDoc parses and validates one OpenAPI document and prepares it for checking.
func loadDoc(name string, data []byte, pathPrefix string) (*openapi3.T, routers.Router, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(data)
	if err != nil {
		return nil, nil, fmt.Errorf("contract: loading %s: %w", name, err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, nil, fmt.Errorf("contract: %s is not a valid OpenAPI document: %w", name, err)
	}
	// Route on the path alone: the documented hosts (virtualserver.{region}..., the
	// Resource Manager's catalog URL) are never the emulator's, and both services
	// share its listener.
	doc.Servers = nil
	items := doc.Paths.Map()
	paths := openapi3.NewPaths()
	for p, item := range items {
		item.Servers = nil
		paths.Set(pathPrefix+p, item)
	}
	doc.Paths = paths
	closeSchemas(doc)
	router, err := legacy.NewRouter(doc)
	if err != nil {
		return nil, nil, fmt.Errorf("contract: routing %s: %w", name, err)
	}
	return doc, router, nil
}

// closeSchemas makes every object schema that lists properties reject any other
// property. The contract marks response objects additionalProperties: true because
// the live API may send more than is documented; but then a check could never tell
// an undocumented field (tags, networks) from a documented one, and a client could
// come to depend on a field no source promises, or send one the API ignores. So for
// the check, the documented list is the whole list, in both directions.
//
// Two facts the contract records in extensions are applied as well:
//   - a property whose x-source begins with "none" is listed only to say that no
//     source attests it (the error members code and title); it is dropped, so
//     sending it is a violation;
//   - a property whose x-unknown says its required-ness is unknown (networks of
//     POST /v1/servers, required in 1.0 only) is not enforced as required.
func closeSchemas(doc *openapi3.T) {
	seen := map[*openapi3.Schema]bool{}
	var visit func(ref *openapi3.SchemaRef)
	visit = func(ref *openapi3.SchemaRef) {
		if ref == nil || ref.Value == nil || seen[ref.Value] {
			return
		}
		s := ref.Value
		seen[s] = true
		for name, p := range s.Properties {
			if p.Value == nil {
				continue
			}
			if src, _ := p.Value.Extensions["x-source"].(string); strings.HasPrefix(strings.TrimSpace(src), "none") {
				delete(s.Properties, name)
				s.Required = without(s.Required, name)
				continue
			}
			if unk, _ := p.Value.Extensions["x-unknown"].(string); strings.Contains(unk, "required") {
				s.Required = without(s.Required, name)
			}
		}
		if len(s.Properties) > 0 {
			closed := false
			s.AdditionalProperties = openapi3.AdditionalProperties{Has: &closed}
		}
		for _, p := range s.Properties {
			visit(p)
		}
		visit(s.Items)
		visit(s.Not)
		visit(s.AdditionalProperties.Schema)
		for _, group := range []openapi3.SchemaRefs{s.AllOf, s.OneOf, s.AnyOf} {
			for _, x := range group {
				visit(x)
			}
		}
	}
	if doc.Components != nil {
		for _, s := range doc.Components.Schemas {
			visit(s)
		}
	}
	visitParams := func(ps openapi3.Parameters) {
		for _, p := range ps {
			if p.Value != nil {
				visit(p.Value.Schema)
			}
		}
	}
	for _, item := range doc.Paths.Map() {
		visitParams(item.Parameters)
		for _, op := range item.Operations() {
			visitParams(op.Parameters)
			if op.RequestBody != nil && op.RequestBody.Value != nil {
				for _, mt := range op.RequestBody.Value.Content {
					visit(mt.Schema)
				}
			}
			for _, resp := range op.Responses.Map() {
				if resp.Value == nil {
					continue
				}
				for _, mt := range resp.Value.Content {
					visit(mt.Schema)
				}
			}
		}
	}
}

func without(list []string, name string) []string {
	out := list[:0:0]
	for _, x := range list {
		if x != name {
			out = append(out, x)
		}
	}
	return out
}
