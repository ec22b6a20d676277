// Package evalset reads the topic-labelled news of ../shared/evalsets, which
// the duplicate and related-entry evaluations measure against. The sets stay
// where they are: they are read from there and never copied into the repo.
package evalset

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"testing"
)

// Article is one labelled item of a set.
type Article struct {
	ID    string `json:"id"`
	Label string `json:"label"`
	Title string `json:"title"`
	Text  string `json:"text"`
}

// Load reads the set name (such as "en_dev.jsonl") from the evalsets
// directory found by walking up from dir to a "shared" sibling of the
// repository. An error wrapping os.ErrNotExist means the sets are absent.
func Load(dir, name string) ([]Article, error) {
	path, err := find(dir, name)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	var out []Article
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for n := 1; sc.Scan(); n++ {
		var a Article
		if err := json.Unmarshal(sc.Bytes(), &a); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", path, n, err)
		}
		out = append(out, a)
	}
	return out, sc.Err()
}

func find(dir, name string) (string, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	for d := abs; ; d = filepath.Dir(d) {
		p := filepath.Join(d, "shared", "evalsets", name)
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
		if filepath.Dir(d) == d {
			return "", fmt.Errorf("evalset %s: %w", name, os.ErrNotExist)
		}
	}
}

// ForTest loads the set name for a test or benchmark run in dir ".", and
// skips it, saying why, when the sets are absent.
func ForTest(tb testing.TB, name string) []Article {
	tb.Helper()
	items, err := Load(".", name)
	if errors.Is(err, os.ErrNotExist) {
		tb.Skipf("evalset absent (../shared/evalsets is not on this machine): %v", err)
	}
	if err != nil {
		tb.Fatal(err)
	}
	return items
}
