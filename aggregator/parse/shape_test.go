package parse

import (
	"strings"
	"testing"
)

func TestCheckShape(t *testing.T) {
	nest := func(open, close string, n int) string {
		return strings.Repeat(open, n) + strings.Repeat(close, n)
	}
	tests := []struct {
		name string
		doc  string
		ok   bool
	}{
		{"flat feed", `<rss><channel><item><title>a</title></item></channel></rss>`, true},
		{"depth at the limit", nest("<a>", "</a>", 5), true},
		{"too deep", nest("<a>", "</a>", 6), false},
		{"too deep, namespaced", nest("<x:a>", "</x:a>", 6), false},
		{"self-closing does not nest", "<r>" + strings.Repeat("<a/>", 9) + "</r>", true},
		{"too many elements", "<r>" + strings.Repeat("<a/>", 10) + "</r>", false},
		{"markup in CDATA is text", `<r><![CDATA[` + nest("<a>", "</a>", 50) + `]]></r>`, true},
		{"markup in comments is text", `<r><!--` + nest("<a>", "</a>", 50) + `--></r>`, true},
		{"> in an attribute value", `<r><a title="x>y"><b/></a></r>`, true},
		{"declaration and doctype", `<?xml version="1.0"?><!DOCTYPE r><r/>`, true},
		{"unclosed elements count", strings.Repeat("<a>", 6), false},
		{"JSON shallow", `{"items":[{"title":"a [ { "}]}`, true},
		{"JSON too deep", nest("[", "]", 6), false},
		{"JSON brackets in strings", `{"a":"[[[[[[[[[[\"[[["}`, true},
	}
	for _, tt := range tests {
		err := checkShape([]byte(tt.doc), 5, 10)
		if (err == nil) != tt.ok {
			t.Errorf("%s: checkShape = %v, want ok=%v", tt.name, err, tt.ok)
		}
	}
}

// gofeed recursed once per nested extension element and died of a stack
// overflow at 2,000,000 levels; the check refuses such a feed at once.
func TestParseRefusesDeepNesting(t *testing.T) {
	body := `<?xml version="1.0"?><rss version="2.0" xmlns:x="urn:x"><channel><title>t</title><item><title>i</title>` +
		strings.Repeat("<x:a>", 300_000) + strings.Repeat("</x:a>", 300_000) + `</item></channel></rss>`
	_, err := Parse([]byte(body), "", "")
	if err == nil || !strings.Contains(err.Error(), "deep") {
		t.Fatalf("Parse = %v, want a refusal for nesting", err)
	}
}
