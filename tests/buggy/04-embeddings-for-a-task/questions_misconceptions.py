# replaces: solution-questions
# bug: the misconception each question targets, one wrong answer each
# caught by: test_question_1, test_question_2, test_question_3, test_question_4, test_question_5, test_question_6, test_question_7, test_question_8
answer_1 = 0.8
answer_2 = "a"
answer_3 = "b"
answer_4 = "b"
answer_5 = "a"
answer_6 = 32
answer_7 = "b"
answer_8 = "b"
