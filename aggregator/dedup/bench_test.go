package dedup

import (
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

// benchText is an entry's text as the load farm writes them: English and
// Chinese sentences mixed, about 1,500 characters.
var benchText = norm.NFKC.String(strings.Repeat("Closed version protocol festival storage rarely market investor climate release shipped slowly. "+
	"进一步，电池，计划与能源已经计划将本地是修复。Policy council plan climate feature framework team museum bug today. 持续把芯片将社区和机器人。", 6))

func BenchmarkSketch(b *testing.B) {
	b.SetBytes(int64(len(benchText)))
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := NewSketchNFKC(benchText); !ok {
			b.Fatal("too short")
		}
	}
}
