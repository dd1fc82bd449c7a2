"""The cache files' one layout (magic, a key of two halves, a CRC-32, a body) and freshness rule."""

from __future__ import annotations

import logging
import zlib

__all__ = ["CHECKSUM_SIZE", "HALF_KEY", "RACY_NS", "header_size", "magic", "racy", "seal", "unseal"]

# A file: magic (what it is and its format), the key's first half (what must match before
# anything else is looked at), its second half, a CRC-32 of the body (it finds damage), the body
# (plain data, see vaultgraph/packing.py). The key is compared before the checksum and the body,
# so a file for another version or vault is never decoded.
HALF_KEY = 16
CHECKSUM_SIZE = 4
# A file changed within this long before a run read it may change again with the same size and
# mtime (coarse file-system clocks: FAT counts in 2 s): such a stamp is checked by hash, as git
# does with its "racily clean" entries.
RACY_NS = 2_000_000_000

_log = logging.getLogger("vaultgraph")


def magic(kind: str, format: int) -> bytes:
    """The magic number of a file of this ``kind`` (``cache``, ``check``) and ``format``."""
    return f"vaultgraph-{kind}".encode() + format.to_bytes(2, "big")


def header_size(magic: bytes) -> int:
    """The length of the header of a file with this ``magic``: what comes before the body."""
    return len(magic) + 2 * HALF_KEY + CHECKSUM_SIZE


def racy(mtime_ns: int, read_ns: int) -> bool:
    """Whether a file stamped ``mtime_ns`` and read at ``read_ns`` (both ns since the epoch) was
    changed too close to that read for its stamp alone to say it has not changed since."""
    return mtime_ns >= read_ns - RACY_NS


def seal(magic: bytes, first: bytes, second: bytes, body: bytes) -> bytes:
    """A file of ``body`` under this ``magic`` and key (two halves of :data:`HALF_KEY` bytes)."""
    if len(first) != HALF_KEY or len(second) != HALF_KEY:
        raise ValueError("a key half is not 16 bytes")
    return magic + first + second + zlib.crc32(body).to_bytes(CHECKSUM_SIZE, "big") + body


def unseal(
    data: bytes,
    magic: bytes,
    first: bytes,
    *,
    second: bytes | None = None,
    log: str = "cache",
) -> tuple[bytes, bytes] | None:
    """The key's second half and the body of the file ``data``; ``None`` when it has another
    magic, another key (its first half, or its second if ``second`` is given) or a body whose
    CRC-32 does not match. The key is compared first: the body of a file for another version or
    vault is not looked at. Never raises; the debug log says why, each message starting with
    ``log``.
    """
    header = header_size(magic)
    if len(data) < header or not data.startswith(magic):
        _log.debug("%s: ignoring a file that is not a vaultgraph cache of this format", log)
        return None
    if data[len(magic) : len(magic) + HALF_KEY] != first:
        _log.debug("%s: written for another version or vault; rebuilding", log)
        return None
    half = data[len(magic) + HALF_KEY : header - CHECKSUM_SIZE]
    if second is not None and half != second:
        _log.debug("%s: written for another folder; rebuilding", log)
        return None
    body = data[header:]
    if zlib.crc32(body).to_bytes(CHECKSUM_SIZE, "big") != data[header - CHECKSUM_SIZE : header]:
        _log.debug("%s: ignoring a truncated or damaged file (checksum mismatch)", log)
        return None
    return half, body
