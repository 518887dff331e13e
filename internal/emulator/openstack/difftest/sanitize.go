package difftest

import (
	"regexp"
	"sort"
	"strings"
)

// sanitizer replaces what differs from run to run, or is nobody's business, in recorded
// values: the scenario's own objects by name ({server}, {data_volume}, ...), any other
// UUID or Keystone id, times, URLs' hosts, addresses, and secrets. Shapes are unchanged:
// a string stays a string.
type sanitizer struct {
	known map[string]string // id -> placeholder
}

func newSanitizer() *sanitizer { return &sanitizer{known: map[string]string{}} }

// name makes id show as {placeholder} in paths and values.
func (s *sanitizer) name(id, placeholder string) {
	if id != "" {
		s.known[id] = "{" + placeholder + "}"
	}
}

var (
	uuidRE    = regexp.MustCompile(`[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}`)
	hexIDRE   = regexp.MustCompile(`\b[0-9a-f]{32}\b`)
	timeRE    = regexp.MustCompile(`\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:?\d{2})?`)
	hostRE    = regexp.MustCompile(`(https?://)[^/\s"]+`)
	ipv4RE    = regexp.MustCompile(`\b\d{1,3}\.\d{1,3}\.\d{1,3}\.\d{1,3}\b`)
	macRE     = regexp.MustCompile(`\b[0-9a-f]{2}(:[0-9a-f]{2}){5}\b`)
	secretKey = map[string]bool{"adminPass": true, "audit_ids": true, "checksum": true, "os_hash_value": true, "hostId": true}
)

// text sanitises a string.
func (s *sanitizer) text(v string) string {
	ids := make([]string, 0, len(s.known))
	for id := range s.known {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return len(ids[i]) > len(ids[j]) })
	for _, id := range ids {
		v = strings.ReplaceAll(v, id, s.known[id])
	}
	v = uuidRE.ReplaceAllString(v, "{uuid}")
	v = hexIDRE.ReplaceAllString(v, "{id}")
	v = timeRE.ReplaceAllString(v, "{time}")
	v = hostRE.ReplaceAllString(v, "${1}{host}")
	v = macRE.ReplaceAllString(v, "{mac}")
	return ipv4RE.ReplaceAllString(v, "{ip}")
}

// path sanitises a request path: only the scenario's objects and ids are named.
func (s *sanitizer) path(p string) string { return s.text(p) }

// value sanitises a decoded JSON value; key is the value's key in its object.
func (s *sanitizer) value(key string, v any) any {
	switch x := v.(type) {
	case string:
		if secretKey[key] {
			return "{secret}"
		}
		return s.text(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = s.value(key, e) // a list of secrets (audit_ids) is a list of "{secret}"
		}
		return out
	case map[string]any:
		out := make(map[string]any, len(x))
		for k, e := range x {
			out[s.text(k)] = s.value(k, e)
		}
		return out
	}
	return v
}
