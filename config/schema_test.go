package config

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"go.yaml.in/yaml/v3"
)

const schemaPath = "../config.schema.json"

func compileSchema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	c := jsonschema.NewCompiler()
	s, err := c.Compile(schemaPath)
	if err != nil {
		t.Fatalf("compile %s: %v", schemaPath, err)
	}
	return s
}

// yamlToJSON turns a YAML document into the JSON value the schema checks.
func yamlToJSON(t *testing.T, data []byte) any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(data, &v); err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	out, err := jsonschema.UnmarshalJSON(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestSchemaAcceptsTheExampleConfig(t *testing.T) {
	s := compileSchema(t)
	data, err := os.ReadFile(filepath.Join("..", "config.example.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Validate(yamlToJSON(t, data)); err != nil {
		t.Errorf("config.example.yaml does not validate against the schema: %v", err)
	}
	if _, err := Parse(filepath.Join("..", "config.example.yaml"), data); err != nil {
		t.Errorf("the loader refuses config.example.yaml: %v", err)
	}
}

// The schema and the loader agree on mistakes an editor should flag.
func TestSchemaRefusesWhatTheLoaderRefuses(t *testing.T) {
	s := compileSchema(t)
	for _, doc := range []string{
		"retension: 30d\nsources:\n  - url: https://a.example/f\n",
		"sources:\n  - url: https://a.example/f\n    colour: red\n",
		"sources:\n  - url: https://a.example/f\n    categories: tech\n",
		"items_per_feed: 0\nsources:\n  - url: https://a.example/f\n",
		"retention: soon\nsources:\n  - url: https://a.example/f\n",
		"future_dates: later\nsources:\n  - url: https://a.example/f\n",
		"fetch:\n  max_redirect: 2\nsources:\n  - url: https://a.example/f\n",
		"title: x\n",
	} {
		if err := s.Validate(yamlToJSON(t, []byte(doc))); err == nil {
			t.Errorf("the schema accepts:\n%s", doc)
		}
		if _, err := Parse("c.yaml", []byte(doc)); err == nil {
			t.Errorf("the loader accepts:\n%s", doc)
		}
	}
}

// Every key the loader accepts is in the schema, and no other: the two
// cannot drift apart.
func TestSchemaHasExactlyTheLoadersKeys(t *testing.T) {
	raw, err := os.ReadFile(schemaPath)
	if err != nil {
		t.Fatal(err)
	}
	var root map[string]any
	if err := json.Unmarshal(raw, &root); err != nil {
		t.Fatal(err)
	}
	defs, _ := root["$defs"].(map[string]any)
	var keys []string
	var walk func(node map[string]any, prefix string)
	walk = func(node map[string]any, prefix string) {
		if ref, ok := node["$ref"].(string); ok {
			walk(defs[strings.TrimPrefix(ref, "#/$defs/")].(map[string]any), prefix)
			return
		}
		if props, ok := node["properties"].(map[string]any); ok {
			for name, p := range props {
				key := join(prefix, name)
				keys = append(keys, key)
				walk(p.(map[string]any), key)
			}
		}
		if items, ok := node["items"].(map[string]any); ok {
			walk(items, prefix+"[]")
		}
		if extra, ok := node["additionalProperties"].(map[string]any); ok {
			walk(extra, prefix+".*")
		}
	}
	walk(root, "")
	sort.Strings(keys)
	want := Keys()
	if strings.Join(keys, "\n") != strings.Join(want, "\n") {
		t.Errorf("schema keys and loader keys differ:\nschema only: %v\nloader only: %v", minus(keys, want), minus(want, keys))
	}
}

func minus(a, b []string) []string {
	in := map[string]bool{}
	for _, s := range b {
		in[s] = true
	}
	var out []string
	for _, s := range a {
		if !in[s] {
			out = append(out, s)
		}
	}
	return out
}
