"""harness.check_speed: a speed point needs a right result, in time, in one of SPEED_ATTEMPTS attempts,
each against a limit from the reference measured right before it.

The timed calls are stand-ins (no sandbox): each returns a chosen time and a result whose reading
takes a chosen time, and the reference reports chosen times, so the rule itself is tested, without a
noisy clock."""
import time

import numpy as np
import pytest

from autograder import harness
from autograder.harness import SPEED_ATTEMPTS, Attempts, Mismatch, Reference, check_speed

REAL_SLEEP = time.sleep   # the fixture `rests` replaces time.sleep for check_speed
REFERENCE_SECONDS = 0.01
LIMIT = harness.SPEED_FACTOR * REFERENCE_SECONDS + harness.SPEED_SLACK


class MeasuredReference(Reference):
    """A reference whose measurements are chosen: the i-th measure() reports times[i] (the last repeats)."""

    def __init__(self, times=(REFERENCE_SECONDS,), name="vectorised code", cpu_times=None):
        super().__init__(lambda: None, name=name)
        self.times, self.measured, self.cpu_times = list(times), 0, cpu_times

    def measure(self):
        self.measured += 1
        if self.cpu_times is not None:   # the grader's CPU time for the same runs (None: not measured)
            self.cpu = self.cpu_times[min(self.measured, len(self.cpu_times)) - 1]
        return self.times[min(self.measured, len(self.times)) - 1]


REFERENCE = MeasuredReference()


class Result:
    """A result kept in the worker: reading it back takes `read_seconds`."""

    def __init__(self, value, read_seconds=0.0):
        self._value, self.read_seconds = value, read_seconds
        self.read = self.dropped = False

    def value(self):
        REAL_SLEEP(self.read_seconds)
        self.read = True
        return self._value

    def drop(self):
        assert self.read, "dropped before it was read"
        self.dropped = True


class Timed:
    def __init__(self, seconds, result, cpu=None):
        self.seconds, self.result, self.cpu = seconds, result, cpu


class CpuClock:
    """The CPU seconds the submission used since its call started: `seconds`, read once its result
    has been read back (as student.CpuClock counts the reading too); None: not countable."""

    def __init__(self, seconds, result):
        self.seconds, self.result, self.read_before = seconds, result, None

    def elapsed(self):
        self.read_before = self.result.read
        return self.seconds


def attempts_with(times, answer=lambda x: x * 2, read_seconds=0.0, n=SPEED_ATTEMPTS, cpu=None):
    """n attempts on inputs 1..n (expected: 2x); attempt i takes times[i] seconds (the last
    entry repeats), cpu[i] seconds of CPU (None: the grader cannot count it), and answers answer(x)."""
    calls = []

    def call(x):
        calls.append(x)
        result = Result(answer(np.array([x])), read_seconds)
        used = cpu[min(len(calls), len(cpu)) - 1] if cpu else None
        return Timed(times[min(len(calls), len(times)) - 1], result, CpuClock(used, result) if cpu else None)

    def check(got, want):
        if not np.array_equal(got, want):
            raise Mismatch(f"wrong result {got!r}, expected {want!r}")

    inputs = list(range(1, n + 1))
    return Attempts(inputs, [np.array([2 * x]) for x in inputs], call, check), calls


@pytest.fixture
def rests(monkeypatch):
    """The pauses check_speed takes between attempts, recorded instead of slept."""
    slept = []
    monkeypatch.setattr(harness.time, "sleep", slept.append)
    return slept


def test_right_and_fast_at_once_passes_after_one_attempt(rests):
    attempts, calls = attempts_with([LIMIT / 2])
    check_speed("case", REFERENCE, attempts, "hint")
    assert calls == [1] and rests == []


def test_one_quiet_moment_among_busy_ones_is_enough(rests):
    # a busy machine: every attempt but the last is stalled well beyond the limit
    attempts, calls = attempts_with([LIMIT * 10] * (SPEED_ATTEMPTS - 1) + [LIMIT / 2])
    check_speed("case", REFERENCE, attempts, "hint")
    assert calls == list(range(1, SPEED_ATTEMPTS + 1))
    assert len(rests) == SPEED_ATTEMPTS - 1 and rests == sorted(rests) and sum(rests) >= 3.0, \
        "attempts after a slow one are spread out, so that one busy spell cannot spoil them all"


def test_slow_in_every_attempt_fails_with_the_best_time_and_the_limit(rests):
    attempts, calls = attempts_with([LIMIT * 3, LIMIT * 2, LIMIT * 4])
    with pytest.raises(Mismatch) as e:
        check_speed("case", REFERENCE, attempts, "Is there a loop?")
    assert calls == list(range(1, SPEED_ATTEMPTS + 1))
    assert f"{LIMIT * 2:.3f} s at best in {SPEED_ATTEMPTS} attempts" in str(e.value)
    assert f"the limit was {LIMIT:.3f} s" in str(e.value) and "Is there a loop?" in str(e.value)


@pytest.mark.parametrize("answer", [lambda x: x * 0, lambda x: np.full(x.shape, np.nan), lambda x: None,
                                    lambda x: np.array([])],
                         ids=["zeros", "nan", "none", "empty"])
def test_a_fast_wrong_result_earns_nothing(rests, answer):
    attempts, calls = attempts_with([0.0], answer=answer)
    with pytest.raises(Mismatch):
        check_speed("case", REFERENCE, attempts, "hint")
    assert calls == [1], "the first wrong result ends the check"


def test_a_right_result_after_slow_attempts_still_needs_every_result_right(rests):
    answers = iter([lambda x: x * 2, lambda x: x * 3])
    attempts, calls = attempts_with([LIMIT * 3, 0.0], answer=lambda x: next(answers)(x))
    with pytest.raises(Mismatch, match="wrong result"):
        check_speed("case", REFERENCE, attempts, "hint")


def test_work_done_while_the_result_is_read_counts_as_call_time(rests):
    # a lazy result: the call itself returns at once, reading the result back takes 0.3 s
    lazy, calls = attempts_with([0.0], read_seconds=0.3)
    seconds, value = lazy.run(0)
    assert seconds > 0.2 and np.array_equal(value, [2])
    with pytest.raises(Mismatch, match="at best"):
        check_speed("case", REFERENCE, lazy, "hint")


def test_one_noisy_transfer_measurement_does_not_widen_the_allowance(monkeypatch):
    # the grader measures how long each right result takes to travel; a stall during one
    # measurement must not give a lazy result more time to do its work while it is read
    measured = iter([0.5] + [0.001] * (SPEED_ATTEMPTS - 1))
    monkeypatch.setattr(harness, "transfer_time", lambda array: next(measured))
    attempts, _ = attempts_with([0.0])
    expected = harness.READ_FACTOR * 0.001 + harness.READ_SLACK
    assert attempts.allowance == pytest.approx([expected] * SPEED_ATTEMPTS)


def test_fewer_inputs_than_attempts_is_a_suite_error():
    attempts, _ = attempts_with([0.0], n=SPEED_ATTEMPTS - 1)
    with pytest.raises(ValueError, match="SPEED_ATTEMPTS"):
        check_speed("case", REFERENCE, attempts, "hint")


def test_a_speed_check_without_attempts_is_refused():
    with pytest.raises(TypeError):
        check_speed("case", REFERENCE, [lambda: 0.0], "hint")


def test_a_reference_measured_once_is_refused():
    attempts, _ = attempts_with([0.0])
    with pytest.raises(TypeError, match="Reference"):
        check_speed("case", REFERENCE_SECONDS, attempts, "hint")


def test_the_reference_is_measured_right_before_and_after_every_attempt(rests):
    reference = MeasuredReference()
    attempts, calls = attempts_with([LIMIT * 10])
    with pytest.raises(Mismatch):
        check_speed("case", reference, attempts, "hint")
    assert reference.measured == 2 * len(calls) == 2 * SPEED_ATTEMPTS


def test_a_busy_spell_that_slows_reference_and_attempt_alike_costs_nothing(rests):
    # the machine became three times slower after a quiet start: the attempts meet the busy spell,
    # and so does the reference measured beside them (measured once at the start, this failed right code)
    busy = 3 * REFERENCE_SECONDS
    attempts, calls = attempts_with([harness.SPEED_FACTOR * busy])
    check_speed("case", MeasuredReference([busy]), attempts, "hint")
    assert calls == [1]


def test_a_loop_in_a_quiet_moment_after_a_busy_reference_meets_the_quiet_one(rests):
    # the reference was slowed by a busy spell just before the attempt, not just after it: the
    # smaller one counts, and a loop ten times the reference fails
    slow = 10 * REFERENCE_SECONDS
    reference = MeasuredReference([slow, REFERENCE_SECONDS] * SPEED_ATTEMPTS)
    attempts, calls = attempts_with([harness.SPEED_FACTOR * slow])
    with pytest.raises(Mismatch) as e:
        check_speed("case", reference, attempts, "hint")
    assert f"the limit was {LIMIT:.3f} s" in str(e.value)
    assert f"vectorised code took {REFERENCE_SECONDS:.4f} s around it" in str(e.value)


def test_load_widens_the_limit_at_most_reference_cap_times_the_quietest_reference(rests):
    # one quiet attempt, then references slowed tenfold before and after every later attempt: a loop
    # that would fit ten times the limit still fails
    slow = 10 * REFERENCE_SECONDS
    reference = MeasuredReference([REFERENCE_SECONDS, REFERENCE_SECONDS] + [slow] * (2 * SPEED_ATTEMPTS))
    loop = harness.SPEED_FACTOR * harness.REFERENCE_CAP * REFERENCE_SECONDS + harness.SPEED_SLACK + 0.001
    attempts, calls = attempts_with([loop])
    with pytest.raises(Mismatch):
        check_speed("case", reference, attempts, "hint")
    assert len(calls) == SPEED_ATTEMPTS
    # right code slowed by the same load (twice the reference) passes within the capped limit
    attempts, calls = attempts_with([LIMIT * 10, harness.SPEED_FACTOR * 2 * REFERENCE_SECONDS])
    check_speed("case", MeasuredReference([REFERENCE_SECONDS, REFERENCE_SECONDS] + [slow] * 4), attempts, "hint")
    assert len(calls) == 2


def test_each_attempt_is_held_to_the_limit_of_its_own_reference(rests):
    # attempt 1 fits no limit; attempt 2 would fit attempt 1's limit but not its own (its references,
    # before and after, are quieter): a limit never carries over
    quiet = REFERENCE_SECONDS
    busier = 1.5 * quiet
    between = harness.SPEED_FACTOR * quiet + harness.SPEED_SLACK + 0.001
    attempts, calls = attempts_with([10 * LIMIT, between])
    reference = MeasuredReference([busier, busier] + [quiet] * (2 * SPEED_ATTEMPTS))
    with pytest.raises(Mismatch) as e:
        check_speed("case", reference, attempts, "hint")
    limit = harness.SPEED_FACTOR * quiet + harness.SPEED_SLACK
    assert len(calls) == SPEED_ATTEMPTS
    assert between < harness.SPEED_FACTOR * busier + harness.SPEED_SLACK
    assert f"{between:.3f} s at best" in str(e.value) and f"the limit was {limit:.3f} s" in str(e.value)
    assert f"vectorised code took {quiet:.4f} s around it" in str(e.value)


def test_the_reference_is_the_median_of_its_runs_after_a_warm_up_plus_the_transfers(monkeypatch):
    # a slow first run (warm-up) and one stalled run do not count; the arrays sent with the call do
    durations = iter([0.3] + [0.001, 0.001, 0.25, 0.001, 0.001] + [0.001] * harness.REFERENCE_RUNS)
    monkeypatch.setattr(harness, "transfer_time", lambda array: 0.5 * len(array))
    reference = Reference(lambda: REAL_SLEEP(next(durations)), sent=[np.zeros(1), np.zeros(2)])
    first = reference.measure()
    assert 1.5 < first < 1.5 + 0.1, "the median of 5 runs, one stalled, plus 0.5 s and 1 s of transfer"
    assert 1.5 < reference.measure() < 1.5 + 0.1, "no second warm-up"


def test_a_check_may_allow_more_slack_for_what_a_call_costs_beside_its_work(rests):
    # a reference of a few ms: the call's own cost (waking the worker and the grader) needs a wider
    # additive slack, which a loop many times slower still does not fit into
    attempts, calls = attempts_with([LIMIT + 0.05])
    check_speed("case", MeasuredReference(), attempts, "hint", slack=0.1)
    assert calls == [1]
    attempts, _ = attempts_with([harness.SPEED_FACTOR * REFERENCE_SECONDS + 0.1 + 0.001])
    with pytest.raises(Mismatch, match="the limit was 0.130 s"):
        check_speed("case", MeasuredReference(), attempts, "hint", slack=0.1)


# ---------------------------------------------------------------- CPU time (harness.CPU_NOTE)

def test_right_code_that_waited_for_a_core_passes_on_its_cpu_time(rests):
    # the machine's cores were busy: by the wall clock right code took three times its limit, but
    # its processes used only half the limit of CPU
    attempts, calls = attempts_with([3 * LIMIT], cpu=[LIMIT / 2])
    check_speed("case", REFERENCE, attempts, "hint")
    assert calls == [1]


@pytest.mark.parametrize("cpu", [None, [LIMIT * 3]], ids=["not countable", "a loop's CPU time"])
def test_slow_by_the_wall_clock_fails_unless_its_cpu_time_fits(rests, cpu):
    # a loop uses as much CPU as wall-clock time; where the CPU cannot be counted (no cgroup, a
    # worker replaced), the wall clock alone decides
    attempts, calls = attempts_with([3 * LIMIT], cpu=cpu)
    with pytest.raises(Mismatch, match="at best"):
        check_speed("case", REFERENCE, attempts, "hint")
    # without a CPU count, every attempt waits for a quiet moment; a loop's CPU time ends it early
    assert len(calls) == (SPEED_ATTEMPTS if cpu is None else harness.HOPELESS_IN_A_ROW)


def test_the_cpu_time_allows_only_sending_the_result_beyond_the_limit(rests, monkeypatch):
    # the CPU allowance is READ_FACTOR times the result's transfer, without READ_SLACK: a loop put
    # off until the result is read back cannot hide in it
    monkeypatch.setattr(harness, "transfer_time", lambda array: 0.001)
    allowed = LIMIT + harness.READ_FACTOR * 0.001
    attempts, calls = attempts_with([3 * LIMIT], cpu=[allowed - 0.0005])
    check_speed("case", REFERENCE, attempts, "hint")
    assert calls == [1]
    attempts, calls = attempts_with([3 * LIMIT], cpu=[allowed + 0.0005])
    with pytest.raises(Mismatch):
        check_speed("case", REFERENCE, attempts, "hint")


def test_the_cpu_time_is_read_after_the_result_and_the_result_is_then_released(rests):
    # work a lazy result does while it is sent counts; the worker may then reuse the memory
    attempts, _ = attempts_with([0.0], cpu=[0.0])
    timed = attempts.call(attempts.inputs[0])
    attempts.call = lambda x: timed
    attempts.measure(0)
    assert timed.cpu.read_before is True and timed.result.dropped


def test_a_loop_whose_cpu_time_alone_is_hopeless_twice_in_a_row_stops_early(rests):
    # no quiet moment can help work that itself takes too long: two attempts, not six
    too_much = harness.HOPELESS * LIMIT * 1.1
    attempts, calls = attempts_with([3 * LIMIT], cpu=[too_much])
    with pytest.raises(Mismatch, match="at best in 2 attempts"):
        check_speed("case", REFERENCE, attempts, "hint")
    assert calls == [1, 2] == list(range(1, harness.HOPELESS_IN_A_ROW + 1))


@pytest.mark.parametrize("cpu", [[harness.HOPELESS * LIMIT * 1.1, LIMIT / 2],
                                 [LIMIT * 1.2] * SPEED_ATTEMPTS],
                         ids=["a cold first attempt", "over the limit, not hopeless"])
def test_right_code_is_not_stopped_early_by_one_cold_attempt_nor_by_cpu_time_near_the_limit(rests, cpu):
    attempts, calls = attempts_with([3 * LIMIT], cpu=cpu)
    if cpu[-1] < LIMIT:
        check_speed("case", REFERENCE, attempts, "hint")
        assert calls == [1, 2]
    else:
        with pytest.raises(Mismatch):
            check_speed("case", REFERENCE, attempts, "hint")
        assert len(calls) == SPEED_ATTEMPTS, "CPU time over the limit but not hopeless: every attempt is made"


@pytest.mark.parametrize("cpu", [None, [0.15]], ids=["by the wall clock", "by its CPU time"])
def test_a_busy_spell_over_the_first_references_lets_no_loop_pass(rests, cpu):
    # every reference is measured while the machine is busy (ten times slower by the wall clock, the
    # same in CPU time): a loop that runs in a quiet moment fits neither the wall-clock limit nor the
    # CPU one, which the reference's CPU time bounds (in a make test, such a loop passed at once)
    busy = MeasuredReference([10 * REFERENCE_SECONDS], cpu_times=[REFERENCE_SECONDS])
    attempts, calls = attempts_with([0.15], cpu=cpu)
    assert 0.15 < harness.SPEED_FACTOR * 10 * REFERENCE_SECONDS + harness.SPEED_SLACK, "it would fit a busy limit"
    with pytest.raises(Mismatch, match="at best"):
        check_speed("case", busy, attempts, "hint")


def test_the_reference_measures_its_cpu_time_beside_its_wall_time():
    reference = Reference(lambda: REAL_SLEEP(0.02))
    wall = reference.measure()
    assert wall >= 0.02 and reference.cpu < 0.005, "sleeping is wall-clock time, not CPU time"
    spin = Reference(lambda: sum(range(200_000)))
    spin.measure()
    assert spin.cpu > 0.001
