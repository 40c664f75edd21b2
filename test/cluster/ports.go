package cluster

import (
	"fmt"
	"net"
)

// freePorts returns n distinct free loopback ports. All listeners are held
// until every port is chosen so the kernel cannot hand out one twice; a
// port can still be taken by someone else before the component binds it,
// which is rare enough on loopback to accept.
func freePorts(n int) ([]int, error) {
	ports := make([]int, 0, n)
	listeners := make([]net.Listener, 0, n)
	defer func() {
		for _, l := range listeners {
			l.Close()
		}
	}()
	for range n {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return nil, fmt.Errorf("find a free port: %w", err)
		}
		listeners = append(listeners, l)
		ports = append(ports, l.Addr().(*net.TCPAddr).Port)
	}
	return ports, nil
}
