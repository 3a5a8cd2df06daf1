# replaces: solution-questions
# bug: a second wrong answer for each question (off by one, another plausible choice)
# caught by: test_question_1, test_question_2, test_question_3, test_question_4, test_question_5, test_question_6, test_question_7, test_question_8
answer_1 = 2
answer_2 = 10_001
answer_3 = 250_000
answer_4 = "c"
answer_5 = "d"
answer_6 = "c"
answer_7 = "d"
answer_8 = "c"
