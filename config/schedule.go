package config

import (
	"fmt"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// cronParser accepts standard five-field specs and descriptors such as
// "@hourly" and "@every 15m".
var cronParser = cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)

// ParseSchedule parses a cron spec in loc. robfig/cron panics on some
// malformed specs (a bad "CRON_TZ=" prefix), so the panic is turned into an
// error here.
func ParseSchedule(spec string, loc *time.Location) (sched cron.Schedule, err error) {
	defer func() {
		if r := recover(); r != nil {
			sched, err = nil, fmt.Errorf("invalid cron spec %q", spec)
		}
	}()
	if d, ok := strings.CutPrefix(strings.TrimSpace(spec), "@every "); ok {
		// robfig/cron turns a zero or negative interval into one second.
		if every, err := time.ParseDuration(strings.TrimSpace(d)); err == nil && every <= 0 {
			return nil, fmt.Errorf("invalid cron spec %q: the interval must be positive", spec)
		}
	}
	sched, err = cronParser.Parse(spec)
	if err != nil {
		return nil, fmt.Errorf("invalid cron spec %q: %v", spec, err)
	}
	if s, ok := sched.(*cron.SpecSchedule); ok && s.Location == time.Local {
		s.Location = loc
	}
	return sched, nil
}
