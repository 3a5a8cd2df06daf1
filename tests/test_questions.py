"""The graded questions that end an exercise notebook (task `questions`) and the self-check questions
of its chapter page: the checks that grade an answer, the key that only the hidden suite holds, and
the page's questions, which are other instances of the same ideas (reading the site answers no
graded question)."""
import ast
import json
import re

import numpy as np
import pytest

from autograder.harness import (Choice, Mismatch, Missing, Number, check_answer, check_choice, check_number,
                                question_tests)
from conftest import EXERCISES, REPO, exercise, solution

WITH_QUESTIONS = EXERCISES
ASSIGNMENT = re.compile(r"^answer_\d+_(\d+) = (.+)$", re.M)


@pytest.mark.parametrize("answer", ["b", "B", " b ", "(b)", "(B) "])
def test_a_choice_is_one_letter_in_any_usual_form(answer):
    check_choice(answer, "b", "question 1")


@pytest.mark.parametrize("answer", ["c", "a", "bc", "abcd", "", "e", None, 2, 1.0, True, ["b"], {"b": 1},
                                    np.array(["b"])])
def test_a_choice_that_is_wrong_or_not_one_letter_earns_nothing_and_is_not_told_the_key(answer):
    with pytest.raises(Mismatch) as failed:
        check_choice(answer, "b", "question 1")
    assert "question 1" in str(failed.value)
    assert "'b'" not in str(failed.value) and '"b"' not in str(failed.value)


@pytest.mark.parametrize("answer", [2002, 2002.0, np.int64(2002), np.float32(2002), np.array(2002), np.array([2002])])
def test_a_number_is_an_int_or_a_float_equal_to_the_key(answer):
    check_number(answer, 2002, "question 1")


@pytest.mark.parametrize("answer", [2001, 2003, 2002.5, float("nan"), float("inf"), -float("inf"), 10**400, pytest.param(10**5000, id="10**5000"), True, "2002",
                                    None, [2002], np.array([2002, 2002]), np.array(["2002"]), 2002 + 0j])
def test_a_number_that_is_wrong_or_not_a_number_earns_nothing_and_is_not_told_the_key(answer):
    with pytest.raises(Mismatch) as failed:
        check_number(answer, 2002, "question 1")
    assert "question 1" in str(failed.value)
    big = isinstance(answer, int) and answer.bit_length() > 10_000     # str() refuses it
    assert "2002" not in (str(failed.value) if big else str(failed.value).replace(repr(answer), "").replace(str(answer), ""))


def test_a_number_may_be_given_a_tolerance():
    check_number(0.3333, 1 / 3, "q", atol=1e-3)
    with pytest.raises(Mismatch):
        check_number(0.33, 1 / 3, "q", atol=1e-3)
    check_number(101, 100, "q", rtol=0.01)


def suite_keys(name: str) -> tuple[dict, list[str]]:
    """The suite's QUESTIONS (number -> Choice or Number) and what its `globals().update(...)` calls
    add, read from its source (importing it would register its marks in this session)."""
    path = REPO / "autograder" / "suites" / name / f"test_{name.replace('-', '_')}.py"
    tree = ast.parse(path.read_text())
    keys, calls = {}, []
    for node in tree.body:
        if isinstance(node, ast.Assign) and [t.id for t in node.targets if isinstance(t, ast.Name)] == ["QUESTIONS"]:
            for k, v in zip(node.value.keys, node.value.values):
                kind = {"Choice": Choice, "Number": Number}[v.func.id]
                keys[ast.literal_eval(k)] = kind(*map(ast.literal_eval, v.args),
                                                 **{kw.arg: ast.literal_eval(kw.value) for kw in v.keywords})
        if (isinstance(node, ast.Expr) and isinstance(node.value, ast.Call)
                and ast.unparse(node.value.func) == "globals().update"):
            calls.append(ast.unparse(node.value.args[0]))
    return keys, calls


def cell(path, cell_id: str) -> str:
    found = [c for c in json.loads(path.read_text())["cells"] if c.get("id") == cell_id]
    assert len(found) == 1, f"{path.name} has {len(found)} cells with id {cell_id!r}"
    return "".join(found[0]["source"])


def graded_questions(name: str) -> list[str]:
    """The text of each graded question, from the released exercise."""
    text = cell(exercise(name), "questions")
    return [q.split(" *(`answer_")[0] for q in re.findall(r"^\*\*\d+\.\*\* (.+)$", text, re.M)]


def test_answers_are_named_after_their_chapter_and_the_right_letters_are_spread():
    """A notebook of another chapter answers nothing here, and one letter everywhere earns about a
    quarter of the choice questions, never more than half."""
    for name in EXERCISES:
        region = cell(solution(name), "solution-questions").split("### BEGIN SOLUTION")[1]
        keys, _ = suite_keys(name)
        assert re.findall(r"^(answer_\d+)_\d+ = ", region, re.M) == [f"answer_{int(name[:2])}"] * len(keys)
        letters = [k.right for k in keys.values() if isinstance(k, Choice)]
        assert max(letters.count(c) for c in "abcd") <= max(2, len(letters) // 2), (name, letters)


@pytest.mark.parametrize("name", WITH_QUESTIONS)
def test_the_key_is_in_the_suite_and_the_solution_answers_it(name):
    keys, calls = suite_keys(name)
    assert 6 <= len(keys) <= 10 and sorted(keys) == list(range(1, len(keys) + 1))
    assert calls == [f"question_tests({int(name[:2])}, QUESTIONS)"], "the suite adds its question tests"
    for i, key in keys.items():
        assert isinstance(key, (Choice, Number)) and len(key.why) > 40, f"question {i} needs a key and its why"
    region = cell(solution(name), "solution-questions").split("### BEGIN SOLUTION")[1]
    answers = {int(i): eval(value) for i, value in ASSIGNMENT.findall(region)}
    assert answers == {i: key.right if isinstance(key, Choice) else key.value for i, key in keys.items()}


@pytest.mark.parametrize("name", WITH_QUESTIONS)
def test_the_learner_gets_every_question_and_no_answer(name):
    keys, _ = suite_keys(name)
    text = cell(exercise(name), "questions")
    assert len(graded_questions(name)) == len(keys)
    for i, key in keys.items():
        block = text.split(f"**{i}.** ")[1].split(f"**{i + 1}.** ")[0]
        if isinstance(key, Choice):
            assert "a letter" in block and [f"- ({c})" in block for c in key.choices] == [True] * len(key.choices)
        else:
            assert "a number" in block and "- (a)" not in block
    answers = cell(exercise(name), "solution-questions")
    assert dict(ASSIGNMENT.findall(answers)) == {str(i): "None" for i in keys}   # placeholders only
    assert "raise NotImplementedError()" in answers


@pytest.mark.parametrize("name", WITH_QUESTIONS)
def test_the_page_asks_other_questions_and_answers_them_behind_a_click(name):
    page = (REPO / "book" / f"{name}.md").read_text()
    assert "\n## Check yourself\n" in page
    section = page.split("\n## Check yourself\n")[1].split("\n## ")[0]
    asked = re.findall(r"^\*\*\d+\.\*\* ", section, re.M)
    assert len(asked) >= 5 and section.count(":::{dropdown} Answer") == len(asked)
    flat = " ".join(page.split())
    for question in graded_questions(name):
        assert " ".join(question.split())[:60] not in flat, f"the page asks a graded question: {question[:60]}"


class AnswerSheet:
    """Stands in for a Student: answers from a dict (Missing for the others), and the grader's flag."""

    def __init__(self, answers: dict, explain: bool):
        self.answers, self.explain_answers = answers, explain

    def answer(self, name):
        if name not in self.answers:
            raise Missing(f"The notebook does not set `{name}`")
        return self.answers[name]


KEYS = {1: Choice("c", "Unseen words map to <unk>, the last index, instead of raising."),
        2: Number(2002, "2,000 words, <pad> and <unk>: indices 0 to 2,001, so 2,002 rows.")}


@pytest.mark.parametrize("answers", [{"answer_1": "a", "answer_2": 2000}, {}])
def test_released_answers_tell_a_wrong_or_missing_answer_the_right_one_and_why(answers):
    for i, key in KEYS.items():
        with pytest.raises((Mismatch, Missing)) as kept:
            check_answer(AnswerSheet(answers, explain=False), f"answer_{i}", key)
        assert key.why not in str(kept.value)
        with pytest.raises((Mismatch, Missing)) as told:
            check_answer(AnswerSheet(answers, explain=True), f"answer_{i}", key)
        assert type(told.value) is type(kept.value)
        assert str(told.value).startswith(str(kept.value)) and key.why in str(told.value)
        assert ("; the answer: (c). " if i == 1 else "; the answer: 2,002. ") in str(told.value)


def test_a_right_answer_passes_whether_or_not_the_answers_are_released():
    for explain in (False, True):
        check_answer(AnswerSheet({"answer_1": "(C)", "answer_2": 2002.0}, explain), "answer_1", KEYS[1])
        check_answer(AnswerSheet({"answer_1": "(C)", "answer_2": 2002.0}, explain), "answer_2", KEYS[2])


def test_only_the_graders_flag_itself_releases_the_answers():
    """A truthy stand-in is not the flag: the grader sets True, nothing else releases."""
    with pytest.raises(Mismatch) as kept:
        check_answer(AnswerSheet({"answer_1": "a"}, explain="yes"), "answer_1", KEYS[1])
    assert KEYS[1].why not in str(kept.value)


def test_question_tests_are_one_point_each_and_check_their_chapters_answers():
    tests = question_tests(7, {2: KEYS[2], 1: Choice("c", KEYS[1].why, ask="Unseen words?")})
    assert list(tests) == ["test_question_1", "test_question_2"]
    for name, test in tests.items():
        assert test.__name__ == name
        (mark,) = test.pytestmark
        assert mark.name == "grading" and mark.kwargs == {"points": 1.0, "task": "questions"}
    assert tests["test_question_1"].__doc__ == "question 1: Unseen words?"
    assert tests["test_question_2"].__doc__ == "question 2"
    right = AnswerSheet({"answer_7_1": "c", "answer_7_2": 2002}, explain=False)
    for test in tests.values():
        test(right)
    with pytest.raises(Missing):       # another chapter's answers answer nothing
        tests["test_question_1"](AnswerSheet({"answer_1": "c", "answer_1_1": "c"}, explain=False))
    with pytest.raises(Mismatch):
        tests["test_question_2"](AnswerSheet({"answer_7_2": 2001}, explain=False))
