"""The grader's default limits, in one place: the command line (cli.py), the
grading core (grading.py), the Gradescope bundle (gradescope.py) and the
nbgrader course (nbgrader_course.py) take theirs from here.

The per-process limits are also the field defaults of sandbox.Limits.
"""

# A submission's process: its address space in MiB, the seconds one call into
# its code may take, and the seconds running its notebook's cells may take.
MEMORY_MB = 4096
CALL_TIMEOUT = 20.0
LOAD_TIMEOUT = 60.0

# Seconds for grading one submission, all its calls together (restarts included).
# Measured (every solution, stripped exercise and buggy notebook of tests/buggy, 150
# in all, two at a time on 2 cores shared with other work): chapter 5 takes 56 to 68 s
# (its solution 61 s; 24 s for the whole command on a quieter machine), every other
# chapter at most 20 s. 600 s is 9 times the slowest, for slower machines and slow but
# correct code (chapter 5's suite allows its training call 240 s).
BUDGET = 600.0

# The Gradescope bundle's budget for one submission: Gradescope stops a whole run after
# 600 s unless the assignment says otherwise, and results.json must be written before
# that (start-up takes seconds). 7 times the slowest notebook measured above.
GRADESCOPE_BUDGET = 480.0
