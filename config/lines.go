package config

import "go.yaml.in/yaml/v3"

// lineOf returns the line of the value at path in a YAML document, where each
// path element is a mapping key (string) or a sequence index (int). When the
// path does not exist fully, it returns the line of the deepest part that
// does, so that a missing key is reported where its parent is.
func lineOf(doc *yaml.Node, path ...any) int {
	n := doc
	if n == nil {
		return 0
	}
	if n.Kind == yaml.DocumentNode && len(n.Content) > 0 {
		n = n.Content[0]
	}
	line := n.Line
	for _, p := range path {
		next := child(n, p)
		if next == nil {
			return line
		}
		n, line = next, next.Line
	}
	return line
}

func child(n *yaml.Node, p any) *yaml.Node {
	switch key := p.(type) {
	case string:
		if n.Kind != yaml.MappingNode {
			return nil
		}
		for i := 0; i+1 < len(n.Content); i += 2 {
			if n.Content[i].Value == key {
				return n.Content[i+1]
			}
		}
	case int:
		if n.Kind == yaml.SequenceNode && key < len(n.Content) {
			return n.Content[key]
		}
	}
	return nil
}
