"""A class's grades, for instructors: who submitted each notebook, a gradebook an LMS imports, a
summary in the terminal and an HTML report in one offline file.

- `identify(path, root, pattern, gradescope)`: the student, from the layouts instructors already
  use: nbgrader's `submitted/<student>/<assignment>/`, a Gradescope export (`submission_<id>/`
  with `submission_metadata.yml`), a folder per student under the folder graded, or a regular
  expression with a `student` group matched against the path below that folder; else the file name.
- `code_fingerprints(nb)`: per task, a digest of the solution cell's code with comments, docstrings,
  blank lines and layout dropped and every name renamed by order of first use, so that copies with
  renamed variables or new comments have the same digest.
- `gradebook(records)`, `write_csv`, `summary`, `write_html`: what `grade --csv/--report` and
  `report` write. Records are read through results.GradeRecord, so every string is already safe;
  the HTML escapes each one again.
"""
from __future__ import annotations

import csv
import hashlib
import html
import io
import keyword
import re
import statistics
import tokenize
from collections import Counter, defaultdict
from pathlib import Path

from autograder.results import GradeRecord
from autograder.text import safe_line

# ---------------------------------------------------------------- who submitted it


def gradescope_names(root: Path) -> dict[str, str]:
    """`submission_<id>` -> the submitter (email, else name, else sid) from a Gradescope export's
    submission_metadata.yml in `root` (empty when there is none or it cannot be read)."""
    meta = Path(root) / "submission_metadata.yml"
    if not meta.is_file() or meta.stat().st_size > 50_000_000:
        return {}
    try:
        import yaml
        data = yaml.safe_load(meta.read_text(errors="replace"))
    except Exception:
        return {}
    names = {}
    for folder, entry in (data or {}).items() if isinstance(data, dict) else ():
        submitters = entry.get(":submitters") if isinstance(entry, dict) else None
        if isinstance(submitters, list) and submitters and isinstance(submitters[0], dict):
            first = submitters[0]
            who = next((first[k] for k in (":email", ":name", ":sid") if first.get(k)), None)
            if who is not None:
                names[str(folder)] = str(who)
    return names


def identify(path: Path, root: Path, pattern: re.Pattern | None = None,
             gradescope: dict[str, str] | None = None, exercises=frozenset()) -> str:
    """The student who submitted the notebook at `path`, found under the folder `root` the
    instructor gave (see the module's docstring for the layouts, in the order tried). Folders
    named after an exercise (`exercises`) are not students."""
    path = Path(path)
    parts = list(path.parts)
    inside = path != root and path.is_relative_to(root)       # root: a folder given, or the notebook itself
    relative = path.relative_to(root).parts if inside else (path.name,)
    if pattern is not None:
        found = pattern.search("/".join(relative))
        if found and found.groupdict().get("student"):
            return safe_line(found.group("student"), 200)
    if "submitted" in parts[:-1]:
        i = len(parts) - 1 - parts[::-1].index("submitted")
        if i + 2 < len(parts):
            return safe_line(parts[i + 1], 200)
    for folder in relative[:-1]:
        if gradescope and folder in gradescope:
            return safe_line(gradescope[folder], 200)
    folders = [f for f in relative[:-1] if f not in exercises]
    if folders:
        return safe_line(folders[0], 200)
    return safe_line(path.stem, 200)


# ---------------------------------------------------------------- near-identical code

def normalised_tokens(source: str) -> list[str]:
    """The code's tokens without comments, docstrings, blank lines or layout, each name that is not
    a keyword or a builtin replaced by its order of first use (x, y -> n0, n1)."""
    import builtins
    kept, names = [], {}
    previous, skipped_string = tokenize.NEWLINE, False
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError, IndentationError):
        return source.split()
    for tok in tokens:
        if tok.type in (tokenize.COMMENT, tokenize.NL, tokenize.ENCODING, tokenize.ENDMARKER):
            continue
        if tok.type == tokenize.STRING and previous in (tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT):
            skipped_string = True       # a docstring, or a string on its own line (and its NEWLINE below)
            continue
        if skipped_string and tok.type == tokenize.NEWLINE:
            skipped_string = False
            continue
        skipped_string = False
        previous = tok.type
        if tok.type == tokenize.NAME and not keyword.iskeyword(tok.string) and not hasattr(builtins, tok.string):
            kept.append(names.setdefault(tok.string, f"n{len(names)}"))
        elif tok.type in (tokenize.INDENT, tokenize.DEDENT, tokenize.NEWLINE):
            kept.append(tokenize.tok_name[tok.type])
        else:
            kept.append(tok.string)
    return kept


def code_fingerprints(nb) -> dict[str, str]:
    """Task -> digest of the normalised code of the notebook's solution cell `solution-<task>`
    (notebook.Notebook). A cell still raising NotImplementedError is left out: blank is not copied."""
    from autograder.notebook import cell_source, nbgrader_meta
    prints = {}
    for cell in nb.cells:
        grade_id = nbgrader_meta(cell).get("grade_id")
        if cell.get("cell_type") != "code" or not isinstance(grade_id, str) or not grade_id.startswith("solution-"):
            continue
        source = cell_source(cell)
        if "raise NotImplementedError" in source:
            continue
        tokens = normalised_tokens(source)
        if len(tokens) >= 8:            # a line or two is not worth comparing
            prints[grade_id.removeprefix("solution-")] = hashlib.sha256("\x00".join(tokens).encode()).hexdigest()[:32]
    return dict(list(prints.items())[:100])


# ---------------------------------------------------------------- the gradebook

def best_records(records: list[GradeRecord]) -> dict[tuple[str, str], GradeRecord]:
    """(student, exercise) -> the record kept for the gradebook: the highest score when a student
    has several notebooks of one exercise (the others are counted in `summary`)."""
    best = {}
    for r in records:
        if r.status != "graded" or not r.exercise:
            continue
        key = (r.student or r.notebook, r.exercise)
        if key not in best or r.score > best[key].score:
            best[key] = r
    return best


def gradebook(records: list[GradeRecord]) -> tuple[list[str], list[list]]:
    """(header, rows): one row per student, a column per exercise and per task of it, and the total.
    A student with no graded notebook of an exercise gets 0 there."""
    best = best_records(records)
    students = sorted({r.student or r.notebook for r in records})
    tasks = defaultdict(dict)       # exercise -> its tasks, in the suite's order (a dict keeps it)
    for r in records:
        if r.status == "graded" and r.exercise:
            for t in r.tests:
                tasks[r.exercise].setdefault(t.task, None)
    header = ["student"]
    for ex in sorted(tasks):
        header += [ex] + [f"{ex}:{task}" for task in tasks[ex]]
    header.append("total")
    rows = []
    for student in students:
        row, total = [student], 0.0
        for ex in sorted(tasks):
            r = best.get((student, ex))
            earned = defaultdict(float)
            for t in (r.tests if r else ()):
                earned[t.task] += t.score
            score = r.score if r else 0.0
            total += score
            row += [_num(score)] + [_num(earned[task]) for task in tasks[ex]]
        rows.append(row + [_num(total)])
    return header, rows


def _num(x: float):
    return int(x) if float(x).is_integer() else round(x, 4)


def write_csv(path: Path, records: list[GradeRecord]):
    header, rows = gradebook(records)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    for row in rows:   # a cell an LMS or a spreadsheet would read as a formula is quoted as text
        writer.writerow([f"'{v}" if isinstance(v, str) and v[:1] in ("=", "+", "-", "@") else v for v in row])
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(buffer.getvalue(), encoding="utf-8")


def histogram_lines(scores: list[float], max_score: float, bins: int = 10, width: int = 30) -> list[str]:
    """A small text histogram of scores from 0 to max_score."""
    if not scores or max_score <= 0:
        return []
    counts = [0] * bins
    for s in scores:
        counts[min(bins - 1, int(bins * s / max_score))] += 1
    top = max(counts)
    lines = []
    for i, n in enumerate(counts):
        lo, hi = max_score * i / bins, max_score * (i + 1) / bins
        lines.append(f"  {lo:6.1f}-{hi:<6.1f} {'#' * round(width * n / top):<{width}} {n}")
    return lines


def summary(records: list[GradeRecord]) -> str:
    """Per exercise: students, mean, median, a histogram; and what could not be graded."""
    best = best_records(records)
    lines = []
    for ex in sorted({ex for _, ex in best}):
        kept = [r for (_, e), r in best.items() if e == ex]
        scores = [r.score for r in kept]
        top = max(r.max_score for r in kept)
        lines.append(f"{ex}: {len(kept)} student(s), mean {statistics.mean(scores):.1f}, "
                     f"median {statistics.median(scores):g} of {top:g}")
        lines += histogram_lines(scores, top)
    extra = len([r for r in records if r.status == "graded" and r.exercise]) - len(best)
    if extra:
        lines.append(f"{extra} notebook(s) were a second submission of the same student and exercise: "
                     "the gradebook keeps each student's best")
    errors = [r for r in records if r.status != "graded"]
    if errors:
        lines.append(f"{len(errors)} notebook(s) could not be graded (their records say why)")
    return "\n".join(lines)


# ---------------------------------------------------------------- the HTML report

def failure_groups(records: list[GradeRecord], limit: int = 12) -> list[tuple[str, str, str, int, list[str]]]:
    """The most common failures: (exercise, test, first line of the failure, count, example students)."""
    groups = defaultdict(list)
    for r in records:
        for t in r.lost:
            first = re.sub(r"\d+(\.\d+)?", "#", t.output.splitlines()[0] if t.output else "failed")[:160]
            groups[(r.exercise or "?", t.name, first)].append(r.student or r.notebook)
    ranked = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))[:limit]
    return [(ex, name, first, len(who), sorted(set(who))[:3]) for (ex, name, first), who in ranked]


def near_identical(records: list[GradeRecord]) -> list[tuple[str, str, list[str]]]:
    """(exercise, task, students) for each task whose normalised code two or more students share."""
    shared = defaultdict(set)
    for r in records:
        for task, digest in r.fingerprints:
            shared[(r.exercise or "?", task, digest)].add(r.student or r.notebook)
    return sorted((ex, task, sorted(who)) for (ex, task, _), who in shared.items() if len(who) > 1)


def _bars_svg(values: list[tuple[str, float]], maximum: float, unit: str = "") -> str:
    """A horizontal bar chart as inline SVG (no script, no external file)."""
    height = 22 * len(values) + 10
    rows = []
    for i, (label, value) in enumerate(values):
        w = 0 if maximum <= 0 else 300 * value / maximum
        y = 22 * i + 5
        rows.append(f'<text x="0" y="{y + 14}" font-size="12">{html.escape(label[:48])}</text>'
                    f'<rect x="310" y="{y + 2}" width="{w:.1f}" height="16" fill="#3b6ea5"/>'
                    f'<text x="{316 + w:.1f}" y="{y + 14}" font-size="12">{value:g}{unit}</text>')
    return (f'<svg role="img" xmlns="http://www.w3.org/2000/svg" width="680" height="{height}" '
            f'viewBox="0 0 680 {height}">{"".join(rows)}</svg>')


def write_html(path: Path, records: list[GradeRecord], title: str = "Class report"):
    e = html.escape
    best = best_records(records)
    out = [f"<!doctype html><html lang='en'><head><meta charset='utf-8'><title>{e(title)}</title>"
           "<meta name='viewport' content='width=device-width, initial-scale=1'>"
           "<style>body{font-family:sans-serif;max-width:60rem;margin:1rem auto;padding:0 1rem;color:#222}"
           "table{border-collapse:collapse;display:block;max-width:100%;overflow-x:auto}"
           "td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left;overflow-wrap:anywhere}"
           "svg{max-width:100%;height:auto}</style></head><body>",
           f"<h1>{e(title)}</h1><p>{len(records)} notebook(s), {len({k for k, _ in best})} student(s).</p>"]
    for ex in sorted({ex for _, ex in best}):
        kept = [r for (_, x), r in best.items() if x == ex]
        top = max(r.max_score for r in kept)
        bins = Counter(min(9, int(10 * r.score / top)) if top else 0 for r in kept)
        out.append(f"<h2>{e(ex)}</h2><p>{len(kept)} student(s), mean {statistics.mean(r.score for r in kept):.1f}, "
                   f"median {statistics.median(r.score for r in kept):g} of {top:g}.</p>"
                   "<h3>Scores</h3>" + _bars_svg([(f"{top * i / 10:g}-{top * (i + 1) / 10:g}", bins.get(i, 0))
                                                 for i in range(10)], max(bins.values())))
        earned = defaultdict(list)
        for r in kept:
            for t in r.tests:
                earned[t.task].append(t.passed)
        out.append("<h3>Share of students who earned each task's tests</h3>"
                   + _bars_svg([(task, round(100 * sum(v) / len(v))) for task, v in earned.items()], 100, " %"))
    groups = failure_groups(records)
    if groups:
        out.append("<h2>Most common failures</h2><table><tr><th>exercise</th><th>test</th><th>failure</th>"
                   "<th>students</th><th>for example</th></tr>")
        out += [f"<tr><td>{e(ex)}</td><td>{e(name)}</td><td>{e(first)}</td><td>{n}</td><td>{e(', '.join(who))}</td></tr>"
                for ex, name, first, n, who in groups]
        out.append("</table>")
    timed = sorted((r for r in records if r.seconds is not None), key=lambda r: -r.seconds)[:10]
    if timed:
        out.append("<h2>Slowest submissions</h2>"
                   + _bars_svg([(r.student or r.notebook, round(r.seconds, 1)) for r in timed], timed[0].seconds, " s"))
    same = near_identical(records)
    out.append("<h2>Near-identical code</h2>")
    if same:
        out.append("<p>Solution cells whose code is the same once comments, layout and names are set aside. "
                   "A lead to look at, not a verdict: short tasks have few ways to be written.</p>"
                   "<table><tr><th>exercise</th><th>task</th><th>students</th></tr>")
        out += [f"<tr><td>{e(ex)}</td><td>{e(task)}</td><td>{e(', '.join(who))}</td></tr>" for ex, task, who in same]
        out.append("</table>")
    else:
        out.append("<p>No two students share a solution cell's normalised code.</p>")
    errors = [r for r in records if r.status != "graded"]
    if errors:
        out.append("<h2>Not graded</h2><table><tr><th>student</th><th>notebook</th><th>why</th></tr>")
        out += [f"<tr><td>{e(r.student or '')}</td><td>{e(r.notebook)}</td><td>{e(r.messages[0] if r.messages else '')}"
                "</td></tr>" for r in errors]
        out.append("</table>")
    out.append("</body></html>")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("\n".join(out), encoding="utf-8")
