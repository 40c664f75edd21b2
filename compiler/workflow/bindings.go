package workflow

import (
	"bytes"
	"encoding/json"
	"fmt"
)

// Bindings are a task's inputs: a map from input channel to
// "<upstream task>.<output channel>" in the platform, kept as a list so that
// a channel bound twice in one document is still seen (a Go map would keep
// only the last binding).
type Bindings []Binding

// Binding feeds one input channel from an upstream output channel.
type Binding struct {
	Channel string
	Source  string
}

// UnmarshalJSON reads a JSON object, keeping order and repeated keys.
func (b *Bindings) UnmarshalJSON(data []byte) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if tok == nil {
		*b = nil
		return nil
	}
	if d, ok := tok.(json.Delim); !ok || d != '{' {
		return fmt.Errorf("inputs must be a map from input channel to \"<task>.<output channel>\"")
	}
	var out Bindings
	for dec.More() {
		kt, err := dec.Token()
		if err != nil {
			return err
		}
		var src string
		if err := dec.Decode(&src); err != nil {
			return fmt.Errorf("inputs.%s must be a string \"<task>.<output channel>\"", kt)
		}
		out = append(out, Binding{Channel: kt.(string), Source: src})
	}
	*b = out
	return nil
}

// MarshalJSON writes a JSON object in the bindings' order.
func (b Bindings) MarshalJSON() ([]byte, error) {
	o := make(obj, 0, len(b))
	for _, x := range b {
		o = append(o, kv{x.Channel, x.Source})
	}
	return o.MarshalJSON()
}
