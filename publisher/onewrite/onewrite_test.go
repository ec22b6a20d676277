package onewrite

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
)

// serve starts a server on loopback whose handler writes a body of the
// size in the request's path, with Write, or with w.Write when the path
// starts with /direct/. It returns the address and the connections
// accepted.
func serve(t *testing.T) (addr string, conns <-chan *conn) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	accepted := make(chan *conn, 4)
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		direct := r.URL.Path[1:] != r.PathValue("size")
		n, _ := strconv.Atoi(r.PathValue("size"))
		body := bytes.Repeat([]byte("0123456789abcdef"), n/16+1)[:n]
		w.Header().Set("Content-Length", strconv.Itoa(n))
		if direct {
			w.Write(body)
			return
		}
		if err := Write(w, r, body); err != nil {
			t.Error(err)
		}
	})
	mux := http.NewServeMux()
	mux.Handle("/{size}", h)
	mux.Handle("/direct/{size}", h)
	srv := &http.Server{Handler: mux, ConnContext: func(ctx context.Context, c net.Conn) context.Context {
		accepted <- c.(*conn)
		return ConnContext(ctx, c)
	}}
	go srv.Serve(Listener{Listener: ln})
	t.Cleanup(func() { srv.Close() })
	return ln.Addr().String(), accepted
}

// TestHeldResponseLeavesInOneWrite sends keep-alive requests on one
// connection and counts the writes each response took on it.
func TestHeldResponseLeavesInOneWrite(t *testing.T) {
	addr, conns := serve(t)
	c, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	br := bufio.NewReader(c)
	var server *conn
	for _, tc := range []struct {
		path   string
		size   int
		writes func(int) bool
		want   string
	}{
		{"/13000", 13000, func(n int) bool { return n == 1 }, "1"},
		{"/direct/13000", 13000, func(n int) bool { return n == 2 }, "2 (net/http alone)"},
		{"/5000", 5000, func(n int) bool { return n == 1 }, "1 (its end buffered by net/http)"},
		{"/64000", 64000, func(n int) bool { return n == 1 }, "1"},
		{"/100", 100, func(n int) bool { return n == 1 }, "1 (fits net/http's buffer)"},
		{"/13000", 13000, func(n int) bool { return n == 1 }, "1 (again, on the same connection)"},
		{"/2000000", 2000000, func(n int) bool { return n >= 2 }, "2 or more (too large to hold)"},
	} {
		if _, err := io.WriteString(c, "GET "+tc.path+" HTTP/1.1\r\nHost: x\r\n\r\n"); err != nil {
			t.Fatal(err)
		}
		resp, err := http.ReadResponse(br, nil)
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			t.Fatalf("%s: %v", tc.path, err)
		}
		want := bytes.Repeat([]byte("0123456789abcdef"), tc.size/16+1)[:tc.size]
		if resp.StatusCode != http.StatusOK || !bytes.Equal(body, want) {
			t.Fatalf("%s: status %d, %d bytes, want 200 and the %d bytes written", tc.path, resp.StatusCode, len(body), tc.size)
		}
		if server == nil {
			server = <-conns
		}
		server.mu.Lock()
		n := server.ops
		server.ops = 0
		held, kept := server.held, len(server.segs)
		server.mu.Unlock()
		if !tc.writes(n) {
			t.Errorf("%s: %d writes on the connection, want %s", tc.path, n, tc.want)
		}
		if held || kept != 0 {
			t.Errorf("%s: after the response the connection holds %v with %d writes kept", tc.path, held, kept)
		}
	}
	select {
	case <-conns:
		t.Error("the requests took a second connection")
	default:
	}
}

// TestWriteWithoutListener: on a server without the Listener, Write is
// w.Write.
func TestWriteWithoutListener(t *testing.T) {
	body := bytes.Repeat([]byte("x"), 20000)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := Write(w, r, body); err != nil {
			t.Error(err)
		}
	}))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil || !bytes.Equal(got, body) {
		t.Fatalf("got %d bytes (%v), want the %d written", len(got), err, len(body))
	}
}

// TestFailedReleaseClosesTheConnection: net/http took the held bytes as
// written, so a connection that could not send them must not be used again.
func TestFailedReleaseClosesTheConnection(t *testing.T) {
	server, client := net.Pipe()
	c := &conn{Conn: server}
	client.Close()
	body := bytes.Repeat([]byte("x"), 8000)
	c.hold(body)
	if _, err := c.Write(body[:100]); err != nil {
		t.Fatalf("a held write failed: %v", err)
	}
	if _, err := c.Write(body[100:]); err != nil {
		t.Fatalf("a held write failed: %v", err)
	}
	c.release()
	// A pipe closed at this end reads ErrClosedPipe; closed only at the
	// other end, it reads EOF.
	if _, err := server.Read(make([]byte, 1)); !errors.Is(err, io.ErrClosedPipe) {
		t.Errorf("after a failed release the connection reads %v, want it closed (%v)", err, io.ErrClosedPipe)
	}
}
