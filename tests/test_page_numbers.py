"""What a page says, its code computed: no result typed into the prose.

A *result-like* number in a page's prose (outside code, math and inline code) is one with a
decimal point, a thousands separator or a percent sign: an accuracy, a count, a cosine. Such a
number must come from the cell that computes it, through myst-nb's glue
({glue:text}`key:format`, set by `embedding_course.prose.glue` or myst-nb's own), so that a rerun
cannot leave the text behind.

Two lists say what else may stand in the prose, each entry with its reason:
- SETTINGS: numbers the page chooses or the literature fixes (a batch size, a learning rate, the
  size of a published data set): the code uses them, it does not measure them;
- NOT_GLUED_YET: results still typed in, known and to be glued (issue 13). The list may only
  shrink: an entry that no longer occurs fails the test, so that it is removed.
"""
import re

import pytest

from conftest import REPO
from test_book import cited_keys

PAGES = sorted((REPO / "book").glob("*.md"))
RESULT = re.compile(r"(?<![\w.])(\d+\.\d+|\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?\s?%)(?!\w)")
GLUE_ROLE = re.compile(r"\{glue:[a-z]+\}`([\w-]+)(?::[^`]*)?`")
GLUE_CALL = re.compile(r"""\bglue\(\s*(f?)["']([\w{}().\[\]'-]+)["']""")

SETTINGS: dict[str, dict[str, str]] = {
    "02-table-lookup.md": {"2,048": "the benchmark's batch size, chosen", "30,000": "the largest vocabulary timed, chosen"},
    "03-training-the-layer.md": {"4,096": "the batch size of the timing, chosen",
                                 "0.4": "the norm of a row under Keras's initialisation, which the page plots",
                                 "0.9": "momentum and Adam's beta_1, the optimisers' settings"},
    "05-word2vec.md": {"0.75": "the noise distribution's power (Mikolov et al.)",
                       "0.025": "word2vec's initial learning rate", "0.0001": "word2vec's final learning rate",
                       "4,096": "the GPU engine's batch size, chosen", "7.35": "a human rating quoted from WordSim-353",
                       "19,544": "the size of the Google analogy set", "30,000": "the analogy search's vocabulary, chosen",
                       "400,000": "the size of GloVe 6B's vocabulary (Pennington et al.)",
                       "1.8": "the State of the Union corpus's size in million words, as published",
                       "0.10": "the hidden test's threshold for exercise 5, a setting of the grader"},
    "06-pretrained-vectors.md": {"0.005": "chapter 4's learning rate, the recipe reused",
                                 "1,000": "a training-set size of the experiment, chosen",
                                 "3,000": "a training-set size of the experiment, chosen",
                                 "100,000": "how many of GloVe's most frequent words join the vocabulary, chosen"},
}

NOT_GLUED_YET: dict[str, set[str]] = {}


def prose(text: str) -> str:
    """A MyST page without its front matter, code and directive blocks, math, inline code, glue
    roles, link targets, comments, its list of references (citations, not results) and its *Check
    yourself* questions (numbers a question chooses; the answers are checked by the page's hidden
    cell when it is built)."""
    text = text.split("\n## References\n")[0]
    text = re.sub(r"\n## Check yourself\n.*?(?=\n## )", "\n", text, flags=re.DOTALL)
    text = re.sub(r"\A---\n.*?\n---\n", "", text, flags=re.DOTALL)
    text = re.sub(r"^(`{3,}|~{3,}|:{3,}).*?^\1\s*$", "", text, flags=re.DOTALL | re.MULTILINE)
    text = re.sub(r"\$\$.*?\$\$", "", text, flags=re.DOTALL)
    text = re.sub(r"\$[^$\n]+\$", "", text)
    text = GLUE_ROLE.sub("", text)
    text = re.sub(r"`[^`\n]*`", "", text)
    text = re.sub(r"\]\([^)]*\)", "]", text)
    return re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)


def test_the_rule_finds_typed_results_and_skips_code_math_and_glue():
    page = ("The model reaches 78 % (0.781), on 17,287 sentences; $0.5$ and `0.25` are not prose.\n"
            "```{code-cell} ipython3\nprint(0.123)\n```\nIt is {glue:text}`acc:.1%` on test.")
    assert RESULT.findall(prose(page)) == ["78 %", "0.781", "17,287"]
    quiz = "Intro.\n## Check yourself\n\n**1.** A word of frequency f = 0.1?\n\n## Exercise\n\nIt scores 0.93.\n"
    assert RESULT.findall(prose(quiz)) == ["0.93"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_no_result_is_typed_into_the_prose(page):
    found = set(RESULT.findall(prose(page.read_text())))
    allowed = set(SETTINGS.get(page.name, {})) | NOT_GLUED_YET.get(page.name, set())
    typed = sorted(found - allowed)
    assert not typed, f"{page.name}: typed numbers {typed}: glue them from the cell that computes them"
    stale = sorted(NOT_GLUED_YET.get(page.name, set()) - found)
    assert not stale, f"{page.name}: {stale} no longer typed: remove them from NOT_GLUED_YET"


def unglued(text: str) -> list[str]:
    """Keys the page's text shows that none of its cells glues."""
    # a key glued by an f-string (glue(f"{name}_share", ...)) stands for every key it can make
    patterns = [re.compile(re.sub(r"\\\{.*?\\\}", ".+", re.escape(key)) if f else re.escape(key))
                for f, key in GLUE_CALL.findall(text)]
    return sorted(key for key in set(GLUE_ROLE.findall(text)) if not any(p.fullmatch(key) for p in patterns))


def test_a_shown_key_without_its_glue_is_found():
    cell = 'glue("acc", 0.78)\nfor name in rows:\n    glue(f"{name}_share", 1)\n'
    assert unglued(f"{{glue:text}}`acc:.2f` {{glue:text}}`adam_share:.1%` {{glue:text}}`loss:.3f`\n{cell}") == ["loss"]


@pytest.mark.parametrize("page", PAGES, ids=lambda p: p.name)
def test_every_glued_number_is_computed_on_its_page(page):
    missing = unglued(page.read_text())
    assert not missing, f"{page.name}: the text shows {missing}, which no cell of the page glues"


@pytest.mark.parametrize("page", [p for p in PAGES if re.match(r"\d\d-", p.name)], ids=lambda p: p.name)
def test_every_chapter_ends_with_its_references(page):
    text = page.read_text()
    assert "\n## References\n" in text, f"{page.name} has no References section"
    tail = text.split("\n## References\n")[1]
    assert "\n## " not in tail, "References is the last section"
    # sources are cited from book/references.bib ({footcite}) and listed in full by {footbibliography}
    cited = cited_keys(tail)
    assert len(cited) >= 3, f"at least three sources, cited: {sorted(cited)}"
    assert "```{footbibliography}" in tail, "the references listed in full"
