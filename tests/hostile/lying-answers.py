# attack: answers that claim to be every answer: str, int and float subclasses whose ==, strip, lower, abs and - lie, NaN and inf, every letter at once, a list, an array, a bool
# zero: questions
import numpy as np

class AnyLetter(str):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __hash__(self): return 0
    def __contains__(self, other): return True
    def __len__(self): return 1
    def strip(self, *chars): return self
    def lower(self): return self

class AnyNumber(int):
    def __eq__(self, other): return True
    def __ne__(self, other): return False
    def __hash__(self): return 0
    def __sub__(self, other): return 0
    def __rsub__(self, other): return 0
    def __abs__(self): return 0
    def __le__(self, other): return True

class AnyFloat(float):
    def __eq__(self, other): return True
    def __sub__(self, other): return 0.0
    def __rsub__(self, other): return 0.0
    def __abs__(self): return 0.0

answer_1_1 = AnyNumber(-1)
answer_1_2 = AnyLetter("z")
answer_1_3 = float("nan")
answer_1_4 = AnyFloat(-1.5)
answer_1_5 = "abcd"
answer_1_6 = ["a", "b", "c", "d"]
answer_1_7 = np.array(["a", "b", "c", "d"])
answer_1_8 = True
