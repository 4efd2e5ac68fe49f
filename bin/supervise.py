"""`make run`'s supervisor: honcho running the Procfile, with a stop grace period long enough for the
worker's warm shutdown.

make runs this as its recipe's only command, without a shell in between, so a SIGTERM sent to
`make run` reaches it: GNU make passes SIGTERM on to the recipe it runs and waits for it (Ctrl+C
reaches it directly, as the terminal signals the whole foreground group). Honcho then sends SIGTERM
to each Procfile process's group and waits for all of them; only a process still running after
GRACE_SECONDS gets SIGKILL.
"""

from __future__ import annotations

import sys

import honcho.manager
from honcho.command import main

# honcho waits a fixed 5 s (honcho.manager.KILL_WAIT, read at each check; no command-line option)
# before SIGKILL: too short for a worker finishing a task in flight.
GRACE_SECONDS = 30
STOPPED_BY_SIGNAL = {130, 143}  # honcho's exit code after SIGINT / SIGTERM


def run(argv: list[str]) -> int:
    honcho.manager.KILL_WAIT = GRACE_SECONDS
    try:
        main(["start", "--procfile", "Procfile", *argv])
    except SystemExit as stop:
        code = 0 if stop.code is None else stop.code if isinstance(stop.code, int) else 1
        # A requested stop is a clean end of `make run`; a process that died on its own is not.
        return 0 if code in STOPPED_BY_SIGNAL else code
    return 0


if __name__ == "__main__":
    sys.exit(run(sys.argv[1:]))
