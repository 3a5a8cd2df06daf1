# replaces: solution-questions
# bug: a second wrong answer for each question (off by one, another plausible choice)
# caught by: test_question_1, test_question_2, test_question_3, test_question_4, test_question_5, test_question_6, test_question_7, test_question_8
answer_2_1 = 2
answer_2_2 = 10_001
answer_2_3 = 250_000
answer_2_4 = "b"
answer_2_5 = "d"
answer_2_6 = "b"
answer_2_7 = "d"
answer_2_8 = "c"
