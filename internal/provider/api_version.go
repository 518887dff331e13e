package provider

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// apiVersionInfo is one row of the Virtual Server API's version table.
type apiVersionInfo struct {
	state string
	// notBefore is the documented "Not Before" date; for deprecated versions, support ends on it.
	notBefore  time.Time
	deprecated bool
}

// apiVersions mirrors the version table in the API documents.
var apiVersions = map[string]apiVersionInfo{
	"1.3": {state: "ACTIVE (CURRENT)"},
	"1.2": {state: "ACTIVE (SUPPORTED)", notBefore: date(2026, 8, 31)},
	"1.1": {state: "ACTIVE (DEPRECATED)", notBefore: date(2026, 5, 31), deprecated: true},
	"1.0": {state: "ACTIVE (DEPRECATED)", notBefore: date(2025, 12, 31), deprecated: true},
}

const currentAPIVersion = "1.3"

func date(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// checkAPIVersion judges a requested version at time now. A non-empty errMsg means it must not be
// used; a non-empty warning means it works but the user should move on.
func checkAPIVersion(version string, now time.Time) (warning, errMsg string) {
	info, ok := apiVersions[version]
	if !ok {
		return "", fmt.Sprintf("api_version %q is not a Virtual Server API version this provider knows. Use one of %s (default %s).",
			version, strings.Join(usableAPIVersions(now), ", "), currentAPIVersion)
	}
	if info.deprecated && !now.Before(info.notBefore) {
		return "", fmt.Sprintf("api_version %q is deprecated and no longer supported: its Not Before date %s has passed, "+
			"so SCP refuses it. Remove api_version to use the current version %s.",
			version, info.notBefore.Format("2006-01-02"), currentAPIVersion)
	}
	if version != currentAPIVersion {
		w := fmt.Sprintf("api_version %q is %s, not the current version %s.", version, info.state, currentAPIVersion)
		if info.deprecated {
			w += fmt.Sprintf(" Support ends on %s.", info.notBefore.Format("2006-01-02"))
		}
		return w + fmt.Sprintf(" Remove api_version (or set it to %q) to use the current version.", currentAPIVersion), ""
	}
	return "", ""
}

func usableAPIVersions(now time.Time) []string {
	var out []string
	for v := range apiVersions {
		if _, errMsg := checkAPIVersion(v, now); errMsg == "" {
			out = append(out, v)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(out)))
	return out
}
