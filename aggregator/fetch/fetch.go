// Package fetch downloads feeds politely: conditional GET with the validators
// of the last poll, a timeout, a cap on the body size after decompression, a
// cap on redirects and an honest User-Agent. Only http, https and local files
// are fetched.
package fetch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/tributary/tributary/config/redact"
)

// Options are the fetcher's limits.
type Options struct {
	Timeout      time.Duration // whole request, body included
	MaxBodyBytes int64         // after decompression
	MaxRedirects int
	UserAgent    string
	// PerHost is how many requests may go to one host at once
	// (fetch.per_host): as many connections to a host are kept open
	// between requests (at least 4), so that they are reused rather than
	// opened again.
	PerHost int

	// AllowPrivate lets every source reach loopback, private, link-local
	// and other non-public addresses (fetch.allow_private_networks). When
	// false only requests with Request.AllowPrivate may.
	AllowPrivate bool
	// Resolver resolves host names; nil means net.DefaultResolver.
	Resolver Resolver
	// Dial connects to a checked address; nil means a net.Dialer.
	Dial DialFunc
}

// Request names a feed and the validators saved from its last poll.
type Request struct {
	URL          string // http, https or file URL
	ETag         string
	LastModified string
	// AllowPrivate lets this request reach non-public addresses (a
	// source's allow_private).
	AllowPrivate bool
}

// Response is a fetched feed. When NotModified is true the body is empty and
// the caller keeps what it has. A caller done with Body calls Release, so
// that the next fetch reads into its memory.
type Response struct {
	NotModified  bool
	Body         []byte
	ContentType  string // the Content-Type header, charset included
	ETag         string
	LastModified string
	URL          string // the final URL, after redirects
	// CacheControl, Expires and Date are the response's headers of those
	// names: the server's word on when to ask again.
	CacheControl, Expires, Date string
	// MovedTo is URL when every redirect that led there was permanent
	// (301, 308): the feed has moved for good. "" otherwise.
	MovedTo string

	buf     *bytes.Buffer // what Body was read into, kept for reuse (Release)
	buffers *bodyBuffers
}

// permanentTarget returns the URL a response came from when it was reached
// only through permanent redirects (301, 308), else "".
func permanentTarget(resp *http.Response) string {
	moved := false
	for r := resp.Request; r != nil && r.Response != nil; r = r.Response.Request {
		if c := r.Response.StatusCode; c != http.StatusMovedPermanently && c != http.StatusPermanentRedirect {
			return ""
		}
		moved = true
	}
	if !moved {
		return ""
	}
	return resp.Request.URL.String()
}

// StatusError is an HTTP response that is neither 2xx nor 304.
type StatusError struct {
	Code int
	// RetryAfter is the response's Retry-After header, as sent (seconds
	// or an HTTP date), for 429 and 503; "" otherwise.
	RetryAfter string
}

func (e *StatusError) Error() string {
	if e.RetryAfter != "" {
		return fmt.Sprintf("HTTP %d %s (Retry-After: %.40s)", e.Code, http.StatusText(e.Code), e.RetryAfter)
	}
	return fmt.Sprintf("HTTP %d %s", e.Code, http.StatusText(e.Code))
}

// ErrTooLarge is returned when a body exceeds Options.MaxBodyBytes.
var ErrTooLarge = errors.New("feed body exceeds the size limit")

// Fetcher fetches feeds. It is safe for concurrent use; its connections are
// kept alive and reused across polls of the same host.
type Fetcher struct {
	opts   Options
	public *http.Client // reaches public addresses only (unless opts.AllowPrivate)
	any    *http.Client // reaches any address, for sources that allow it
	bodies *bodyBuffers
}

// New returns a Fetcher with its own http.Clients: one that connects only to
// public addresses and one, used for sources that allow it, that connects
// anywhere. They do not share connections, so a connection opened for one
// source cannot carry another's requests to a private address.
func New(opts Options) *Fetcher {
	if opts.Resolver == nil {
		opts.Resolver = net.DefaultResolver
	}
	if opts.Dial == nil {
		opts.Dial = (&net.Dialer{Timeout: 10 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	public := newClient(opts, guardedDial(opts.Resolver, opts.Dial, opts.AllowPrivate))
	anyAddr := public
	if !opts.AllowPrivate {
		anyAddr = newClient(opts, guardedDial(opts.Resolver, opts.Dial, true))
	}
	return &Fetcher{opts: opts, public: public, any: anyAddr, bodies: newBodyBuffers()}
}

// newClient returns an http.Client that dials with dial and follows
// redirects within opts' limit, to http and https only.
func newClient(opts Options, dial DialFunc) *http.Client {
	transport := &http.Transport{
		// No proxy: a proxy would connect on our behalf, out of reach of
		// the address check.
		DialContext:           dial,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          100,
		MaxIdleConnsPerHost:   max(4, opts.PerHost),
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ResponseHeaderTimeout: opts.Timeout,
	}
	return &http.Client{
		Transport: transport,
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) > opts.MaxRedirects {
				return fmt.Errorf("stopped after %d redirects", opts.MaxRedirects)
			}
			if req.URL.Scheme != "http" && req.URL.Scheme != "https" {
				return fmt.Errorf("refusing redirect to %s: only http and https", req.URL.Scheme)
			}
			return nil
		},
	}
}

// Close releases idle connections.
func (f *Fetcher) Close() {
	f.public.CloseIdleConnections()
	f.any.CloseIdleConnections()
}

// Fetch downloads req.URL. Errors carry the URL.
func (f *Fetcher) Fetch(ctx context.Context, req Request) (*Response, error) {
	u, err := url.Parse(req.URL)
	if err != nil {
		return nil, fmt.Errorf("fetch %s: not a valid URL", redact.URL(req.URL))
	}
	var resp *Response
	switch u.Scheme {
	case "http", "https":
		resp, err = f.fetchHTTP(ctx, req)
	case "file":
		resp, err = f.fetchFile(u.Path)
	default:
		err = fmt.Errorf("scheme %q is not allowed", u.Scheme)
	}
	if err != nil {
		return nil, fmt.Errorf("fetch %s: %w", redact.URL(req.URL), err)
	}
	return resp, nil
}

func (f *Fetcher) fetchHTTP(ctx context.Context, req Request) (*Response, error) {
	ctx, cancel := context.WithTimeout(ctx, f.opts.Timeout)
	defer cancel()
	hreq, err := http.NewRequestWithContext(ctx, http.MethodGet, req.URL, nil)
	if err != nil {
		return nil, err
	}
	hreq.Header.Set("User-Agent", f.opts.UserAgent)
	hreq.Header.Set("Accept", "application/atom+xml, application/rss+xml, application/feed+json, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.8")
	if req.ETag != "" {
		hreq.Header.Set("If-None-Match", req.ETag)
	}
	if req.LastModified != "" {
		hreq.Header.Set("If-Modified-Since", req.LastModified)
	}
	client := f.public
	if req.AllowPrivate {
		client = f.any
	}
	hresp, err := client.Do(hreq)
	if err != nil {
		// The *url.Error names the URL of the last request, which after a
		// redirect may be an address the source's owner chose to probe:
		// the caller names the source instead.
		var uerr *url.Error
		if errors.As(err, &uerr) {
			err = uerr.Err
		}
		return nil, err
	}
	defer hresp.Body.Close()

	resp := &Response{
		ContentType:  hresp.Header.Get("Content-Type"),
		ETag:         hresp.Header.Get("ETag"),
		LastModified: hresp.Header.Get("Last-Modified"),
		URL:          hresp.Request.URL.String(),
		CacheControl: hresp.Header.Get("Cache-Control"),
		Expires:      hresp.Header.Get("Expires"),
		Date:         hresp.Header.Get("Date"),
		MovedTo:      permanentTarget(hresp),
	}
	switch {
	case hresp.StatusCode == http.StatusNotModified:
		resp.NotModified = true
		// A 304 may omit validators; keep the ones we sent.
		if resp.ETag == "" {
			resp.ETag = req.ETag
		}
		if resp.LastModified == "" {
			resp.LastModified = req.LastModified
		}
		return resp, nil
	case hresp.StatusCode < 200 || hresp.StatusCode > 299:
		// Read a little of the error page, so that the connection can
		// be reused for the next poll of the host.
		io.Copy(io.Discard, io.LimitReader(hresp.Body, 64<<10))
		serr := &StatusError{Code: hresp.StatusCode}
		if serr.Code == http.StatusTooManyRequests || serr.Code == http.StatusServiceUnavailable {
			serr.RetryAfter = strings.TrimSpace(hresp.Header.Get("Retry-After"))
		}
		return nil, serr
	}
	return f.readBody(resp, hresp.Body)
}

// fetchFile reads a local feed. Local files are cheap to read, so there is no
// conditional read: an unchanged file is recognised by its body hash later.
func (f *Fetcher) fetchFile(path string) (*Response, error) {
	file, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer file.Close()
	info, err := file.Stat()
	if err != nil {
		return nil, err
	}
	if info.IsDir() {
		return nil, errors.New("is a directory")
	}
	resp := &Response{URL: (&url.URL{Scheme: "file", Path: path}).String()}
	return f.readBody(resp, file)
}

// readBody reads resp's body from r, within Options.MaxBodyBytes, into a
// buffer that resp.Release hands back.
func (f *Fetcher) readBody(resp *Response, r io.Reader) (*Response, error) {
	buf, err := f.bodies.readCapped(r, f.opts.MaxBodyBytes)
	if err != nil {
		return nil, err
	}
	resp.Body, resp.buf, resp.buffers = buf.Bytes(), buf, f.bodies
	return resp, nil
}
