// Package onewrite sends a ready HTTP response of a few kilobytes to the
// connection in one system call.
//
// net/http buffers a response's header and the start of its body in 4 KB,
// writes that, then writes the rest of a larger body: two writes for a
// 13 KB page, two TCP segments, and two wake-ups of the client. nginx sends
// the same response with one writev. On loopback the second write cost a
// third of the requests per second (BENCHMARKS.md).
//
// A server opts in with a Listener, whose connections can hold their
// writes, and ConnContext, which lets a handler find its connection:
//
//	srv := &http.Server{Handler: h, ConnContext: onewrite.ConnContext}
//	srv.Serve(onewrite.Listener{Listener: ln})
//
// A handler then calls Write(w, r, body) instead of w.Write(body). Without
// the Listener (tests, other servers), Write is w.Write.
package onewrite

import (
	"context"
	"net"
	"net/http"
	"sync"
)

// Bodies sized between these bounds are held: a smaller one fits in
// net/http's 4 KB buffer with its header, and for a larger one a second
// write is a small part of the cost.
const (
	minHeld = 3 << 10
	maxHeld = 1 << 20
)

// Listener wraps the connections it accepts so that Write can hold them.
type Listener struct{ net.Listener }

// Accept returns the next connection, wrapped.
func (l Listener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	return &conn{Conn: c}, nil
}

type connKey struct{}

// ConnContext is an http.Server's ConnContext: it puts the connection in
// each of its requests' contexts, for Write.
func ConnContext(ctx context.Context, c net.Conn) context.Context {
	if oc, ok := c.(*conn); ok {
		return context.WithValue(ctx, connKey{}, oc)
	}
	return ctx
}

// Write writes body, all of the response's body, to w, after its header.
// When r came through a Listener and body is larger than net/http's buffer,
// the header and body leave in one writev; the body is not copied. body must
// not change until Write returns.
func Write(w http.ResponseWriter, r *http.Request, body []byte) error {
	c, _ := r.Context().Value(connKey{}).(*conn)
	if c == nil || len(body) < minHeld || len(body) > maxHeld || r.ProtoMajor != 1 {
		_, err := w.Write(body)
		return err
	}
	c.hold(body)
	defer c.release()
	if _, err := w.Write(body); err != nil {
		return err
	}
	// Everything net/http has buffered comes to the held connection now,
	// rather than after the handler returns.
	return http.NewResponseController(w).Flush()
}

// conn is an accepted connection. While it holds, its writes are kept and
// sent together by release.
type conn struct {
	net.Conn

	mu      sync.Mutex
	held    bool
	body    []byte      // the body being written; a write of its tail is kept, not copied
	segs    net.Buffers // the writes kept, in order
	scratch []byte      // copies of the other writes (the header and net/http's buffer)
	ops     int         // writes and writevs issued to the connection; for tests
}

func (c *conn) hold(body []byte) {
	c.mu.Lock()
	c.held, c.body = true, body
	c.mu.Unlock()
}

// Write keeps p while the connection holds, and writes it otherwise.
func (c *conn) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.held {
		c.ops++
		return c.Conn.Write(p)
	}
	if len(p) == 0 {
		return 0, nil
	}
	if n := len(c.body) - len(p); n >= 0 && &p[0] == &c.body[n] {
		c.segs = append(c.segs, p) // the body's tail, unchanged until release
		return len(p), nil
	}
	// p belongs to net/http, which reuses it: copy it. A segment kept
	// before may still point into an earlier scratch array, which stays
	// alive as long as it does.
	at := len(c.scratch)
	c.scratch = append(c.scratch, p...)
	c.segs = append(c.segs, c.scratch[at:len(c.scratch):len(c.scratch)])
	return len(p), nil
}

// release writes what was kept, in one writev, and stops holding. A failed
// write closes the connection: net/http took the response as sent and
// would otherwise go on using it.
func (c *conn) release() {
	c.mu.Lock()
	defer c.mu.Unlock()
	segs := c.segs
	c.held, c.body = false, nil
	if len(segs) > 0 {
		c.ops++
		if _, err := segs.WriteTo(c.Conn); err != nil {
			c.Conn.Close()
		}
	}
	clear(c.segs) // no reference to the body stays with an idle connection
	c.segs, c.scratch = c.segs[:0], c.scratch[:0]
}

// CloseWrite half-closes the connection when it can, as net/http does to
// a TCP connection before closing it.
func (c *conn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
