package workflow

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
)

// EnvValue is an env override as written: a string, a number or a boolean.
// Kaapana's BaseEnv.value must be a string, so every value reaches the
// operator converted by String:
//   - a string is passed unchanged;
//   - true and false become "true" and "false" (YAML's spelling, not
//     Python's str(True) == "True");
//   - an integer becomes its decimal digits ("100"), other numbers the
//     shortest decimal that reads back the same ("0.2", "1000000"), never an
//     exponent.
//
// Anything else (null, a list, a map) is refused by Check.
type EnvValue struct {
	// Raw is the JSON text of the value.
	Raw json.RawMessage
}

// UnmarshalJSON keeps the value's text; its kind is checked later so that
// every problem is reported with a position instead of a decode error.
func (v *EnvValue) UnmarshalJSON(b []byte) error {
	v.Raw = append(json.RawMessage(nil), b...)
	return nil
}

// MarshalJSON writes the value as it was written.
func (v EnvValue) MarshalJSON() ([]byte, error) {
	if len(v.Raw) == 0 {
		return []byte("null"), nil
	}
	return v.Raw, nil
}

// Str builds a string EnvValue (for callers constructing a model in Go).
func Str(s string) EnvValue {
	b, _ := json.Marshal(s)
	return EnvValue{Raw: b}
}

// String converts the value as documented on EnvValue.
func (v EnvValue) String() (string, error) { return scalarString(v.Raw) }

// scalarString converts a JSON scalar to the string the operator gets.
func scalarString(raw json.RawMessage) (string, error) {
	raw = bytes.TrimSpace(raw)
	if len(raw) == 0 {
		return "", fmt.Errorf("has no value")
	}
	switch raw[0] {
	case '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", fmt.Errorf("is not a valid string")
		}
		return s, nil
	case 't', 'f':
		var b bool
		if err := json.Unmarshal(raw, &b); err != nil {
			return "", fmt.Errorf("is not a valid boolean")
		}
		return strconv.FormatBool(b), nil
	case 'n':
		return "", fmt.Errorf("is null; remove the key to keep the template's default")
	case '[':
		return "", fmt.Errorf("is a list; env values are strings, numbers or booleans")
	case '{':
		return "", fmt.Errorf("is a map; env values are strings, numbers or booleans")
	}
	return numberString(json.Number(raw))
}

func numberString(n json.Number) (string, error) {
	if i, err := strconv.ParseInt(string(n), 10, 64); err == nil {
		return strconv.FormatInt(i, 10), nil
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || math.IsInf(f, 0) {
		return "", fmt.Errorf("is not a number a container can read (%s)", n)
	}
	return strconv.FormatFloat(f, 'f', -1, 64), nil
}
