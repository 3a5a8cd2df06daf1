"""The course's grader: hidden pytest suites run in a trusted process against
student code that runs in a sandboxed child process (see sandbox.py)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SUITES = ROOT / "suites"
REPO = ROOT.parent
