"""The trust boundary in the layout, checked on the source (with ast), not left to convention:

(a) autograder/inside/, the code that runs beside student code, imports only itself (relatively:
    in the sandbox the package is `inside`), the standard library, numpy and torch, never the grader;
(b) no module of the grader imports another one's private name (`from m import _x`, or `m._x`);
(c) the grader's modules import one another without cycles (imports inside functions count).

A checker that cannot fail proves nothing: the in-memory cases below show it catches each kind.
"""
from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
GRADER = "autograder"
INSIDE = "autograder.inside"           # runs in the sandbox, where it is the package `inside`
INSIDE_NAME_THERE = "inside"
INSIDE_MAY_IMPORT = {"numpy", "torch"}  # besides itself and the standard library


def read_modules(root: Path = REPO, package: str = GRADER) -> dict[str, str]:
    """Every module of `package` under `root`: dotted name (a package by its __init__) -> source."""
    found = {}
    for path in sorted((root / package).rglob("*.py")):
        if "__pycache__" in path.parts:
            continue
        parts = list(path.relative_to(root).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        found[".".join(parts)] = path.read_text()
    return found


def is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


class Module:
    """One module's imports, resolved to absolute names: `targets` holds (line, module, the names
    imported from it, the import's relative level) for each, `bound` the modules it names."""

    def __init__(self, name: str, source: str, modules: dict[str, str], packages: set[str]):
        self.name = name
        self.tree = ast.parse(source, filename=name)
        self.problems: list[str] = []
        self.targets: list[tuple[int, str, list[str], int]] = []   # (line, module, names, level)
        self.bound: dict[str, str] = {}   # local name -> module of the grader it stands for
        here = name if name in packages else name.rpartition(".")[0]
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    self.targets.append((node.lineno, alias.name, [], 0))
                    local = alias.asname or alias.name.partition(".")[0]
                    self.bound[local] = alias.name if alias.asname else alias.name.partition(".")[0]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    parts = here.split(".")
                    if node.level - 1 >= len(parts):
                        self.problems.append(f"{name}:{node.lineno}: a relative import beyond the top package")
                        continue
                    base = ".".join(parts[: len(parts) - (node.level - 1)] + ([node.module] if node.module else []))
                else:
                    base = node.module
                plain = []
                for alias in node.names:
                    sub = f"{base}.{alias.name}"
                    if sub in modules:   # `from package import module`
                        self.targets.append((node.lineno, sub, [], node.level))
                        self.bound[alias.asname or alias.name] = sub
                    else:
                        plain.append(alias.name)
                if plain:
                    self.targets.append((node.lineno, base, plain, node.level))
            elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
                  and isinstance(node.args[0].value, str)
                  and ((isinstance(node.func, ast.Name) and node.func.id == "__import__")
                       or (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module"))):
                self.targets.append((node.lineno, node.args[0].value, [], 0))   # a literal dynamic import

    def private_attributes(self, modules: dict[str, str]):
        """(line, module, name) for every `m._x` where m stands for a module of the grader."""
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Attribute) and is_private(node.attr):
                chain, value = [], node.value
                while isinstance(value, ast.Attribute):
                    chain.insert(0, value.attr)
                    value = value.value
                if isinstance(value, ast.Name) and value.id in self.bound:
                    target = ".".join([self.bound[value.id], *chain])
                    if target in modules and target != self.name:
                        yield node.lineno, target, node.attr


def owner(name: str, modules: dict[str, str]) -> str | None:
    """The module of the grader that `name` (a module, or a name in one) belongs to, if any."""
    while name:
        if name in modules:
            return name
        name = name.rpartition(".")[0]
    return None


def cycles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = set()
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.add(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(component)

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


def violations(modules: dict[str, str], packages: set[str] | None = None) -> list[str]:
    """Everything in `modules` (dotted name -> source) that breaks (a), (b) or (c)."""
    if packages is None:
        packages = {GRADER} | {n for n in modules if any(m.startswith(n + ".") for m in modules)}
    stdlib = set(sys.stdlib_module_names)
    problems: list[str] = []
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, source in modules.items():
        module = Module(name, source, modules, packages)
        problems += module.problems
        for line, target, names, level in module.targets:
            where = f"{name}:{line}"
            if within(name, INSIDE):   # (a)
                if level:
                    if not within(target, INSIDE):
                        problems.append(f"{where}: the sandbox's code imports {target}, outside {INSIDE}")
                elif within(target, GRADER):
                    problems.append(f"{where}: the sandbox's code imports {target}: only its own modules, "
                                    f"relatively (in the sandbox the package is `{INSIDE_NAME_THERE}`)")
                elif target.partition(".")[0] not in stdlib | INSIDE_MAY_IMPORT:
                    problems.append(f"{where}: the sandbox's code imports {target}, neither the standard "
                                    f"library nor {', '.join(sorted(INSIDE_MAY_IMPORT))}")
            mine = owner(target, modules)
            if mine is None:
                continue
            if mine != name:
                graph[name].add(mine)
            for imported in names:   # (b)
                if is_private(imported):
                    problems.append(f"{where}: imports the private name {imported} from {mine}")
        for line, target, attr in module.private_attributes(modules):   # (b)
            problems.append(f"{name}:{line}: uses the private name {attr} of {target}")
    for component in cycles(graph):   # (c)
        problems.append(f"an import cycle: {' <-> '.join(sorted(component))}")
    return problems


# ---------------------------------------------------------------- the grader itself


def test_the_grader_keeps_the_boundary_in_its_imports():
    modules = read_modules()
    assert INSIDE in modules and f"{INSIDE}.worker" in modules and "autograder.sandbox" in modules
    problems = violations(modules)
    assert not problems, "\n".join(problems)


def test_code_sent_into_the_sandbox_names_the_package_as_it_is_there():
    """Submissions in the test corpora that patch the worker (tests/buggy, tests/hostile, and the
    code strings of the tests) must name its modules as the sandbox imports them, `inside.worker`:
    under a stale name their patch would fail and the test pass for the wrong reason."""
    there = {INSIDE_NAME_THERE + name[len(INSIDE):] for name in read_modules() if within(name, INSIDE)}
    loose = {name.rpartition(".")[2] for name in there} - {INSIDE_NAME_THERE}
    sources = [(p, p.read_text()) for folder in ("buggy", "hostile") for p in sorted((REPO / "tests" / folder).rglob("*.py"))]
    for path in sorted((REPO / "tests").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and "import" in node.value:
                sources.append((path, node.value))
    wrong = []
    for path, source in sources:
        try:
            tree = ast.parse(source)
        except SyntaxError:
            continue   # prose, not code
        for node in ast.walk(tree):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names
                                         if node.module == INSIDE_NAME_THERE]
            elif isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant):
                if isinstance(node.value, ast.Attribute) and node.value.attr == "modules":
                    names = [node.slice.value]
            elif (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get"
                  and isinstance(node.func.value, ast.Attribute) and node.func.value.attr == "modules"
                  and node.args and isinstance(node.args[0], ast.Constant)):
                names = [node.args[0].value]
            for name in names:
                if not isinstance(name, str):
                    continue
                if name in loose or (within(name, INSIDE_NAME_THERE) and name not in there):
                    wrong.append(f"{path.relative_to(REPO)}: {name}")
    assert not wrong, f"names the sandbox does not have (its modules are {sorted(there)}):\n" + "\n".join(wrong)


# ---------------------------------------------------------------- the checker catches what it should

CLEAN = {
    "autograder": "from pathlib import Path\nROOT = Path('.')\n",
    "autograder.inside": '"""runs in the sandbox"""\n',
    "autograder.inside.protocol": "import json\nimport numpy as np\n\ndef _float(x):\n    return x\n",
    "autograder.inside.worker": "import os\nimport numpy as np\nfrom . import protocol\n\n"
                                "def main():\n    from . import seccomp\n    import torch\n",
    "autograder.inside.seccomp": "import ctypes\n",
    "autograder.sandbox": "from autograder.sandbox.client import WorkerClient\n",
    "autograder.sandbox.client": "from autograder.inside import protocol\nfrom autograder import ROOT\n",
    "autograder.grading": "from autograder.sandbox import WorkerClient\nimport pytest\n\n"
                          "def f(x):\n    return x._private\n",
    "autograder.cli": "def grade():\n    from autograder import gradescope\n",
    "autograder.gradescope": "def run():\n    from autograder import results\n",
}

BROKEN = {   # what is added to CLEAN (module -> lines) -> what the report must say
    "the sandbox's code imports the grader": (
        {"autograder.inside.worker": "from autograder.sandbox import client"}, "imports autograder.sandbox"),
    "the sandbox's code imports a sibling absolutely": (
        {"autograder.inside.worker": "import autograder.inside.protocol"}, "relatively"),
    "the sandbox's code imports the grader lazily": (
        {"autograder.inside.worker": "def later():\n    from autograder import grading"}, "imports autograder.grading"),
    "the sandbox's code imports a third-party package": (
        {"autograder.inside.protocol": "import requests"}, "imports requests, neither"),
    "the sandbox's code reaches out of its package relatively": (
        {"autograder.inside.worker": "from .. import grading"}, "outside autograder.inside"),
    "the sandbox's code imports by a literal dynamic import": (
        {"autograder.inside.worker": "import importlib\nimportlib.import_module('autograder.grading')"},
        "imports autograder.grading"),
    "a private name imported": (
        {"autograder.grading": "from autograder.inside.protocol import _float"}, "private name _float"),
    "a private name imported relatively": (
        {"autograder.inside.worker": "from .protocol import _float"}, "private name _float"),
    "a private name used on a module": (
        {"autograder.sandbox.client": "protocol._float(1.0)"}, "private name _float of autograder.inside.protocol"),
    "a cycle": (   # client -> grading -> sandbox -> client
        {"autograder.sandbox.client": "from autograder import grading"}, "an import cycle"),
    "a cycle through a lazy import": (   # worker -> protocol -> worker
        {"autograder.inside.protocol": "def f():\n    from . import worker"}, "an import cycle"),
    "a cycle of three modules": (   # cli -> gradescope -> grading -> cli
        {"autograder.gradescope": "import autograder.grading", "autograder.grading": "from autograder import cli"},
        "an import cycle"),
}


def test_the_checker_passes_clean_code():
    assert violations(CLEAN) == []


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_the_checker_catches_a_forbidden_import(case):
    added, expected = BROKEN[case]
    found = violations({**CLEAN, **{name: CLEAN[name] + "\n" + lines + "\n" for name, lines in added.items()}})
    assert any(expected in problem for problem in found), found
