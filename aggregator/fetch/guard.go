package fetch

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
)

// ErrPrivateAddress is returned (wrapped) when a feed's host resolves only
// to addresses that are not on the public internet and the source is not
// allowed to reach them. The message names no address, so that a status
// page cannot be used to map an internal network.
var ErrPrivateAddress = errors.New("refused: the host resolves to a private, loopback or link-local address " +
	"(set fetch.allow_private_networks or the source's allow_private to allow it)")

// Resolver looks up a host's addresses; *net.Resolver is one. Tests inject
// their own to make a name resolve to an address they must not dial.
type Resolver interface {
	LookupNetIP(ctx context.Context, network, host string) ([]netip.Addr, error)
}

// DialFunc opens a connection to a resolved address ("ip:port").
type DialFunc func(ctx context.Context, network, address string) (net.Conn, error)

// nonPublic are the ranges a feed may not reach unless allowed: besides
// what netip's predicates cover (loopback, RFC 1918 and fc00::/7, link-local,
// multicast, unspecified), the ranges that are private in practice.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),      // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),  // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),   // IETF protocol assignments
	netip.MustParsePrefix("198.18.0.0/15"),  // benchmarking
	netip.MustParsePrefix("240.0.0.0/4"),    // reserved, and broadcast
	netip.MustParsePrefix("64:ff9b:1::/48"), // local-use NAT64
	netip.MustParsePrefix("2001:db8::/32"),  // documentation
	netip.MustParsePrefix("fec0::/10"),      // deprecated site-local
	netip.MustParsePrefix("100::/64"),       // discard-only
	netip.MustParsePrefix("2001:10::/28"),   // ORCHID
	netip.MustParsePrefix("192.88.99.0/24"), // 6to4 relay anycast
	netip.MustParsePrefix("169.254.0.0/16"), // link-local (cloud metadata), also IsLinkLocalUnicast
	netip.MustParsePrefix("255.255.255.255/32"),
}

// IsPublic reports whether a feed may be fetched from a at all without the
// config allowing private networks. IPv4 addresses written as IPv6 (mapped,
// NAT64 or 6to4) are judged by the IPv4 address they carry.
func IsPublic(a netip.Addr) bool {
	a = embeddedIPv4(a)
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() || a.IsUnspecified() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	return true
}

// embeddedIPv4 returns the IPv4 address carried by an IPv4-mapped,
// well-known-prefix NAT64 (64:ff9b::/96) or 6to4 (2002::/16) address, else a.
func embeddedIPv4(a netip.Addr) netip.Addr {
	a = a.Unmap()
	if !a.Is6() {
		return a
	}
	b := a.As16()
	switch {
	case netip.MustParsePrefix("64:ff9b::/96").Contains(a):
		return netip.AddrFrom4([4]byte(b[12:16]))
	case b[0] == 0x20 && b[1] == 0x02:
		return netip.AddrFrom4([4]byte(b[2:6]))
	}
	return a
}

// guardedDial returns a DialContext for http.Transport that resolves the
// host itself and connects only to the addresses it then checks, so that
// neither a redirect nor a DNS answer that changes between check and
// connect (rebinding) can reach a private address. With allowPrivate every
// address is allowed.
func guardedDial(resolver Resolver, dial DialFunc, allowPrivate bool) DialFunc {
	return func(ctx context.Context, network, address string) (net.Conn, error) {
		host, port, err := net.SplitHostPort(address)
		if err != nil {
			return nil, err
		}
		var addrs []netip.Addr
		if ip, err := netip.ParseAddr(host); err == nil {
			addrs = []netip.Addr{ip}
		} else {
			addrs, err = resolver.LookupNetIP(ctx, "ip", host)
			if err != nil {
				return nil, err
			}
		}
		var errs []error
		refused := false
		for _, a := range addrs {
			if !allowPrivate && !IsPublic(a) {
				refused = true
				continue
			}
			conn, err := dial(ctx, network, net.JoinHostPort(a.Unmap().String(), port))
			if err == nil {
				return conn, nil
			}
			errs = append(errs, err)
		}
		if len(errs) > 0 {
			return nil, errors.Join(errs...)
		}
		if refused {
			return nil, ErrPrivateAddress
		}
		return nil, fmt.Errorf("%s has no address", host)
	}
}

// Unreachable reports whether err says the host could not be reached at
// all: its name did not resolve, or no connection could be made. When
// every host of a poll cycle is unreachable, the machine is offline.
func Unreachable(err error) bool {
	var dns *net.DNSError
	if errors.As(err, &dns) {
		return true
	}
	var op *net.OpError
	return errors.As(err, &op) && op.Op == "dial"
}
