package store_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/tributary/tributary/aggregator/store"
)

// TestPragmas reads back what each connection pool runs with. The driver
// applies a DSN's pragmas in sorted order: a cache_size given twice once
// left the writer at 2 MB while the code said 16.
func TestPragmas(t *testing.T) {
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "t.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	for _, tt := range []struct {
		writer      bool
		name, value string
	}{
		{true, "cache_size", "-2000"},
		{false, "cache_size", "-128"},
		{true, "journal_mode", "wal"},
		{false, "journal_mode", "wal"},
		{true, "foreign_keys", "1"},
		{true, "synchronous", "1"}, // NORMAL
		{false, "synchronous", "1"},
		{true, "busy_timeout", "5000"},
		{false, "busy_timeout", "5000"},
		{true, "query_only", "0"},
		{false, "query_only", "1"},
	} {
		got, err := store.Pragma(st, tt.writer, tt.name)
		if err != nil {
			t.Fatal(err)
		}
		if got != tt.value {
			pool := "reader"
			if tt.writer {
				pool = "writer"
			}
			t.Errorf("%s: PRAGMA %s = %s, want %s", pool, tt.name, got, tt.value)
		}
	}
}
