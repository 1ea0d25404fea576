package iws

import (
	"crypto/sha256"
	"encoding/hex"
	"time"
)

// TimestampLayout is the utcTimeStamp format IWS signs: second precision, literal T and Z.
const TimestampLayout = "2006-01-02T15:04:05Z"

// Signature returns the IWS request signature: the lower-case hex SHA-256 (a plain hash, not an HMAC) of
// "apiKey,accessKey,utcTimeStamp", with the keys byte-for-byte as issued.
func Signature(apiKey, accessKey, utcTimeStamp string) string {
	sum := sha256.Sum256([]byte(apiKey + "," + accessKey + "," + utcTimeStamp))
	return hex.EncodeToString(sum[:])
}

// Token returns the signed token "apiKey=…&utcTimeStamp=…&signature=…" for the instant now. It goes, not
// URL-encoded, after "Bearer " in the Authorization header. Build a fresh one for every attempt: IWS
// accepts a token for five minutes after its timestamp.
func Token(apiKey, accessKey string, now time.Time) string {
	ts := now.UTC().Format(TimestampLayout)
	return "apiKey=" + apiKey + "&utcTimeStamp=" + ts + "&signature=" + Signature(apiKey, accessKey, ts)
}
