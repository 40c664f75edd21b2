package gitserver

import (
	"bufio"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/pono-gitops/pono/test/testenv"
)

// SSHD is where Debian's openssh-server installs the daemon. sshd must be
// started by its absolute path: it re-executes itself.
const SSHD = "/usr/sbin/sshd"

// SSHServer is a private OpenSSH daemon on a loopback port that lets one
// generated client key log in as the user running the test, whose git
// commands (git-upload-pack) then serve the repositories.
type SSHServer struct {
	// User is the login name, the user running the test.
	User string
	// Port is the loopback port sshd listens on.
	Port int
	// ClientKey is the private key (OpenSSH format) the server accepts.
	ClientKey []byte
	// ClientPublicKey is the authorized_keys line of ClientKey.
	ClientPublicKey string
	// KnownHosts is a known_hosts line for this server's host key:
	// "[127.0.0.1]:PORT ssh-ed25519 AAAA...".
	KnownHosts []byte
	// HostPublicKey is the host key's authorized_keys form, "ssh-ed25519 AAAA...".
	HostPublicKey string

	root string
	dir  string
}

// StartSSH runs sshd serving the bare repositories under root until the
// test ends, and waits until it greets connections.
func StartSSH(t testing.TB, root string) *SSHServer {
	t.Helper()
	testenv.NeedsServer(t, "an sshd serving git")
	if _, err := os.Stat(SSHD); err != nil {
		t.Fatalf("%s not found: install Debian's openssh-server package (test/scripts/install-deps.sh does)", SSHD)
	}
	keygen := lookPath(t, "ssh-keygen", "openssh-client")
	u, err := user.Current()
	if err != nil {
		t.Fatalf("current user: %v", err)
	}
	// sshd refuses to start without its privilege separation directory,
	// which Debian creates only when the service is started by systemd.
	if os.Geteuid() == 0 {
		if err := os.MkdirAll("/run/sshd", 0o755); err != nil {
			t.Fatalf("create sshd's privilege separation directory: %v", err)
		}
	}
	dir := t.TempDir()
	hostKey := filepath.Join(dir, "ssh_host_ed25519_key")
	run(t, dir, gitEnv(dir), keygen, "-q", "-t", "ed25519", "-N", "", "-C", "pono-test-host", "-f", hostKey)
	hostPub, err := os.ReadFile(hostKey + ".pub")
	if err != nil {
		t.Fatal(err)
	}
	client := NewSSHKey(t, "pono-test-client")
	authorized := filepath.Join(dir, "authorized_keys")
	if err := os.WriteFile(authorized, []byte(client.PublicKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}

	port := freePort(t)
	cfg := filepath.Join(dir, "sshd_config")
	// PermitRootLogin prohibit-password: tests run as root on CI machines,
	// and key login is all they need. No PAM, no passwords, no StrictModes
	// (the temporary directories are not the user's home).
	conf := fmt.Sprintf(`Port %d
ListenAddress 127.0.0.1
HostKey %s
PidFile %s
AuthorizedKeysFile %s
AllowUsers %s
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
PermitRootLogin prohibit-password
AllowTcpForwarding no
X11Forwarding no
PrintMotd no
LogLevel VERBOSE
`, port, hostKey, filepath.Join(dir, "sshd.pid"), authorized, u.Username)
	if err := os.WriteFile(cfg, []byte(conf), 0o600); err != nil {
		t.Fatal(err)
	}
	logPath := filepath.Join(dir, "sshd.log")
	logf, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(SSHD, "-D", "-e", "-f", cfg)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		t.Fatalf("start %s: %v", SSHD, err)
	}
	// exited is closed when sshd has exited, with the exit status in waitErr.
	exited := make(chan struct{})
	var waitErr error
	go func() { waitErr = cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		// SIGTERM lets sshd remove its pid file; SIGKILL if it lingers.
		_ = cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(5 * time.Second):
			_ = cmd.Process.Kill()
			<-exited
		}
		logf.Close()
	})

	s := &SSHServer{
		User:            u.Username,
		Port:            port,
		ClientKey:       client.PrivateKey,
		ClientPublicKey: client.PublicKey,
		KnownHosts:      []byte(fmt.Sprintf("[127.0.0.1]:%d %s\n", port, keyField(string(hostPub)))),
		HostPublicKey:   keyField(string(hostPub)),
		root:            root,
		dir:             dir,
	}
	if err := waitForBanner(port, exited, 15*time.Second); err != nil {
		select {
		case <-exited:
			err = fmt.Errorf("%w (%v)", err, waitErr)
		default:
		}
		log, _ := os.ReadFile(logPath)
		t.Fatalf("sshd on 127.0.0.1:%d: %v; log:\n%s", port, err, log)
	}
	return s
}

// URL is the clone URL of the bare repository root/repoName.
func (s *SSHServer) URL(repoName string) string {
	return fmt.Sprintf("ssh://%s@127.0.0.1:%d%s", s.User, s.Port, filepath.ToSlash(filepath.Join(s.root, repoName)))
}

// Log is what sshd has logged so far, for failure messages.
func (s *SSHServer) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "sshd.log"))
	return string(b)
}

// keyField keeps "type base64" of a public key line, dropping the comment.
func keyField(line string) string {
	f := strings.Fields(line)
	if len(f) < 2 {
		return strings.TrimSpace(line)
	}
	return f[0] + " " + f[1]
}

// freePort asks the kernel for a free loopback port. Another process could
// take it before sshd binds it; on a test machine that is rare, and sshd
// then fails loudly.
func freePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// waitForBanner waits until the server on port sends its SSH version line,
// which proves sshd is listening and past its own start-up checks.
func waitForBanner(port int, exited <-chan struct{}, timeout time.Duration) error {
	addr := net.JoinHostPort("127.0.0.1", strconv.Itoa(port))
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return fmt.Errorf("sshd exited during start-up")
		default:
		}
		conn, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			_ = conn.SetReadDeadline(time.Now().Add(2 * time.Second))
			line, rerr := bufio.NewReader(conn).ReadString('\n')
			conn.Close()
			if rerr == nil && strings.HasPrefix(line, "SSH-2.0-") {
				return nil
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	return fmt.Errorf("no SSH banner within %s", timeout)
}
