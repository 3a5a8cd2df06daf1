"""The code that runs inside the sandbox, beside student code: the sandbox's warm parent
(zygote.py), the worker that runs a submission (worker.py), the seccomp filter both carry
(seccomp.py) and the plain-data messages (protocol.py, which the grader imports too).

The grader copies this package, as a whole, into each sandbox, where it is imported as the
package `inside` (the interpreter runs the folder holding it, see autograder/sandbox). So its
modules import one another only relatively, and nothing else but the standard library, numpy
and torch: never the grader's own code (tests/test_import_direction.py checks it)."""
