package fetch

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestIsPublic(t *testing.T) {
	tests := []struct {
		addr   string
		public bool
	}{
		{"93.184.216.34", true},
		{"8.8.8.8", true},
		{"2606:4700::1111", true},
		{"127.0.0.1", false},
		{"127.45.0.9", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"100.64.0.1", false},      // CGNAT
		{"100.127.255.254", false},
		{"0.0.0.0", false},
		{"0.1.2.3", false},
		{"255.255.255.255", false},
		{"224.0.0.1", false},
		{"::1", false},
		{"::", false},
		{"fc00::1", false}, // unique local
		{"fd12:3456::1", false},
		{"fe80::1", false},
		{"::ffff:127.0.0.1", false}, // IPv4-mapped loopback
		{"::ffff:169.254.169.254", false},
		{"64:ff9b::a9fe:a9fe", false}, // NAT64 of 169.254.169.254
		{"64:ff9b::808:808", true},    // NAT64 of 8.8.8.8
		{"2002:7f00:1::", false},      // 6to4 of 127.0.0.1
		{"2002:0a00:0001::1", false},  // 6to4 of 10.0.0.1
	}
	for _, tt := range tests {
		if got := IsPublic(netip.MustParseAddr(tt.addr)); got != tt.public {
			t.Errorf("IsPublic(%s) = %v, want %v", tt.addr, got, tt.public)
		}
	}
}

// fakeResolver answers from a table; unknown names do not exist.
type fakeResolver map[string][]string

func (r fakeResolver) LookupNetIP(_ context.Context, _, host string) ([]netip.Addr, error) {
	names, ok := r[host]
	if !ok {
		return nil, &net.DNSError{Err: "no such host", Name: host, IsNotFound: true}
	}
	var out []netip.Addr
	for _, n := range names {
		out = append(out, netip.MustParseAddr(n))
	}
	return out, nil
}

// recordingDial records every address it is asked to connect to and
// connects to loopback only: addresses in redirect are sent to the loopback
// address they map to, anything else not on loopback fails the test.
type recordingDial struct {
	t        *testing.T
	mu       sync.Mutex
	dialed   []string
	redirect map[string]string
}

func (d *recordingDial) dial(ctx context.Context, network, address string) (net.Conn, error) {
	d.mu.Lock()
	d.dialed = append(d.dialed, address)
	target, ok := d.redirect[address]
	d.mu.Unlock()
	if !ok {
		host, _, _ := net.SplitHostPort(address)
		if a, err := netip.ParseAddr(host); err != nil || !a.IsLoopback() {
			d.t.Errorf("dialed %s, which is not loopback", address)
			return nil, errors.New("test dialer: not loopback")
		}
		target = address
	}
	return (&net.Dialer{Timeout: time.Second}).DialContext(ctx, network, target)
}

func (d *recordingDial) calls() []string {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]string(nil), d.dialed...)
}

func guardedFetcher(t *testing.T, r Resolver, d *recordingDial) *Fetcher {
	f := New(Options{Timeout: 2 * time.Second, MaxBodyBytes: 1 << 20, MaxRedirects: 3, UserAgent: "test", Resolver: r, Dial: d.dial})
	t.Cleanup(f.Close)
	return f
}

// A name that resolves to the metadata address, or a private one, is
// refused before any connection is attempted, and the error names neither.
func TestFetchRefusesNamesResolvingToPrivateAddresses(t *testing.T) {
	d := &recordingDial{t: t}
	f := guardedFetcher(t, fakeResolver{
		"metadata.test": {"169.254.169.254"},
		"intranet.test": {"10.0.0.7", "fd00::7"},
	}, d)
	for _, u := range []string{"http://metadata.test/latest/meta-data/", "https://intranet.test:8443/feed"} {
		_, err := f.Fetch(context.Background(), Request{URL: u})
		if !errors.Is(err, ErrPrivateAddress) {
			t.Errorf("Fetch(%s) = %v, want a refusal", u, err)
			continue
		}
		for _, leak := range []string{"169.254", "10.0.0.7", "fd00", "8443"} {
			if strings.Contains(err.Error(), leak) && !strings.Contains(u, leak) {
				t.Errorf("error %q names the internal address", err)
			}
		}
	}
	if calls := d.calls(); len(calls) != 0 {
		t.Errorf("dialed %v; want no connection attempt", calls)
	}
}

// A literal loopback URL is refused without a request reaching the server,
// unless the request or the fetcher allows private networks.
func TestFetchRefusesLoopbackUnlessAllowed(t *testing.T) {
	var hits atomic.Int32
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		w.Write([]byte("<rss/>"))
	}))
	defer ts.Close()
	d := &recordingDial{t: t}
	f := guardedFetcher(t, fakeResolver{}, d)
	if _, err := f.Fetch(context.Background(), Request{URL: ts.URL}); !errors.Is(err, ErrPrivateAddress) {
		t.Fatalf("Fetch(loopback) = %v, want a refusal", err)
	}
	if hits.Load() != 0 || len(d.calls()) != 0 {
		t.Fatalf("server hit %d times, dialed %v", hits.Load(), d.calls())
	}
	if _, err := f.Fetch(context.Background(), Request{URL: ts.URL, AllowPrivate: true}); err != nil {
		t.Fatalf("Fetch(loopback, allowed for the source): %v", err)
	}
	open := New(Options{Timeout: time.Second, MaxBodyBytes: 1 << 20, UserAgent: "test", AllowPrivate: true})
	defer open.Close()
	if _, err := open.Fetch(context.Background(), Request{URL: ts.URL}); err != nil {
		t.Fatalf("Fetch(loopback, allowed for all): %v", err)
	}
	if hits.Load() != 2 {
		t.Errorf("server hit %d times, want 2", hits.Load())
	}
}

// A public feed that redirects into the internal network is not followed:
// the check runs at connect time, for every hop.
func TestFetchRefusesRedirectIntoPrivateNetwork(t *testing.T) {
	var internalHits atomic.Int32
	internal := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		internalHits.Add(1)
		w.Write([]byte("db_password=hunter2"))
	}))
	defer internal.Close()
	public := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/to-loopback":
			http.Redirect(w, r, internal.URL+"/secret", http.StatusFound)
		case "/to-metadata":
			http.Redirect(w, r, "http://169.254.169.254/latest/meta-data/", http.StatusFound)
		case "/to-name":
			http.Redirect(w, r, "http://rebind.test/", http.StatusMovedPermanently)
		}
	}))
	defer public.Close()
	// news.test is a public address (TEST-NET-3) that the test dialer
	// sends to the loopback server standing in for it.
	publicAddr := strings.TrimPrefix(public.URL, "http://127.0.0.1")
	d := &recordingDial{t: t, redirect: map[string]string{"203.0.113.10" + publicAddr: strings.TrimPrefix(public.URL, "http://")}}
	f := guardedFetcher(t, fakeResolver{"news.test": {"203.0.113.10"}, "rebind.test": {"127.0.0.1"}}, d)
	for _, path := range []string{"/to-loopback", "/to-metadata", "/to-name"} {
		_, err := f.Fetch(context.Background(), Request{URL: "http://news.test" + publicAddr + path})
		if !errors.Is(err, ErrPrivateAddress) {
			t.Errorf("redirect %s: %v, want a refusal", path, err)
		}
		if err != nil && (strings.Contains(err.Error(), internal.URL) || strings.Contains(err.Error(), "169.254")) {
			t.Errorf("redirect %s: error %q names the internal address", path, err)
		}
	}
	if internalHits.Load() != 0 {
		t.Errorf("the internal server was reached %d times", internalHits.Load())
	}
	for _, a := range d.calls() {
		if a != "203.0.113.10"+publicAddr {
			t.Errorf("dialed %s; only the public address may be dialed", a)
		}
	}
}

// When a name resolves to public and private addresses, only the public
// ones are dialed.
func TestFetchDialsOnlyPublicAddressesOfAName(t *testing.T) {
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("<rss/>")) }))
	defer ts.Close()
	port := strings.TrimPrefix(ts.URL, "http://127.0.0.1")
	d := &recordingDial{t: t, redirect: map[string]string{"203.0.113.20" + port: "127.0.0.1" + port}}
	f := guardedFetcher(t, fakeResolver{"mixed.test": {"127.0.0.1", "10.0.0.1", "203.0.113.20"}}, d)
	if _, err := f.Fetch(context.Background(), Request{URL: "http://mixed.test" + port + "/"}); err != nil {
		t.Fatal(err)
	}
	if calls := d.calls(); len(calls) != 1 || calls[0] != "203.0.113.20"+port {
		t.Errorf("dialed %v, want only the public address", calls)
	}
}
