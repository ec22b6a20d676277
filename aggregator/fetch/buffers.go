package fetch

import (
	"bytes"
	"fmt"
	"io"
)

// Bodies are read into buffers kept for the next fetches. Read with
// io.ReadAll, each body cost a fresh slice grown by doubling (about twice
// its size); that was 0.3 GB, a thirteenth, of what a cold ingest of 1,000
// feeds allocated, and so of the collector's work.
const (
	keptBuffers   = 2       // at most this many wait for the next fetch
	keptBufferCap = 1 << 20 // a larger buffer (a rare huge feed) is let go
)

// bodyBuffers is a free list of read buffers. Unlike a sync.Pool it
// survives collections, which with GOGC=25 come every few milliseconds of
// an ingest; it holds at most keptBuffers of at most keptBufferCap.
type bodyBuffers struct{ free chan *bytes.Buffer }

func newBodyBuffers() *bodyBuffers {
	return &bodyBuffers{free: make(chan *bytes.Buffer, keptBuffers)}
}

func (b *bodyBuffers) get() *bytes.Buffer {
	select {
	case buf := <-b.free:
		return buf
	default:
		return new(bytes.Buffer)
	}
}

func (b *bodyBuffers) put(buf *bytes.Buffer) {
	if buf.Cap() > keptBufferCap {
		return
	}
	buf.Reset()
	select {
	case b.free <- buf:
	default:
	}
}

// readCapped reads r to its end into a buffer of b, refusing more than
// limit bytes.
func (b *bodyBuffers) readCapped(r io.Reader, limit int64) (*bytes.Buffer, error) {
	buf := b.get()
	if _, err := buf.ReadFrom(io.LimitReader(r, limit+1)); err != nil {
		b.put(buf)
		return nil, fmt.Errorf("read body: %w", err)
	}
	if int64(buf.Len()) > limit {
		b.put(buf)
		return nil, fmt.Errorf("%w (%d bytes)", ErrTooLarge, limit)
	}
	return buf, nil
}

// Release hands the memory of r.Body back for another fetch to read into.
// The caller must hold no slice of Body after it (strings made from it are
// copies and stay valid); Body is emptied. Calling it again, or never, is
// harmless: an unreleased body is collected as any garbage.
func (r *Response) Release() {
	if r == nil || r.buf == nil {
		return
	}
	r.Body = nil
	r.buffers.put(r.buf)
	r.buf = nil
}
