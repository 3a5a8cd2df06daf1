# replaces: solution-questions
# bug: a second wrong answer for each question (off by one, another plausible choice)
# caught by: test_question_1, test_question_2, test_question_3, test_question_4, test_question_5, test_question_6, test_question_7, test_question_8
answer_6_1 = "b"
answer_6_2 = "c"
answer_6_3 = 20_000
answer_6_4 = "d"
answer_6_5 = "b"
answer_6_6 = "b"
answer_6_7 = 4002
answer_6_8 = "c"
