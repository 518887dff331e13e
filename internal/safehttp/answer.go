package safehttp

import (
	"fmt"
	"net/http"
)

// AnswerLine names an error answer the way every message of the provider starts:
// "GET /v1/servers/x: 404 Not Found", then ": " and the API's own message when it gave one.
// path is the request path only, never a host or a query.
func AnswerLine(method, path string, status int, message string) string {
	line := fmt.Sprintf("%s %s: %d %s", method, path, status, http.StatusText(status))
	if message != "" {
		line += ": " + message
	}
	return line
}
