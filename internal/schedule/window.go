package schedule

import (
	"fmt"
	"strings"
	"time"
)

// windowForm is shown in ParseWindow errors.
const windowForm = `want "CRON +DURATION", e.g. "0 22 * * 1-5 +4h"`

// Window is an allow window in the style of Argo CD sync windows: a cron
// schedule marking when it opens plus how long it stays open. The zero
// Window is never open; build windows with ParseWindow.
type Window struct {
	opens    Schedule
	duration time.Duration
}

// ParseWindow parses "CRON +DURATION": a schedule as Parse accepts it
// (except "@every"), white space, a plus sign and a positive Go duration.
// "0 22 * * 1-5 +4h" opens at 22:00 Monday to Friday for four hours;
// "CRON_TZ=Europe/Berlin 0 1 * * * +90m" opens at 01:00 Berlin time for
// an hour and a half.
func ParseWindow(s string) (Window, error) {
	s = strings.TrimSpace(s)
	i := strings.LastIndexAny(s, " \t")
	switch {
	case i < 0 && strings.HasPrefix(s, "+"):
		return Window{}, fmt.Errorf("invalid window %q (%s): missing CRON", s, windowForm)
	case i < 0 || !strings.HasPrefix(s[i+1:], "+"):
		return Window{}, fmt.Errorf("invalid window %q (%s): missing +DURATION", s, windowForm)
	}
	expr, text := strings.TrimSpace(s[:i]), s[i+2:]
	d, err := time.ParseDuration(text)
	if err != nil {
		return Window{}, fmt.Errorf("invalid window %q (%s): %w", s, windowForm, err)
	}
	if d <= 0 {
		return Window{}, fmt.Errorf("invalid window %q (%s): duration %s must be positive", s, windowForm, d)
	}
	opens, err := Parse(expr)
	if err != nil {
		return Window{}, fmt.Errorf("invalid window %q (%s): %w", s, windowForm, err)
	}
	if _, ok := opens.(interval); ok {
		return Window{}, fmt.Errorf("invalid window %q (%s): @every has no fixed opening times", s, windowForm)
	}
	return Window{opens: opens, duration: d}, nil
}

// Contains reports whether the window is open at t, that is whether it
// opened at some a with a <= t < a+duration.
func (w Window) Contains(t time.Time) bool {
	if w.opens == nil {
		return false
	}
	// The first opening after t-duration is the latest one that could
	// still be open; Next is strictly after its argument, so an opening
	// exactly duration before t has closed.
	a := w.opens.Next(t.Add(-w.duration))
	return !a.IsZero() && !a.After(t)
}

// NextOpen returns t if the window is open at t, else the time it next
// opens, or the zero time if it does not open within five years.
func (w Window) NextOpen(t time.Time) time.Time {
	if w.opens == nil {
		return time.Time{}
	}
	if w.Contains(t) {
		return t
	}
	return w.opens.Next(t)
}

// String returns the window in the form ParseWindow accepts.
func (w Window) String() string {
	if w.opens == nil {
		return ""
	}
	return w.opens.String() + " +" + formatDuration(w.duration)
}

// Windows is a set of allow windows. An empty set is always open.
type Windows []Window

// ParseWindows parses each of specs with ParseWindow.
func ParseWindows(specs []string) (Windows, error) {
	ws := make(Windows, 0, len(specs))
	for _, s := range specs {
		w, err := ParseWindow(s)
		if err != nil {
			return nil, err
		}
		ws = append(ws, w)
	}
	return ws, nil
}

// Open reports whether changes may be applied at t: ws is empty or one of
// its windows contains t.
func (ws Windows) Open(t time.Time) bool {
	if len(ws) == 0 {
		return true
	}
	for _, w := range ws {
		if w.Contains(t) {
			return true
		}
	}
	return false
}

// NextOpen returns t if ws is open at t, else the earliest time one of its
// windows opens, or the zero time if none opens within five years.
func (ws Windows) NextOpen(t time.Time) time.Time {
	if ws.Open(t) {
		return t
	}
	var next time.Time
	for _, w := range ws {
		n := w.NextOpen(t)
		if !n.IsZero() && (next.IsZero() || n.Before(next)) {
			next = n
		}
	}
	return next
}
