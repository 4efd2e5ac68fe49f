"""bin/own_group.py, the worker's wrapper under `make run`: a signal to the wrapper's process group
(what honcho sends) reaches the wrapped command's main process only, never the processes it started,
and the wrapper ends with the command's exit status."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# A stand-in for a Celery worker: a main process with one child. Each records the signals it gets;
# on SIGTERM the main process stops its child itself (as a warm shutdown does) and exits 7.
WORKER = """
import os, signal, subprocess, sys, time
out = sys.argv[1]
def note(who, what):
    with open(out, "a") as f:
        f.write(f"{who} {what}\\n")
child = subprocess.Popen([sys.executable, "-c", '''
import signal, sys, time
def got(signum, frame):
    open(sys.argv[1], "a").write("child got %d\\\\n" % signum)
    sys.exit(0)
signal.signal(signal.SIGTERM, got)
signal.signal(signal.SIGINT, got)
open(sys.argv[1], "a").write("child ready\\\\n")
while True:
    time.sleep(0.1)
''', out])
def stop(signum, frame):
    note("main got", signum)
    child.send_signal(signal.SIGKILL)  # not SIGTERM: the file must show only what came from outside
    child.wait()
    note("main", "stopped")
    sys.exit(7)
signal.signal(signal.SIGTERM, stop)
note("main", f"ready {os.getpid()} {child.pid}")
while True:
    time.sleep(0.1)
"""


def pids(out: Path) -> tuple[int, int]:
    """The stand-in's main process and its child, as it wrote them."""
    main_pid, child_pid = out.read_text().split("main ready ")[1].split()[:2]
    return int(main_pid), int(child_pid)


@pytest.fixture
def wrapped(tmp_path):
    """The stand-in worker started through bin/own_group.py; whatever is left is killed afterwards."""
    out = tmp_path / "signals.txt"
    out.touch()
    wrapper = subprocess.Popen(
        [sys.executable, str(ROOT / "bin" / "own_group.py"), sys.executable, "-c", WORKER, str(out)],
        start_new_session=True,  # as honcho starts each Procfile entry: its own group, led by the wrapper
    )
    try:
        deadline = time.monotonic() + 10
        while "child ready" not in out.read_text() or "main ready" not in out.read_text():
            assert time.monotonic() < deadline, out.read_text()
            time.sleep(0.05)
        yield wrapper, out
    finally:
        started = pids(out) if "main ready" in out.read_text() else ()
        for pid in (wrapper.pid, *started):
            with contextlib.suppress(OSError):  # only if still ours: its command line names our file
                if str(out).encode() in Path(f"/proc/{pid}/cmdline").read_bytes():
                    os.kill(pid, signal.SIGKILL)
        wrapper.wait()


def test_a_signal_to_the_wrappers_group_reaches_the_main_process_alone(wrapped):
    wrapper, out = wrapped
    main_pid, child_pid = pids(out)
    assert os.getpgid(main_pid) != os.getpgid(wrapper.pid) == wrapper.pid
    assert os.getpgid(child_pid) == os.getpgid(main_pid)

    os.killpg(wrapper.pid, signal.SIGTERM)  # what honcho does to stop a Procfile entry

    assert wrapper.wait(timeout=10) == 7  # the command's own exit status
    lines = out.read_text().splitlines()
    assert f"main got {int(signal.SIGTERM)}" in lines
    assert "main stopped" in lines
    assert not [line for line in lines if line.startswith("child got")], lines


def test_the_command_gets_sigterm_when_the_wrapper_is_killed(wrapped):
    wrapper, out = wrapped

    os.kill(wrapper.pid, signal.SIGKILL)  # honcho's last resort after its grace period
    wrapper.wait(timeout=10)

    deadline = time.monotonic() + 10
    while "main stopped" not in out.read_text():
        assert time.monotonic() < deadline, out.read_text()
        time.sleep(0.05)
    assert f"main got {int(signal.SIGTERM)}" in out.read_text().splitlines()
