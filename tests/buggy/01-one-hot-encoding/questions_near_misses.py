# replaces: solution-questions
# bug: a second wrong answer for each question (off by one, another plausible choice)
# caught by: test_question_1, test_question_2, test_question_3, test_question_4, test_question_5, test_question_6, test_question_7, test_question_8
answer_1_1 = 2001
answer_1_2 = "d"
answer_1_3 = 0
answer_1_4 = 640
answer_1_5 = "c"
answer_1_6 = "c"
answer_1_7 = "c"
answer_1_8 = "c"
