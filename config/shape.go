package config

import (
	"fmt"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// checkShape compares a YAML node with the Go type it is to be decoded
// into, and reports, in YAML's terms and with the line, every key the type
// does not have (suggesting the one probably meant), every key given twice
// and every value of the wrong kind ("expected a list, got a string"). The
// decoder's own messages name Go types ("cannot unmarshal !!str into
// []string"), which mean nothing to a person editing a config.
//
// Whatever is wrong is taken out of the tree (a bad key or list item
// removed, a bad value emptied), so that the rest can still be decoded and
// checked, and every problem reported in one pass. It returns false when n
// itself is of the wrong kind and must go.
func checkShape(n *yaml.Node, t reflect.Type, path string, errs *Error) bool {
	for n.Kind == yaml.AliasNode {
		n = n.Alias
	}
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return true // an empty value leaves the default
	}
	if t == reflect.TypeFor[Duration]() {
		return expectKind(n, yaml.ScalarNode, "a duration like 15m or 90d", path, errs)
	}
	switch t.Kind() {
	case reflect.Struct:
		if !expectKind(n, yaml.MappingNode, "a mapping of keys to values", path, errs) {
			return false
		}
		fields := yamlFields(t)
		seen := map[string]int{}
		kept := n.Content[:0:0]
		for i := 0; i+1 < len(n.Content); i += 2 {
			key, value := n.Content[i], n.Content[i+1]
			if first, dup := seen[key.Value]; dup {
				errs.add(key.Line, "%s is given twice (first on line %d)", describeKey(path, key.Value), first)
				continue
			}
			seen[key.Value] = key.Line
			f, known := fields[key.Value]
			if !known {
				errs.add(key.Line, "unknown key %s%s", describeKey(path, key.Value), suggest(key.Value, fields))
				continue
			}
			if !checkShape(value, f.Type, join(path, key.Value), errs) {
				continue
			}
			kept = append(kept, key, value)
		}
		n.Content = kept
		return true
	case reflect.Map:
		if !expectKind(n, yaml.MappingNode, "a mapping of keys to values", path, errs) {
			return false
		}
		kept := n.Content[:0:0]
		for i := 0; i+1 < len(n.Content); i += 2 {
			if checkShape(n.Content[i+1], t.Elem(), join(path, n.Content[i].Value), errs) {
				kept = append(kept, n.Content[i], n.Content[i+1])
			}
		}
		n.Content = kept
		return true
	case reflect.Slice:
		if !expectKind(n, yaml.SequenceNode, "a list", path, errs) {
			return false
		}
		kept := n.Content[:0:0]
		for i, item := range n.Content {
			if checkShape(item, t.Elem(), fmt.Sprintf("%s[%d]", path, i), errs) {
				kept = append(kept, item)
			}
		}
		n.Content = kept
		return true
	case reflect.String:
		return expectKind(n, yaml.ScalarNode, "a single value", path, errs)
	case reflect.Int, reflect.Int64:
		if !expectKind(n, yaml.ScalarNode, "a whole number", path, errs) {
			return false
		}
		if _, err := strconv.ParseInt(strings.ReplaceAll(n.Value, "_", ""), 0, 64); err != nil || n.ShortTag() != "!!int" {
			errs.add(n.Line, "%s: expected a whole number, got %q", path, n.Value)
			return false
		}
		return true
	case reflect.Bool:
		if !expectKind(n, yaml.ScalarNode, "true or false", path, errs) {
			return false
		}
		if n.ShortTag() != "!!bool" {
			errs.add(n.Line, "%s: expected true or false, got %q", path, n.Value)
			return false
		}
		return true
	}
	return true
}

// expectKind reports a value that is not of kind, in words.
func expectKind(n *yaml.Node, kind yaml.Kind, want, path string, errs *Error) bool {
	if n.Kind == kind {
		return true
	}
	errs.add(n.Line, "%s: expected %s, got %s", path, want, describeNode(n))
	return false
}

// describeNode says what a node is, as a person reading YAML sees it.
func describeNode(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "a mapping of keys to values"
	case yaml.SequenceNode:
		return "a list"
	}
	switch n.ShortTag() {
	case "!!int", "!!float":
		return "the number " + n.Value
	case "!!bool":
		return n.Value
	}
	return fmt.Sprintf("the text %q", n.Value)
}

// yamlFields maps the YAML keys of struct type t to its fields.
func yamlFields(t reflect.Type) map[string]reflect.StructField {
	out := map[string]reflect.StructField{}
	for i := range t.NumField() {
		f := t.Field(i)
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" || !f.IsExported() {
			continue
		}
		out[name] = f
	}
	return out
}

// Keys returns every key path the loader accepts ("fetch.timeout",
// "sources[].url", "categories.aliases.*"), sorted: the JSON Schema is
// tested against it so that the two cannot drift apart.
func Keys() []string {
	var out []string
	var walk func(t reflect.Type, prefix string)
	walk = func(t reflect.Type, prefix string) {
		for t.Kind() == reflect.Pointer {
			t = t.Elem()
		}
		switch {
		case t == reflect.TypeFor[Duration]():
		case t.Kind() == reflect.Struct:
			for name, f := range yamlFields(t) {
				key := join(prefix, name)
				out = append(out, key)
				walk(f.Type, key)
			}
		case t.Kind() == reflect.Slice:
			walk(t.Elem(), prefix+"[]")
		case t.Kind() == reflect.Map:
			walk(t.Elem(), prefix+".*")
		}
	}
	walk(reflect.TypeFor[Config](), "")
	sort.Strings(out)
	return out
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func describeKey(path, key string) string {
	if path == "" {
		return "`" + key + "`"
	}
	return fmt.Sprintf("`%s` in %s", key, path)
}

// suggest returns " (did you mean `x`?)" for the known key closest to an
// unknown one, when it is close enough to be a typo, else a list of the
// known keys.
func suggest(key string, fields map[string]reflect.StructField) string {
	best, bestDist := "", len(key)
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if d := editDistance(strings.ToLower(key), name); d < bestDist {
			best, bestDist = name, d
		}
	}
	if best != "" && bestDist <= max(2, len(key)/3) {
		return fmt.Sprintf(" (did you mean `%s`?)", best)
	}
	return " (known keys: " + strings.Join(names, ", ") + ")"
}

// editDistance is the Levenshtein distance between a and b, in bytes.
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
