"""The `exercise-hints` directive: a chapter's exercise hints on its page, one collapsed block per
hint, read from the released exercise notebook (exercises/<name>/<name>.ipynb), where the learner
meets them too. One source for both: the hint cells of the solution notebook, which nbgrader
copies into the exercise (`make exercises`). Only the released exercise is read here, never a
solution.

    ```{exercise-hints} 02-table-lookup
    ```

A hint cell is a markdown cell with metadata `hint: true` placed before a task's solution cell
(grade id `solution-<task>`); each hint in it is a `<details><summary>…</summary> text </details>`
block. The page shows them as native <details> elements (no script), each titled with its task.
"""
import html
import json
import re
from pathlib import Path

from docutils import nodes
from docutils.parsers.rst import Directive
from markdown_it import MarkdownIt

from autograder.exercises import released_path

REPO = Path(__file__).resolve().parents[2]
HINT = re.compile(r"<details><summary>(?:<b>)?(.*?)(?:</b>)?</summary>\s*(.*?)\s*</details>", re.S)


def exercise_hints(name: str) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(task, [(title, markdown text)])] in the order of the tasks in the released exercise."""
    path = released_path(name, REPO)
    cells = json.loads(path.read_text())["cells"]
    found = []
    for cell, after in zip(cells, cells[1:]):
        gid = after.get("metadata", {}).get("nbgrader", {}).get("grade_id", "")
        if cell.get("metadata", {}).get("hint") and gid.startswith("solution-"):
            found.append((gid[len("solution-"):], HINT.findall("".join(cell["source"]))))
    if not found:
        raise ValueError(f"{path} has no hint cells")
    return found


class ExerciseHints(Directive):
    required_arguments = 1

    def run(self):
        name = self.arguments[0]
        self.state.document.settings.record_dependencies.add(str(released_path(name, REPO)))
        render = MarkdownIt("commonmark").render
        blocks = []
        for number, (task, hints) in enumerate(exercise_hints(name), 1):
            for title, text in hints:
                plain = title.replace(" (open it when you are stuck)", "")
                blocks.append(f'<details class="exercise-hint"><summary>Task {number}, <code>{html.escape(task)}</code>: '
                              f'{html.escape(plain)}</summary>\n{render(text)}</details>')
        return [nodes.raw("", "\n".join(blocks), format="html")]


def setup(app):
    app.add_directive("exercise-hints", ExerciseHints)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
