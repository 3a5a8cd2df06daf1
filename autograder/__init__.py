"""The course's grader: hidden pytest suites run in a trusted process against
student code that runs in a sandboxed child process (the grader's side in
sandbox/, what runs inside the sandbox in inside/)."""
from pathlib import Path

ROOT = Path(__file__).resolve().parent
SUITES = ROOT / "suites"
REPO = ROOT.parent
