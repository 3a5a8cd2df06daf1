# replaces: solution-questions
# bug: a second wrong answer for each question (off by one, another plausible choice)
# caught by: test_question_1, test_question_2, test_question_3, test_question_4, test_question_5, test_question_6, test_question_7, test_question_8
answer_1 = 2001
answer_2 = "d"
answer_3 = 0
answer_4 = 640
answer_5 = "b"
answer_6 = "d"
answer_7 = "c"
answer_8 = "c"
