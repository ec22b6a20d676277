package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// deploy/tributary.service passes `systemd-analyze verify` (Debian package
// systemd; .ci/run installs it), with its binary path pointed at a freshly
// built binary, since verify checks that the commands exist.
func TestSystemdUnitVerifies(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary")
	}
	analyze, err := exec.LookPath("systemd-analyze")
	if err != nil {
		t.Skip("systemd-analyze is not installed (Debian package systemd; .ci/run installs it)")
	}
	unit, err := os.ReadFile(filepath.Join("..", "..", "deploy", "tributary.service"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	bin := buildBinary(t, dir)
	text := strings.ReplaceAll(string(unit), "/usr/local/bin/tributary", bin)
	for _, want := range []string{"Type=notify", "ExecReload=" + bin + " reload", "WatchdogSec=", "DynamicUser=yes",
		"StateDirectory=tributary", "ConfigurationDirectory=tributary", "EnvironmentFile=-", "ProtectSystem=strict",
		"NoNewPrivileges=yes", "RestrictAddressFamilies=", "SystemCallFilter=@system-service", "MemoryMax="} {
		if !strings.Contains(text, want) {
			t.Errorf("the unit lacks %q", want)
		}
	}
	path := filepath.Join(dir, "tributary.service")
	if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(analyze, "verify", path).CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Errorf("systemd-analyze verify: %v\n%s", err, out)
	}
}
