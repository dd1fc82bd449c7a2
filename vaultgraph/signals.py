"""Signals that end the process, turned into an exception while cleanup must run first."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["Stopped", "stopped_by_signals"]


@contextmanager
def stopped_by_signals() -> Iterator[None]:
    """While the block runs: SIGTERM and SIGHUP, when they would simply end this process, raise
    :class:`Stopped` instead, so that the block's cleanup runs on the way out (parse workers
    killed, a half-made move put back); then the signal is raised again, and ends the process
    as it would have.

    Only the main thread may set handlers, and a handler the program set itself (or an ignored
    signal, under ``nohup``) is left as it is.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    replaced: dict[int, signal.Handlers] = {}

    def stop(signum: int, frame: object) -> None:
        raise Stopped(signum)

    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None and signal.getsignal(number) is signal.SIG_DFL:
            signal.signal(number, stop)
            replaced[number] = signal.SIG_DFL
    try:
        try:
            yield
        finally:
            # Setting a handler first runs those of signals just come: this may raise too.
            _restore(replaced)
    except Stopped as stopped:
        _restore(replaced)
        signal.raise_signal(stopped.signum)  # the default action: this process ends here
        raise  # where the signal does not end it after all


class Stopped(BaseException):
    """A signal that ends the process arrived while a :func:`stopped_by_signals` block ran."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _restore(handlers: dict[int, signal.Handlers]) -> None:
    for number, handler in handlers.items():
        signal.signal(number, handler)
