# replaces: solution-questions
# bug: the misconception each question targets, one wrong answer each
# caught by: test_question_1, test_question_2, test_question_3, test_question_4, test_question_5, test_question_6, test_question_7, test_question_8
answer_6_1 = "a"
answer_6_2 = "a"
answer_6_3 = 20_000_000
answer_6_4 = "c"
answer_6_5 = "a"
answer_6_6 = "a"
answer_6_7 = 4000
answer_6_8 = "b"
