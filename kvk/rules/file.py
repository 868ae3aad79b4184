"""The rules on the file's name and bytes, before parsing (FR-KVK-1.01, FR-NL-1.01 to
1.06, FR-NL-2.06). They also run on a file that cannot be parsed, to explain why."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from kvk.rules.registry import Stage, rule, run_once
from kvk.rules.report import Emit, Report

_BOM = b"\xef\xbb\xbf"
# FR-NL-1.02: Basic Latin, Latin-1 Supplement, Currency Symbols (and the XML whitespace).
BAD_CHAR = re.compile("[^\t\n\r\u0020-\u007f\u00a0-\u00ff\u20a0-\u20cf]")
_CHAR_REF = re.compile(rb"&(?:#(\d+)|#[xX]([0-9A-Fa-f]+)|([A-Za-z][A-Za-z0-9]*));")
_NAMED_REFS = frozenset({b"lt", b"gt", b"amp", b"apos", b"quot"})
_ENCODING_DECL = re.compile(rb"""^\s*<\?xml[^>]*encoding\s*=\s*["']([^"']+)["']""")
_DOCTYPE = re.compile(rb"<!DOCTYPE", re.IGNORECASE)
_FILE_STEM = re.compile(r"[0-9A-Za-z_-]+")
_ALLOWED_ASCII = bytes([9, 10, 13, *range(0x20, 0x80)])


@dataclass
class RawFile:
    """The file as received: its bytes and the name it was stored under."""

    content: bytes
    filename: str

    @functools.cached_property
    def name(self) -> str:
        """The file's own name, not the folder it was stored in."""
        return self.filename.replace("\\", "/").rsplit("/", 1)[-1]

    @functools.cached_property
    def stem_and_extension(self) -> tuple[str, str]:
        stem, dot, extension = self.name.rpartition(".")
        return (stem, extension) if dot else (self.name, "")

    @functools.cached_property
    def decoded(self) -> tuple[str, int | None]:
        """The text, and the offset of the first byte that is not UTF-8 (None if none);
        such bytes become U+FFFD."""
        try:
            return self.content.decode("utf-8"), None
        except UnicodeDecodeError as exc:
            return self.content.decode("utf-8", "replace"), exc.start

    def line(self, offset: int) -> int:
        return self.content.count(b"\n", 0, offset) + 1


def run(report: Report, raw: RawFile) -> None:
    run_once(report, Stage.FILE, raw)


@rule("FR-KVK-1.01", Stage.FILE)
def _extension(emit: Emit, raw: RawFile) -> None:
    extension = raw.stem_and_extension[1]
    if extension.lower() != "xbrl" or extension != extension.lower():
        emit(
            f"De bestandsnaam {raw.name!r} moet eindigen op '.xbrl'.",
            f"The file name {raw.name!r} must end in '.xbrl'.",
        )


@rule("FR-NL-1.06", Stage.FILE)
def _file_name(emit: Emit, raw: RawFile) -> None:
    if not _FILE_STEM.fullmatch(raw.stem_and_extension[0]):
        emit(
            f"De bestandsnaam {raw.name!r} mag alleen A-Z, a-z, 0-9, '-' en '_' bevatten "
            "(vóór de extensie).",
            f"The file name {raw.name!r} may only contain A-Z, a-z, 0-9, '-' and '_' "
            "(before the extension).",
        )


@rule("FR-NL-1.01", Stage.FILE)
def _byte_order_mark(emit: Emit, raw: RawFile) -> None:
    if raw.content.startswith((_BOM, b"\xff\xfe", b"\xfe\xff")):
        emit(
            "Het bestand begint met een byte-order mark (BOM); sla het op als UTF-8 zonder BOM.",
            "The file starts with a byte-order mark (BOM); save it as UTF-8 without BOM.",
            1,
        )


@rule("FR-NL-1.05", Stage.FILE)
def _declared_encoding(emit: Emit, raw: RawFile) -> None:
    declared = _ENCODING_DECL.match(raw.content.removeprefix(_BOM))
    if not declared:
        return
    name = declared.group(1).decode("ascii", "replace")
    if name.lower() not in ("utf-8", "utf8"):
        emit(
            f"De XML-declaratie noemt codering {name!r}; alleen UTF-8 is toegestaan.",
            f"The XML declaration names encoding {name!r}; only UTF-8 is allowed.",
            1,
        )


@rule("FR-NL-1.05", Stage.FILE)
def _utf8(emit: Emit, raw: RawFile) -> None:
    offset = raw.decoded[1]
    if offset is not None:
        line = raw.line(offset)
        emit(
            f"Het bestand is geen geldige UTF-8 (regel {line}).",
            f"The file is not valid UTF-8 (line {line}).",
            line,
        )


@rule("FR-NL-1.02", Stage.FILE)
def _characters(emit: Emit, raw: RawFile) -> None:
    # Fast path: plain printable ASCII plus tab/CR/LF needs no character-by-character scan.
    if not raw.content.removeprefix(_BOM).translate(None, _ALLOWED_ASCII):
        return
    text = raw.decoded[0]
    for match in BAD_CHAR.finditer(text, 1 if text.startswith("\ufeff") else 0):
        char = match.group()
        line = text.count("\n", 0, match.start()) + 1
        emit(
            f"Teken {char!r} (U+{ord(char):04X}) op regel {line} is niet toegestaan; alleen "
            "Basic Latin, Latin-1 en valutatekens mogen voorkomen.",
            f"Character {char!r} (U+{ord(char):04X}) on line {line} is not allowed; only "
            "Basic Latin, Latin-1 and currency symbols may be used.",
            line,
        )


@rule("FR-NL-1.03", Stage.FILE)
def _doctype(emit: Emit, raw: RawFile) -> None:
    if b"<!" in raw.content and (m := _DOCTYPE.search(raw.content)) is not None:
        line = raw.line(m.start())
        emit(
            f"Het document bevat een DOCTYPE-declaratie (regel {line}); verwijder die.",
            f"The document contains a DOCTYPE declaration (line {line}); remove it.",
            line,
        )


def _reference_allowed(match: re.Match[bytes]) -> bool:
    dec, hexa, name = match.groups()
    if name is not None:
        return name in _NAMED_REFS
    code = int(dec) if dec is not None else int(hexa, 16)
    return code <= 0xFF or 0x20A0 <= code <= 0x20CF


@rule("FR-NL-1.04", Stage.FILE)
def _character_references(emit: Emit, raw: RawFile) -> None:
    if b"&" not in raw.content:
        return
    for m in _CHAR_REF.finditer(raw.content):
        if _reference_allowed(m):
            continue
        ref = m.group().decode("ascii")
        line = raw.line(m.start())
        emit(
            f"De tekenverwijzing {ref} op regel {line} is niet toegestaan; gebruik "
            "alleen &lt; &gt; &amp; &apos; &quot; of tekens uit de toegestane reeksen.",
            f"The character reference {ref} on line {line} is not allowed; use only "
            "&lt; &gt; &amp; &apos; &quot; or characters from the allowed ranges.",
            line,
        )


@rule("FR-NL-2.06", Stage.FILE)
def _cdata(emit: Emit, raw: RawFile) -> None:
    """No CDATA section, and no CDATA end marker "]]>" anywhere (in a comment or an
    attribute it is well-formed XML, but it ends the CDATA section a SOAP message may wrap
    the instance in)."""
    if b"<![CDATA[" in raw.content:
        line = raw.line(raw.content.index(b"<![CDATA["))
        emit(
            f"Het document bevat een CDATA-sectie (regel {line}); schrijf de tekst met "
            "&lt; en &amp; in plaats van CDATA.",
            f"The document contains a CDATA section (line {line}); escape the text with "
            "&lt; and &amp; instead of CDATA.",
            line,
        )
    elif b"]]>" in raw.content:
        line = raw.line(raw.content.index(b"]]>"))
        emit(
            f"Het document bevat de tekenreeks ']]>' (regel {line}); schrijf ']]&gt;' of "
            "verwijder die.",
            f"The document contains the sequence ']]>' (line {line}); write ']]&gt;' or remove it.",
            line,
        )
