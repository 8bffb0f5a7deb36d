"""A local process supervisor: honcho's Manager, except that a process which dies is restarted (after a
back-off delay, said in the output) instead of taking all the others down; Ctrl-C, SIGTERM or closing the
terminal still stops everything, and then the supervisor exits 0.

Run any Procfile with it: `python -m deploy.local.supervisor deploy/Procfile`.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from honcho.manager import Manager
from honcho.printer import Printer
from honcho.process import Process

INITIAL_DELAY = 1.0
MAX_DELAY = 30.0
STABLE_AFTER = 60.0  # up this long, a process counts as healthy again: its next restart waits INITIAL_DELAY
KILL_WAIT = 5.0  # after a stop request, seconds before SIGTERM becomes SIGKILL
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)  # SIGHUP: the terminal was closed


@dataclass
class Backoff:
    """Delay before a restart: doubles while a process keeps crashing, resets once it stayed up a while."""

    initial: float = INITIAL_DELAY
    maximum: float = MAX_DELAY
    stable_after: float = STABLE_AFTER
    failures: int = 0

    def next_delay(self, uptime: float) -> float:
        """The wait before restarting a process that exited after `uptime` seconds."""
        if uptime >= self.stable_after:
            self.failures = 0
        delay = min(self.initial * 2**self.failures, self.maximum)
        self.failures += 1
        return delay


def describe_exit(returncode: int) -> str:
    """`exit code 3`, or `exit code -9, SIGKILL` for a process killed by a signal."""
    if returncode < 0:
        try:
            return f"exit code {returncode}, {signal.Signals(-returncode).name}"
        except ValueError:
            pass
    return f"exit code {returncode}"


class HangupProofPrinter(Printer):
    """honcho's Printer, but output to a closed terminal is dropped, not fatal: the processes must stop."""

    def write(self, message) -> None:
        with contextlib.suppress(OSError):
            super().write(message)


class ShellWatchingProcess(Process):
    """honcho's Process, except that it stops when the command's shell exits, not when the output closes.

    A program the shell started would hold the output open after the shell was killed, unsupervised; it
    goes with the shell's process group (as do gunicorn or Celery pool children the program leaves behind).
    """

    def run(self, events=None, ignore_signals: bool = False) -> None:
        """Run the command in its own session, relaying its output and its start and stop as messages."""
        self._events = events
        self._child = self._child_ctor(self.cmd, env=self.env, cwd=self.cwd)
        self._send_message({"pid": self._child.pid}, type="start")
        if ignore_signals:  # as in honcho: only the supervisor stops a process, through its group
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        output = threading.Thread(target=self._relay_output, daemon=True)
        output.start()
        self._child.wait()
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(self._child.pid, signal.SIGTERM)
        output.join(KILL_WAIT)
        self._send_message({"returncode": self._child.returncode}, type="stop")

    def _relay_output(self) -> None:
        for line in iter(self._child.stdout.readline, b""):
            if not self.quiet:
                self._send_message(line)


class Supervisor(Manager):
    """Runs processes with prefixed, coloured output; restarts the ones that die until told to stop."""

    def __init__(self, printer: Printer | None = None):
        super().__init__(printer or HangupProofPrinter(sys.stdout))
        self._process_ctor = ShellWatchingProcess
        self._signals: list[int] = []  # set by the signal handler, acted on by the loop
        self._stop_requested_at: float | None = None
        self._kill_at: float | None = None
        self._restart_at: dict[str, float] = {}
        self._backoffs: dict[str, Backoff] = {}

    def loop(self) -> None:
        """Start every process and supervise them until a stop request has stopped them all."""
        for signum in (*STOP_SIGNALS, signal.SIGTSTP):
            signal.signal(signum, self._on_signal)
        for name in self._processes:
            self._spawn(name)
        done = False
        while True:
            try:
                self._handle(self.events.get(timeout=0.1))
            except queue.Empty:
                if done:
                    break  # the last lines are printed; nothing is left running
            self._act_on_signals()
            self._restart_due()
            done = self._stop_requested_at is not None and self._all_stopped()
        self.returncode = 0

    def _on_signal(self, signum, frame) -> None:
        self._signals.append(signum)

    def _act_on_signals(self) -> None:
        while self._signals:
            signum = self._signals.pop(0)
            if signum == signal.SIGTSTP:
                # Suspended, we would stop reading the processes' output and they would block on it.
                self._system_print("Ctrl-Z does not suspend the processes; Ctrl-C stops them\n")
            else:
                self._system_print(f"{signal.Signals(signum).name} received\n")
                self._request_stop()
        if self._kill_at is not None and time.monotonic() >= self._kill_at:
            self._kill_at = None
            self.kill()

    def _request_stop(self) -> None:
        if self._stop_requested_at is not None:
            self._kill_at = 0  # asked twice: do not wait any longer
            return
        self._stop_requested_at = time.monotonic()
        self._kill_at = self._stop_requested_at + KILL_WAIT
        self._restart_at.clear()
        self.terminate()

    def _handle(self, message) -> None:
        if message.type == "line":
            self._printer.write(message)
        elif message.type == "start":
            self._started(message.name, message.data["pid"])
        elif message.type == "stop":
            self._stopped(message.name, message.data["returncode"])

    def _started(self, name: str, pid: int) -> None:
        process = self._processes[name]
        process.update(pid=pid, started_at=time.monotonic())
        self._system_print(f"{name} started (pid={pid})\n")
        if self._stop_requested_at is not None:
            self._procmgr.terminate(pid)  # it was spawned just before the stop request

    def _stopped(self, name: str, returncode: int) -> None:
        process = self._processes[name]
        process["returncode"] = returncode
        if self._stop_requested_at is not None:
            self._system_print(f"{name} stopped ({describe_exit(returncode)})\n")
            return
        uptime = time.monotonic() - process["started_at"]
        delay = self._backoffs.setdefault(name, Backoff()).next_delay(uptime)
        self._restart_at[name] = time.monotonic() + delay
        self._system_print(f"{name} stopped ({describe_exit(returncode)}); restarting in {delay:g} s\n")

    def _restart_due(self) -> None:
        now = time.monotonic()
        for name in [n for n, at in self._restart_at.items() if at <= now]:
            del self._restart_at[name]
            self._spawn(name)

    def _spawn(self, name: str) -> None:
        process = self._processes[name]
        for key in ("pid", "returncode", "started_at"):
            process.pop(key, None)
        # The Process runs in a child of ours that reads the command's output and reports start and stop.
        process["process"] = multiprocessing.Process(
            name=name, target=process["obj"].run, args=(self.events, True)
        )
        process["process"].start()

    def _all_stopped(self) -> bool:
        # A reader that died without a word (its command could not even start) leaves nothing to stop.
        return all("returncode" in p or not p["process"].is_alive() for p in self._processes.values())

    def _killall(self, force: bool = False) -> None:
        """Signal the process group of every running process (one not started yet is stopped on start)."""
        for name, process in self._processes.items():
            if "pid" in process and "returncode" not in process:
                self._system_print(
                    f"sending {'SIGKILL' if force else 'SIGTERM'} to {name} (pid {process['pid']})\n"
                )
                (self._procmgr.kill if force else self._procmgr.terminate)(process["pid"])


def procfile_entries(path: Path) -> list[tuple[str, str]]:
    """The (name, command) lines of a Procfile, comments and blank lines left out."""
    entries = []
    for line in path.read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, command = line.partition(":")
            entries.append((name.strip(), command.strip()))
    return entries


def take_the_terminal() -> int | None:
    """Move into a process group of our own in the terminal's foreground; the group it had, or None.

    Ctrl-C signals the whole foreground group, and `make` in it dies by SIGINT (exit 130) whatever we
    answer; alone in the foreground, the interrupt is ours to answer and `make run` exits with our 0.
    """
    try:
        terminal, previous = sys.stdin.fileno(), os.getpgrp()
        if os.tcgetpgrp(terminal) != previous:
            return None  # no terminal, or we run in the background
        os.setpgid(0, 0)
    except (OSError, ValueError):
        return None
    try:
        _set_foreground(terminal, os.getpgrp())
    except OSError:
        os.setpgid(0, previous)  # back where Ctrl-C reaches us, even if it reaches make too
        return None
    return previous


def give_back_the_terminal(previous: int | None) -> None:
    """Hand the terminal's foreground back to the group that had it before take_the_terminal."""
    if previous is not None:
        with contextlib.suppress(OSError):  # the terminal may be gone
            _set_foreground(sys.stdin.fileno(), previous)


def _set_foreground(terminal: int, group: int) -> None:
    # A background group that sets the foreground is stopped by SIGTTOU unless it ignores it.
    handler = signal.signal(signal.SIGTTOU, signal.SIG_IGN)
    try:
        os.tcsetpgrp(terminal, group)
    finally:
        signal.signal(signal.SIGTTOU, handler)


def supervise(entries: list[tuple[str, str]], env: dict | None = None, cwd: str | None = None) -> int:
    """Run the commands under a Supervisor until asked to stop; the exit status to leave with."""
    supervisor = Supervisor()
    for name, command in entries:
        supervisor.add_process(name, command, env=env, cwd=cwd)
    previous = take_the_terminal()
    try:
        supervisor.loop()
    finally:
        give_back_the_terminal(previous)
    return supervisor.returncode


if __name__ == "__main__":
    sys.exit(supervise(procfile_entries(Path(sys.argv[1])), dict(os.environ)))
