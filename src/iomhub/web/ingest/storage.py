"""Uploaded files on disk: stored whole or not at all, under a random folder name, never under a
name the user chose; the files' own names are made safe (no folder, no control character, no
leading dot) and kept only as the name the package reader sees.

    IOMHUB_DATA_DIR/uploads/<32 hex>/files/<safe name>...   the files (folder and files 0700/0600)
    IOMHUB_DATA_DIR/uploads/<32 hex>/progress.json          the progress of its running import

An upload is one ``.zip``, one ``.xlsx``/``.xlsm`` workbook, or up to :data:`MAX_FILES` CSV files
(``.csv``, ``.txt``, ``.tsv``); at most ``settings.UPLOAD_MAX_BYTES`` in all, counted as it is
written. What a zip or workbook expands to is bounded when it is read
(``iomhub.package.sources.LIMITS``).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import shutil
import time
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any, Protocol

from django.conf import settings

DELIMITED = (".csv", ".txt", ".tsv")
ARCHIVES = (".zip",)
WORKBOOKS = (".xlsx", ".xlsm")
MAX_FILES = 50
NAME_LENGTH = 120
UNSAFE = re.compile(r"[\x00-\x1f\x7f<>:\"/\\|?*]")


class UploadRefused(Exception):
    """The files cannot be taken; the message says why, in the user's terms."""


class Incoming(Protocol):
    """An uploaded file as Django gives it."""

    name: str | None
    size: int | None

    def chunks(self, chunk_size: int | None = None) -> Iterator[bytes]: ...


@dataclass(frozen=True)
class Stored:
    folder: str
    kind: str  # Upload.Kind
    files: list[dict[str, Any]]  # {"name", "bytes", "sha256"}


def root() -> Path:
    return Path(settings.DATA_DIR) / "uploads"


def folder_of(folder: str) -> Path:
    """The folder of an upload; refuses anything but the hex name ``store`` made."""
    if not re.fullmatch(r"[0-9a-f]{32}", folder):
        raise ValueError("not an upload folder name")
    return root() / folder


def package_path(folder: str, kind: str, files: list[dict[str, Any]]) -> Path:
    """What the package reader reads: the folder of CSV files, or the one zip or workbook."""
    base = folder_of(folder) / "files"
    return base if kind == "files" else base / files[0]["name"]


def safe_name(name: str) -> str:
    """The file's own name (no folder part, from a browser on any system), without control or
    reserved characters, trimmed; refused when nothing is left."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = unicodedata.normalize("NFC", UNSAFE.sub("_", base)).strip().lstrip(".").strip()
    if len(base) > NAME_LENGTH:
        suffix = PurePosixPath(base).suffix[:10]
        base = base[: NAME_LENGTH - len(suffix)] + suffix
    if not base or base in (".", ".."):
        raise UploadRefused(f"{name!r} is not a usable file name")
    return base


def kind_of(names: list[str]) -> str:
    suffixes = [PurePosixPath(n).suffix.lower() for n in names]
    if not names:
        raise UploadRefused("Choose the files to upload")
    if len(names) > MAX_FILES:
        raise UploadRefused(f"{len(names)} files: upload at most {MAX_FILES} at once (or one zip of them)")
    if any(s in ARCHIVES + WORKBOOKS for s in suffixes):
        if len(names) > 1:
            raise UploadRefused("Upload a zip or a workbook on its own, or several CSV files, not both")
        return "zip" if suffixes[0] in ARCHIVES else "workbook"
    wrong = [n for n, s in zip(names, suffixes, strict=True) if s not in DELIMITED]
    if wrong:
        raise UploadRefused(f"{wrong[0]}: not a file iomhub reads: upload CSV files (.csv, .txt, .tsv), "
                            "a .zip of them, or an Excel workbook (.xlsx)")
    return "files"


def store(incoming: Iterable[Incoming]) -> Stored:
    """Write the uploaded files into a new folder, counting and hashing as they are written;
    on any refusal (too big, a bad name, two files of one name) nothing is left on disk."""
    files = list(incoming)
    names = [safe_name(f.name or "") for f in files]
    kind = kind_of(names)
    folded = [n.lower() for n in names]
    twice = next((n for n, f in zip(names, folded, strict=True) if folded.count(f) > 1), None)
    if twice:
        raise UploadRefused(f"two files are called {twice}: rename one")
    limit = int(settings.UPLOAD_MAX_BYTES)
    declared = sum(f.size or 0 for f in files)
    if declared > limit:
        raise UploadRefused(f"the files are {_size(declared)}, more than the {_size(limit)} an upload may be")
    folder = secrets.token_hex(16)
    target = folder_of(folder) / "files"
    target.mkdir(parents=True, mode=0o700)
    os.chmod(folder_of(folder), 0o700)
    written = 0
    entries: list[dict[str, Any]] = []
    try:
        for upload, name in zip(files, names, strict=True):
            digest = hashlib.sha256()
            size = 0
            path = target / name
            with open(path, "xb") as out:  # never over another file
                os.chmod(path, 0o600)
                for chunk in upload.chunks():
                    size += len(chunk)
                    written += len(chunk)
                    if written > limit:
                        raise UploadRefused(f"the files are more than the {_size(limit)} an upload may be")
                    digest.update(chunk)
                    out.write(chunk)
            if size == 0:
                raise UploadRefused(f"{name} is empty")
            entries.append({"name": name, "bytes": size, "sha256": digest.hexdigest()})
    except BaseException:
        shutil.rmtree(folder_of(folder), ignore_errors=True)
        raise
    return Stored(folder, kind, entries)


def remove(folder: str) -> None:
    shutil.rmtree(folder_of(folder), ignore_errors=True)


def _size(number: int) -> str:
    for unit, scale in (("GB", 1024**3), ("MB", 1024**2), ("KB", 1024)):
        if number >= scale:
            return f"{number / scale:.1f} {unit}".replace(".0 ", " ")
    return f"{number} bytes"


# -- the progress of a running import, in a file (readable while the import's transaction is open) --

def write_progress(folder: str, job: int, message: str, done: int, total: int) -> None:
    path = folder_of(folder) / "progress.json"
    temporary = path.with_suffix(f".{os.getpid()}.tmp")
    temporary.write_text(json.dumps({"job": job, "message": message, "done": done, "total": total,
                                     "at": time.time()}), encoding="utf-8")
    os.replace(temporary, path)


def read_progress(folder: str, job: int) -> dict[str, Any] | None:
    try:
        data = json.loads((folder_of(folder) / "progress.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and data.get("job") == job else None
