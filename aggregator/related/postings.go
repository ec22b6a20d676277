package related

import (
	"encoding/binary"
	"math/bits"
)

// postingList holds the entries that have one term: each is its slot and
// its quantized weight, packed together into width bytes (a 2- or 4-byte
// slot, little-endian, then the weight). An index of at most 65,535 slots,
// the usual case, has 2-byte slots: 3 bytes a posting rather than the 5 of
// a 4-byte slot, and one slice rather than two (postings are most of the
// index's memory).
//
// A term in more than maxDocFreq entries is never walked by a query, so
// when it is in more than dropDocFreq its postings are dropped and it is
// common: data then holds one bit per slot, set for the entries that have
// the term, so that forgetting them counts it down, and meanQ holds the
// mean of the dropped weights. When the count falls back to maxDocFreq,
// the postings are made again from the bits, each with the mean weight:
// the one way in which a query may walk other postings than if none had
// been dropped. On long texts these few hundred words hold more than half
// of all postings.
type postingList struct {
	data   []byte
	df     int32 // entries with the term
	meanQ  uint8 // common: the mean quantized weight of the dropped postings
	common bool  // postings dropped: df went over dropDocFreq and is still over maxDocFreq
}

// postingWidth returns the bytes a posting takes in an index whose slots
// are all below slots (0: no bound).
func postingWidth(slots int) int {
	if slots > 0 && slots <= 1<<16 {
		return 3
	}
	return 5
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

// add appends an entry. A full list grows by an eighth, not by append's
// quarter to double. A list's first posting is allocated alone.
func (pl *postingList) add(slot uint32, q uint8, width int) {
	if n := len(pl.data); n+width > cap(pl.data) {
		if n == 0 {
			// Most terms of Chinese text are in one entry: the first
			// posting gets an allocation of its own size, which the
			// runtime packs with others that small, not room for more.
			pl.data = make([]byte, 0, width)
		} else {
			data := make([]byte, n, n+n/8+4*width)
			copy(data, pl.data)
			pl.data = data
		}
	}
	if width == 3 {
		pl.data = binary.LittleEndian.AppendUint16(pl.data, uint16(slot))
	} else {
		pl.data = binary.LittleEndian.AppendUint32(pl.data, slot)
	}
	pl.data = append(pl.data, q)
}

// drop takes out the postings of the slots set in dead (a bit per slot)
// and returns how many it took. A list left with less than half its array
// is moved to a smaller one. Most lists lose nothing in a sweep, and are
// only read.
func (pl *postingList) drop(dead []uint64, width int) int {
	d := pl.data
	isDead := func(i int) bool {
		slot, _ := unpack(d[i:], width)
		return dead[slot/64]&(1<<(slot%64)) != 0
	}
	i := 0
	for i < len(d) && !isDead(i) {
		i += width
	}
	if i == len(d) {
		return 0
	}
	kept := i
	for ; i < len(d); i += width {
		if !isDead(i) {
			kept += copy(d[kept:], d[i:i+width])
		}
	}
	dropped := (len(d) - kept) / width
	switch {
	case kept == 0:
		pl.data = nil
	case 2*kept < cap(d):
		pl.data = append(make([]byte, 0, kept+kept/8+width), d[:kept]...)
	default:
		pl.data = d[:kept]
	}
	return dropped
}

// makeCommon drops the list's postings, keeping a bit per slot that has
// the term and their mean weight, and adds the entry in slot.
func (pl *postingList) makeCommon(slot uint32, q uint8, width int) {
	sum, n, top := int(q), 1, slot
	for p := pl.data; len(p) >= width; p = p[width:] {
		s, w := unpack(p, width)
		sum, n, top = sum+int(w), n+1, max(top, s)
	}
	set := make([]byte, top/8+1)
	for p := pl.data; len(p) >= width; p = p[width:] {
		s, _ := unpack(p, width)
		set[s/8] |= 1 << (s % 8)
	}
	pl.data, pl.common, pl.meanQ = set, true, uint8((sum+n/2)/n)
	pl.mark(slot)
}

// mark sets the bit of slot in a common term's list.
func (pl *postingList) mark(slot uint32) {
	i := int(slot / 8)
	if i >= len(pl.data) {
		pl.data = append(pl.data, make([]byte, i+1-len(pl.data))...)
	}
	pl.data[i] |= 1 << (slot % 8)
}

// marked reports whether the bit of slot is set in a common term's list.
func (pl *postingList) marked(slot uint32) bool {
	i := int(slot / 8)
	return i < len(pl.data) && pl.data[i]&(1<<(slot%8)) != 0
}

// unmark clears the bit of slot in a common term's list.
func (pl *postingList) unmark(slot uint32) {
	if i := int(slot / 8); i < len(pl.data) {
		pl.data[i] &^= 1 << (slot % 8)
	}
}

// restore makes a common term's postings again from its bits, each with
// the mean weight of those dropped, in the order of the slots.
func (pl *postingList) restore(width int) {
	set, q := pl.data, pl.meanQ
	pl.data, pl.common, pl.meanQ = make([]byte, 0, int(pl.df)*width), false, 0
	for i, b := range set {
		for ; b != 0; b &= b - 1 {
			pl.add(uint32(i*8+bits.TrailingZeros8(b)), q, width)
		}
	}
}
