package config

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"
)

// FuzzParse: any bytes as a config give a Config or an *Error whose every
// problem names a line of the file, never a panic.
func FuzzParse(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("..", "config.example.yaml")); err == nil {
		f.Add(b)
	}
	for _, s := range []string{
		"sources:\n  - url: https://a.example/f\n",
		"title: ${HOME}\nsources: [{url: \"https://a.example/f\", schedule: \"@every -5m\"}]\n",
		"sources:\n\t- url: x\n",
		"a: &x [1, *x]\nsources: *x\n",
		"related: {max: 0, window: 0s}\nfetch: {max_redirects: 0}\nsources:\n  - url: blog.example.com/feed.xml\n",
		"schedule: \"CRON_TZ=Nowhere/Land 0 * * * *\"\nsources:\n  - {url: \"https://a.example/f \"}\n",
		"categories: {rules: [{category: x, regex: \"(\"}]}\nsources: [{url: \"file:///x\"}]\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		cfg, err := Parse("fuzz.yaml", data)
		if err == nil {
			if cfg == nil || len(cfg.Sources) == 0 {
				t.Fatalf("accepted a config with no sources: %q", data)
			}
			return
		}
		var cerr *Error
		if !errors.As(err, &cerr) || len(cerr.Problems) == 0 {
			t.Fatalf("error %v is not a list of problems", err)
		}
		// Lines as YAML (and editors) count them: CR, LF and CRLF, and
		// the Unicode line breaks that yaml.v3 also takes.
		text := bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n"))
		lines := 1
		for _, br := range []string{"\n", "\r", "\u0085", "\u2028", "\u2029"} {
			lines += bytes.Count(text, []byte(br))
		}
		for _, p := range cerr.Problems {
			if p.Line < 0 || p.Line > lines+1 {
				t.Fatalf("problem on line %d of a %d-line file: %s", p.Line, lines, p.Msg)
			}
		}
	})
}
