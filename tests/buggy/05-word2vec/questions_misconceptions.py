# replaces: solution-questions
# bug: the misconception each question targets, one wrong answer each
# caught by: test_question_1, test_question_2, test_question_3, test_question_4, test_question_5, test_question_6, test_question_7, test_question_8
answer_5_1 = 1.0
answer_5_2 = 5
answer_5_3 = 0.1
answer_5_4 = "a"
answer_5_5 = 0.5
answer_5_6 = "a"
answer_5_7 = "b"
answer_5_8 = "a"
