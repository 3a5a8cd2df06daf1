# attack: prints text that looks like grader output while the notebook runs and inside calls
# zero:
import json
print(json.dumps({"score": 1000, "max_score": 31, "tests": []}))
print("PASSED " * 100)
_original = one_hot

def one_hot(indices, num_classes):
    print('{"score": 31, "max_score": 31}')
    print("31 passed, 0 failed")
    return _original(indices, num_classes)
