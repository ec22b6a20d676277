package config

import (
	"bytes"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

// Problem is one thing wrong with a config file.
type Problem struct {
	Line int // 1-based; 0 when the problem has no single line
	Msg  string
}

// Error lists every problem found in one config file. Its message has one
// "file:line: reason" line per problem.
type Error struct {
	File     string
	Problems []Problem
}

func (e *Error) Error() string {
	var b strings.Builder
	for i, p := range e.Problems {
		if i > 0 {
			b.WriteByte('\n')
		}
		if p.Line > 0 {
			fmt.Fprintf(&b, "%s:%d: %s", e.File, p.Line, p.Msg)
		} else {
			fmt.Fprintf(&b, "%s: %s", e.File, p.Msg)
		}
	}
	return b.String()
}

func (e *Error) add(line int, format string, args ...any) {
	e.Problems = append(e.Problems, Problem{Line: line, Msg: fmt.Sprintf(format, args...)})
}

// yamlLine matches the "line N: " that yaml.v3 puts in its messages.
var yamlLine = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)$`)

// addYAML records a message from the YAML decoder, moving its line number
// into the Problem.
func (e *Error) addYAML(msg string) {
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		n, _ := strconv.Atoi(m[1])
		e.add(n, "%s", m[2])
		return
	}
	e.add(0, "%s", strings.TrimPrefix(msg, "yaml: "))
}

// sort orders the problems by line, so that a person can fix them from the
// top of the file down.
func (e *Error) sort() {
	sort.SliceStable(e.Problems, func(i, j int) bool { return e.Problems[i].Line < e.Problems[j].Line })
}

// addSyntax records a YAML syntax error. A tab in the indentation is the
// commonest cause and yaml.v3 does not always say so.
func (e *Error) addSyntax(msg string, data []byte) {
	m := yamlLine.FindStringSubmatch(msg)
	if m == nil {
		e.add(0, "%s", strings.TrimPrefix(msg, "yaml: "))
		return
	}
	n, _ := strconv.Atoi(m[1])
	if hasIndentTab(data, n) || strings.Contains(m[2], "tab character") {
		e.add(n, "tabs are not allowed for indentation in YAML: indent with spaces")
		return
	}
	e.add(n, "YAML syntax: %s", m[2])
}

// hasIndentTab reports whether line n (1-based) of data, or the line before
// it, has a tab in its leading white space.
func hasIndentTab(data []byte, n int) bool {
	lines := bytes.Split(data, []byte("\n"))
	for _, i := range []int{n - 1, n - 2} {
		if i >= 0 && i < len(lines) {
			lead := lines[i][:len(lines[i])-len(bytes.TrimLeft(lines[i], " \t"))]
			if bytes.IndexByte(lead, '\t') >= 0 {
				return true
			}
		}
	}
	return false
}
