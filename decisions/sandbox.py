"""Read a stranger's file in a child process that may use only so much memory
and time, so that a file built to exhaust the reader costs the child, never
the web worker or the ingest command that asked.

extracted, protocol = sandbox.read(data, name="protokoll.docx")
protocol = sandbox.parse_protocol(text, source="protokoll.docx")

read() is decisions.extract.extract() and then parser.parse_protocol() of
its text, in one child (a child costs some 10 ms, so a file costs one);
parse_protocol() alone is for a text changed in between (masked). The same
errors as those two, and one more way to fail: a child that ran out of time
(settings.PARSE_SECONDS, CPU and wall clock) or of memory
(settings.PARSE_MEMORY_MB, its address space) raises LimitError, a ParseError
whose message says which.

Children are forked from multiprocessing's fork server: a clean process
started once (per web worker, per command) with the readers already imported,
so a child costs some 10 ms, shares no database connection or socket with
the process that asked, and starts with nothing of the request in memory.
The child does no database work. Its answer comes back as JSON, never as a
pickle: a child that a hostile file took over could send a pickle that runs
code in the parent, which holds the database's password.
"""

from __future__ import annotations

import dataclasses
import json
import logging
import multiprocessing
import resource
import signal
import traceback
from collections.abc import Callable
from multiprocessing.connection import Connection
from typing import Any

from django.conf import settings
from django.template.defaultfilters import filesizeformat

from . import extract as extracting
from . import parser
from .extract import Extracted, ExtractError
from .parser import ParsedProtocol, ParseError

__all__ = [
    "LimitError",
    "check_file_size",
    "check_paragrafer",
    "parse_protocol",
    "read",
]

logger = logging.getLogger(__name__)

_CONTEXT = multiprocessing.get_context("forkserver")
# The main module too: each child would otherwise import it again, as
# multiprocessing does (gunicorn's and manage.py's are guarded by
# `if __name__ == "__main__"`, as multiprocessing asks).
_CONTEXT.set_forkserver_preload(["__main__", __name__])

# How long the parent waits, past the child's CPU limit, before killing it:
# a child the machine keeps waiting has used less CPU than it has been given.
_WALL_GRACE = 1.0
MB = 1024 * 1024


class LimitError(ExtractError):
    """A file whose reading took longer or more memory than a protocol may."""


def read(
    data: bytes, *, name: str, number: str | None = None
) -> tuple[Extracted, ParsedProtocol]:
    """Return extract.extract(data, name=name) and the protocol parsed from
    its text (parse_protocol's `number` given), as read by a limited child."""
    check_file_size(len(data))
    found = _run(_read, data, name, number)
    extracted = Extracted(**{**found["extracted"], "notes": tuple(found["notes"])})
    protocol = parser.protocol_from_data(found["protocol"])
    check_paragrafer(protocol)
    return extracted, protocol


def check_file_size(size: int) -> None:
    """Refuse a file larger than settings.INGEST_MAX_FILE_BYTES (LimitError);
    a caller that can see the size before reading the file asks first."""
    limit = int(settings.INGEST_MAX_FILE_BYTES)
    if size > limit:
        raise LimitError(
            f"filen är {filesizeformat(size)} ({size} byte); högst "
            f"{filesizeformat(limit)} "
            f"({limit} byte) tas emot: dela upp protokollet, eller höj "
            "gränsen med inställningen INGEST_MAX_FILE_BYTES"
        )


def check_paragrafer(protocol: ParsedProtocol) -> None:
    """Refuse a protocol with more paragraphs than settings.INGEST_MAX_PARAGRAPHS,
    or one longer than settings.INGEST_MAX_PARAGRAPH_CHARS (its title and text),
    naming the line (LimitError)."""
    most = int(settings.INGEST_MAX_PARAGRAPHS)
    paragrafer = protocol.paragrafer
    if len(paragrafer) > most:
        raise LimitError(
            f"protokollet har {len(paragrafer)} paragrafer; högst {most} tas emot "
            "(INGEST_MAX_PARAGRAPHS): dela upp protokollet, eller höj gränsen med "
            "inställningen INGEST_MAX_PARAGRAPHS",
            paragrafer[most].line,
        )
    longest = int(settings.INGEST_MAX_PARAGRAPH_CHARS)
    for paragraf in paragrafer:
        size = len(paragraf.title) + len(paragraf.text)
        if size > longest:
            raise LimitError(
                f"§ {paragraf.number} har {size} tecken; högst {longest} tas emot "
                "(INGEST_MAX_PARAGRAPH_CHARS): står flera paragrafer utan "
                "§-rubrik i den? Höj annars gränsen med inställningen "
                "INGEST_MAX_PARAGRAPH_CHARS",
                paragraf.line,
            )


def parse_protocol(
    text: str, *, source: str, number: str | None = None
) -> ParsedProtocol:
    """Return parser.parse_protocol(text, source=source, number=number), as
    read by a limited child."""
    return parser.protocol_from_data(_run(_parse, text, source, number))


def _read(data: bytes, name: str, number: str | None) -> dict[str, Any]:
    extracted = extracting.extract(data, name=name)
    protocol = parser.parse_protocol(extracted.text, source=name, number=number)
    found = dataclasses.asdict(extracted)
    return {
        "extracted": found,
        "notes": found.pop("notes"),
        "protocol": parser.protocol_to_data(protocol),
    }


def _parse(text: str, source: str, number: str | None) -> dict[str, Any]:
    return parser.protocol_to_data(
        parser.parse_protocol(text, source=source, number=number)
    )


def _run(work: Callable[..., Any], *args: Any) -> Any:
    """Run work(*args) in a limited child and return its JSON answer."""
    seconds = float(settings.PARSE_SECONDS)
    memory = int(settings.PARSE_MEMORY_MB) * MB
    receiver, sender = _CONTEXT.Pipe(duplex=False)
    child = _CONTEXT.Process(
        target=_child, args=(sender, work, args, memory, seconds), daemon=True
    )
    child.start()
    sender.close()
    try:
        if not receiver.poll(seconds + _WALL_GRACE):
            raise _too_long(seconds)
        try:
            answer = json.loads(receiver.recv_bytes())
        except EOFError:
            # Killed before it could answer: by the CPU limit, or by the
            # kernel or a C library that could not get memory.
            child.join()
            if child.exitcode in (-signal.SIGXCPU, -signal.SIGKILL):
                raise _too_long(seconds) from None
            if child.exitcode in (-signal.SIGSEGV, -signal.SIGABRT, -signal.SIGBUS):
                raise _too_big(memory, f"signal {-(child.exitcode or 0)}") from None
            answer = {"error": "crash", "message": f"exit code {child.exitcode}"}
    finally:
        receiver.close()
        if child.is_alive():
            child.kill()
        child.join()
        child.close()
    if "error" not in answer:
        return answer["value"]
    kind, message, line = answer["error"], answer.get("message", ""), answer.get("line")
    if kind == "extract":
        raise ExtractError(message, line)
    if kind == "parse":
        raise ParseError(message, line)
    if kind == "memory":
        raise _too_big(memory, "MemoryError")
    logger.error("reading a file failed in the sandbox:\n%s", message)
    raise ExtractError(
        "filen gick inte att läsa: ett fel i portalens läsare (det är loggat); "
        "spara protokollet som PDF eller UTF-8-text och försök igen"
    )


def _too_long(seconds: float) -> LimitError:
    return LimitError(
        f"läsningen tog för lång tid (mer än {seconds:g} s); inte ett protokoll, "
        "eller ett som behöver delas upp"
    )


def _too_big(memory: int, how: str) -> LimitError:
    logger.warning("reading a file ran out of memory in the sandbox (%s)", how)
    return LimitError(
        f"läsningen krävde för mycket minne (mer än {memory // MB} MB); inte ett "
        "protokoll, eller ett som behöver delas upp"
    )


def _child(
    sender: Connection,
    work: Callable[..., Any],
    args: tuple[Any, ...],
    memory: int,
    seconds: float,
) -> None:
    """Limit this process, do the work, and send its value or error as JSON."""
    cpu = max(1, round(seconds))
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    out_of_memory = False
    try:
        answer: dict[str, Any] = {"value": work(*args)}
    except ExtractError as error:
        answer = {"error": "extract", "message": error.message, "line": error.line}
    except ParseError as error:
        answer = {"error": "parse", "message": error.message, "line": error.line}
    except MemoryError:
        # Nothing here may allocate: until this block ends, the traceback
        # keeps alive everything the reader had built.
        out_of_memory = True
    except Exception:
        answer = {"error": "crash", "message": traceback.format_exc()}
    if out_of_memory:
        answer = {"error": "memory"}
    try:
        payload = json.dumps(answer).encode()
    except MemoryError:
        payload = b'{"error": "memory"}'
    sender.send_bytes(payload)
    sender.close()
