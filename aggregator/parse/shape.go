package parse

import (
	"bytes"
	"fmt"
)

// Limits on the shape of a document, checked before gofeed sees it. gofeed
// builds a tree of every element it meets (extension elements included),
// recursively: a 4 MB feed of 800,000 nested elements cost 1.2 GB, and
// 2,000,000 levels overflowed the stack. Real feeds stay far below these:
// the deepest of the 2,111 files of ../shared/corpus nests 11 elements and
// the largest holds between 256 and 512; a 4 MB feed of XHTML at 40 bytes
// an element would still pass.
const (
	MaxDepth    = 256
	MaxElements = 100_000
)

// checkShape scans an XML document or a JSON value and refuses one nested
// deeper than maxDepth or, for XML, holding more than maxElements elements.
// It is a cheap lexical scan, not a parser: it only has to see what a
// parser would build.
func checkShape(b []byte, maxDepth, maxElements int) error {
	if isXML(b) {
		return checkXMLShape(b, maxDepth, maxElements)
	}
	return checkJSONDepth(b, maxDepth)
}

func checkXMLShape(b []byte, maxDepth, maxElements int) error {
	depth, elements := 0, 0
	for i := 0; i < len(b); i++ {
		if b[i] != '<' {
			continue
		}
		rest := b[i:]
		switch {
		case bytes.HasPrefix(rest, []byte("<!--")):
			i = skipPast(b, i, "-->")
		case bytes.HasPrefix(rest, []byte("<![CDATA[")):
			i = skipPast(b, i, "]]>")
		case bytes.HasPrefix(rest, []byte("<?")):
			i = skipPast(b, i, "?>")
		case bytes.HasPrefix(rest, []byte("<!")):
			i = skipPast(b, i, ">")
		case bytes.HasPrefix(rest, []byte("</")):
			depth = max(depth-1, 0)
			i = skipPast(b, i, ">")
		default:
			end := tagEnd(b, i)
			elements++
			if elements > maxElements {
				return fmt.Errorf("the document has more than %d elements", maxElements)
			}
			if end > i && b[end-1] != '/' {
				depth++
				if depth > maxDepth {
					return fmt.Errorf("the document nests elements more than %d deep", maxDepth)
				}
			}
			i = end
		}
	}
	return nil
}

// tagEnd returns the index of the ">" closing the start tag at b[i],
// skipping quoted attribute values, or len(b)-1 when there is none.
func tagEnd(b []byte, i int) int {
	var quote byte
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case quote != 0:
			if c == quote {
				quote = 0
			}
		case c == '"' || c == '\'':
			quote = c
		case c == '>':
			return j
		}
	}
	return len(b) - 1
}

// skipPast returns the index of the last byte of the first end after b[i],
// or len(b)-1 when there is none.
func skipPast(b []byte, i int, end string) int {
	j := bytes.Index(b[i+1:], []byte(end))
	if j < 0 {
		return len(b) - 1
	}
	return i + 1 + j + len(end) - 1
}

func checkJSONDepth(b []byte, maxDepth int) error {
	depth := 0
	inString := false
	for i := 0; i < len(b); i++ {
		c := b[i]
		switch {
		case inString:
			if c == '\\' {
				i++
			} else if c == '"' {
				inString = false
			}
		case c == '"':
			inString = true
		case c == '{' || c == '[':
			depth++
			if depth > maxDepth {
				return fmt.Errorf("the document nests values more than %d deep", maxDepth)
			}
		case c == '}' || c == ']':
			depth = max(depth-1, 0)
		}
	}
	return nil
}
