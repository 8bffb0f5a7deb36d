"""`make run`'s supervisor: a process that dies is restarted (and the output says so) while the others
keep running; Ctrl-C, SIGTERM or closing the terminal stops them all, and Ctrl-C leaves `make run` with 0."""

import contextlib
import os
import pty
import re
import select
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from deploy.local.harness import REPO_ROOT, wait_until

pytestmark = pytest.mark.integration

STEADY = "steady: echo steady up; exec sleep 60"
OTHER = "other: echo other up; exec sleep 60"
FLAKY = "flaky: echo flaky up; sleep 0.2; exit 3"
SHELLED = "shelled: sleep 60 & echo shelled runs $!; wait"  # the shell stays, its program is a child


class Supervised:
    """`python -m deploy.local.supervisor` on a Procfile, its output gathered line by line."""

    def __init__(self, directory, *procfile_lines: str):
        (directory / "Procfile").write_text("\n".join(procfile_lines) + "\n")
        self.process = subprocess.Popen(
            [sys.executable, "-m", "deploy.local.supervisor", "Procfile"],
            cwd=directory,
            env={**os.environ, "PYTHONPATH": str(REPO_ROOT)},
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_for(self, text: str, count: int = 1) -> None:
        try:
            wait_until(lambda: self.output.count(text) >= count, 10, message=f"{text!r} x{count}")
        except AssertionError as error:
            raise AssertionError(f"{error}; the output:\n{self.output}") from None

    def pids(self, name: str) -> list[int]:
        return [int(pid) for pid in re.findall(rf"\| {name} started \(pid=(\d+)\)", self.output)]

    def stop(self, signum: int = signal.SIGINT) -> int:
        self.process.send_signal(signum)
        return self.process.wait(10)

    def close(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        for name in ("steady", "other", "flaky", "shelled"):
            for pid in self.pids(name):
                _kill_group(pid)


def _kill_group(pid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)


def alive(pid: int) -> bool:
    """Running: neither gone nor a zombie that init has not reaped yet."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.rpartition(")")[2].split()[0] != "Z"


@pytest.fixture
def supervise(tmp_path):
    started = []

    def start(*procfile_lines: str) -> Supervised:
        started.append(Supervised(tmp_path, *procfile_lines))
        return started[-1]

    yield start
    for supervised in started:
        supervised.close()


def test_a_process_that_exits_is_restarted_with_growing_delay_while_the_others_keep_running(supervise):
    run = supervise(STEADY, FLAKY)
    run.wait_for("flaky stopped (exit code 3); restarting in 1 s")
    run.wait_for("flaky up", count=2)
    run.wait_for("flaky stopped (exit code 3); restarting in 2 s")

    assert run.process.poll() is None
    [steady] = run.pids("steady")
    assert alive(steady) and run.output.count("steady up") == 1


def test_a_killed_process_is_restarted_and_the_output_says_so(supervise):
    run = supervise(STEADY, OTHER)
    run.wait_for("steady up")
    run.wait_for("other up")
    [killed] = run.pids("steady")

    os.kill(killed, signal.SIGKILL)
    run.wait_for("steady stopped (exit code -9, SIGKILL); restarting in 1 s")
    run.wait_for("steady up", count=2)

    [_, restarted] = run.pids("steady")
    [other] = run.pids("other")
    assert alive(restarted) and alive(other) and not alive(killed)


def test_a_killed_shell_is_restarted_and_the_program_it_ran_goes_with_it(supervise):
    run = supervise(SHELLED)
    run.wait_for("shelled runs")
    [shell] = run.pids("shelled")
    [program] = re.findall(r"shelled runs (\d+)", run.output)

    os.kill(shell, signal.SIGKILL)  # the pid the output shows
    run.wait_for("shelled stopped (exit code -9, SIGKILL); restarting in 1 s")
    run.wait_for("shelled runs", count=2)

    assert not alive(int(program)), "the program of the killed shell is left running"


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_a_stop_signal_stops_every_process_restarts_none_and_exits_zero(supervise, signum):
    run = supervise(STEADY, OTHER, FLAKY)
    run.wait_for("flaky stopped (exit code 3); restarting in 1 s")

    assert run.stop(signum) == 0
    pids = run.pids("steady") + run.pids("other")
    assert len(pids) == 2 and not any(alive(pid) for pid in pids)
    assert run.output.count("flaky up") == 1, "a process waiting for its restart is not restarted"


class InTerminal:
    """`bash -c COMMAND` on a terminal of its own (a pty), as a developer types it, next to a Makefile whose
    `run` starts the supervisor on a Procfile."""

    def __init__(self, directory, command: str, *procfile_lines: str):
        (directory / "Procfile").write_text("\n".join(procfile_lines) + "\n")
        (directory / "Makefile").write_text(f"run:\n\t{sys.executable} -m deploy.local.supervisor Procfile\n")
        self.pid, self.terminal = pty.fork()
        if self.pid == 0:  # the child, on the terminal pty.fork gave it
            try:
                os.chdir(directory)
                # A terminal's shell starts with the default hangup: one ignored by whoever started
                # pytest (nohup) is inherited, and an ignored hangup outlives the closed terminal.
                signal.signal(signal.SIGHUP, signal.SIG_DFL)
                os.execvpe("bash", ["bash", "-c", command], {**os.environ, "PYTHONPATH": str(REPO_ROOT)})
            finally:
                os._exit(127)  # never back into pytest
        self.output = bytearray()
        self.status: int | None = None

    def read(self) -> bytearray:
        """The output so far; read here, not in a thread, so that closing the terminal hangs it up."""
        with contextlib.suppress(OSError):  # EIO once the terminal's last process is gone
            while select.select([self.terminal], [], [], 0.05)[0]:
                self.output.extend(os.read(self.terminal, 4096))
        return self.output

    def wait_for(self, text: bytes) -> None:
        wait_until(lambda: text in self.read(), 10, message=f"{text!r} in {bytes(self.output)!r}")

    def exit_code(self) -> int:
        wait_until(self._exited, 10, message=f"bash to exit; its output: {bytes(self.read())!r}")
        return os.waitstatus_to_exitcode(self.status)

    def _exited(self) -> bool:
        self.read()
        pid, status = os.waitpid(self.pid, os.WNOHANG)
        if pid:
            self.status = status
        return self.status is not None

    def pids(self) -> list[int]:
        return [int(pid) for pid in re.findall(rb"started \(pid=(\d+)\)", self.output)]

    def close(self) -> None:
        for pid in self.pids():
            _kill_group(pid)
        if self.status is None:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        with contextlib.suppress(OSError):
            os.close(self.terminal)


@pytest.fixture
def terminal(tmp_path):
    if shutil.which("make") is None:
        pytest.skip("needs make")
    started = []

    def start(command: str, *procfile_lines: str) -> InTerminal:
        started.append(InTerminal(tmp_path, command, *procfile_lines))
        return started[-1]

    yield start
    for session in started:
        session.close()


def test_ctrl_c_in_a_terminal_stops_make_run_with_exit_code_zero(terminal):
    """Ctrl-C signals the terminal's whole foreground group; make in it must not die by SIGINT."""
    session = terminal("make run; echo make exited $?", STEADY)
    session.wait_for(b"steady up")

    os.write(session.terminal, b"\x03")  # Ctrl-C, as typed
    session.wait_for(b"make exited")

    assert b"SIGINT received" in session.output and b"make exited 0" in session.output
    assert not alive(session.pids()[0])


def test_closing_the_terminal_stops_every_process(terminal):
    # As in a terminal window: make runs as the shell's foreground job, not as the session leader.
    session = terminal("set -m; make run; true", STEADY, OTHER)
    session.wait_for(b"steady up")
    session.wait_for(b"other up")
    pids = session.pids()

    os.close(session.terminal)  # the terminal window is closed: the shell and its job are hung up
    session.exit_code()
    wait_until(lambda: not any(alive(pid) for pid in pids), 10, message="no process left behind")
