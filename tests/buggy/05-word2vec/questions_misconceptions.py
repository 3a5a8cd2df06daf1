# replaces: solution-questions
# bug: the misconception each question targets, one wrong answer each
# caught by: test_question_1, test_question_2, test_question_3, test_question_4, test_question_5, test_question_6, test_question_7, test_question_8
answer_1 = 1.0
answer_2 = 5
answer_3 = 0.1
answer_4 = "a"
answer_5 = 0.5
answer_6 = "b"
answer_7 = "a"
answer_8 = "a"
