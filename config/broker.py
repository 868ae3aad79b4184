"""The filesystem broker of `make run` and the tests, with atomic writes.

Kombu's filesystem transport creates a message file in the queue folder and then writes
into it. A worker that lists the folder in between takes the still empty file, cannot
decode it and stops ("Unrecoverable error: JSONDecodeError"): on a busy machine the worker
of `make run` or of a test dies. Here a message is written in a staging folder beside the
queue folder and then renamed into it, which is atomic on one filesystem, so a worker only
ever sees whole messages. Registered under kombu's own name, so ``filesystem://`` uses it.
"""

from __future__ import annotations

import os
import uuid
from time import monotonic
from typing import Any

from kombu.transport import TRANSPORT_ALIASES, filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

STAGING = "staging"


class Channel(filesystem.Channel):
    # kombu's own classes disagree on this signature; this one is the filesystem channel's.
    def _put(self, queue: Any, payload: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        """Put ``payload`` onto ``queue``: write it aside, then rename it into the queue."""
        # The name orders the queue (kombu reads the folder sorted), as kombu's own does.
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        staging = os.path.join(os.path.dirname(os.path.abspath(self.data_folder_out)), STAGING)
        os.makedirs(staging, exist_ok=True)
        written = os.path.join(staging, name)
        try:
            with open(written, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(written, os.path.join(self.data_folder_out, name))
        except OSError as error:
            raise filesystem.ChannelError(f"Cannot add file {name!r} to the queue") from error


class Transport(filesystem.Transport):
    Channel = Channel


TRANSPORT_ALIASES["filesystem"] = "config.broker:Transport"
