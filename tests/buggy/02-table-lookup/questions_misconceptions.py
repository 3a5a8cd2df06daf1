# replaces: solution-questions
# bug: the misconception each question targets, one wrong answer each
# caught by: test_question_1, test_question_2, test_question_3, test_question_4, test_question_5, test_question_6, test_question_7, test_question_8
answer_2_1 = 11
answer_2_2 = 9999
answer_2_3 = 1920
answer_2_4 = "a"
answer_2_5 = "a"
answer_2_6 = "a"
answer_2_7 = "b"
answer_2_8 = "b"
