package uie2e

import (
	"bufio"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"regexp"
	"sync"
	"testing"
	"time"

	"github.com/gobwas/ws"
	"github.com/gobwas/ws/wsutil"
)

// firefox drives Debian's firefox-esr headless through WebDriver BiDi
// (Firefox speaks no CDP any more), with the few commands the scenario
// needs. No maintained Go BiDi client exists, so this is one: JSON
// commands and events over the WebSocket Firefox opens at /session.
type firefox struct {
	rec  *recorder
	conn net.Conn
	r    io.Reader

	mu      sync.Mutex
	nextID  int
	waiting map[int]chan bidiReply
	readErr error
	context string // the browsing context (tab) the scenario uses
}

type bidiReply struct {
	Type    string          `json:"type"` // success, error, event
	ID      int             `json:"id"`
	Method  string          `json:"method"`
	Params  json.RawMessage `json:"params"`
	Result  json.RawMessage `json:"result"`
	Error   string          `json:"error"`
	Message string          `json:"message"`
}

// firefoxPrefs keep the browser's own traffic (updates, telemetry,
// remote settings) off the network, so every request seen is the page's.
const firefoxPrefs = `user_pref("app.update.enabled", false);
user_pref("app.normandy.enabled", false);
user_pref("browser.safebrowsing.malware.enabled", false);
user_pref("browser.safebrowsing.phishing.enabled", false);
user_pref("datareporting.policy.dataSubmissionEnabled", false);
user_pref("datareporting.healthreport.uploadEnabled", false);
user_pref("toolkit.telemetry.enabled", false);
user_pref("network.captive-portal-service.enabled", false);
user_pref("network.connectivity-service.enabled", false);
user_pref("extensions.update.enabled", false);
user_pref("browser.newtabpage.enabled", false);
user_pref("browser.startup.homepage", "about:blank");
user_pref("services.settings.server", "http://127.0.0.1:1/remote-settings");
user_pref("messaging-system.rsexperimentloader.enabled", false);
user_pref("remote.prefs.recommended", true);
`

var bidiListening = regexp.MustCompile(`WebDriver BiDi listening on (ws://\S+)`)

func startFirefox(t *testing.T, rec *recorder) driver {
	t.Helper()
	const bin = "/usr/bin/firefox-esr"
	if _, err := os.Stat(bin); err != nil {
		t.Fatalf("Debian's firefox-esr is not installed (make deps installs it): %v", err)
	}
	profile := t.TempDir()
	if err := os.WriteFile(profile+"/user.js", []byte(firefoxPrefs), 0o644); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, "--headless", "--no-remote", "--profile", profile, "--remote-debugging-port=0", "about:blank")
	cmd.Env = append(os.Environ(), "MOZ_CRASHREPORTER_DISABLE=1")
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatalf("start firefox: %v", err)
	}
	exited := make(chan struct{})
	go func() { _ = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-exited
	})
	// The port is chosen by Firefox and printed on stderr; the rest of
	// stderr (Firefox's own chatter) is drained.
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			if m := bidiListening.FindStringSubmatch(sc.Text()); m != nil {
				select {
				case found <- m[1]:
				default:
				}
			}
		}
	}()
	var addr string
	select {
	case addr = <-found:
	case <-exited:
		t.Fatal("firefox exited before opening its WebDriver BiDi port")
	case <-time.After(60 * time.Second):
		t.Fatal("firefox did not open its WebDriver BiDi port within 60s")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	conn, br, _, err := ws.Dial(ctx, addr+"/session")
	if err != nil {
		t.Fatalf("connect to firefox's BiDi socket %s: %v", addr, err)
	}
	f := &firefox{rec: rec, conn: conn, r: conn, waiting: map[int]chan bidiReply{}}
	if br != nil {
		f.r = io.MultiReader(br, conn)
	}
	t.Cleanup(func() { conn.Close() })
	go f.read()

	if err := f.call(ctx, "session.new", map[string]any{"capabilities": map[string]any{}}, nil); err != nil {
		t.Fatalf("firefox session.new: %v", err)
	}
	var tree struct {
		Contexts []struct {
			Context string `json:"context"`
		} `json:"contexts"`
	}
	if err := f.call(ctx, "browsingContext.getTree", map[string]any{}, &tree); err != nil || len(tree.Contexts) == 0 {
		t.Fatalf("firefox browsingContext.getTree: %v (%d contexts)", err, len(tree.Contexts))
	}
	f.context = tree.Contexts[0].Context
	if err := f.call(ctx, "browsingContext.setViewport", map[string]any{"context": f.context, "viewport": map[string]int{"width": 1400, "height": 900}}, nil); err != nil {
		t.Fatalf("firefox setViewport: %v", err)
	}
	// Events of the scenario's tab only: its requests and its console.
	if err := f.call(ctx, "session.subscribe", map[string]any{"events": []string{"network.beforeRequestSent", "log.entryAdded"}, "contexts": []string{f.context}}, nil); err != nil {
		t.Fatalf("firefox session.subscribe: %v", err)
	}
	return f
}

// read dispatches replies to their callers and records events.
func (f *firefox) read() {
	for {
		b, err := wsutil.ReadServerText(struct {
			io.Reader
			io.Writer
		}{f.r, f.conn})
		if err != nil {
			f.mu.Lock()
			f.readErr = err
			for id, c := range f.waiting {
				close(c)
				delete(f.waiting, id)
			}
			f.mu.Unlock()
			return
		}
		var m bidiReply
		if json.Unmarshal(b, &m) != nil {
			continue
		}
		if m.Type == "event" {
			f.event(m)
			continue
		}
		f.mu.Lock()
		c := f.waiting[m.ID]
		delete(f.waiting, m.ID)
		f.mu.Unlock()
		if c != nil {
			c <- m
		}
	}
}

func (f *firefox) event(m bidiReply) {
	switch m.Method {
	case "network.beforeRequestSent":
		var p struct {
			Request struct {
				URL string `json:"url"`
			} `json:"request"`
		}
		if json.Unmarshal(m.Params, &p) == nil {
			f.rec.request(p.Request.URL)
		}
	case "log.entryAdded":
		var p struct {
			Level  string `json:"level"`
			Type   string `json:"type"`
			Method string `json:"method"`
			Text   string `json:"text"`
		}
		if json.Unmarshal(m.Params, &p) == nil && (p.Level == "error" || p.Level == "warn") {
			f.rec.error(fmt.Sprintf("%s %s: %s", p.Type, p.Level, p.Text))
		}
	}
}

// call sends one command and decodes its result into out (when not nil).
func (f *firefox) call(ctx context.Context, method string, params any, out any) error {
	f.mu.Lock()
	if f.readErr != nil {
		f.mu.Unlock()
		return fmt.Errorf("firefox connection: %w", f.readErr)
	}
	f.nextID++
	id := f.nextID
	c := make(chan bidiReply, 1)
	f.waiting[id] = c
	f.mu.Unlock()
	b, err := json.Marshal(map[string]any{"id": id, "method": method, "params": params})
	if err != nil {
		return err
	}
	f.mu.Lock()
	err = wsutil.WriteClientText(f.conn, b)
	f.mu.Unlock()
	if err != nil {
		return fmt.Errorf("%s: %w", method, err)
	}
	select {
	case m, ok := <-c:
		if !ok {
			return fmt.Errorf("%s: firefox connection closed", method)
		}
		if m.Type == "error" {
			return fmt.Errorf("%s: %s: %s", method, m.Error, m.Message)
		}
		if out != nil {
			return json.Unmarshal(m.Result, out)
		}
		return nil
	case <-ctx.Done():
		f.mu.Lock()
		delete(f.waiting, id)
		f.mu.Unlock()
		return fmt.Errorf("%s: %w", method, ctx.Err())
	}
}

func (f *firefox) navigate(ctx context.Context, url string) error {
	return f.call(ctx, "browsingContext.navigate", map[string]any{"context": f.context, "url": url, "wait": "complete"}, nil)
}

func (f *firefox) eval(ctx context.Context, js string, out any) error {
	var r struct {
		Type   string `json:"type"`
		Result struct {
			Type  string `json:"type"`
			Value string `json:"value"`
		} `json:"result"`
		ExceptionDetails struct {
			Text string `json:"text"`
		} `json:"exceptionDetails"`
	}
	err := f.call(ctx, "script.evaluate", map[string]any{
		"expression": "JSON.stringify((" + js + "))", "target": map[string]string{"context": f.context},
		"awaitPromise": true, "resultOwnership": "none",
	}, &r)
	if err != nil {
		return err
	}
	if r.Type == "exception" {
		return fmt.Errorf("script: %s", r.ExceptionDetails.Text)
	}
	if r.Result.Type != "string" {
		return errors.New("script: no JSON result (undefined)")
	}
	return decodeJSON(r.Result.Value, out)
}

// typeText types into the element as a user would: focus, then key
// presses.
func (f *firefox) typeText(ctx context.Context, sel, text string) error {
	if err := f.eval(ctx, fmt.Sprintf(`(document.querySelector(%q).focus(), true)`, sel), nil); err != nil {
		return err
	}
	var keys []map[string]string
	for _, r := range text {
		keys = append(keys, map[string]string{"type": "keyDown", "value": string(r)}, map[string]string{"type": "keyUp", "value": string(r)})
	}
	return f.call(ctx, "input.performActions", map[string]any{"context": f.context,
		"actions": []any{map[string]any{"type": "key", "id": "keyboard", "actions": keys}}}, nil)
}

func (f *firefox) screenshot(ctx context.Context) ([]byte, error) {
	var r struct {
		Data string `json:"data"`
	}
	if err := f.call(ctx, "browsingContext.captureScreenshot", map[string]any{"context": f.context, "origin": "document"}, &r); err != nil {
		return nil, err
	}
	return base64.StdEncoding.DecodeString(r.Data)
}

// Firefox does not log a refused fetch or form post to the console.
func (f *firefox) logsHTTPErrors() bool { return false }
