"""The Qt binding itself: PySide6 6.12.0 drops a reference to `True` at every signal
emission, so a window crashes ("bool_dealloc") after a few hundred signals. pyproject pins
a release without the bug; this test fails if a faulty one comes back."""

from __future__ import annotations

import sys

from PySide6.QtCore import QObject, Signal, Slot


class _Sender(QObject):
    changed = Signal(int, str)


class _Receiver(QObject):
    def __init__(self) -> None:
        super().__init__()
        self.received = 0

    @Slot(int, str)
    def on_changed(self, number: int, text: str) -> None:
        self.received += 1


def test_signal_emissions_keep_the_reference_count_of_true(qapp) -> None:
    sender, receiver = _Sender(), _Receiver()
    sender.changed.connect(receiver.on_changed)
    before = sys.getrefcount(True)
    for number in range(200):  # few enough not to crash a faulty binding mid-test
        sender.changed.emit(number, "x")
    assert receiver.received == 200
    assert sys.getrefcount(True) >= before - 10
