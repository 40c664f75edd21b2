package schedule

import (
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func mustWindow(t *testing.T, s string) Window {
	t.Helper()
	w, err := ParseWindow(s)
	if err != nil {
		t.Fatalf("ParseWindow(%q): %v", s, err)
	}
	return w
}

func TestParseWindow(t *testing.T) {
	const form = `(want "CRON +DURATION", e.g. "0 22 * * 1-5 +4h")`
	tests := []struct {
		name    string
		in      string
		want    string // String() of the result
		wantErr string
	}{
		{name: "weekday nights", in: "0 22 * * 1-5 +4h", want: "0 22 * * 1-5 +4h"},
		{name: "zone", in: "CRON_TZ=Europe/Berlin 0 1 * * * +90m", want: "CRON_TZ=Europe/Berlin 0 1 * * * +1h30m"},
		{name: "descriptor", in: "@daily +1h", want: "@daily +1h"},
		{name: "extra space", in: "  0 22 * * 1-5 \t +4h0m0s ", want: "0 22 * * 1-5 +4h"},
		{name: "seconds", in: "*/10 * * * * +30s", want: "*/10 * * * * +30s"},
		{
			name:    "empty",
			in:      "",
			wantErr: `invalid window "" ` + form + `: missing +DURATION`,
		},
		{
			name:    "no duration",
			in:      "0 22 * * 1-5",
			wantErr: `invalid window "0 22 * * 1-5" ` + form + `: missing +DURATION`,
		},
		{
			name:    "duration without plus",
			in:      "0 22 * * 1-5 4h",
			wantErr: `invalid window "0 22 * * 1-5 4h" ` + form + `: missing +DURATION`,
		},
		{
			name:    "no cron",
			in:      "+4h",
			wantErr: `invalid window "+4h" ` + form + `: missing CRON`,
		},
		{
			name:    "bad duration",
			in:      "0 22 * * 1-5 +4x",
			wantErr: `invalid window "0 22 * * 1-5 +4x" ` + form + `: time: unknown unit "x" in duration "4x"`,
		},
		{
			name:    "empty duration",
			in:      "0 22 * * 1-5 +",
			wantErr: `invalid window "0 22 * * 1-5 +" ` + form + `: time: invalid duration ""`,
		},
		{
			name:    "zero duration",
			in:      "0 22 * * 1-5 +0s",
			wantErr: `invalid window "0 22 * * 1-5 +0s" ` + form + `: duration 0s must be positive`,
		},
		{
			name:    "negative duration",
			in:      "0 22 * * 1-5 +-1h",
			wantErr: `invalid window "0 22 * * 1-5 +-1h" ` + form + `: duration -1h0m0s must be positive`,
		},
		{
			name:    "bad cron",
			in:      "0 22 * 1-5 +4h",
			wantErr: `invalid window "0 22 * 1-5 +4h" ` + form + `: invalid schedule "0 22 * 1-5": expected exactly 5 fields, found 4: [0 22 * 1-5]`,
		},
		{
			name:    "every",
			in:      "@every 1h +10m",
			wantErr: `invalid window "@every 1h +10m" ` + form + `: @every has no fixed opening times`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w, err := ParseWindow(tt.in)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseWindow(%q) = %v, want error %q", tt.in, w, tt.wantErr)
				}
				if got := err.Error(); got != tt.wantErr {
					t.Fatalf("ParseWindow(%q) error:\n got %s\nwant %s", tt.in, got, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseWindow(%q): %v", tt.in, err)
			}
			if got := w.String(); got != tt.want {
				t.Errorf("ParseWindow(%q).String() = %q, want %q", tt.in, got, tt.want)
			}
			// String round-trips.
			if again := mustWindow(t, w.String()); again.String() != w.String() {
				t.Errorf("ParseWindow(%q).String() = %q, want %q", w, again, w)
			}
		})
	}
}

func TestWindowContains(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	in := func(year int, month time.Month, day, hour, min, sec int) time.Time {
		return time.Date(year, month, day, hour, min, sec, 0, berlin)
	}
	// 2026-01-12 is a Monday.
	tests := []struct {
		name   string
		window string
		t      time.Time
		want   bool
	}{
		{"at opening", "0 22 * * 1-5 +4h", date(2026, 1, 12, 22, 0, 0), true},
		{"second before opening", "0 22 * * 1-5 +4h", date(2026, 1, 12, 21, 59, 59), false},
		{"nanosecond before opening", "0 22 * * 1-5 +4h", date(2026, 1, 12, 22, 0, 0).Add(-1), false},
		{"inside", "0 22 * * 1-5 +4h", date(2026, 1, 12, 23, 30, 0), true},
		{"past midnight", "0 22 * * 1-5 +4h", date(2026, 1, 13, 1, 0, 0), true},
		{"last nanosecond", "0 22 * * 1-5 +4h", date(2026, 1, 13, 2, 0, 0).Add(-1), true},
		{"at close", "0 22 * * 1-5 +4h", date(2026, 1, 13, 2, 0, 0), false},
		{"after close", "0 22 * * 1-5 +4h", date(2026, 1, 13, 12, 0, 0), false},
		{"friday night into saturday", "0 22 * * 1-5 +4h", date(2026, 1, 17, 1, 0, 0), true},
		{"no opening on saturday", "0 22 * * 1-5 +4h", date(2026, 1, 18, 1, 0, 0), false},
		{"no opening on sunday", "0 22 * * 1-5 +4h", date(2026, 1, 19, 1, 0, 0), false},

		// An opening every 10 minutes for an hour: always open.
		{"longer than period", "*/10 * * * * +1h", date(2026, 1, 12, 10, 5, 0), true},
		{"longer than period, on opening", "*/10 * * * * +1h", date(2026, 1, 12, 10, 10, 0), true},
		// Friday 22:00 for 72h reaches Monday 22:00, when Monday's window opens.
		{"weekend bridged", "0 22 * * 5 +72h", date(2026, 1, 18, 12, 0, 0), true},
		{"weekend bridged, end", "0 22 * * 5 +72h", date(2026, 1, 19, 21, 59, 59), true},
		{"weekend bridged, closed", "0 22 * * 5 +72h", date(2026, 1, 19, 22, 0, 0), false},
		{"weekend bridged, before", "0 22 * * 5 +72h", date(2026, 1, 16, 21, 0, 0), false},

		// 01:00 Berlin is 00:00 UTC in winter.
		{"zone at opening", "CRON_TZ=Europe/Berlin 0 1 * * * +90m", date(2026, 1, 15, 0, 0, 0), true},
		{"zone before opening", "CRON_TZ=Europe/Berlin 0 1 * * * +90m", date(2026, 1, 14, 23, 59, 59), false},
		{"zone before close", "CRON_TZ=Europe/Berlin 0 1 * * * +90m", date(2026, 1, 15, 1, 29, 59), true},
		{"zone at close", "CRON_TZ=Europe/Berlin 0 1 * * * +90m", date(2026, 1, 15, 1, 30, 0), false},
		{"zone, utc hour", "CRON_TZ=Europe/Berlin 0 1 * * * +90m", date(2026, 1, 15, 1, 0, 0), true},
		// …and 23:00 UTC the day before in summer.
		{"zone in summer", "CRON_TZ=Europe/Berlin 0 1 * * * +90m", date(2026, 7, 14, 23, 0, 0), true},
		{"zone in summer, utc 01:00", "CRON_TZ=Europe/Berlin 0 1 * * * +90m", date(2026, 7, 15, 1, 0, 0), false},
		// t's own location does not matter once a zone is given.
		{"zone, t elsewhere", "CRON_TZ=Europe/Berlin 0 1 * * * +90m", date(2026, 1, 15, 0, 30, 0).In(time.FixedZone("EST", -5*3600)), true},
		// Without a zone, fields are read in t's location.
		{"no zone, t in berlin", "0 1 * * * +90m", in(2026, 1, 15, 1, 0, 0), true},
		{"no zone, t in berlin, close", "0 1 * * * +90m", date(2026, 1, 15, 1, 30, 0).In(berlin), false},
		{"no zone, t in utc", "0 1 * * * +90m", date(2026, 1, 15, 0, 30, 0), false},

		// Spring forward, 2026-03-29: 02:00 CET becomes 03:00 CEST. Two hours
		// from 01:00 CET end at 04:00 CEST.
		{"spring forward, inside", "CRON_TZ=Europe/Berlin 0 1 * * * +2h", in(2026, 3, 29, 3, 59, 59), true},
		{"spring forward, closed", "CRON_TZ=Europe/Berlin 0 1 * * * +2h", in(2026, 3, 29, 4, 0, 0), false},
		// Fall back, 2026-10-25: 03:00 CEST becomes 02:00 CET. Two hours from
		// 01:00 CEST end at the second 02:00, in CET.
		{"fall back, first 02:30", "CRON_TZ=Europe/Berlin 0 1 * * * +2h", date(2026, 10, 25, 0, 30, 0), true},
		{"fall back, second 02:00", "CRON_TZ=Europe/Berlin 0 1 * * * +2h", date(2026, 10, 25, 1, 0, 0), false},
		// An opening in the skipped hour does not happen that day…
		{"skipped opening, day before", "CRON_TZ=Europe/Berlin 30 2 * * * +1h", in(2026, 3, 28, 3, 15, 0), true},
		{"skipped opening", "CRON_TZ=Europe/Berlin 30 2 * * * +1h", in(2026, 3, 29, 3, 15, 0), false},
		// …and one in the repeated hour happens twice, at 02:30 CEST and CET.
		{"repeated opening, first", "CRON_TZ=Europe/Berlin 30 2 * * * +30m", date(2026, 10, 25, 0, 45, 0), true},
		{"repeated opening, between", "CRON_TZ=Europe/Berlin 30 2 * * * +30m", date(2026, 10, 25, 1, 15, 0), false},
		{"repeated opening, second", "CRON_TZ=Europe/Berlin 30 2 * * * +30m", date(2026, 10, 25, 1, 45, 0), true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			w := mustWindow(t, tt.window)
			if got := w.Contains(tt.t); got != tt.want {
				t.Errorf("ParseWindow(%q).Contains(%v) = %v, want %v", tt.window, tt.t, got, tt.want)
			}
		})
	}
}

func TestWindowZero(t *testing.T) {
	var w Window
	now := date(2026, 1, 12, 10, 0, 0)
	if w.Contains(now) {
		t.Errorf("Window{}.Contains(%v) = true, want false", now)
	}
	if got := w.NextOpen(now); !got.IsZero() {
		t.Errorf("Window{}.NextOpen(%v) = %v, want zero time", now, got)
	}
	if got := w.String(); got != "" {
		t.Errorf("Window{}.String() = %q, want empty", got)
	}
}

func TestWindowNextOpen(t *testing.T) {
	tests := []struct {
		window string
		t      time.Time
		want   time.Time
	}{
		// Inside: t itself.
		{"0 22 * * 1-5 +4h", date(2026, 1, 12, 22, 0, 0), date(2026, 1, 12, 22, 0, 0)},
		{"0 22 * * 1-5 +4h", date(2026, 1, 13, 1, 59, 59), date(2026, 1, 13, 1, 59, 59)},
		// Outside: the next opening.
		{"0 22 * * 1-5 +4h", date(2026, 1, 12, 21, 59, 59), date(2026, 1, 12, 22, 0, 0)},
		{"0 22 * * 1-5 +4h", date(2026, 1, 13, 2, 0, 0), date(2026, 1, 13, 22, 0, 0)},
		{"0 22 * * 1-5 +4h", date(2026, 1, 17, 2, 0, 0), date(2026, 1, 19, 22, 0, 0)},
		{"CRON_TZ=Europe/Berlin 0 1 * * * +90m", date(2026, 7, 15, 12, 0, 0), date(2026, 7, 15, 23, 0, 0)},
	}
	for _, tt := range tests {
		w := mustWindow(t, tt.window)
		if got := w.NextOpen(tt.t); !got.Equal(tt.want) {
			t.Errorf("ParseWindow(%q).NextOpen(%v) = %v, want %v", tt.window, tt.t, got.UTC(), tt.want)
		}
	}
}

func TestWindows(t *testing.T) {
	nights, err := ParseWindows([]string{"0 22 * * 1-5 +4h", "0 9 * * 6 +2h"})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		ws       Windows
		t        time.Time
		wantOpen bool
		wantNext time.Time
	}{
		{"none", nil, date(2026, 1, 12, 12, 0, 0), true, date(2026, 1, 12, 12, 0, 0)},
		{"empty", Windows{}, date(2026, 1, 12, 12, 0, 0), true, date(2026, 1, 12, 12, 0, 0)},
		{"one, open", nights[:1], date(2026, 1, 12, 23, 0, 0), true, date(2026, 1, 12, 23, 0, 0)},
		{"one, closed", nights[:1], date(2026, 1, 12, 12, 0, 0), false, date(2026, 1, 12, 22, 0, 0)},
		{"several, first open", nights, date(2026, 1, 13, 1, 0, 0), true, date(2026, 1, 13, 1, 0, 0)},
		{"several, second open", nights, date(2026, 1, 17, 10, 59, 59), true, date(2026, 1, 17, 10, 59, 59)},
		// Friday noon: Friday 22:00 comes before Saturday 09:00.
		{"several, first next", nights, date(2026, 1, 16, 12, 0, 0), false, date(2026, 1, 16, 22, 0, 0)},
		// Saturday 03:00: Saturday 09:00 comes before Monday 22:00.
		{"several, second next", nights, date(2026, 1, 17, 3, 0, 0), false, date(2026, 1, 17, 9, 0, 0)},
		// Saturday 11:00: closed until Monday 22:00.
		{"several, closed", nights, date(2026, 1, 17, 11, 0, 0), false, date(2026, 1, 19, 22, 0, 0)},
		// A zero Window never opens and does not hide the others.
		{"with zero window", Windows{{}, nights[1]}, date(2026, 1, 17, 3, 0, 0), false, date(2026, 1, 17, 9, 0, 0)},
		{"only zero window", Windows{{}}, date(2026, 1, 17, 3, 0, 0), false, time.Time{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := struct {
				Open bool
				Next time.Time
			}{tt.ws.Open(tt.t), tt.ws.NextOpen(tt.t)}
			want := struct {
				Open bool
				Next time.Time
			}{tt.wantOpen, tt.wantNext}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%v at %v (-want +got):\n%s", tt.ws, tt.t, diff)
			}
		})
	}
}

func TestParseWindows(t *testing.T) {
	ws, err := ParseWindows(nil)
	if err != nil || len(ws) != 0 {
		t.Errorf("ParseWindows(nil) = %v, %v; want empty, nil", ws, err)
	}
	const want = `invalid window "0 22 * * 1-5" (want "CRON +DURATION", e.g. "0 22 * * 1-5 +4h"): missing +DURATION`
	_, err = ParseWindows([]string{"@daily +1h", "0 22 * * 1-5"})
	if err == nil || err.Error() != want {
		t.Errorf("ParseWindows error = %v, want %q", err, want)
	}
}
