package schedule

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/robfig/cron/v3"
)

// Schedule says when cycles run.
type Schedule interface {
	// Next returns the first activation strictly after after, or the zero
	// time if there is none within five years.
	Next(after time.Time) time.Time
	// String returns the expression the schedule was built from.
	String() string
}

var (
	_ Schedule = cronSchedule{}
	_ Schedule = interval{}
)

// Parse parses a schedule expression: a standard 5-field cron expression
// ("*/5 * * * *"), a descriptor ("@hourly", "@daily", …), "@every 5m", each
// optionally prefixed with "CRON_TZ=Europe/Berlin " or "TZ=Europe/Berlin ".
// It accepts what cron.ParseStandard accepts, with three differences:
// surrounding white space is ignored; "@every" needs a positive duration
// and keeps it exact (robfig/cron rounds it to whole seconds, and turns
// zero or negative durations into one second); and an expression that
// never fires, such as "0 0 30 2 *", is an error.
func Parse(expr string) (Schedule, error) {
	expr = strings.TrimSpace(expr)
	spec, err := stripZone(expr)
	if err != nil {
		return nil, fmt.Errorf("invalid schedule %q: %w", expr, err)
	}
	s, err := cron.ParseStandard(expr)
	if err != nil {
		return nil, fmt.Errorf("invalid schedule %q: %w", expr, err)
	}
	if _, ok := s.(cron.ConstantDelaySchedule); ok {
		// ParseStandard has checked the duration already.
		d, _ := time.ParseDuration(strings.TrimPrefix(spec, "@every "))
		if d <= 0 {
			return nil, fmt.Errorf("invalid schedule %q: interval must be positive", expr)
		}
		return interval{d: d, expr: expr}, nil
	}
	// Every combination of fields fires within five years of 2000-01-01
	// (a leap year) unless it names a day no month has.
	if s.Next(time.Date(2000, time.January, 1, 0, 0, 0, 0, time.UTC)).IsZero() {
		return nil, fmt.Errorf("invalid schedule %q: never fires", expr)
	}
	return cronSchedule{s: s, expr: expr}, nil
}

// stripZone returns expr without its "CRON_TZ=Zone " or "TZ=Zone " prefix.
// It reports a prefix without a schedule after it, on which
// cron.ParseStandard would panic.
func stripZone(expr string) (string, error) {
	if !strings.HasPrefix(expr, "CRON_TZ=") && !strings.HasPrefix(expr, "TZ=") {
		return expr, nil
	}
	_, spec, ok := strings.Cut(expr, " ")
	if !ok {
		return "", fmt.Errorf("time zone prefix must be followed by a space and a schedule")
	}
	return strings.TrimSpace(spec), nil
}

// cronSchedule is a cron expression or descriptor parsed by robfig/cron.
type cronSchedule struct {
	s    cron.Schedule
	expr string
}

func (c cronSchedule) Next(after time.Time) time.Time { return c.s.Next(after) }
func (c cronSchedule) String() string                 { return c.expr }

// Every returns a schedule that fires d after the time given to Next.
// d must be positive. Its String is "@every D", which Parse accepts.
func Every(d time.Duration) (Schedule, error) {
	if d <= 0 {
		return nil, fmt.Errorf("invalid interval %s: must be positive", d)
	}
	return interval{d: d}, nil
}

// interval is a fixed delay between cycles.
type interval struct {
	d    time.Duration
	expr string // as given to Parse; empty when built by Every
}

func (i interval) Next(after time.Time) time.Time { return after.Add(i.d) }

func (i interval) String() string {
	if i.expr != "" {
		return i.expr
	}
	return "@every " + formatDuration(i.d)
}

// Jitter returns a random delay in [0, maxDelay) to add before a cycle, so
// that many reconcilers started together do not reach the git server at
// the same moment. It draws from rnd, which tests seed for repeatable
// results (rand.New(rand.NewPCG(1, 2))); a *rand.Rand is not safe for
// concurrent use. A nil rnd uses the math/rand/v2 global source. A
// maxDelay of zero or less gives 0.
func Jitter(maxDelay time.Duration, rnd *rand.Rand) time.Duration {
	if maxDelay <= 0 {
		return 0
	}
	if rnd == nil {
		return rand.N(maxDelay)
	}
	return time.Duration(rnd.Int64N(int64(maxDelay)))
}

// formatDuration is time.Duration.String without zero trailing units:
// 4h rather than 4h0m0s, 1h30m rather than 1h30m0s.
func formatDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}
