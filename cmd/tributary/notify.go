package main

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
	"time"

	sd "github.com/coreos/go-systemd/v22/daemon"
	"golang.org/x/sys/unix"
)

// serviceManager speaks systemd's notify protocol (sd_notify(3)) when the
// daemon runs as a Type=notify service, and does nothing otherwise
// (NOTIFY_SOCKET unset).
type serviceManager struct {
	log *slog.Logger
	// watchdog is how often systemd expects WATCHDOG=1 (WatchdogSec), 0
	// when it does not.
	watchdog time.Duration
}

func newServiceManager(log *slog.Logger) *serviceManager {
	every, err := sd.SdWatchdogEnabled(false)
	if err != nil {
		log.Warn("systemd watchdog", "err", err)
	}
	return &serviceManager{log: log, watchdog: every}
}

// notify sends states, one per line; a failure is logged, never fatal.
func (m *serviceManager) notify(states ...string) {
	if _, err := sd.SdNotify(false, strings.Join(states, "\n")); err != nil {
		m.log.Warn("systemd notify", "err", err)
	}
}

// ready says the daemon serves (the database is open, the listener up), or
// that a reload is over.
func (m *serviceManager) ready(status string) {
	m.notify(sd.SdNotifyReady, "STATUS="+status)
}

// reloading says a reload began; systemd waits for the next ready.
func (m *serviceManager) reloading() {
	m.notify(sd.SdNotifyReloading, fmt.Sprintf("MONOTONIC_USEC=%d", monotonicMicros()))
}

func (m *serviceManager) stopping() { m.notify(sd.SdNotifyStopping, "STATUS=stopping") }

func (m *serviceManager) status(s string) { m.notify("STATUS=" + s) }

// keepAlive sends WATCHDOG=1 twice per watchdog interval for as long as
// alive says the daemon works, until ctx ends. When alive fails, the pings
// stop and systemd restarts the service once the interval passes.
func (m *serviceManager) keepAlive(ctx context.Context, alive func(context.Context) error) {
	if m.watchdog <= 0 {
		return
	}
	t := time.NewTicker(m.watchdog / 2)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		check, cancel := context.WithTimeout(ctx, m.watchdog/2)
		err := alive(check)
		cancel()
		if err != nil {
			if ctx.Err() == nil {
				m.log.Error("watchdog: not alive, no longer telling systemd so", "err", err)
			}
			continue
		}
		m.notify(sd.SdNotifyWatchdog)
	}
}

// monotonicMicros is CLOCK_MONOTONIC in microseconds, which systemd
// compares with a reload's start.
func monotonicMicros() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return 0
	}
	return ts.Sec*1_000_000 + ts.Nsec/1000
}
