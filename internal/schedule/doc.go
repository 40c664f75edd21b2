// Package schedule decides when the reconcile loop runs a cycle and whether
// changes may be applied at a given moment. It is the only package in pono
// that imports github.com/robfig/cron/v3; nothing here starts goroutines or
// timers. Callers pass the current time in, so tests control the clock.
//
// # Schedules
//
// [Parse] accepts what cron.ParseStandard accepts: a 5-field cron
// expression ("*/5 * * * *"), a descriptor (@yearly, @annually, @monthly,
// @weekly, @daily, @midnight, @hourly) or "@every DURATION", each
// optionally prefixed by "CRON_TZ=Zone " or "TZ=Zone ". Without a time zone
// prefix the fields are read in the location of the time handed to Next,
// so time.Now() gives the process's local time, as crontab does. [Every]
// builds the fixed interval schedule behind a flag such as --interval 5m.
// [Jitter] spreads cycles of many reconcilers over time.
//
// # Windows
//
// A [Window] is an allow window in the style of Argo CD sync windows: a
// cron expression that says when the window opens, then white space, a plus
// sign and a Go duration that says how long it stays open:
//
//	CRON +DURATION
//
//	0 22 * * 1-5 +4h                      22:00 to 02:00, opening Monday to Friday
//	CRON_TZ=Europe/Berlin 0 1 * * * +90m  01:00 to 02:30 Berlin time, every day
//	@daily +1h                            00:00 to 01:00, every day
//
// An opening at time a covers every t with a <= t < a+DURATION: the
// opening instant is inside, the closing one is not. Openings may overlap
// (a duration longer than the period keeps the window open for good), and
// a window that opens late in the day stays open past midnight. "@every"
// is refused in a window because it has no fixed opening times.
//
// The duration is elapsed time, so on a daylight saving change the window
// closes one wall-clock hour earlier or later than it would otherwise. An
// opening time that the change skips does not happen that day, and one it
// repeats happens twice.
//
// [Windows] is a set of windows; changes may be applied while any of them
// is open, and an empty set is always open.
package schedule
