"""A corpus of hostile and malformed XML documents, each sent as an annual-accounts
instance. Every case is built around a valid instance of the sending organisation, so a
case fails only for what it adds."""

from __future__ import annotations

from tests.conftest import instance_for

XBRLI_OPEN = b"<xbrli:xbrl "


def _insert_after_root_open(valid: bytes, fragment: bytes) -> bytes:
    """Put ``fragment`` right after the root element's start tag."""
    start = valid.index(XBRLI_OPEN)
    end = valid.index(b">", start) + 1
    return valid[:end] + fragment + valid[end:]


def _with_prolog(valid: bytes, prolog: bytes) -> bytes:
    """Put ``prolog`` between the XML declaration and the root element."""
    start = valid.index(XBRLI_OPEN)
    return valid[:start] + prolog + valid[start:]


def corpus(kvk_number: str, canary: str) -> dict[str, bytes]:
    """The cases by name; every outside reference points at ``canary`` (a local HTTP
    server that records requests), so a test can prove nothing was ever fetched."""
    valid = instance_for(kvk_number)
    canary_b = canary.encode()
    laughs = b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1)) * 10 if n else b"lol")
        for n in range(10)
    )
    return {
        "xxe_file": _with_prolog(
            valid,
            b'<!DOCTYPE xbrli:xbrl [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n',
        ).replace(b"</xbrli:xbrl>", b"<x>&xxe;</x></xbrli:xbrl>"),
        "xxe_network": _with_prolog(
            valid,
            b'<!DOCTYPE xbrli:xbrl [<!ENTITY xxe SYSTEM "' + canary_b + b'/xxe">]>\n',
        ).replace(b"</xbrli:xbrl>", b"<x>&xxe;</x></xbrli:xbrl>"),
        "xxe_parameter_entity": _with_prolog(
            valid,
            b'<!DOCTYPE x [<!ENTITY % remote SYSTEM "' + canary_b + b'/pe.dtd"> %remote;]>\n',
        ),
        "billion_laughs": _with_prolog(valid, b"<!DOCTYPE xbrli:xbrl [" + laughs + b"]>\n").replace(
            b"</xbrli:xbrl>", b"<x>&lol9;</x></xbrli:xbrl>"
        ),
        "schema_location": _insert_after_root_open(
            valid,
            b'<x xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="urn:x '
            + canary_b
            + b'/schema.xsd"/>',
        ),
        "quadratic_blowup": _with_prolog(
            valid, b'<!DOCTYPE xbrli:xbrl [<!ENTITY a "' + b"a" * 50_000 + b'">]>\n'
        ).replace(b"</xbrli:xbrl>", b"<x>" + b"&a;" * 50_000 + b"</x></xbrli:xbrl>"),
        "external_dtd": _with_prolog(
            valid, b'<!DOCTYPE xbrli:xbrl SYSTEM "' + canary_b + b'/xbrl.dtd">\n'
        ),
        "doctype_lowercase_spaced": _with_prolog(valid, b"<!doctype  xbrli:xbrl>\n"),
        "deep_nesting": valid.replace(
            b"</xbrli:xbrl>", b"<a>" * 5_000 + b"</a>" * 5_000 + b"</xbrli:xbrl>"
        ),
        "huge_text": valid.replace(
            b"</xbrli:xbrl>", b"<x>" + b"A" * 3_000_000 + b"</x></xbrli:xbrl>"
        ),
        "many_elements": valid.replace(b"</xbrli:xbrl>", b"<x/>" * 600_000 + b"</xbrli:xbrl>"),
        "xinclude": _insert_after_root_open(
            valid,
            b'<xi:include xmlns:xi="http://www.w3.org/2001/XInclude" href="'
            + canary_b
            + b'/xinclude" parse="text"/>',
        ),
        "processing_instruction": _insert_after_root_open(
            valid, b'<?xml-stylesheet type="text/xsl" href="' + canary_b + b'/x.xsl"?>'
        ),
        "utf16": valid.decode("utf-8")
        .replace('encoding="UTF-8"', 'encoding="UTF-16"')
        .replace("encoding='UTF-8'", "encoding='UTF-16'")
        .encode("utf-16"),
        "latin1_bytes": valid.replace(b"</xbrli:xbrl>", b"<x>caf\xe9</x></xbrli:xbrl>"),
        "bom_then_garbage": b"\xef\xbb\xbf" + b"\x00\x01\x02 not xml at all",
        "cdata_end_marker": valid.replace(
            b"</xbrli:xbrl>", b"<x><![CDATA[ ]]> ]]&gt; ]]></x>]]></xbrli:xbrl>"
        ),
        "not_xml": b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj",
        "truncated": valid[: len(valid) // 2],
        "empty_root": b'<?xml version="1.0" encoding="UTF-8"?><root/>',
        "whitespace_only": b"   \n\t  ",
    }
