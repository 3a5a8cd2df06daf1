# replaces: solution-questions
# bug: a second wrong answer for each question (off by one, another plausible choice)
# caught by: test_question_1, test_question_2, test_question_3, test_question_4, test_question_5, test_question_6, test_question_7, test_question_8
answer_3_1 = 3
answer_3_2 = 6
answer_3_3 = "c"
answer_3_4 = "d"
answer_3_5 = "c"
answer_3_6 = 4.0
answer_3_7 = "c"
answer_3_8 = 0.0
