package uie2e

import (
	"context"
	"fmt"
	"os"
	"testing"
	"time"

	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// chromium drives Debian's chromium headless through the DevTools
// protocol (chromedp).
type chromium struct {
	ctx context.Context
}

func startChromium(t *testing.T, rec *recorder) driver {
	t.Helper()
	if _, err := os.Stat("/usr/bin/chromium"); err != nil {
		t.Fatalf("Debian's chromium is not installed (make deps installs it): %v", err)
	}
	// Not t.TempDir: chromium's helper processes (crashpad) may still be
	// writing the profile for a moment after the browser exits, which makes
	// TempDir's cleanup fail the test. Removed with retries below.
	profile, err := os.MkdirTemp("", "pono-uie2e-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath("/usr/bin/chromium"),
		chromedp.Flag("headless", true),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-quic", true),
		chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(profile),
		chromedp.WindowSize(1400, 900),
	}
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelC := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelC()
		cancelA()
		for i := 0; i < 50; i++ {
			if err = os.RemoveAll(profile); err == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
		t.Logf("chromium profile %s left behind: %v", profile, err)
	})
	chromedp.ListenTarget(ctx, func(ev any) {
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			rec.request(e.Request.URL)
		case *runtime.EventConsoleAPICalled:
			if e.Type == runtime.APITypeError || e.Type == runtime.APITypeWarning {
				rec.error(fmt.Sprintf("console.%s %v", e.Type, args(e.Args)))
			}
		case *runtime.EventExceptionThrown:
			rec.error("exception: " + e.ExceptionDetails.Error())
		case *cdplog.EventEntryAdded:
			if e.Entry.Level == cdplog.LevelError || e.Entry.Level == cdplog.LevelWarning {
				rec.error(fmt.Sprintf("log %s: %s %s", e.Entry.Level, e.Entry.Text, e.Entry.URL))
			}
		}
	})
	if err := chromedp.Run(ctx, network.Enable(), cdplog.Enable(), runtime.Enable()); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	return &chromium{ctx: ctx}
}

func args(as []*runtime.RemoteObject) []string {
	var out []string
	for _, a := range as {
		out = append(out, string(a.Value)+a.Description)
	}
	return out
}

// in runs actions in the browser, bounded by ctx.
func (c *chromium) in(ctx context.Context, actions ...chromedp.Action) error {
	bctx, cancel := context.WithCancel(c.ctx)
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	return chromedp.Run(bctx, actions...)
}

func (c *chromium) navigate(ctx context.Context, url string) error {
	return c.in(ctx, chromedp.Navigate(url))
}

func (c *chromium) eval(ctx context.Context, js string, out any) error {
	var s string
	if err := c.in(ctx, chromedp.Evaluate("JSON.stringify(("+js+"))", &s)); err != nil {
		return err
	}
	return decodeJSON(s, out)
}

func (c *chromium) typeText(ctx context.Context, sel, text string) error {
	return c.in(ctx, chromedp.SendKeys(sel, text, chromedp.ByQuery))
}

func (c *chromium) screenshot(ctx context.Context) ([]byte, error) {
	var png []byte
	err := c.in(ctx, chromedp.FullScreenshot(&png, 100))
	return png, err
}

// Chromium logs every 4xx response to the console.
func (c *chromium) logsHTTPErrors() bool { return true }
