# replaces: solution-questions
# bug: a second wrong answer for each question (off by one, another plausible choice)
# caught by: test_question_1, test_question_2, test_question_3, test_question_4, test_question_5, test_question_6, test_question_7, test_question_8
answer_1 = 0.6
answer_2 = 1
answer_3 = 0.3162
answer_4 = "c"
answer_5 = 0.0
answer_6 = "c"
answer_7 = "d"
answer_8 = "c"
