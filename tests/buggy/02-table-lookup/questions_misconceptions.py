# replaces: solution-questions
# bug: the misconception each question targets, one wrong answer each
# caught by: test_question_1, test_question_2, test_question_3, test_question_4, test_question_5, test_question_6, test_question_7, test_question_8
answer_1 = 11
answer_2 = 9999
answer_3 = 1920
answer_4 = "a"
answer_5 = "a"
answer_6 = "a"
answer_7 = "a"
answer_8 = "a"
