"""Events the workflow announces after commit, for apps it may not import.

Receivers queue work (portal: e-mail) and never change a status;
each is sent with ``pk`` of the approval message, except ``workflow_started``, which names
all messages of a processed batch at once (``pks``).
"""

from django.dispatch import Signal

# pks: the messages that reached 30 (a processed batch), or whose accountant review completed
workflow_started = Signal()
message_approved = Signal()  # status 50
message_rejected = Signal()  # status 40
kvk_outcome = Signal()  # status 80, 90 or 70 after a Digipoort verdict
retries_exhausted = Signal()  # a 70 that no automatic attempt follows: staff must act
kvk_attention = Signal()  # at 60, something a person should look at (unknown status, ...)
comment_added = Signal()  # a comment was placed; also sent with ``comment_pk``
