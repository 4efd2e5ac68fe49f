"""Run a command in a process group of its own and pass stop signals to its main process only.

Why: honcho stops a Procfile entry by signalling its whole process group. For a Celery worker that
reaches the prefork pool's children as well: they die mid-task, possibly holding billiard's queue
lock, and the worker's main process then hangs in ``Pool._help_stuff_finish`` until honcho sends
SIGKILL (a task in flight on the filesystem broker is lost with it). Started through this wrapper,
the worker and its pool live in a session of their own: only the worker's main process receives
SIGTERM/SIGINT, and it stops the pool in order (Celery's warm shutdown), as it does when
`docker compose stop` signals PID 1 alone.

Usage (Procfile): ``worker: exec python bin/own_group.py celery -A aftersales worker ...``
"""

from __future__ import annotations

import ctypes
import os
import signal
import subprocess
import sys

FORWARDED = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT)
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


def _die_with(parent: int):
    """A pre-exec hook: if this wrapper dies (honcho's SIGKILL after its grace period), the command
    gets SIGTERM and still shuts down warm instead of running on without a supervisor."""

    def hook() -> None:
        if sys.platform.startswith("linux"):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)
        if os.getppid() != parent:  # the wrapper died before the hook ran
            os._exit(143)

    return hook


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: own_group.py COMMAND [ARG ...]", file=sys.stderr)
        return 2
    child: subprocess.Popen | None = None
    pending: list[int] = []

    def forward(signum: int, _frame) -> None:
        if child is None:
            pending.append(signum)  # arrived while the command was being started
        elif child.returncode is None:
            child.send_signal(signum)

    # Handlers first, so no stop signal is lost between the start and the first wait; exec resets
    # caught signals to their defaults, so the command handles them its own way.
    for signum in FORWARDED:
        signal.signal(signum, forward)
    child = subprocess.Popen(argv, start_new_session=True, preexec_fn=_die_with(os.getpid()))
    for signum in pending:
        child.send_signal(signum)
    returncode = child.wait()
    return 128 - returncode if returncode < 0 else returncode  # a shell's convention for "killed by N"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
