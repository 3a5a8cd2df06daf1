# replaces: solution-questions
# bug: a second wrong answer for each question (off by one, another plausible choice)
# caught by: test_question_1, test_question_2, test_question_3, test_question_4, test_question_5, test_question_6, test_question_7, test_question_8
answer_4_1 = 3.0
answer_4_2 = "d"
answer_4_3 = "d"
answer_4_4 = "d"
answer_4_5 = "c"
answer_4_6 = 2
answer_4_7 = "b"
answer_4_8 = "c"
