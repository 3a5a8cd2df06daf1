"""No exercise notebook and no book page gives away another exercise's graded answers.

test_exercises.py already checks that no exercise holds a line of its own solution verbatim. This
file looks for answers that travelled further, renamed and reformatted: a solution function of one
exercise given, working, in another exercise's set-up cell, or shown on a chapter page.

The rule. For every solution notebook, each *unit* is the code of the solution regions (between
`### BEGIN SOLUTION` and `### END SOLUTION`) of one function, and of one class (all its methods'
regions together). Its code and the code of every other exercise notebook (all code cells), of every
book page (book/*.md, its fenced code) and of the built site (_build/html, when it has been built)
are normalised the same way, one logical line at a time, with Python's tokenizer:

- comments, docstrings, blank lines and line continuations go; tokens are joined by one space, so
  layout and spacing do not matter;
- every name the document binds (parameters, assignment, loop and `with` targets, comprehension
  variables) becomes `_`, so renaming a variable does not hide a copy; attributes, keyword-argument
  names, module names, called library functions and literals stay, so the lines still say what
  they do.

A line with fewer than MIN_TOKENS tokens (`else:`, `return _`, `_ += 1`) says too little to count.
A unit *leaks* into a document when at least SHARE of its remaining lines, and at least MIN_LINES
of them, occur among the document's normalised lines.

Why these numbers: the course teaches with code, and single lines of a solution (a lookup
`W[ids]`, `model.eval()`, `optimizer.zero_grad()`) are the vocabulary every chapter uses, so a
single shared line, or two, is not a leak, and every training loop shares the three lines of an
optimiser step. What gives an answer away is a function's body reproduced: its distinctive lines,
most of them, in one place. At 60 % of at least 3 lines, the set-up cell exercise 6 had (chapter 4's
SentimentModel, train_epoch, evaluate and train with renamed variables) is caught three times:
exercise 4's SentimentModel (6 of its 6 lines), its forward (4 of 4) and its train_epoch (7 of 10).
Nothing else comes near: the closest pairs left share 3 lines of 10 (exercise 4's train_epoch and
exercise 6's given fit_and_score) or 2 of 4 (exercise 4's evaluate, same place), and no page shares
more than one line with any solution unit.

What the rule cannot see: a short function written anew. Chapter 4's page defines
`accuracy(model, x, y)` (eval mode, no_grad, logits > 0 against the labels), exercise 4's graded
`evaluate` under another name and in other words: it earns exercise 4's 5 evaluate points when
pasted as `evaluate`. It is the chapter teaching the idea the exercise asks for, left as it is.

Lines the exercise's own text spells out, as code in its Markdown (exercise 4 gives
`self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=padding_idx)` as the
specification), are public: they are left out of the unit, so a chapter may use the exercise's names.

A unit whose solution is shorter than MIN_LINES non-trivial lines (a one-line lookup, say) cannot
leak by this rule: such answers are the chapters' own examples, taught on purpose.
"""
from __future__ import annotations

import ast
import io
import json
import keyword
import re
import tokenize
from dataclasses import dataclass
from pathlib import Path

import pytest

from conftest import EXERCISES, REPO, exercise, solution

MIN_TOKENS = 4
MIN_LINES = 3
SHARE = 0.6

PAGES = sorted((REPO / "book").glob("*.md"))
SITE = REPO / "_build" / "html"

# (solution unit, document) pairs that may match, each with the reason. Empty: nothing is allowed.
ALLOWED: dict[tuple[str, str], str] = {}

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
DROPPED = {tokenize.COMMENT, tokenize.NL, tokenize.INDENT, tokenize.DEDENT, tokenize.ENCODING,
           tokenize.ENDMARKER}


# ---------------------------------------------------------------- normalisation


def python_source(text: str) -> str:
    """Notebook code without IPython magics and shell escapes, which are not Python."""
    return "\n".join("pass" if line.lstrip().startswith(("%", "!")) else line for line in text.splitlines())


def bound_names(sources: list[str]) -> set[str]:
    """Names a document binds anywhere: parameters, assignment, loop, with and comprehension targets."""
    names = set()
    for src in sources:
        try:
            tree = ast.parse(python_source(src))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
                names.add(node.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
            elif isinstance(node, ast.ExceptHandler) and node.name:
                names.add(node.name)
    return names


def logical_lines(src: str, bound: set[str]) -> list[tuple[int, tuple[str, ...]]]:
    """(first physical line, normalised tokens) of every logical line of `src`, docstrings left out."""
    out, current, start, depth = [], [], None, 0
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(python_source(src)).readline))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return []
    for k, tok in enumerate(tokens):
        if tok.type == tokenize.NEWLINE:
            if current and not (len(current) == 1 and current[0][0] == tokenize.STRING):
                out.append((start, tuple(text for _, text in current)))
            current, start = [], None
            continue
        if tok.type in DROPPED:
            continue
        text = tok.string
        if tok.type == tokenize.OP:
            depth += text in "([{"
            depth -= text in ")]}"
        if tok.type == tokenize.NAME and text in bound and not keyword.iskeyword(text):
            previous = current[-1][1] if current else ""
            following = next((t.string for t in tokens[k + 1:] if t.type not in DROPPED), "")
            keyword_argument = depth > 0 and following == "=" and previous in ("(", ",")
            if previous != "." and not keyword_argument:
                text = "_"
        if start is None:
            start = tok.start[0]
        current.append((tok.type, text))
    return out


def meaningful(line: tuple[str, ...]) -> bool:
    return len(line) >= MIN_TOKENS


def document_lines(sources: list[str]) -> set[tuple[str, ...]]:
    bound = bound_names(sources)
    return {line for src in sources for _, line in logical_lines(src, bound) if meaningful(line)}


# ---------------------------------------------------------------- solution units


@dataclass
class Unit:
    exercise: str
    name: str                      # "function f" or "class C"
    lines: list[tuple[str, ...]]   # normalised, meaningful, in order

    @property
    def label(self) -> str:
        return f"{self.exercise}: {self.name}"


def code_sources(path: Path) -> list[str]:
    cells = json.loads(path.read_text())["cells"]
    return ["".join(c["source"]) for c in cells if c["cell_type"] == "code"]


def region_lines(src: str) -> set[int]:
    """Physical line numbers (1-based) inside the cell's solution regions."""
    inside, lines = False, set()
    for number, line in enumerate(src.splitlines(), start=1):
        if line.strip().startswith(BEGIN):
            inside = True
        elif line.strip().startswith(END):
            inside = False
        elif inside:
            lines.add(number)
    return lines


INLINE_CODE = re.compile(r"(`+)(.+?)\1")


def specification_lines(name: str, bound: set[str]) -> set[tuple[str, ...]]:
    """The code the exercise's text gives every student (inline and fenced code in its Markdown),
    normalised with the solution's bound names."""
    cells = json.loads(solution(name).read_text())["cells"]
    text = "\n".join("".join(c["source"]) for c in cells if c["cell_type"] == "markdown")
    snippets = [m.group(2).strip() for m in INLINE_CODE.finditer(text)]
    snippets += [m.group(3) for m in CODE_FENCE.finditer(text)]
    return {line for snippet in snippets for _, line in logical_lines(snippet, bound)}


def solution_units(name: str) -> list[Unit]:
    """The solution regions of notebook `name`, one unit per function and one per class, less the
    lines the exercise's own text spells out."""
    sources = code_sources(solution(name))
    bound = bound_names(sources)
    public = specification_lines(name, bound)
    units: dict[str, list] = {}
    for src in sources:
        inside = region_lines(src)
        if not inside:
            continue
        try:
            tree = ast.parse(python_source(src))
        except SyntaxError:
            continue
        owners = []   # (first line, last line, unit names) of every function, innermost last
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                owners.append((node.lineno, node.end_lineno, [f"function {node.name}"]))
            elif isinstance(node, ast.ClassDef):
                owners.append((node.lineno, node.end_lineno, [f"class {node.name}"]))
        for number, line in logical_lines(src, bound):
            if number not in inside or not meaningful(line) or line in public:
                continue
            homes = [n for lo, hi, names in owners if lo <= number <= hi for n in names] or ["module code"]
            # The innermost function is its unit; an enclosing class collects its methods' regions.
            functions = [h for h in homes if h.startswith("function")]
            for home in ([functions[-1]] if functions else []) + [h for h in homes if not h.startswith("function")]:
                units.setdefault(home, []).append(line)
    return [Unit(name, home, lines) for home, lines in units.items()]


def leaks(units: list[Unit], document: str, lines: set[tuple[str, ...]]) -> list[str]:
    found = []
    for unit in units:
        if (unit.label, document) in ALLOWED:
            continue
        shared = [line for line in unit.lines if line in lines]
        if len(shared) >= MIN_LINES and len(shared) >= SHARE * len(unit.lines):
            found.append(f"{unit.label} ({len(shared)} of its {len(unit.lines)} lines) in {document}, e.g. "
                         f"{' '.join(shared[0])!r}")
    return found


# ---------------------------------------------------------------- documents


# (no \b after the fence's kind: "}" and the space after it are both non-word characters)
CODE_FENCE = re.compile(r"^(`{3,}|~{3,})\s*(\{code-cell\}|python|py|ipython3?)(?![\w-])[^\n]*\n(.*?)^\1[ \t]*$",
                        re.MULTILINE | re.DOTALL)


def page_sources(path: Path) -> list[str]:
    """The fenced code of a MyST page (code cells and python blocks), without cell options."""
    blocks = []
    for match in CODE_FENCE.finditer(path.read_text()):
        body = match.group(3)
        body = re.sub(r"\A---\n.*?\n---\n", "", body, flags=re.DOTALL)          # a cell's YAML options
        body = "\n".join(l for l in body.splitlines() if not l.startswith(":"))  # :tags: [...] options
        blocks.append(body)
    return blocks


def site_sources(path: Path) -> list[str]:
    """The code blocks of a built page (highlighted <pre> elements), as text."""
    from bs4 import BeautifulSoup
    soup = BeautifulSoup(path.read_text(errors="replace"), "html.parser")
    return [pre.get_text() for pre in soup.find_all("pre")]


@pytest.fixture(scope="module")
def units() -> dict[str, list[Unit]]:
    return {name: solution_units(name) for name in EXERCISES}


# ---------------------------------------------------------------- tests


def test_every_solution_has_units_to_check(units):
    for name in EXERCISES:
        assert units[name], f"{name}: no solution region found"
        assert any(len(u.lines) >= MIN_LINES for u in units[name]), f"{name}: every unit is too short to check"


@pytest.mark.parametrize("name", EXERCISES)
def test_no_other_exercise_holds_this_exercise_s_answers(units, name):
    found = []
    for other in EXERCISES:
        if other != name:
            found += leaks(units[name], f"exercises/{other}", document_lines(code_sources(exercise(other))))
    assert not found, "answers given away:\n" + "\n".join(found)


def test_the_pages_code_is_read():
    """The page scan reads every chapter's code cells (a pattern that matched none let it pass unread)."""
    for page in PAGES:
        if re.match(r"\d\d-", page.name):
            sources = page_sources(page)
            assert len(sources) == page.read_text().count("```{code-cell}") > 0, page.name
            assert not any(src.startswith(("---", ":")) for src in sources), f"{page.name}: cell options read as code"


@pytest.mark.parametrize("name", EXERCISES)
def test_no_book_page_holds_this_exercise_s_answers(units, name):
    found = []
    for page in PAGES:
        found += leaks(units[name], f"book/{page.name}", document_lines(page_sources(page)))
    assert not found, "answers shown on a page:\n" + "\n".join(found)


@pytest.mark.site("student")
def test_no_built_page_holds_an_answer(units):
    found = []
    for page in sorted(SITE.rglob("*.html")):
        lines = document_lines(site_sources(page))
        for name in EXERCISES:
            found += leaks(units[name], str(page.relative_to(REPO)), lines)
    assert not found, "answers on the built site:\n" + "\n".join(found)


# ---------------------------------------------------------------- the rule itself


def test_the_rule_sees_through_renaming_and_layout():
    unit = Unit("x", "function train_epoch", sorted(document_lines([
        "def train_epoch(model, optimizer, x, y, batch_size):\n"
        "    model.train()\n"
        "    order = torch.randperm(len(x)).to(x.device)\n"
        "    loss_sum = 0.0\n"
        "    for start in range(0, len(x), batch_size):\n"
        "        batch = order[start:start + batch_size]\n"
        "        optimizer.zero_grad()\n"
        "        loss = F.binary_cross_entropy_with_logits(model(x[batch]), y[batch])\n"
        "        loss.backward()\n"
        "        optimizer.step()\n"
        "        loss_sum += loss.item() * len(batch)\n"
        "    return loss_sum / len(x)\n"])))
    renamed = ('def one_pass(net, opt, inputs, targets, size):\n'
               '    """Comments and docstrings do not matter."""\n'
               '    net.train()   # training mode\n'
               '    perm = torch.randperm(len(inputs)).to(inputs.device)\n'
               '    for first in range(0, len(inputs), size):\n'
               '        chosen = perm[first:first + size]\n'
               '        opt.zero_grad()\n'
               '        value = F.binary_cross_entropy_with_logits(net(inputs[chosen]),\n'
               '                                                   targets[chosen])\n'
               '        value.backward()\n'
               '        opt.step()\n')
    assert leaks([unit], "a copy", document_lines([renamed]))
    other_loop = ("def fit(model, x, y, epochs, lr):\n"
                  "    optimizer = torch.optim.SGD(model.parameters(), lr=lr)\n"
                  "    for _ in range(epochs):\n"
                  "        optimizer.zero_grad()\n"
                  "        loss = F.mse_loss(model(x), y)\n"
                  "        loss.backward()\n"
                  "        optimizer.step()\n")
    assert not leaks([unit], "another loop", document_lines([other_loop]))


def test_keyword_arguments_and_attributes_keep_their_names():
    (_, line), = logical_lines("emb = nn.Embedding(n, d, padding_idx=padding_idx)\n", {"emb", "n", "d", "padding_idx"})
    assert " ".join(line) == "_ = nn . Embedding ( _ , _ , padding_idx = _ )"
