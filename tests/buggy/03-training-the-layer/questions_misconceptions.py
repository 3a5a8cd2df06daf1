# replaces: solution-questions
# bug: the misconception each question targets, one wrong answer each
# caught by: test_question_1, test_question_2, test_question_3, test_question_4, test_question_5, test_question_6, test_question_7, test_question_8
answer_3_1 = 1
answer_3_2 = 3
answer_3_3 = "b"
answer_3_4 = "a"
answer_3_5 = "a"
answer_3_6 = 2.0
answer_3_7 = "a"
answer_3_8 = 5.0
