package scp

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"time"
)

// ClientType is the fixed value SCP expects in Scp-ClientType and in the signed message.
const ClientType = "Openapi"

// Header names used by the SCP OpenAPI gateway. Go canonicalises them on the wire;
// the gateway treats them case-insensitively.
const (
	headerAccessKey  = "Scp-AccessKey"
	headerSignature  = "Scp-Signature"
	headerTimestamp  = "Scp-Timestamp"
	headerClientType = "Scp-ClientType"
	headerAccountID  = "Scp-AccountId"
	headerAPIVersion = "Scp-Api-Version"
)

// Signature computes Scp-Signature: base64(HMAC-SHA256(secret, method+url+timestamp+accessKey+accountID+clientType)).
// url must be the full URL exactly as it goes on the wire (scheme, host, escaped path, sorted query).
func Signature(secretKey, method, url, timestamp, accessKey, accountID, clientType string) string {
	mac := hmac.New(sha256.New, []byte(secretKey))
	for _, part := range []string{method, url, timestamp, accessKey, accountID, clientType} {
		mac.Write([]byte(part))
	}
	return base64.StdEncoding.EncodeToString(mac.Sum(nil))
}

// credentials is what signing needs; kept apart from Config so the secret travels in one place only.
type credentials struct {
	accessKey string
	secretKey string
	accountID string
}

// sign sets the authentication headers on req. It is called for every attempt, so each retry
// carries a fresh timestamp and signature.
func (c credentials) sign(req *http.Request, now time.Time) {
	timestamp := strconv.FormatInt(now.UnixMilli(), 10)
	wireURL := req.URL.Scheme + "://" + req.URL.Host + req.URL.RequestURI()
	req.Header.Set(headerAccessKey, c.accessKey)
	req.Header.Set(headerTimestamp, timestamp)
	req.Header.Set(headerClientType, ClientType)
	if c.accountID != "" {
		req.Header.Set(headerAccountID, c.accountID)
	}
	req.Header.Set(headerSignature, Signature(c.secretKey, req.Method, wireURL, timestamp, c.accessKey, c.accountID, ClientType))
}
