"""What a test asks of a process by its pid (Linux's /proc)."""

from __future__ import annotations


def process_running(pid: int) -> bool:
    """Alive and not a zombie (an exited orphan is reaped by init, but may linger as one)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False
