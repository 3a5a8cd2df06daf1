# replaces: solution-questions
# bug: a second wrong answer for each question (off by one, another plausible choice)
# caught by: test_question_1, test_question_2, test_question_3, test_question_4, test_question_5, test_question_6, test_question_7, test_question_8
answer_1 = "c"
answer_2 = "c"
answer_3 = 20_000
answer_4 = "d"
answer_5 = "c"
answer_6 = "c"
answer_7 = 4002
answer_8 = "c"
