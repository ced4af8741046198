"""A pre-warmed process that forks Kanal worker processes on demand (like a pre-fork server).

Crash tests kill a worker every ~0.5 s; booting Django and Wagtail from scratch takes longer
than that on a loaded 2-core machine, so a freshly exec'd worker would spend its whole life
starting up. This process imports everything once; each worker it forks is a real, separate
OS process (own session, own database connection) that the test SIGKILLs like any other.

Protocol on stdin: one line per worker, ``<log path> <manage.py arguments…>``; it answers
with the child's pid on stdout.
"""

import os
import signal
import sys
import traceback

import django

django.setup()

from django.core.management import (  # noqa: E402
    call_command,
    get_commands,
    load_command_class,
)

# Import the worker commands and the task modules before forking, not in every child.
for name in ("worker", "rqworker", "relay"):
    app = get_commands().get(name)
    if app:
        load_command_class(app, name)
import syndication.pull.tasks  # noqa: E402
import syndication.tasks  # noqa: E402, F401

signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # children are reaped automatically

for line in sys.stdin:
    log_path, *args = line.split()
    pid = os.fork()
    if pid == 0:
        os.setsid()
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        os.dup2(fd, 1)
        os.dup2(fd, 2)
        devnull = os.open(os.devnull, os.O_RDONLY)
        os.dup2(devnull, 0)
        code = 0
        try:
            call_command(*args)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0
        except BaseException:
            traceback.print_exc()
            code = 1
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    sys.stdout.write(f"{pid}\n")
    sys.stdout.flush()
