"""The project's files: one atomic writer and one bounded, checked reader.

Every file valuegraph writes (a model, a playground, a step-through or replay page, a drawing,
a plot, the command's history and config) goes through :func:`write_atomic`, and every JSON
file it loads (a model, a playground) through :func:`read_json`, so each rule below holds for
all of them and is tested once.

Why it lives here: ``nn`` and ``viz`` both write files, and the command writes through them.
``autograd`` is the engine and knows nothing of files; ``nn`` cannot hold the helper, because
``import viz`` must not load ``nn`` (viz needs nn only for its playground); ``viz`` cannot,
because ``nn`` must not depend on ``viz``. So it sits in the project's own package,
``valuegraph``, beside the command: this module imports only the standard library and
``valuegraph/__init__.py`` imports nothing, so ``from valuegraph.files import write_atomic``
costs ``nn`` and ``viz`` nothing and makes no import circle.

Writing (:func:`write_atomic`):

* **Atomic.** The data goes to ``.NAME.XXXXXXXX.tmp`` beside the file, is flushed to the disk
  (``fsync``) and renamed over the file, so a crash or Ctrl-C leaves the old file or the new
  one, never a truncated one.
* **Folders are never created**, as ``open(path, "w")``, ``torch.save`` and matplotlib's
  ``savefig``: a missing folder is a ``FileNotFoundError`` naming the path and the folder, so a
  mistyped folder name is an error, not a new folder somewhere. (The ``valuegraph`` command
  creates the folders of the paths given to it, as its ``--out`` folder always was.)
* **Permissions.** An existing file keeps its own (a shared 644 file stays 644, a private 600
  one stays private); a new file gets those ``open()`` gives (``0o666`` less the umask).
* **Links.** Writing onto a symbolic link writes the file it points to and keeps the link, as
  editors do (and as ``open(path, "w")`` would).
* **Leftovers.** A temporary file that a killed save left behind is removed by the next save
  of the same file once it is :data:`STALE_TEMPORARY_SECONDS` old (a younger one may belong
  to a save under way in another process).

Reading (:func:`read_limited`, :func:`read_json`): before anything is read, the path must be a
regular file (a folder is an ``IsADirectoryError``, a named pipe or a device such as
``/dev/zero`` a ``ValueError``, at once) of at most a given size; then the JSON must be UTF-8,
hold only finite numbers and not be nested thousands of levels deep. Each error names the file.
"""

from __future__ import annotations

import errno
import json
import math
import os
import re
import stat
import time
from pathlib import Path
from typing import Any

__all__ = ["write_atomic", "read_limited", "read_json", "json_text", "STALE_TEMPORARY_SECONDS"]

STALE_TEMPORARY_SECONDS = 600
"""A temporary file of a save that is this old was left by a save that was killed: the next save
of the same file removes it."""

_NAME_CHARACTERS = "abcdefghijklmnopqrstuvwxyz0123456789_"


# -- writing ----------------------------------------------------------------------------------

def write_atomic(path: str | os.PathLike, data: str | bytes, *, caller: str) -> Path:
    """Write ``data`` (text is written as UTF-8) to ``path`` atomically, by the rules in the
    module's docstring; returns ``path`` as a ``Path``. ``caller`` names the function writing
    (``"Module.save"``) in error messages, which are ``OSError``s whose ``filename`` is ``path``."""
    if not isinstance(data, (str, bytes)):
        raise TypeError(f"{caller}: expected text or bytes to write, got {type(data).__name__}")
    path = Path(path)
    raw = data.encode("utf-8") if isinstance(data, str) else data
    target = os.path.realpath(path) if os.path.islink(path) else os.path.abspath(path)
    directory, name = os.path.split(target)
    if os.path.isdir(target):
        raise IsADirectoryError(errno.EISDIR, f"{caller}: that is a folder; give the name of a file inside it",
                                str(path))
    _remove_stale_temporaries(directory, name)
    descriptor, temporary = _create_temporary(directory, name, path, caller)
    try:
        existing = _existing_mode(target)
        if existing is not None:  # a new file already has open()'s mode: created with 0o666 less the umask
            os.chmod(temporary, existing)
        with os.fdopen(descriptor, "wb") as file:
            file.write(raw)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, target)
    except BaseException:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        raise
    _sync_folder(directory)
    return path


def _create_temporary(directory: str, name: str, path: Path, caller: str) -> tuple[int, str]:
    """A new, empty temporary file beside the target, opened for writing, made as ``open()``
    makes a file (mode ``0o666`` less the umask); errors name the user's path, not it."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_NOFOLLOW", 0)
    for _ in range(100):
        random_part = "".join(_NAME_CHARACTERS[byte % len(_NAME_CHARACTERS)] for byte in os.urandom(8))
        temporary = os.path.join(directory, f".{_temporary_stem(name)}.{random_part}.tmp")
        try:
            return os.open(temporary, flags, 0o666), temporary
        except FileExistsError:
            continue
        except OSError as error:  # it would name the temporary file, which the user never chose
            if not os.path.exists(directory):
                reason = f"the folder {directory!r} does not exist (create it first: {caller} creates no folders)"
            elif not os.path.isdir(directory):
                reason = f"{directory!r} is not a folder"
            else:
                reason = f"cannot create a file in the folder {directory!r}: {error.strerror}"
            raise type(error)(error.errno, f"{caller}: {reason}", str(path)) from error
    raise FileExistsError(errno.EEXIST, f"{caller}: no free temporary file name in {directory!r}", str(path))


def _temporary_stem(name: str) -> str:
    """The part of a file's name its temporary files carry (short enough for any file system)."""
    return name[:100]


def _remove_stale_temporaries(directory: str, name: str) -> None:
    """Remove the temporary files (``.NAME.XXXXXXXX.tmp``) that writes of ``name`` killed midway
    left in ``directory``, once :data:`STALE_TEMPORARY_SECONDS` old. Best effort: a file that
    cannot be removed stays."""
    pattern = re.compile(re.escape(f".{_temporary_stem(name)}.") + r"[a-z0-9_]{8}\.tmp")
    now = time.time()
    try:
        with os.scandir(directory) as entries:
            stale = [entry.path for entry in entries if pattern.fullmatch(entry.name)
                     and entry.is_file(follow_symlinks=False)
                     and now - entry.stat(follow_symlinks=False).st_mtime > STALE_TEMPORARY_SECONDS]
    except OSError:  # a folder that cannot be listed (or is missing: creating the file will say so)
        return
    for leftover in stale:
        try:
            os.unlink(leftover)
        except OSError:
            pass


def _existing_mode(target: str) -> int | None:
    """The permission bits of the file being replaced, or ``None`` when there is none yet."""
    try:
        return stat.S_IMODE(os.stat(target).st_mode)
    except OSError:
        return None


def _sync_folder(directory: str) -> None:
    """Flush the rename to the disk too (POSIX; best effort: not every file system allows it)."""
    if os.name != "posix":
        return
    try:
        descriptor = os.open(directory, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def json_text(document: Any, *, caller: str, kind: str, indent: int | None = None) -> str:
    """``document`` as JSON text; a NaN or infinite number anywhere is a ``ValueError`` naming
    where it is (``weights[3]['layers.0.neurons.1.w.0']``), ``caller`` and ``kind`` (``"model
    file"``), before anything is written."""
    found = _non_finite(document)
    if found is not None:
        where, value = found
        raise ValueError(f"{caller}: {where} is {value!r}, and a {kind} holds finite numbers only; nothing was "
                         f"written (a NaN or infinite weight usually means training diverged: try a smaller "
                         f"learning rate)")
    return json.dumps(document, indent=indent, allow_nan=False)


def _non_finite(document: Any) -> tuple[str, float] | None:
    """The first non-finite float in ``document`` (dicts and lists, walked without recursion)
    and where it is, or ``None``."""
    stack: list[tuple[str, Any]] = [("", document)]
    while stack:
        where, item = stack.pop()
        if isinstance(item, float):
            if not math.isfinite(item):
                return where or "the document", item
        elif isinstance(item, dict):
            stack.extend((f"{where}[{key!r}]" if where else str(key), value)
                         for key, value in reversed(list(item.items())))
        elif isinstance(item, (list, tuple)):
            stack.extend((f"{where}[{index}]", value) for index, value in reversed(list(enumerate(item))))
    return None


# -- reading ----------------------------------------------------------------------------------

def read_limited(path: str | os.PathLike, limit: int, *, caller: str, kind: str) -> bytes:
    """The bytes of ``path``, after checking on the opened file, before reading anything, that
    it is a regular file of at most ``limit`` bytes. A folder is an ``IsADirectoryError``, a
    named pipe, a device or a file that is too large a ``ValueError``; each message starts with
    ``caller`` (the function reading: ``"load"``) and names the file and ``kind`` (``"model
    file"``)."""
    path = os.fspath(path)
    reading = f"{caller}({path!r})"
    try:
        # O_NONBLOCK: opening a named pipe returns at once instead of waiting for a writer
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
    except IsADirectoryError:  # Windows cannot open a folder at all
        raise IsADirectoryError(errno.EISDIR, f"{caller}: it is a folder, not a {kind}", path) from None
    except FileNotFoundError:
        raise FileNotFoundError(errno.ENOENT, f"{caller}: no such file", path) from None
    try:
        status = os.fstat(descriptor)
        link = f" links to {os.path.realpath(path)!r}, which" if os.path.islink(path) else ""
        if stat.S_ISDIR(status.st_mode):
            through = f" (through a link to {os.path.realpath(path)!r})" if link else ""
            raise IsADirectoryError(errno.EISDIR, f"{caller}: it is a folder{through}, not a {kind}", path)
        if not stat.S_ISREG(status.st_mode):
            raise ValueError(f"{reading}: {path!r}{link} is {_file_kind(status.st_mode)}, not a regular file; "
                             f"nothing was read (a {kind} is one that valuegraph wrote)")
        if status.st_size > limit:
            raise ValueError(f"{reading}: the file has {status.st_size:,} bytes, far more than a {kind} can have "
                             f"(at most {limit:,} bytes); nothing was read")
        with os.fdopen(os.dup(descriptor), "rb") as file:
            raw = file.read(limit + 1)
    finally:
        os.close(descriptor)
    if len(raw) > limit:  # it grew while being read
        raise ValueError(f"{reading}: the file has more than {limit:,} bytes, far more than a {kind} can have")
    return raw


def _file_kind(mode: int) -> str:
    """What a file that is not a regular file is, for a message."""
    kinds = [(stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISCHR, "a character device"),
             (stat.S_ISBLK, "a block device"), (stat.S_ISSOCK, "a socket")]
    return next((kind for test, kind in kinds if test(mode)), f"of type {stat.S_IFMT(mode):o}")


def read_json(path: str | os.PathLike, limit: int, *, caller: str, kind: str, shape: str = "") -> Any:
    """The JSON document in ``path``, read by :func:`read_limited`; a ``ValueError`` starting with
    ``caller`` and ``not a valid {kind}`` for text that is not UTF-8, not JSON, a NaN or an
    infinity, or nesting thousands of levels deep (``shape`` says what the file should hold)."""
    raw = read_limited(path, limit, caller=caller, kind=kind)
    invalid = f"{caller}({os.fspath(path)!r}): not a valid {kind}"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ValueError(f"{invalid}: not UTF-8 text (byte {error.start} is "
                         f"{raw[error.start:error.start + 1]!r}: {error.reason})") from None
    try:
        return json.loads(text, parse_constant=_reject_constant)
    except RecursionError:  # json's parser recurses once per level
        raise ValueError(f"{invalid}: nested too deeply{f' ({shape})' if shape else ''}") from None
    except ValueError as error:
        raise ValueError(f"{invalid}: {error}") from None


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a finite number")
