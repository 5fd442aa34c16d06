"""Signals of the event store."""

from django.dispatch import Signal

# Sent once per append, after the appending transaction has committed (immediately when the append
# ran outside a transaction), with kwargs events=list[RecordedEvent]. Receivers must not assume
# the events are already visible to read_all: that waits until older transactions have finished.
# Receivers are cached per sender (every append sends it; looking them up cost more than the send).
events_committed = Signal(use_caching=True)
