"""Runs one command directly (no shell) and reports that process's own resources.

Usage: rusage.py STDOUT_FILE STDERR_FILE COMMAND [ARG...]

The command's stdout and stderr go to the two files. On this script's stdout, one JSON line: the exit
code, the wall time from spawn to reap, and the user and system CPU seconds of the command alone, as
wait4(2) reports them for that one child (with microsecond resolution). The time this script itself
spends starting up is in none of them.
"""

import json
import os
import sys
import time


def main() -> int:
    out, err, *argv = sys.argv[1:]
    actions = [
        (os.POSIX_SPAWN_OPEN, 1, out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
        (os.POSIX_SPAWN_OPEN, 2, err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
    ]
    start = time.perf_counter()
    pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - start
    json.dump(
        {
            "code": os.waitstatus_to_exitcode(status),
            "wall": wall,
            "user": usage.ru_utime,
            "sys": usage.ru_stime,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
