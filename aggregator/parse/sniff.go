package parse

import (
	"github.com/saintfish/chardet"
)

// sniffLimit is how much of a body the detector reads.
const sniffLimit = 64 << 10

// sniff guesses the encoding of a body that declares none and is not UTF-8,
// with ICU's detector (saintfish/chardet). ICU knows no Thai, so Thai text
// in TIS-620 is recognised here by its bytes. The fallback is windows-1252,
// which decodes anything.
func sniff(body []byte) string {
	if len(body) > sniffLimit {
		body = body[:sniffLimit]
	}
	best, err := chardet.NewTextDetector().DetectBest(body)
	if err != nil {
		return "windows-1252"
	}
	switch best.Charset {
	case "ISO-8859-1", "windows-1252":
		// ICU's answer when it recognises nothing better.
		if best.Confidence < 50 && looksThai(body) {
			return "windows-874"
		}
		return "windows-1252"
	case "GB-18030":
		return "gb18030"
	}
	return best.Charset
}

// looksThai reports whether the high bytes of b are mostly TIS-620 Thai
// consonants (0xA1–0xCE), which in Latin-1 would be a text of capitals with
// accents and symbols, in long runs.
func looksThai(b []byte) bool {
	high, thai, runs := 0, 0, 0
	inRun := false
	for _, c := range b {
		if c < 0x80 {
			inRun = false
			continue
		}
		high++
		if c >= 0xA1 && c <= 0xCE {
			thai++
		}
		if !inRun {
			runs++
			inRun = true
		}
	}
	return high >= 8 && thai*10 >= high*4 && high >= runs*4
}
