package schedule

import (
	"math/rand/v2"
	"testing"
	"time"
	_ "time/tzdata" // CRON_TZ tests must not depend on the host's zoneinfo

	"github.com/google/go-cmp/cmp"
)

// date is a UTC time; tests that need another zone convert explicitly.
func date(year int, month time.Month, day, hour, min, sec int) time.Time {
	return time.Date(year, month, day, hour, min, sec, 0, time.UTC)
}

func TestParse(t *testing.T) {
	tests := []struct {
		name    string
		expr    string
		want    string // String() of the result
		wantErr string
	}{
		{name: "every five minutes", expr: "*/5 * * * *", want: "*/5 * * * *"},
		{name: "weekday evenings", expr: "0 22 * * mon-fri", want: "0 22 * * mon-fri"},
		{name: "hourly", expr: "@hourly", want: "@hourly"},
		{name: "daily", expr: "@daily", want: "@daily"},
		{name: "every", expr: "@every 5m", want: "@every 5m"},
		{name: "every sub-second", expr: "@every 500ms", want: "@every 500ms"},
		{name: "cron tz", expr: "CRON_TZ=Europe/Berlin 0 1 * * *", want: "CRON_TZ=Europe/Berlin 0 1 * * *"},
		{name: "tz", expr: "TZ=UTC @daily", want: "TZ=UTC @daily"},
		{name: "surrounding space", expr: "  @weekly\n", want: "@weekly"},
		{name: "leap day", expr: "0 0 29 2 *", want: "0 0 29 2 *"},
		{
			name:    "empty",
			expr:    "",
			wantErr: `invalid schedule "": empty spec string`,
		},
		{
			name:    "four fields",
			expr:    "*/5 * * *",
			wantErr: `invalid schedule "*/5 * * *": expected exactly 5 fields, found 4: [*/5 * * *]`,
		},
		{
			name:    "seconds field",
			expr:    "0 */5 * * * *",
			wantErr: `invalid schedule "0 */5 * * * *": expected exactly 5 fields, found 6: [0 */5 * * * *]`,
		},
		{
			name:    "minute out of range",
			expr:    "60 * * * *",
			wantErr: `invalid schedule "60 * * * *": end of range (60) above maximum (59): 60`,
		},
		{
			name:    "bad day name",
			expr:    "0 22 * * moon",
			wantErr: `invalid schedule "0 22 * * moon": failed to parse int from moon: strconv.Atoi: parsing "moon": invalid syntax`,
		},
		{
			name:    "unknown descriptor",
			expr:    "@fortnightly",
			wantErr: `invalid schedule "@fortnightly": unrecognized descriptor: @fortnightly`,
		},
		{
			name:    "every without unit",
			expr:    "@every 5",
			wantErr: `invalid schedule "@every 5": failed to parse duration @every 5: time: missing unit in duration "5"`,
		},
		{
			name:    "every zero",
			expr:    "@every 0s",
			wantErr: `invalid schedule "@every 0s": interval must be positive`,
		},
		{
			name:    "every negative",
			expr:    "@every -5m",
			wantErr: `invalid schedule "@every -5m": interval must be positive`,
		},
		{
			name:    "unknown zone",
			expr:    "CRON_TZ=Mars/Olympus 0 1 * * *",
			wantErr: `invalid schedule "CRON_TZ=Mars/Olympus 0 1 * * *": provided bad location Mars/Olympus: unknown time zone Mars/Olympus`,
		},
		{
			name:    "zone without schedule",
			expr:    "TZ=UTC",
			wantErr: `invalid schedule "TZ=UTC": time zone prefix must be followed by a space and a schedule`,
		},
		{
			name:    "never fires",
			expr:    "0 0 30 2 *",
			wantErr: `invalid schedule "0 0 30 2 *": never fires`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s, err := Parse(tt.expr)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("Parse(%q) = %v, want error %q", tt.expr, s, tt.wantErr)
				}
				if got := err.Error(); got != tt.wantErr {
					t.Fatalf("Parse(%q) error:\n got %s\nwant %s", tt.expr, got, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("Parse(%q): %v", tt.expr, err)
			}
			if got := s.String(); got != tt.want {
				t.Errorf("Parse(%q).String() = %q, want %q", tt.expr, got, tt.want)
			}
		})
	}
}

func TestScheduleNext(t *testing.T) {
	berlin, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		expr  string
		after time.Time
		want  time.Time
	}{
		{"*/5 * * * *", date(2026, 1, 12, 10, 2, 30), date(2026, 1, 12, 10, 5, 0)},
		// Next is strictly after its argument.
		{"*/5 * * * *", date(2026, 1, 12, 10, 5, 0), date(2026, 1, 12, 10, 10, 0)},
		{"*/5 * * * *", date(2026, 1, 12, 23, 59, 0), date(2026, 1, 13, 0, 0, 0)},
		// Friday 23:00 → Monday 22:00.
		{"0 22 * * 1-5", date(2026, 1, 16, 23, 0, 0), date(2026, 1, 19, 22, 0, 0)},
		{"@hourly", date(2026, 1, 12, 10, 0, 0), date(2026, 1, 12, 11, 0, 0)},
		{"@daily", date(2026, 1, 12, 10, 0, 0), date(2026, 1, 13, 0, 0, 0)},
		// 01:00 in Berlin is 00:00 UTC in winter and 23:00 UTC in summer.
		{"CRON_TZ=Europe/Berlin 0 1 * * *", date(2026, 1, 12, 10, 0, 0), date(2026, 1, 13, 0, 0, 0)},
		{"CRON_TZ=Europe/Berlin 0 1 * * *", date(2026, 7, 15, 10, 0, 0), date(2026, 7, 15, 23, 0, 0)},
		// Without a zone the fields are read in the location of after.
		{"0 1 * * *", time.Date(2026, 1, 12, 10, 0, 0, 0, berlin), date(2026, 1, 13, 0, 0, 0)},
		// @every keeps sub-second precision.
		{"@every 5m", date(2026, 1, 12, 10, 2, 30).Add(250 * time.Millisecond), date(2026, 1, 12, 10, 7, 30).Add(250 * time.Millisecond)},
	}
	for _, tt := range tests {
		s, err := Parse(tt.expr)
		if err != nil {
			t.Fatalf("Parse(%q): %v", tt.expr, err)
		}
		if got := s.Next(tt.after); !got.Equal(tt.want) {
			t.Errorf("Parse(%q).Next(%v) = %v, want %v", tt.expr, tt.after, got.UTC(), tt.want)
		}
	}
}

func TestEvery(t *testing.T) {
	after := date(2026, 1, 12, 10, 0, 0)
	tests := []struct {
		d          time.Duration
		wantNext   time.Time
		wantString string
		wantErr    string
	}{
		{d: 5 * time.Minute, wantNext: date(2026, 1, 12, 10, 5, 0), wantString: "@every 5m"},
		{d: 90 * time.Minute, wantNext: date(2026, 1, 12, 11, 30, 0), wantString: "@every 1h30m"},
		{d: 1500 * time.Millisecond, wantNext: after.Add(1500 * time.Millisecond), wantString: "@every 1.5s"},
		{d: 0, wantErr: "invalid interval 0s: must be positive"},
		{d: -time.Minute, wantErr: "invalid interval -1m0s: must be positive"},
	}
	for _, tt := range tests {
		s, err := Every(tt.d)
		if tt.wantErr != "" {
			if err == nil || err.Error() != tt.wantErr {
				t.Errorf("Every(%v) error = %v, want %q", tt.d, err, tt.wantErr)
			}
			continue
		}
		if err != nil {
			t.Fatalf("Every(%v): %v", tt.d, err)
		}
		if got := s.Next(after); !got.Equal(tt.wantNext) {
			t.Errorf("Every(%v).Next(%v) = %v, want %v", tt.d, after, got, tt.wantNext)
		}
		if got := s.String(); got != tt.wantString {
			t.Errorf("Every(%v).String() = %q, want %q", tt.d, got, tt.wantString)
		}
		// The string form parses back to the same schedule.
		p, err := Parse(s.String())
		if err != nil {
			t.Fatalf("Parse(%q): %v", s, err)
		}
		if got := p.Next(after); !got.Equal(tt.wantNext) {
			t.Errorf("Parse(%q).Next(%v) = %v, want %v", s, after, got, tt.wantNext)
		}
	}
}

func TestJitterBounds(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, maxDelay := range []time.Duration{time.Nanosecond, 2, time.Second, 30 * time.Second, 24 * time.Hour} {
		for range 1000 {
			if got := Jitter(maxDelay, rnd); got < 0 || got >= maxDelay {
				t.Fatalf("Jitter(%v) = %v, want in [0, %v)", maxDelay, got, maxDelay)
			}
		}
	}
	// The global source keeps the same bounds.
	for range 1000 {
		if got := Jitter(time.Second, nil); got < 0 || got >= time.Second {
			t.Fatalf("Jitter(1s, nil) = %v, want in [0, 1s)", got)
		}
	}
}

func TestJitterNonPositive(t *testing.T) {
	rnd := rand.New(rand.NewPCG(1, 2))
	for _, maxDelay := range []time.Duration{0, -time.Second} {
		if got := Jitter(maxDelay, rnd); got != 0 {
			t.Errorf("Jitter(%v) = %v, want 0", maxDelay, got)
		}
		if got := Jitter(maxDelay, nil); got != 0 {
			t.Errorf("Jitter(%v, nil) = %v, want 0", maxDelay, got)
		}
	}
}

func TestJitterDeterministic(t *testing.T) {
	draw := func(seed uint64) []time.Duration {
		rnd := rand.New(rand.NewPCG(seed, 0))
		var ds []time.Duration
		for range 20 {
			ds = append(ds, Jitter(time.Minute, rnd))
		}
		return ds
	}
	first, again := draw(42), draw(42)
	if diff := cmp.Diff(first, again); diff != "" {
		t.Errorf("same seed, different delays (-first +again):\n%s", diff)
	}
	if cmp.Equal(first, draw(43)) {
		t.Errorf("seeds 42 and 43 gave the same delays %v", first)
	}
	// The draws actually spread over the range.
	var lo, hi bool
	for _, d := range first {
		lo = lo || d < 30*time.Second
		hi = hi || d >= 30*time.Second
	}
	if !lo || !hi {
		t.Errorf("Jitter(1m) draws %v all fall in one half of the range", first)
	}
}

// FuzzParse checks that no input makes Parse (and so robfig/cron) panic,
// and that accepted schedules move forward.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"*/5 * * * *", "@every 5m", "TZ=UTC", "CRON_TZ=UTC ", "CRON_TZ=Europe/Berlin 0 1 * * *",
		"0 0 30 2 *", "@every -1s", "1-2-3 * * * *", "*/0 * * * *", "0 22 * * 1-5 +4h",
	} {
		f.Add(s)
	}
	after := date(2026, 1, 12, 10, 0, 0)
	f.Fuzz(func(t *testing.T, expr string) {
		s, err := Parse(expr)
		if err != nil {
			return
		}
		if next := s.Next(after); !next.IsZero() && !next.After(after) {
			t.Errorf("Parse(%q).Next(%v) = %v, not after", expr, after, next)
		}
		_, _ = ParseWindow(expr)
	})
}
