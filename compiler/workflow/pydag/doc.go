// Package pydag reads the KaapanaTaskOperator calls of a Kaapana v2
// workflow definition (an Airflow DAG file in Python) without running
// Python: a tokenizer and a parser for the small subset Kaapana's DAGs are
// written in, and an evaluator of that subset's constants.
//
// What it reads (docs/workflows.md, "The DAG reader"):
//
//	file       := { logical line }                 comments, blank lines, \ and bracket joins as Python
//	statement  := import | from-import | assignment | chain | docstring | with-header | other
//	import     := "import" dotted ["as" NAME] {"," ...}
//	from-import:= "from" dotted "import" ["("] NAME ["as" NAME] {"," ...} [")"]
//	assignment := NAME {"=" NAME} "=" expr         the name is bound to the value
//	chain      := sum {(">>" | "<<") sum}          operands: operator names or lists of them
//	with-header:= "with" expr ["as" NAME] ":"       its body is read like the top level
//	expr       := sum
//	sum        := postfix {"+" postfix}            only strings may be added
//	postfix    := atom {"(" args ")" | "." NAME}   calls of imported (or unknown) names only
//	atom       := NAME | NUMBER | STRING {STRING} | "(" expr ")" | tuple | list | dict
//	STRING     := ['r'|'u'|'f'|'fr'|'rf'] quoted   f-string placeholders are {NAME} only
//	args       := [expr {"," expr}] [NAME "=" expr {"," NAME "=" expr}]
//
// Names resolve to what the file assigned or imported above the line (an
// imported name stays symbolic: DEFAULT_REGISTRY), True, False and None.
// A KaapanaTaskOperator call assigned to a name becomes a Task; its
// keyword arguments task_id, image, taskTemplate, env (BaseEnv(...) or
// {"name", "value"} dicts), command, resources, labels, annotations,
// registryUrl, registryUsername, registryPassword and iochannel_maps
// (IOMapping(...)) are read; any other argument is a Dropped problem.
//
// Everything else is a Problem positioned at the construct, never a
// guess: an operator inside if/for/def/class/try, a comprehension,
// arithmetic, a subscript, an unpacking, a method call on an operator, an
// f-string placeholder that is not a known name. A statement outside the
// subset that mentions no operator is ignored. Bounds: MaxSourceBytes,
// MaxTokens, MaxDepth (brackets and expression nesting).
package pydag
