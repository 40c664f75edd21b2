package pydag

// Kind is what a Value is.
type Kind int

const (
	// Str is a string; Parts is set when it holds imported names (an
	// f-string over DEFAULT_REGISTRY), Text when it is fully known.
	Str Kind = iota
	Num
	Bool
	None
	// List is a list or a tuple.
	List
	Dict
	// Call is a call to an imported or unknown function, kept unevaluated.
	Call
	// Symbol is an imported name, or an attribute of one (pc_models.BaseEnv).
	Symbol
	// Operator is a KaapanaTaskOperator, by its index in DAG.Tasks.
	Operator
	// Dynamic is a value pono does not compute; Text says why, Pos where.
	Dynamic
)

// Value is the statically known value of an expression.
type Value struct {
	Kind Kind
	Pos  Pos
	// Text: Str without Parts (the string), Num (the literal), Symbol (the
	// qualified name, module.name), Dynamic (why it cannot be read).
	Text  string
	Parts []Part
	Bool  bool
	// Items are a List's elements or a Dict's values; Keys a Dict's keys.
	Items []Value
	Keys  []Value
	// Func, Args and Kwargs are a Call's.
	Func   string
	Args   []Value
	Kwargs []Kwarg
	// Task is an Operator's index.
	Task int
	// Unbound marks a Symbol that is a name nothing in the file assigns
	// or imports (a builtin, or a mistake).
	Unbound bool
}

// Part is a piece of a string: literal text, or an imported name.
type Part struct {
	Text string
	Sym  string
}

// Kwarg is a keyword argument of a call.
type Kwarg struct {
	Name  string
	Pos   Pos
	Value Value
}

// Known reports whether v is a string with no imported names in it.
func (v Value) Known() bool { return v.Kind == Str && v.Parts == nil }

func dynamic(p Pos, why string) Value { return Value{Kind: Dynamic, Pos: p, Text: why} }

// firstDynamic finds the first Dynamic value inside v, if any.
func firstDynamic(v Value) (Value, bool) {
	if v.Kind == Dynamic {
		return v, true
	}
	for _, xs := range [][]Value{v.Items, v.Keys, v.Args} {
		for _, x := range xs {
			if d, ok := firstDynamic(x); ok {
				return d, true
			}
		}
	}
	for _, k := range v.Kwargs {
		if d, ok := firstDynamic(k.Value); ok {
			return d, true
		}
	}
	return Value{}, false
}

// kwarg returns a call's keyword argument.
func (v Value) kwarg(name string) (Kwarg, bool) {
	for _, k := range v.Kwargs {
		if k.Name == name {
			return k, true
		}
	}
	return Kwarg{}, false
}

// describe names a value's kind for a message.
func describe(v Value) string {
	switch v.Kind {
	case Str:
		if v.Parts != nil {
			return "a string built from imported names"
		}
		return "a string"
	case Num:
		return "a number (" + v.Text + ")"
	case Bool:
		if v.Bool {
			return "a bool (True)"
		}
		return "a bool (False)"
	case None:
		return "None"
	case List:
		return "a list"
	case Dict:
		return "a dict"
	case Call:
		return "the result of " + v.Func + "(...)"
	case Symbol:
		if v.Unbound {
			return "the name " + v.Text + ", which nothing in the file assigns or imports"
		}
		return "the imported name " + v.Text
	case Operator:
		return "an operator"
	}
	return "a value pono cannot read (" + v.Text + ")"
}
