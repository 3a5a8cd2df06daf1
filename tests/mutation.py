"""Mutation testing of the hidden suites: does a one-spot change to a solution lose points?

The course promises that only correct code earns points. This tool measures it: it makes
*mutants* of the solution notebooks, each differing from the solution in one spot of one
`### BEGIN SOLUTION` ... `### END SOLUTION` region (an operator, a constant, a comparison, a
deleted statement...), grades each with the hidden suite of the mutated task only, and reports
the share of mutants that lose points (killed) per exercise and task, with the survivors.

    python tests/mutation.py                          # every exercise, every mutant
    python tests/mutation.py 02-table-lookup --task lookup --list
    python tests/mutation.py 05 --sample 20 --seed 1 --jobs 2
    python tests/mutation.py --show 01-one-hot-encoding:one_hot:13:cmp:lt_to_le
    python tests/mutation.py --survivors-of tests/mutation_results.json --jobs 2
    python tests/mutation.py --jobs 1 --json tests/mutation_results.json   # the committed results

How a mutant is made: the solution cell is parsed with `ast`; only nodes that lie wholly inside
a solution region are mutated, and only the source segment of the mutated spot is replaced
(operator tokens are found with `tokenize`), so the rest of the cell stays as written. A mutant
must parse and differ from the solution's syntax tree; mutants with the same tree are made once.
Each has a stable id `<exercise>:<task>:<line in cell>:<operator>:<detail>` (a `#n` suffix keeps
ids unique) and a one-line description (the line before and after).

How it is graded: `autograder.grading.grade_notebook(path, ["cpu"], tasks={task})`. Killed: the
score is below the maximum; killed by error: the notebook could not be graded (reported apart, as
it may show a grader problem); survived: full marks. Before its mutants, each task of the
solution itself is graded: a task that does not score full marks has its mutants reported as
`baseline-failed`, not killed.

Known-equivalent mutants (no valid input can tell them apart from the solution) are listed in
tests/mutation_equivalent.txt, one per line: `<id>  # why it is equivalent`. They are still
graded; a listed mutant that loses points is reported (the list, or the suite, is wrong).
score = killed / (mutants - equivalent).

Slow tasks: mutants of the tasks in SLOW_TASKS (whose grading trains a model on real data) are
sampled (a fixed number, fixed seed) unless --all-slow is given; the results file says so.
"""
from __future__ import annotations

import argparse
import ast
import bisect
import copy
import difflib
import hashlib
import io
import json
import multiprocessing
import random
import re
import sys
import tempfile
import time
import tokenize
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

SOLUTIONS = REPO / "solutions"
SUITES = REPO / "autograder" / "suites"
EQUIVALENT_FILE = REPO / "tests" / "mutation_equivalent.txt"
RESULTS_FILE = REPO / "tests" / "mutation_results.json"
FULL_RUN_COMMAND = "nice -n 10 python tests/mutation.py --all-slow --jobs 2 --json tests/mutation_results.json"
BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
DEVICES = ["cpu"]

# Tasks whose grading trains on real data (about 20 s a mutant): a fixed sample of their mutants
# keeps a full run near an hour on 2 cores. (exercise, task) -> how many mutants are graded.
SLOW_TASKS = {("05-word2vec", "train"): 25}
SLOW_SEED = 0


# ---------------------------------------------------------------- notebooks


def solution_path(exercise: str) -> Path:
    return SOLUTIONS / exercise / f"{exercise}.ipynb"


def exercises() -> list[str]:
    from autograder.exercises import discover
    return discover(REPO)


def cell_source(cell: dict) -> str:
    src = cell.get("source", "")
    return "".join(src) if isinstance(src, list) else src


def nbgrader(cell: dict) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def solution_cells(nb: dict) -> list[tuple[int, str, str]]:
    """(cell index, task, source) of every solution cell (grade_id solution-<task>)."""
    out = []
    for i, cell in enumerate(nb["cells"]):
        meta = nbgrader(cell)
        if cell.get("cell_type") == "code" and meta.get("solution") is True:
            out.append((i, str(meta.get("grade_id", f"cell{i}")).removeprefix("solution-"), cell_source(cell)))
    return out


def sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def input_files(exercise: str) -> list[Path]:
    """The files a mutant's outcome depends on, besides the grader: the solution and the suite."""
    suite = sorted(p for p in (SUITES / exercise).rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".pyc")
    return [solution_path(exercise), *suite]


def code_tokens(source: str) -> list[str]:
    """A code cell's tokens without comments and blank lines (what running it depends on)."""
    try:
        return ["\n" if t.type == tokenize.NEWLINE else t.string   # a cell's last line may end without one
                for t in tokenize.generate_tokens(io.StringIO(source).readline)
                if t.type not in (tokenize.COMMENT, tokenize.NL)]
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return [source]


def notebook_fingerprint(path: Path) -> str:
    """SHA-256 of what grading a notebook can depend on: each code cell and each cell nbgrader
    knows (its type and nbgrader metadata), with the code without comments or blank lines. Prose
    (markdown cells nbgrader does not grade: objectives, hints, references), comments and outputs
    change no mutant's outcome, so adding or editing them does not call for a rerun."""
    cells = json.loads(Path(path).read_text())["cells"]
    kept = [[c.get("cell_type"), c.get("metadata", {}).get("nbgrader"),
             code_tokens("".join(c.get("source", ""))) if c.get("cell_type") == "code" else None] for c in cells
            if c.get("cell_type") == "code" or c.get("metadata", {}).get("nbgrader")]
    return hashlib.sha256(json.dumps(kept, sort_keys=True).encode()).hexdigest()


def input_hashes(names) -> dict[str, str]:
    """Path -> fingerprint of each input file: a notebook's by notebook_fingerprint, a suite file's bytes."""
    return {str(p.relative_to(REPO)): notebook_fingerprint(p) if p.suffix == ".ipynb" else sha256(p)
            for ex in names for p in input_files(ex)}


# ---------------------------------------------------------------- source positions


class Source:
    """A cell's text with ast positions (line, UTF-8 byte column) turned into character offsets."""

    def __init__(self, text: str):
        self.text = text
        self.lines = text.splitlines(keepends=True) or [""]
        self.starts = [0]
        for line in self.lines:
            self.starts.append(self.starts[-1] + len(line))
        self.tokens = [t for t in tokenize.generate_tokens(io.StringIO(text).readline)
                       if t.type in (tokenize.OP, tokenize.NAME)]
        self.token_starts = [self.at(*t.start, chars=True) for t in self.tokens]

    def at(self, lineno: int, col: int, chars: bool = False) -> int:
        """Offset of (1-based line, column); ast columns count UTF-8 bytes, tokenize's characters."""
        line = self.lines[lineno - 1] if lineno - 1 < len(self.lines) else ""
        if not chars:
            col = len(line.encode("utf-8")[:col].decode("utf-8", errors="ignore"))
        return self.starts[lineno - 1] + col

    def start(self, node) -> int:
        return self.at(node.lineno, node.col_offset)

    def end(self, node) -> int:
        return self.at(node.end_lineno, node.end_col_offset)

    def segment(self, node) -> str:
        return self.text[self.start(node):self.end(node)]

    def tokens_between(self, lo: int, hi: int) -> list[tuple[int, int, str]]:
        """Operator and keyword tokens in [lo, hi), parentheses left out: (start, end, string)."""
        out = []
        for k in range(bisect.bisect_left(self.token_starts, lo), len(self.tokens)):
            s = self.token_starts[k]
            if s >= hi:
                break
            tok = self.tokens[k]
            if tok.string not in "()":
                out.append((s, s + len(tok.string), tok.string))
        return out

    def line_of(self, offset: int) -> int:
        return bisect.bisect_right(self.starts, offset)


def solution_regions(text: str) -> list[tuple[int, int]]:
    """(begin line, end line), 1-based, of each BEGIN/END SOLUTION pair: the lines strictly
    between them are the region."""
    regions, begin = [], None
    for n, line in enumerate(text.splitlines(), 1):
        if line.strip().startswith(BEGIN):
            begin = n
        elif line.strip().startswith(END) and begin is not None:
            regions.append((begin, n))
            begin = None
    return regions


# ---------------------------------------------------------------- operators

ARITH = {ast.Add: [ast.Sub], ast.Sub: [ast.Add], ast.Mult: [ast.Div], ast.Div: [ast.Mult, ast.FloorDiv],
         ast.FloorDiv: [ast.Div], ast.Pow: [ast.Mult], ast.MatMult: [ast.Mult], ast.Mod: [ast.FloorDiv],
         ast.BitAnd: [ast.BitOr], ast.BitOr: [ast.BitAnd]}
SYMBOL = {ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.Div: "/", ast.FloorDiv: "//", ast.Pow: "**",
          ast.MatMult: "@", ast.Mod: "%", ast.BitAnd: "&", ast.BitOr: "|", ast.BitXor: "^",
          ast.LShift: "<<", ast.RShift: ">>"}
COMPARE = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt, ast.Eq: ast.NotEq,
           ast.NotEq: ast.Eq, ast.Is: ast.IsNot, ast.IsNot: ast.Is, ast.In: ast.NotIn, ast.NotIn: ast.In}
COMPARE_SYMBOL = {ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==", ast.NotEq: "!=",
                  ast.Is: "is", ast.IsNot: "is not", ast.In: "in", ast.NotIn: "not in"}
# Operator names in mutant ids (symbols like `-->+` are hard to read there).
NAME = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "div", ast.FloorDiv: "floordiv", ast.Pow: "pow",
        ast.MatMult: "matmul", ast.Mod: "mod", ast.BitAnd: "bitand", ast.BitOr: "bitor", ast.BitXor: "bitxor",
        ast.LShift: "lshift", ast.RShift: "rshift", ast.Lt: "lt", ast.LtE: "le", ast.Gt: "gt", ast.GtE: "ge",
        ast.Eq: "eq", ast.NotEq: "ne", ast.Is: "is", ast.IsNot: "is-not", ast.In: "in", ast.NotIn: "not-in"}
# Calls whose swap is a classic slip in this course: x.sum() for x.mean(), np.zeros for np.ones...
CALL_SWAPS = {"sum": "mean", "mean": "sum", "max": "min", "min": "max", "argmax": "argmin", "argmin": "argmax",
              "zeros": "ones", "ones": "zeros", "zeros_like": "ones_like", "ones_like": "zeros_like",
              "new_zeros": "new_ones", "new_ones": "new_zeros", "maximum": "minimum", "minimum": "maximum",
              "amax": "amin", "amin": "amax"}
BUILTIN_SWAPS = {"max": "min", "min": "max"}          # bare names: there is no builtin mean
DROPPED_METHODS = {"detach", "clone", "copy"}         # x.detach() -> x
UNWRAPPED_CALLS = {"deepcopy"}                        # copy.deepcopy(x) -> x
DTYPE_SWAPS = {"float32": "float64", "float64": "float32", "int64": "int32", "int32": "int64"}
UNARY = {ast.USub: ("neg", "drop-minus"), ast.Not: ("bool", "drop-not"), ast.Invert: ("unary", "drop-invert")}
ATOMIC = (ast.Name, ast.Attribute, ast.Call, ast.Subscript, ast.Constant, ast.List, ast.Tuple, ast.Dict)

OPERATORS = ("arith", "augassign", "cmp", "bool", "neg", "unary", "const", "index", "slice", "kwarg",
             "stmt", "return", "call", "dropcall", "dtype")


@dataclass
class Mutant:
    id: str
    exercise: str
    task: str
    cell: int              # index of the cell in the notebook
    line: int              # 1-based line within the cell
    operator: str
    detail: str
    description: str
    original: str          # the solution cell's source
    source: str            # the mutated cell's source
    start: int = 0         # the replaced character range of `original`
    end: int = 0

    def record(self) -> dict:
        return {"id": self.id, "exercise": self.exercise, "task": self.task, "line": self.line,
                "operator": self.operator, "detail": self.detail, "description": self.description}

    def diff(self) -> str:
        return "".join(difflib.unified_diff(self.original.splitlines(keepends=True),
                                            self.source.splitlines(keepends=True),
                                            f"{self.exercise} solution-{self.task}", self.id))


@dataclass
class _Edit:
    start: int
    end: int
    text: str
    operator: str
    detail: str


def _short(text: str, limit: int = 24) -> str:
    text = re.sub(r"\s+", "_", text.strip())
    return text if len(text) <= limit else text[:limit - 1] + "~"


def _safe_detail(detail: str) -> str:
    """An id's detail that a shell leaves alone: `lt->le` becomes `lt_to_le` (a `>` would redirect)."""
    return re.sub(r"[^A-Za-z0-9_.=+~-]", "_", detail.replace("->", "_to_"))


def _parents(tree) -> dict:
    parent = {}
    for node in ast.walk(tree):
        for child in ast.iter_child_nodes(node):
            parent[child] = node
    return parent


def _is_docstring(node, parent) -> bool:
    holder = parent.get(node)
    return (isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant) and isinstance(node.value.value, str)
            and isinstance(holder, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            and holder.body and holder.body[0] is node)


class _Generator:
    """Every one-spot edit of one cell's solution regions, in source order."""

    def __init__(self, text: str):
        self.src = Source(text)
        self.tree = ast.parse(text)
        self.parent = _parents(self.tree)
        self.regions = solution_regions(text)
        self.edits: list[_Edit] = []

    def inside(self, node) -> bool:
        return hasattr(node, "lineno") and any(b < node.lineno and node.end_lineno < e for b, e in self.regions)

    def ancestors(self, node):
        while node in self.parent:
            node = self.parent[node]
            yield node

    def add(self, start, end, text, operator, detail):
        self.edits.append(_Edit(start, end, text, operator, detail))

    def run(self) -> list[_Edit]:
        self.visit(self.tree)
        return self.edits

    def visit(self, node):
        if isinstance(node, (ast.JoinedStr, ast.Raise)) or (isinstance(node, ast.Expr) and _is_docstring(node, self.parent)):
            # f-string parts have no reliable positions; a raise keeps its message (only deleting
            # the whole raise is a mutant); a docstring is documentation.
            if isinstance(node, ast.Raise) and self.inside(node):
                self.statement(node)
            return
        if self.inside(node):
            self.mutate(node)
        for child in ast.iter_child_nodes(node):
            self.visit(child)

    # one method per kind of node
    def mutate(self, node):
        if isinstance(node, ast.stmt):
            self.statement(node)
        if isinstance(node, ast.BinOp):
            self.binop(node)
        elif isinstance(node, ast.AugAssign):
            self.augassign(node)
        elif isinstance(node, ast.Compare):
            self.compare(node)
        elif isinstance(node, ast.BoolOp):
            self.boolop(node)
        elif isinstance(node, ast.UnaryOp):
            self.unary(node)
        elif isinstance(node, ast.Constant):
            self.constant(node)
        elif isinstance(node, ast.Slice):
            self.slice(node)
        elif isinstance(node, ast.Call):
            self.call(node)
        elif isinstance(node, ast.Return):
            self.ret(node)
        elif isinstance(node, ast.Attribute):
            self.attribute(node)

    def operator_span(self, lo_node, hi_node):
        toks = self.src.tokens_between(self.src.end(lo_node), self.src.start(hi_node))
        return (toks[0][0], toks[-1][1]) if toks else None

    def binop(self, node):
        span = self.operator_span(node.left, node.right)
        for new in ARITH.get(type(node.op), []) if span else []:
            self.add(*span, SYMBOL[new], "arith", f"{NAME[type(node.op)]}->{NAME[new]}")

    def augassign(self, node):
        span = self.operator_span(node.target, node.value)
        if not span:
            return
        old = NAME.get(type(node.op), "op")
        for new in ARITH.get(type(node.op), []):
            self.add(*span, SYMBOL[new] + "=", "augassign", f"i{old}->i{NAME[new]}")
        self.add(*span, "=", "augassign", f"i{old}->assign")

    def compare(self, node):
        left = node.left
        for op, right in zip(node.ops, node.comparators):
            span = self.operator_span(left, right)
            new = COMPARE.get(type(op))
            if span and new:
                self.add(*span, COMPARE_SYMBOL[new], "cmp", f"{NAME[type(op)]}->{NAME[new]}")
            left = right

    def boolop(self, node):
        old = "and" if isinstance(node.op, ast.And) else "or"
        new = "or" if old == "and" else "and"
        for a, b in zip(node.values, node.values[1:]):
            span = self.operator_span(a, b)
            if span:
                self.add(*span, new, "bool", f"{old}->{new}")

    def unary(self, node):
        kind = UNARY.get(type(node.op))
        if kind:
            # Delete the operator only: its operand keeps its own parentheses.
            self.add(self.src.start(node), self.src.start(node.operand), "", *kind)

    def context(self, node) -> str:
        """The operator name of a constant: where it stands (an index, a slice bound, a keyword)."""
        child = node
        for up in self.ancestors(node):
            if isinstance(up, ast.keyword):
                return "kwarg"
            if isinstance(up, ast.Slice):
                return "slice"
            if isinstance(up, ast.Subscript) and child is up.slice:
                return "index"
            if not isinstance(up, (ast.UnaryOp, ast.Tuple)):
                return "const"
            child = up
        return "const"

    def constant(self, node):
        value = node.value
        if isinstance(value, bool):
            news = [not value]
        elif isinstance(value, int):
            news = [value + 1] if value == 0 else [value + 1, value - 1]
        elif isinstance(value, float):
            news = [value * 2] if value != 0 else [1.0]
        elif isinstance(value, str):
            news = ["XX" + value + "XX"]
        else:
            return                       # None, bytes, Ellipsis, complex
        op = self.context(node)
        up = self.parent.get(node)
        prefix = f"{up.arg}=" if op == "kwarg" and isinstance(up, ast.keyword) else ""
        for new in news:
            old_s = value if isinstance(value, str) else repr(value)
            new_s = new if isinstance(new, str) else repr(new)
            self.add(self.src.start(node), self.src.end(node), repr(new), op,
                     _short(f"{prefix}{old_s}->{new_s}", 32))

    def slice(self, node):
        for name, bound in (("lower", node.lower), ("upper", node.upper)):
            if bound is None:
                continue
            a, b = self.src.start(bound), self.src.end(bound)
            self.add(a, b, "", "slice", f"drop-{name}")
            numeric = isinstance(bound, ast.Constant) or (isinstance(bound, ast.UnaryOp) and isinstance(bound.operand, ast.Constant))
            if not numeric:                  # a constant bound already gets n + 1 and n - 1
                text = self.src.segment(bound)
                text = text if isinstance(bound, ATOMIC) else f"({text})"
                self.add(a, b, f"{text} + 1", "slice", f"{name}+1")

    def call(self, node):
        func = node.func
        # keyword removed
        items = sorted([*node.args, *node.keywords], key=lambda n: (n.lineno, n.col_offset))
        for k, kw in enumerate(items):
            if not isinstance(kw, ast.keyword) or kw.arg is None:
                continue
            if k > 0:
                commas = [t for t in self.src.tokens_between(self.src.end(items[k - 1]), self.src.start(kw)) if t[2] == ","]
                if not commas:
                    continue
                span = (commas[-1][0], self.src.end(kw))
            elif len(items) > 1:
                span = (self.src.start(kw), self.src.start(items[1]))
            else:
                span = (self.src.start(kw), self.src.end(node) - 1)     # up to the closing parenthesis
            self.add(*span, "", "kwarg", f"drop-{kw.arg}")
        # name swaps: x.sum() -> x.mean(), max(...) -> min(...)
        if isinstance(func, ast.Attribute) and func.attr in CALL_SWAPS:
            end = self.src.end(func)
            self.add(end - len(func.attr), end, CALL_SWAPS[func.attr], "call", f"{func.attr}->{CALL_SWAPS[func.attr]}")
        elif isinstance(func, ast.Name) and func.id in BUILTIN_SWAPS:
            self.add(self.src.start(func), self.src.end(func), BUILTIN_SWAPS[func.id], "call",
                     f"{func.id}->{BUILTIN_SWAPS[func.id]}")
        # x.detach() -> x; copy.deepcopy(x) -> x
        if isinstance(func, ast.Attribute) and func.attr in DROPPED_METHODS and not node.args and not node.keywords:
            dots = [t for t in self.src.tokens_between(self.src.end(func.value), self.src.end(func)) if t[2] == "."]
            if dots:
                self.add(dots[-1][0], self.src.end(node), "", "dropcall", f"drop-{func.attr}")
        name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
        if name in UNWRAPPED_CALLS and len(node.args) == 1 and not node.keywords:
            arg = node.args[0]
            text = self.src.segment(arg)
            self.add(self.src.start(node), self.src.end(node), text if isinstance(arg, ATOMIC) else f"({text})",
                     "dropcall", f"unwrap-{name}")

    def attribute(self, node):
        if node.attr in DTYPE_SWAPS:
            end = self.src.end(node)
            self.add(end - len(node.attr), end, DTYPE_SWAPS[node.attr], "dtype", f"{node.attr}->{DTYPE_SWAPS[node.attr]}")

    def ret(self, node):
        if node.value is not None and not (isinstance(node.value, ast.Constant) and node.value.value is None):
            self.add(self.src.start(node.value), self.src.end(node.value), "None", "return", "return-None")

    def statement(self, node):
        if isinstance(node, ast.Pass) or _is_docstring(node, self.parent):
            return
        if isinstance(node, ast.Return) and node.value is not None:
            return                              # `return None` is that mutant
        if isinstance(node, ast.If) and self.src.text.startswith("elif", self.src.start(node)):
            return                              # an elif cannot become `pass`; its test is mutated instead
        self.add(self.src.start(node), self.src.end(node), "pass", "stmt", f"del-{type(node).__name__}")


def _snippet(text: str, a: int, b: int) -> str:
    """The lines of text[a:b], whitespace collapsed, a long line cut around the change."""
    lo = text.rfind("\n", 0, a) + 1
    hi = text.find("\n", b)
    hi = len(text) if hi < 0 else hi
    shown = " ".join(text[lo:hi].split())
    if len(shown) > 120:
        where = len(" ".join(text[lo:a].split()))
        cut = max(0, where - 50)
        shown = ("..." if cut else "") + shown[cut:cut + 110] + ("..." if cut + 110 < len(shown) else "")
    return shown


def cell_mutants(text: str, exercise: str, task: str, cell: int) -> list[Mutant]:
    """Every valid, distinct one-spot mutant of one solution cell, in source order."""
    try:
        gen = _Generator(text)
    except (SyntaxError, tokenize.TokenError):
        return []
    original = ast.dump(gen.tree)
    seen, counts, out = {original}, defaultdict(int), []
    for e in gen.run():
        new = text[:e.start] + e.text + text[e.end:]
        try:
            tree = compile(new, "<mutant>", "exec", ast.PyCF_ONLY_AST)
        except (SyntaxError, ValueError):
            continue
        key = ast.dump(tree)
        if key in seen:
            continue
        seen.add(key)
        line = gen.src.line_of(e.start)
        detail = _safe_detail(e.detail)
        base = f"{exercise}:{task}:{line}:{e.operator}:{detail}"
        counts[base] += 1
        ident = base if counts[base] == 1 else f"{base}#{counts[base]}"
        last = gen.src.line_of(e.end)
        if last > line:         # a deleted block: its first line stands for it
            first_line_end = gen.src.starts[line] - 1
            before = _snippet(text, e.start, first_line_end) + f" ... ({last - line + 1} lines)"
        else:
            before = _snippet(text, e.start, e.end)
        after = _snippet(new, e.start, e.start + len(e.text))
        out.append(Mutant(ident, exercise, task, cell, line, e.operator, detail,
                          f"line {line}: `{before}` -> `{after}`", text, new, e.start, e.end))
    return out


def notebook_mutants(nb: dict, exercise: str) -> list[Mutant]:
    return [m for index, task, text in solution_cells(nb) for m in cell_mutants(text, exercise, task, index)]


def generate(names=None) -> list[Mutant]:
    """Every mutant of the given exercises' solution notebooks (all exercises by default)."""
    out = []
    for ex in names or exercises():
        out += notebook_mutants(json.loads(solution_path(ex).read_text()), ex)
    return out


def mutated_notebook(nb: dict, mutant: Mutant) -> dict:
    nb = copy.deepcopy(nb)
    nb["cells"][mutant.cell]["source"] = mutant.source
    return nb


# ---------------------------------------------------------------- selection


def read_equivalent(path: Path = EQUIVALENT_FILE) -> dict[str, str]:
    """id -> reason, from lines `<id>  # reason` (blank lines and lines starting with # are skipped)."""
    out = {}
    if path.exists():
        for raw in path.read_text().splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            ident, *reason = line.split(None, 1)      # ids hold no space, but may end in #2
            out[ident] = reason[0].removeprefix("#").strip() if reason else ""
    return out


def _seeded_sample(items: list, n: int, seed) -> list:
    if n >= len(items):
        return list(items)
    keep = set(random.Random(str(seed)).sample(range(len(items)), n))
    return [m for i, m in enumerate(items) if i in keep]


def cap_slow_tasks(mutants: list[Mutant], slow=SLOW_TASKS, seed=SLOW_SEED) -> tuple[list[Mutant], dict]:
    """Keep a fixed sample of each slow task's mutants; also say what was sampled."""
    by_task = defaultdict(list)
    for m in mutants:
        by_task[(m.exercise, m.task)].append(m)
    kept, sampled = [], {}
    for key, ms in by_task.items():
        if key in slow and len(ms) > slow[key]:
            chosen = _seeded_sample(ms, slow[key], f"{seed}:{key[0]}:{key[1]}")
            sampled[f"{key[0]}:{key[1]}"] = {"generated": len(ms), "graded": len(chosen), "seed": seed}
            ms = chosen
        kept += ms
    return kept, sampled


def sample_per_exercise(mutants: list[Mutant], n: int, seed) -> list[Mutant]:
    by_ex = defaultdict(list)
    for m in mutants:
        by_ex[m.exercise].append(m)
    return [m for ex in sorted(by_ex) for m in _seeded_sample(by_ex[ex], n, f"{seed}:{ex}")]


def resolve_exercises(names) -> list[str]:
    known = exercises()
    if not names:
        return known
    out = []
    for name in names:
        hits = [ex for ex in known if ex == name or ex.startswith(name)]
        if len(hits) != 1:
            raise SystemExit(f"unknown or ambiguous exercise {name!r}; known: {', '.join(known)}")
        out += hits
    return out


# ---------------------------------------------------------------- grading


def _outcome(record: dict) -> dict:
    if record.get("status") != "graded":
        return {"outcome": "error", "messages": [str(m)[:500] for m in record.get("messages", [])]}
    if not record.get("max_score"):
        return {"outcome": "error", "messages": ["no hidden test ran for this task"]}
    lost = [t for t in record["tests"] if t["score"] < t["max_score"]]
    if lost:
        return {"outcome": "killed", "score": record["score"], "max_score": record["max_score"],
                "lost": [f"{t['name']}: {t['output'][:200]}" for t in lost]}
    return {"outcome": "survived", "score": record["score"], "max_score": record["max_score"]}


def grade_one(path: str, task: str) -> dict:
    """Grade one notebook on the given task's hidden tests (run in a pool process)."""
    from autograder.grading import grade_notebook
    t0 = time.perf_counter()
    try:
        result = _outcome(grade_notebook(path, DEVICES, tasks={task}).to_json())
    except Exception as e:   # noqa: BLE001 - a grader crash is a result ("killed by error"), not a stop
        result = {"outcome": "error", "messages": [f"the grader raised {type(e).__name__}: {e}"[:500]]}
    result["seconds"] = round(time.perf_counter() - t0, 2)
    return result


def _pool(jobs: int) -> ProcessPoolExecutor:
    return ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context("spawn"))


def run_jobs(jobs: dict, workers: int, progress=None, on_result=None) -> dict:
    """jobs: key -> (notebook path, task). Returns key -> result. A grading process that dies
    takes the pool down: the unfinished jobs are retried in a new pool, twice at most."""
    results, pending = {}, dict(jobs)
    for _attempt in range(3):
        if not pending:
            break
        try:
            with _pool(workers) as pool:
                futures = {pool.submit(grade_one, *job): key for key, job in pending.items()}
                for future in as_completed(futures):
                    key = futures[future]
                    results[key] = future.result()
                    pending.pop(key)
                    if on_result:
                        on_result(key, results[key])
                    if progress:
                        progress(key, results[key])
        except BrokenProcessPool:
            continue
    for key in pending:
        results[key] = {"outcome": "error", "messages": ["the grading process died three times"], "seconds": 0.0}
        if on_result:
            on_result(key, results[key])
        if progress:
            progress(key, results[key])
    return results


def grade_mutants(mutants: list[Mutant], workers: int = 1, baseline: bool = True, show_progress: bool = True,
                  checkpoint: Path | None = None, reuse: dict | None = None) -> dict[str, dict]:
    """Mutant id -> result {"outcome": killed|survived|error|baseline-failed, "seconds", ...}.
    `reuse` (id -> result) skips mutants already graded; `checkpoint` gets one JSON line per result."""
    from tqdm import tqdm
    reuse = reuse or {}
    results = {m.id: reuse[m.id] for m in mutants if m.id in reuse}
    todo = [m for m in mutants if m.id not in results]
    notebooks = {ex: json.loads(solution_path(ex).read_text()) for ex in {m.exercise for m in todo}}
    with tempfile.TemporaryDirectory(prefix="mutants-") as tmp:
        tmp = Path(tmp)
        failed_tasks = {}
        if baseline and todo:
            tasks = sorted({(m.exercise, m.task) for m in todo})
            jobs = {key: (str(solution_path(key[0])), key[1]) for key in tasks}
            with tqdm(total=len(jobs), desc="solutions (baseline)", unit="task", disable=not show_progress) as bar:
                base = run_jobs(jobs, workers, progress=lambda k, r: bar.update())
            failed_tasks = {key: r for key, r in base.items() if r["outcome"] != "survived"}
        jobs = {}
        for m in todo:
            if (m.exercise, m.task) in failed_tasks:
                r = failed_tasks[(m.exercise, m.task)]
                results[m.id] = {"outcome": "baseline-failed", "seconds": 0.0,
                                 "messages": ["the solution itself does not score full marks on this task",
                                              *r.get("lost", []), *r.get("messages", [])]}
                continue
            path = tmp / (re.sub(r"[^\w.-]+", "_", m.id) + ".ipynb")
            path.write_text(json.dumps(mutated_notebook(notebooks[m.exercise], m)))
            jobs[m.id] = (str(path), m.task)
        log = checkpoint.open("a") if checkpoint else None
        counts = defaultdict(int)
        try:
            with tqdm(total=len(jobs), desc="mutants", unit="mutant", disable=not show_progress) as bar:
                def progress(key, result):
                    counts[result["outcome"]] += 1
                    bar.set_postfix(killed=counts["killed"] + counts["error"], survived=counts["survived"], refresh=False)
                    bar.update()

                def save(key, result):
                    if log:
                        log.write(json.dumps({"id": key, **result}) + "\n")
                        log.flush()
                results.update(run_jobs(jobs, workers, progress=progress, on_result=save))
        finally:
            if log:
                log.close()
    return results


# ---------------------------------------------------------------- report


def summarise(mutants: list[Mutant], results: dict, equivalent: dict) -> dict:
    """exercise -> {"tasks": {task: counts}, **counts}; counts: mutants, killed (errors included),
    killed_by_error, survived, equivalent, not_graded, score, seconds."""
    def empty():
        return {"mutants": 0, "killed": 0, "killed_by_error": 0, "survived": 0, "equivalent": 0,
                "not_graded": 0, "score": None, "seconds": 0.0}

    out = {}
    for m in mutants:
        r = results.get(m.id)
        ex = out.setdefault(m.exercise, {**empty(), "tasks": {}})
        for row in (ex, ex["tasks"].setdefault(m.task, empty())):
            row["mutants"] += 1
            if r is None or r["outcome"] == "baseline-failed":
                row["not_graded"] += 1
                continue
            row["seconds"] = round(row["seconds"] + r.get("seconds", 0.0), 2)
            if r["outcome"] in ("killed", "error"):
                row["killed"] += 1
                row["killed_by_error"] += r["outcome"] == "error"
            elif m.id in equivalent:
                row["equivalent"] += 1
            else:
                row["survived"] += 1
    for ex in out.values():
        for row in (ex, *ex["tasks"].values()):
            counted = row["mutants"] - row["equivalent"] - row["not_graded"]
            row["score"] = round(row["killed"] / counted, 4) if counted else None
    return out


def outcome_of(mutant_id: str, results: dict, equivalent: dict) -> str:
    r = results.get(mutant_id)
    if r is None:
        return "not-graded"
    if r["outcome"] == "survived" and mutant_id in equivalent:
        return "equivalent"
    return r["outcome"]


def print_report(mutants: list[Mutant], results: dict, equivalent: dict, sampled: dict, file=sys.stdout):
    summary = summarise(mutants, results, equivalent)
    head = f"{'exercise / task':<40} {'mutants':>7} {'killed':>7} {'(error)':>7} {'survived':>8} {'equiv':>5} {'score':>7} {'time':>8}"
    print("\n" + head + "\n" + "-" * len(head), file=file)

    def row(name, r, bold=False):
        score = "-" if r["score"] is None else f"{100 * r['score']:.1f}%"
        extra = f"  ({r['not_graded']} not graded: baseline failed)" if r["not_graded"] else ""
        print(f"{name:<40} {r['mutants']:>7} {r['killed']:>7} {r['killed_by_error']:>7} {r['survived']:>8} "
              f"{r['equivalent']:>5} {score:>7} {r['seconds']:>7.0f}s{extra}", file=file)

    for ex, r in summary.items():
        for task, t in r["tasks"].items():
            note = " (sampled)" if f"{ex}:{task}" in sampled else ""
            row(f"  {task}{note}", t)
        row(ex, r)
        print(file=file)
    by_id = {m.id: m for m in mutants}
    survivors = [m for m in mutants if outcome_of(m.id, results, equivalent) == "survived"]
    if survivors:
        print(f"Survivors ({len(survivors)}):", file=file)
        for m in survivors:
            print(f"  {m.id}\n      {m.description}", file=file)
    errors = [m for m in mutants if outcome_of(m.id, results, equivalent) == "error"]
    if errors:
        print(f"\nKilled by error, i.e. could not be graded ({len(errors)}): check the grader", file=file)
        for m in errors:
            print(f"  {m.id}: {'; '.join(results[m.id].get('messages', []))[:300]}", file=file)
    wrong = [i for i in equivalent if i in by_id and results.get(i, {}).get("outcome") in ("killed", "error")]
    if wrong:
        print("\nListed as equivalent but killed (fix tests/mutation_equivalent.txt):", file=file)
        for i in wrong:
            print(f"  {i}", file=file)
    return summary


def results_document(mutants, results, equivalent, sampled, names, command) -> dict:
    summary = summarise(mutants, results, equivalent)
    known = {m.id for m in generate(names)}
    doc = {
        "about": "Mutation testing of the hidden suites (tests/mutation.py): every one-spot mutant of the solution "
                 "regions, graded on its own task's hidden tests. score = killed / (mutants - equivalent).",
        "command": command,
        "devices": DEVICES,
        "created": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "exercises": list(names),
        "hashes": input_hashes(names),
        "sampled": {k: {**v, "why": "the task's grading trains on real data (about 20 s a mutant): a fixed "
                                    "sample (tests/mutation.py SLOW_TASKS, seed SLOW_SEED) keeps a full run "
                                    "near an hour on 2 cores"} for k, v in sampled.items()},
        "summary": summary,
        "equivalent": {i: r for i, r in equivalent.items() if i in known},
        "survivors": {},                  # filled in below, from the mutants
        # outcome: with the equivalent list applied; graded: what the grading said
        "mutants": [{**m.record(), "outcome": outcome_of(m.id, results, equivalent),
                     "graded": results.get(m.id, {}).get("outcome", "not-graded"),
                     **{k: v for k, v in results.get(m.id, {}).items() if k != "outcome"}}
                    for m in mutants],
    }
    doc["survivors"] = survivors_by_exercise(doc["mutants"])
    return doc


def survivors_by_exercise(records: list[dict]) -> dict:
    """exercise -> ["<id>: <description>"] of the mutants that kept full marks (equivalents left out)."""
    out = defaultdict(list)
    for m in records:
        if m["outcome"] == "survived":
            out[m["exercise"]].append(f"{m['id']}: {m['description']}")
    return dict(out)


def dumps_results(doc: dict) -> str:
    """The results file's text: indented, with one line per mutant (so that a rerun diffs by mutant)."""
    head = json.dumps({k: v for k, v in doc.items() if k != "mutants"}, indent=1)
    rows = ",\n  ".join(json.dumps(m) for m in doc["mutants"])
    return head[:-2] + ',\n "mutants": [\n  ' + rows + "\n ]\n}\n"


def _graded(record: dict) -> str:
    """A results file record's own grading outcome (files without "graded" stored survived as equivalent)."""
    return record.get("graded") or ("survived" if record["outcome"] == "equivalent" else record["outcome"])


def recorded(doc: dict) -> tuple[list, dict]:
    """A results file's mutants (as objects with id, exercise, task) and results (id -> result)."""
    from types import SimpleNamespace
    mutants = [SimpleNamespace(**{k: m[k] for k in ("id", "exercise", "task", "description")}) for m in doc["mutants"]]
    results = {m["id"]: {**{k: v for k, v in m.items() if k not in ("outcome", "graded")}, "outcome": _graded(m)}
               for m in doc["mutants"] if _graded(m) != "not-graded"}
    return mutants, results


def rescore(doc: dict, equivalent: dict) -> dict:
    """The results file with the equivalent list applied again (no grading: the list changed, not the code)."""
    mutants, results = recorded(doc)
    doc = copy.deepcopy(doc)
    doc["summary"] = summarise(mutants, results, equivalent)
    ids = {m.id for m in mutants}
    doc["equivalent"] = {i: r for i, r in equivalent.items() if i in ids}
    for m in doc["mutants"]:
        m["graded"] = _graded(m)
        m["outcome"] = outcome_of(m["id"], results, equivalent)
    doc["survivors"] = survivors_by_exercise(doc["mutants"])
    return doc


# ---------------------------------------------------------------- command line


def select(args) -> tuple[list[Mutant], dict, list[str]]:
    names = resolve_exercises(args.exercises)
    mutants = generate(names)
    if args.task:
        mutants = [m for m in mutants if m.task in set(args.task)]
    if args.survivors_of:
        old = json.loads(Path(args.survivors_of).read_text())
        ids = {m["id"] for m in old["mutants"] if m["outcome"] == "survived"}
        mutants = [m for m in mutants if m.id in ids]
    if args.id:
        wanted = set(args.id)
        mutants = [m for m in mutants if m.id in wanted]
    sampled = {}
    if not args.all_slow and not args.id:
        mutants, sampled = cap_slow_tasks(mutants)
    if args.sample:
        mutants = sample_per_exercise(mutants, args.sample, args.seed)
    return mutants, sampled, names


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                epilog="Known-equivalent mutants: tests/mutation_equivalent.txt. Results: --json FILE.")
    p.add_argument("exercises", nargs="*", metavar="EXERCISE", help="exercise names or prefixes (default: all)")
    p.add_argument("--task", action="append", help="only this task's mutants (repeatable)")
    p.add_argument("--id", action="append", help="only this mutant (repeatable)")
    p.add_argument("--survivors-of", metavar="RESULTS", help="only the mutants that survived in this results file")
    p.add_argument("--sample", type=int, help="grade N mutants per exercise, chosen with --seed")
    p.add_argument("--seed", default="0")
    p.add_argument("--all-slow", action="store_true", help="grade every mutant of the slow tasks too (no sampling)")
    p.add_argument("--jobs", type=int, default=1, help="grading processes (default 1)")
    p.add_argument("--json", metavar="OUT", help="write every result and the input hashes to OUT")
    p.add_argument("--resume", action="store_true", help="reuse results from OUT.partial (same inputs only)")
    p.add_argument("--no-baseline", action="store_true", help="do not grade the solution's tasks first")
    p.add_argument("--list", action="store_true", help="list the mutants (id and description); grade nothing")
    p.add_argument("--show", metavar="ID", help="show one mutant as a diff of its cell")
    p.add_argument("--rescore", metavar="RESULTS", help="apply tests/mutation_equivalent.txt to a results file again "
                                                        "(after editing the list; nothing is graded)")
    args = p.parse_args(argv)

    if args.rescore:
        path = Path(args.rescore)
        doc = rescore(json.loads(path.read_text()), read_equivalent())
        path.write_text(dumps_results(doc))
        mutants, results = recorded(doc)
        print_report(mutants, results, read_equivalent(), doc.get("sampled", {}))
        print(f"rescored {path}")
        return 0

    if args.show:
        ex = args.show.split(":")[0]
        hits = [m for m in generate(resolve_exercises([ex])) if m.id == args.show]
        if not hits:
            print(f"no mutant {args.show!r}", file=sys.stderr)
            return 2
        print(hits[0].description + "\n")
        print(hits[0].diff())
        return 0

    mutants, sampled, names = select(args)
    equivalent = read_equivalent()
    if args.list:
        for m in mutants:
            mark = "  [equivalent]" if m.id in equivalent else ""
            print(f"{m.id}{mark}\n    {m.description}")
        counts = defaultdict(int)
        for m in mutants:
            counts[m.exercise] += 1
        print("\n" + ", ".join(f"{ex}: {n}" for ex, n in counts.items()) + f"; {len(mutants)} mutants")
        return 0
    known = {m.id for m in generate(names)}
    stale = [i for i in equivalent if i.split(":")[0] in names and i not in known]
    if stale:
        print(f"warning: tests/mutation_equivalent.txt lists mutants that no longer exist: {', '.join(stale)}",
              file=sys.stderr)

    checkpoint = Path(args.json + ".partial") if args.json else None
    reuse = {}
    if checkpoint and args.resume and checkpoint.exists():
        sources = {m.id: m for m in mutants}
        header, *lines = checkpoint.read_text().splitlines() or ["{}"]
        if json.loads(header).get("hashes") == input_hashes(names):
            for line in lines:
                try:
                    r = json.loads(line)
                except json.JSONDecodeError:
                    continue                 # a line cut by an interruption
                if r.get("id") in sources:
                    reuse[r.pop("id")] = r
        print(f"resuming: {len(reuse)} results reused from {checkpoint}", file=sys.stderr)
    if checkpoint and not reuse:
        checkpoint.write_text(json.dumps({"hashes": input_hashes(names)}) + "\n")

    t0 = time.time()
    results = grade_mutants(mutants, args.jobs, baseline=not args.no_baseline, checkpoint=checkpoint, reuse=reuse)
    print_report(mutants, results, equivalent, sampled)
    print(f"{len(mutants)} mutants graded in {time.time() - t0:.0f} s with {args.jobs} process(es)")
    if args.json:
        command = "python tests/mutation.py " + " ".join(argv if argv is not None else sys.argv[1:])
        doc = results_document(mutants, results, equivalent, sampled, names, command)
        Path(args.json).write_text(dumps_results(doc))
        checkpoint.unlink(missing_ok=True)
        print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
