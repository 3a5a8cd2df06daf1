"""A hidden suite that cannot run gives the notebook a record that says why, in pytest's own
words: the instructor's error is found from the record alone."""
from autograder import grading
from conftest import solution


def test_a_suite_that_cannot_be_imported_gives_a_record_naming_the_error(monkeypatch, tmp_path):
    suite = tmp_path / "01-one-hot-encoding"
    suite.mkdir()
    (suite / "test_01_one_hot_encoding.py").write_text("import a_module_the_instructor_forgot\n\n"
                                                       "def test_one_hot(student):\n    pass\n")
    monkeypatch.setattr(grading, "suite_dir", lambda name: tmp_path / name)
    record = grading.grade_notebook(solution("01-one-hot-encoding"), ["cpu"])
    assert record.status == "error" and record.score == 0
    assert "the hidden suite could not run" in record.messages[0]
    assert "ModuleNotFoundError: No module named 'a_module_the_instructor_forgot'" in record.messages[0]
