"""Hostile archives built in the test (never committed): zips that expand far beyond their size."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

NOMINAL_LINE = b"N1,1990-01-01,male,NW\n"
COHORT = b"nominal_id,scheme,start_date,end_date\nN1,priority,2015-01-01,\n"


def write_zip(path: Path, members: list[tuple[str, bytes, int, int]]) -> Path:
    """A zip of ``(name, raw deflate data, crc, uncompressed size)`` members (sizes under 4 GiB)."""
    local, central = bytearray(), bytearray()
    for name, data, crc, size in members:
        encoded = name.encode()
        offset = len(local)
        local += struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0x21, crc, len(data), size,
                             len(encoded), 0) + encoded + data
        central += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0x21, crc, len(data), size,
                               len(encoded), 0, 0, 0, 0, 0, offset) + encoded
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(local), 0)
    path.write_bytes(bytes(local + central + end))
    return path


def member(name: str, text: bytes) -> tuple[str, bytes, int, int]:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return name, compressor.compress(text) + compressor.flush(), zlib.crc32(text), len(text)


def bomb_member(name: str, header: bytes, line: bytes, mebibytes: int) -> tuple[str, bytes, int, int]:
    """A CSV member of ``header`` then ``line`` repeated to about ``mebibytes`` MiB, deflated without
    compressing every repeat: after a full flush the compressor's output for the same input is
    the same, so one block's output is repeated."""
    block = line * (1024**2 // len(line))
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    start = compressor.compress(header) + compressor.flush(zlib.Z_FULL_FLUSH)
    once = compressor.compress(block) + compressor.flush(zlib.Z_FULL_FLUSH)
    crc = zlib.crc32(header)
    for _ in range(mebibytes):
        crc = zlib.crc32(block, crc)
    data = start + once * mebibytes + compressor.flush(zlib.Z_FINISH)
    return name, data, crc, len(header) + len(block) * mebibytes


def csv_bomb(path: Path, mebibytes: int = 1229) -> Path:
    """A package zip whose nominals.csv expands to ``mebibytes`` MiB (1229: 1.2 GiB, from about
    1.3 MB), beside a real cohort.csv."""
    return write_zip(path, [member("cohort.csv", COHORT),
                            bomb_member("nominals.csv", b"nominal_id,date_of_birth,gender,area\n", NOMINAL_LINE,
                                        mebibytes)])
