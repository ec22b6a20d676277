package config

import (
	"os"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

// envRef matches ${NAME}, and "$${" which writes a literal "${". The bare
// $NAME form is left alone so that regular expressions ending in $ survive.
var envRef = regexp.MustCompile(`\$\$\{|\$\{([A-Za-z_][A-Za-z0-9_]*)\}`)

// expandEnv replaces ${NAME} by the environment variable NAME in every
// scalar value of the parsed document (never in keys, never in the raw
// text, so that a value holding " #", a quote or a colon stays one value),
// reporting unset variables on their line. A plain scalar is typed again
// after substitution, so that `workers: ${WORKERS}` is a number.
func expandEnv(n *yaml.Node, errs *Error) {
	switch n.Kind {
	case yaml.DocumentNode, yaml.SequenceNode:
		for _, c := range n.Content {
			expandEnv(c, errs)
		}
	case yaml.MappingNode:
		for i := 0; i+1 < len(n.Content); i += 2 {
			expandEnv(n.Content[i+1], errs)
		}
	case yaml.ScalarNode:
		if !strings.Contains(n.Value, "${") {
			return
		}
		n.Value = envRef.ReplaceAllStringFunc(n.Value, func(ref string) string {
			if ref == "$${" {
				return "${"
			}
			name := ref[2 : len(ref)-1]
			v, ok := os.LookupEnv(name)
			if !ok {
				errs.add(n.Line, "environment variable %s is not set", name)
				return ref
			}
			return v
		})
		if n.Style&(yaml.DoubleQuotedStyle|yaml.SingleQuotedStyle|yaml.LiteralStyle|yaml.FoldedStyle) == 0 {
			n.Tag = "" // resolved again from the new value
		}
	}
}
