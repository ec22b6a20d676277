package related

import (
	"encoding/binary"
	"math"
)

// postingList holds the entries that have one term, in the order they were
// added: each is its slot and its quantized weight, packed together into
// width bytes (a 2- or 4-byte slot, little-endian, then the weight). An
// index of at most 65,535 entries, the usual case, has 2-byte slots: 3
// bytes a posting rather than the 5 of a 4-byte slot, and one slice rather
// than two (postings are most of the index's memory).
//
// A term in more than maxDocFreq entries is never walked by a query, so
// when it is in more than dropDocFreq its postings are dropped and it is
// only counted (common); they are made again from the entries' term lists
// when the count falls back to maxDocFreq, so a query walks the same
// postings as if none had been dropped. On long texts these few hundred
// words hold more than half of all postings.
type postingList struct {
	data   []byte // the postings from start on
	df     int32  // entries with the term
	start  uint16 // bytes before the first posting: room left by the ones removed from the front
	common bool   // postings dropped: df went over dropDocFreq and is still over maxDocFreq
}

// postingWidth returns the bytes a posting takes in an index whose slots
// are all below slots (0: no bound).
func postingWidth(slots int) int {
	if slots > 0 && slots <= 1<<16 {
		return 3
	}
	return 5
}

// setData makes data (empty, or nil) the list's array, with no room
// before its first posting.
func (pl *postingList) setData(data []byte) { pl.data, pl.start = data, 0 }

// live returns the postings.
func (pl *postingList) live() []byte { return pl.data[pl.start:] }

// len returns how many entries the list holds.
func (pl *postingList) len(width int) int { return (len(pl.data) - int(pl.start)) / width }

// at returns the slot and quantized weight of the list's i-th entry.
func (pl *postingList) at(i, width int) (slot uint32, q uint8) {
	return unpack(pl.data[int(pl.start)+i*width:], width)
}

// unpack returns the slot and quantized weight of the posting at the start
// of p.
func unpack(p []byte, width int) (slot uint32, q uint8) {
	if width == 3 {
		_ = p[2]
		return uint32(p[0]) | uint32(p[1])<<8, p[2]
	}
	return binary.LittleEndian.Uint32(p), p[4]
}

// add appends an entry. A list loses entries at its front (the oldest are
// forgotten first) as it gains them at its back, so a full list whose front
// has room for a few postings moves them down instead of growing. Else it
// grows by an eighth, not by append's quarter to double, to its postings'
// size: a list that has shrunk to less than half its array is made smaller.
// A list's first posting is allocated alone.
func (pl *postingList) add(slot uint32, q uint8, width int) {
	if n := len(pl.data); n+width > cap(pl.data) {
		live := pl.live()
		switch {
		case len(live) == 0:
			// Most terms of Chinese text are in one entry: the first
			// posting gets an allocation of its own size, which the
			// runtime packs with others that small, not room for more.
			pl.setData(make([]byte, 0, width))
		case int(pl.start) >= 4*width && 2*len(live) >= cap(pl.data):
			pl.setData(pl.data[:copy(pl.data, live)])
		default:
			data := make([]byte, len(live), len(live)+len(live)/8+4*width)
			copy(data, live)
			pl.setData(data)
		}
	}
	if width == 3 {
		pl.data = binary.LittleEndian.AppendUint16(pl.data, uint16(slot))
	} else {
		pl.data = binary.LittleEndian.AppendUint32(pl.data, slot)
	}
	pl.data = append(pl.data, q)
}

// remove drops the entry in slot, if the list holds it. The entry
// forgotten for being the oldest is found at once, at the front, and
// dropped without copying (the rest is moved when the list is next full).
func (pl *postingList) remove(slot uint32, width int) {
	for i := range pl.len(width) {
		if s, _ := pl.at(i, width); s == slot {
			at := int(pl.start) + i*width
			if i == 0 && at+width <= math.MaxUint16 {
				pl.start += uint16(width)
			} else {
				pl.data = append(pl.data[:at], pl.data[at+width:]...)
			}
			return
		}
	}
}
