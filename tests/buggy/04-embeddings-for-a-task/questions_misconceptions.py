# replaces: solution-questions
# bug: the misconception each question targets, one wrong answer each
# caught by: test_question_1, test_question_2, test_question_3, test_question_4, test_question_5, test_question_6, test_question_7, test_question_8
answer_4_1 = 0.8
answer_4_2 = "a"
answer_4_3 = "b"
answer_4_4 = "a"
answer_4_5 = "a"
answer_4_6 = 32
answer_4_7 = "a"
answer_4_8 = "b"
