# replaces: solution-questions
# bug: a second wrong answer for each question (off by one, another plausible choice)
# caught by: test_question_1, test_question_2, test_question_3, test_question_4, test_question_5, test_question_6, test_question_7, test_question_8
answer_5_1 = 0.6
answer_5_2 = 1
answer_5_3 = 0.3162
answer_5_4 = "c"
answer_5_5 = 0.0
answer_5_6 = "b"
answer_5_7 = "d"
answer_5_8 = "b"
