"""Hostile documents, generated (so the corpus stays small) and measured while parsed."""

from __future__ import annotations

import sys
import threading
import tracemalloc
from contextlib import contextmanager
from dataclasses import dataclass, field

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<rss version="2.0"><channel><title>&lol9;</title>
<item><title>&lol9;</title><description>&lol9;</description></item></channel></rss>
"""


def quadratic_blowup(size: int = 100_000, uses: int = 10_000) -> bytes:
    entity = "A" * size
    refs = "&a;" * uses
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss [<!ENTITY a "{entity}">]>\n'
        f'<rss version="2.0"><channel><title>q</title><item><title>{refs}</title>'
        f"<description>{refs}</description></item></channel></rss>"
    ).encode()


def xxe(system_id: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE rss [<!ENTITY xxe SYSTEM "{system_id}">]>\n'
        f'<rss version="2.0"><channel><title>&xxe;</title>'
        f"<item><title>x</title><description>&xxe;</description></item></channel></rss>"
    ).encode()


def xxe_parameter(system_id: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n'
        f'<!DOCTYPE rss [<!ENTITY % remote SYSTEM "{system_id}"> %remote;]>\n'
        f'<rss version="2.0"><channel><title>p</title></channel></rss>'
    ).encode()


def external_dtd(system_id: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n<!DOCTYPE rss SYSTEM "{system_id}">\n'
        f'<rss version="2.0"><channel><title>dtd</title>'
        f"<item><title>ok</title><guid>dtd-1</guid></item></channel></rss>"
    ).encode()


def utf16(document: bytes, *, bom: bool, big_endian: bool, declare: str | None = "UTF-16") -> bytes:
    text = document.decode("utf-8")
    if declare is None:
        text = text.replace('encoding="UTF-8"', "")
    else:
        text = text.replace('encoding="UTF-8"', f'encoding="{declare}"')
    codec = "utf-16-be" if big_endian else "utf-16-le"
    prefix = (b"\xfe\xff" if big_endian else b"\xff\xfe") if bom else b""
    return prefix + text.encode(codec)


MALFORMED_PROLOGS = {
    # junk and a comment hiding the DOCTYPE from naive "first element" scanners
    "comment-trick": b'<?xml version="1.0"?><!DOCTYPE x [<!-- <a --> <!ENTITY lol "lol"> ]><rss/>',
    "lowercase-doctype": b'<?xml version="1.0"?><!doctype rss [<!entity lol "x">]><rss>&lol;</rss>',
    "space-in-entity": b'<?xml version="1.0"?><!DOCTYPE rss [<! ENTITY lol "x">]><rss>&lol;</rss>',
    "junk-before-prolog": b'garbage<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY a "b">]><rss/>',
    "lying-encoding": b'<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE rss [<!ENTITY a "b">]>'
    b"<rss>&a;</rss>",
    "utf7-declared": b'<?xml version="1.0" encoding="UTF-7"?>+ADw-!DOCTYPE rss +AFs-+ADw-!ENTITY a '
    b'"b"+AD4-+AF0-+AD4-<rss>&a;</rss>',
    "internal-subset-no-entity": b'<?xml version="1.0"?><!DOCTYPE rss [<!ATTLIST rss a CDATA "x">]>'
    b"<rss/>",
    "unterminated-doctype": b'<?xml version="1.0"?><!DOCTYPE rss SYSTEM "x"',
    "entity-after-root": b'<rss version="2.0"><channel><title>t</title></channel></rss>'
    b'<!DOCTYPE x [<!ENTITY a "b">]>',
}


@dataclass
class Measurement:
    opened: list[str] = field(default_factory=list)
    connections: list[object] = field(default_factory=list)
    peak_bytes: int = 0
    error: BaseException | None = None


_state = threading.local()


def _audit(event: str, args) -> None:
    measurement = getattr(_state, "measurement", None)
    if measurement is None:
        return
    if event == "open" and args and isinstance(args[0], (str, bytes)):
        path = args[0] if isinstance(args[0], str) else args[0].decode("utf-8", "replace")
        if not path.endswith((".py", ".pyc", ".so")) and "/site-packages/" not in path:
            measurement.opened.append(path)
    elif event in ("socket.connect", "socket.getaddrinfo", "urllib.Request"):
        measurement.connections.append(args)


sys.addaudithook(_audit)


@contextmanager
def measured():
    """Counts files opened and sockets connected on this thread, and peak traced memory."""
    measurement = Measurement()
    tracemalloc.start()
    _state.measurement = measurement
    try:
        yield measurement
    except Exception as exc:  # recorded for the test to assert on
        measurement.error = exc
    finally:
        _state.measurement = None
        _current, measurement.peak_bytes = tracemalloc.get_traced_memory()
        tracemalloc.stop()
