package safefs

import (
	"os"
	"syscall"
)

// OpenRegularFile opens a file named on the command line for streaming
// reads of more than a limit allows (an image archive of gigabytes): it
// must be a regular file (links are followed: the user named it), checked
// again on the open handle, so a FIFO swapped in cannot block the read.
func OpenRegularFile(path string) (*os.File, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, &NotRegularError{Path: path, Mode: fi.Mode()}
	}
	return f, nil
}
