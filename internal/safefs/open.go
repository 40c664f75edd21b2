package safefs

import (
	"io/fs"
	"os"
	"syscall"
)

// OpenRegularFile opens a file named on the command line for streaming
// reads of more than a limit allows (an image archive of gigabytes): it
// must be a regular file (links are followed: the user named it), checked
// on the open handle, so a FIFO cannot block the read. The FileInfo is
// the open file's.
func OpenRegularFile(path string) (*os.File, fs.FileInfo, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, nil, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, nil, &NotRegularError{Path: path, Mode: fi.Mode()}
	}
	return f, fi, nil
}
