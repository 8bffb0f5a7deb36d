"""The local supervisor's back-off: a process that keeps crashing waits longer each time, up to a cap;
one that stayed up a while is restarted quickly again."""

from deploy.local.supervisor import Backoff, describe_exit


def test_restart_delay_doubles_while_a_process_keeps_crashing_up_to_the_cap():
    backoff = Backoff(initial=1, maximum=30, stable_after=60)
    assert [backoff.next_delay(uptime=0.5) for _ in range(7)] == [1, 2, 4, 8, 16, 30, 30]


def test_restart_delay_starts_over_once_the_process_stayed_up_a_while():
    backoff = Backoff(initial=1, maximum=30, stable_after=60)
    for _ in range(4):
        backoff.next_delay(uptime=0.5)
    assert backoff.next_delay(uptime=61) == 1
    assert backoff.next_delay(uptime=0.5) == 2


def test_an_exit_by_signal_is_named():
    assert describe_exit(-9) == "exit code -9, SIGKILL"
    assert describe_exit(3) == "exit code 3"
