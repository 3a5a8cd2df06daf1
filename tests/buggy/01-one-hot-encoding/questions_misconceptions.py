# replaces: solution-questions
# bug: the misconception each question targets, one wrong answer each
# caught by: test_question_1, test_question_2, test_question_3, test_question_4, test_question_5, test_question_6, test_question_7, test_question_8
answer_1_1 = 2000
answer_1_2 = "a"
answer_1_3 = 5
answer_1_4 = 160_000
answer_1_5 = "a"
answer_1_6 = "a"
answer_1_7 = "b"
answer_1_8 = "d"
