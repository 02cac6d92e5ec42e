"""Who this process is, and whether the process behind a lease or a send is still alive.

Lease holders and senders are named ``<host>:<pid>:<boot>.<run>`` (a broadcast run's
with a ``bc:`` prefix): ``boot`` is drawn once per process, ``run`` per holder. A
holder on this host whose pid is gone — or is this process's pid under another boot
(a container restarted as pid 1) — has died: its leases and its calls in flight are
taken over at start-up instead of waiting for them to run out. On another host we
cannot tell, and the lease or timeout decides.
"""

from __future__ import annotations

import os
import secrets
import socket

BOOT = secrets.token_hex(4)  # this process's run: the same pid after a restart differs here


def host() -> str:
    return socket.gethostname()[:30]


def new_holder(prefix: str = "") -> str:
    """A holder id unique to this process and this use of it."""
    return f"{prefix}{host()}:{os.getpid()}:{BOOT}.{secrets.token_hex(3)}"


def alive(holder: str) -> bool | None:
    """True while the holder's process runs, False once it died, None when we cannot tell."""
    name = holder.removeprefix("bc:")
    parts = name.rsplit(":", 2)
    if len(parts) != 3 or not parts[1].isdigit():
        return None
    where, pid_text, token = parts
    if not where or where != host():
        return None
    pid = int(pid_text)
    if pid == os.getpid():
        return token.split(".", 1)[0] == BOOT
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # somebody else's live process
        return True
    return True


def dead(holders: list[str]) -> list[str]:
    """Those of ``holders`` whose process is known to have died."""
    return [h for h in holders if alive(h) is False]
