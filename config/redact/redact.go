// Package redact hides the secrets that a configured source URL may carry
// (user info, query values such as tokens) before the URL is logged or
// shown on a status page.
package redact

import (
	"net/url"
	"path"
	"path/filepath"
	"strings"
)

// URL returns raw with its user info replaced by "REDACTED" and the value
// of every query parameter replaced by "REDACTED"; the parameter names stay,
// so that an operator can still tell sources apart. Text that does not parse
// as a URL with a scheme is returned as it is (a local path is the operator's
// own business in a log).
func URL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		// An unparsable URL may still hold "user:pass@": cut what lies
		// between the scheme and an "@" before the first "/".
		return cutUserinfo(raw)
	}
	if u.Scheme == "" || u.Scheme == "file" {
		return raw
	}
	if u.User != nil {
		u.User = url.User("REDACTED")
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			q[k] = []string{"REDACTED"}
		}
		u.RawQuery = q.Encode()
	}
	u.Fragment, u.RawFragment = "", ""
	return u.String()
}

// Status names a configured source on a page anyone who reaches the server
// can read (/healthz): URL for http(s) sources, and for a local file only
// "local file NAME", since its directory tells the world about the server.
func Status(raw string) string {
	u, err := url.Parse(raw)
	if err == nil && u.Scheme != "" && u.Scheme != "file" {
		return URL(raw)
	}
	p := raw
	if err == nil && u.Scheme == "file" {
		p = u.Path
	}
	return "local file " + path.Base(filepath.ToSlash(p))
}

// Public returns raw without its user info, query and fragment: the form in
// which a configured URL may appear in a published feed.
func Public(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return ""
	}
	u.User, u.RawQuery, u.ForceQuery, u.Fragment, u.RawFragment = nil, "", false, "", ""
	return u.String()
}

func cutUserinfo(raw string) string {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return raw
	}
	end := strings.IndexAny(rest, "/?#")
	if end < 0 {
		end = len(rest)
	}
	if at := strings.LastIndex(rest[:end], "@"); at >= 0 {
		rest = "REDACTED@" + rest[at+1:]
	}
	if q := strings.IndexByte(rest, '?'); q >= 0 {
		rest = rest[:q] + "?REDACTED"
	}
	return scheme + "://" + rest
}
