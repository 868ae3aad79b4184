"""What Digipoort refuses of a delivery before the KvK sees it, in one place: the local
Digipoort (``kvk.digipoort.stub``) refuses by these checks, and a sender checks its document
with them before it goes on its way (the client environment's "Controle").

Two steps of Digipoort, each with its source:

- The request. Digipoort checks an aanleverRequest against the interface ("koppelvlak") when
  it arrives and refuses it with an aanleverFault; nothing is delivered (Logius,
  "Statussen en foutcodes Digipoort" v1.6, status 105). The limits on the document are those
  of berichtInhoudType in Logius' schema ``digipoort-koppelvlak-1.2.xsd``: ``bestandsnaam``
  a normalizedString of at most 80 characters, ``inhoud`` base64Binary of at most 20971520
  octets (the decoded file).
- The validation: status 311 "Validatie mislukt", foutcode VAS500, final (KVK-SBR.md
  section 5; Logius' metrokaart: 311 carries VAS500). The document must be well-formed XML
  without a DOCTYPE, and an XBRL instance. Those are the local Digipoort's grounds for a 311.
  The real Digipoort also validates against the taxonomy; this product checks that part with
  ``kvk.rules`` (and ``kvk.arelle`` when a taxonomy package is installed).

The KvK number under which a document is delivered (identiteitBelanghebbende) and the one in
the document are compared by the KvK's verdict in the local Digipoort (KVK001/KVK002, a 510)
and, before sending, by ``kvk.rules`` (DEP-KVK-NUMBER with the expected number).
"""

from __future__ import annotations

from lxml import etree

from kvk import safexml
from kvk.rules.codes import ERROR
from kvk.rules.report import Finding

XBRLI = "http://www.xbrl.org/2003/instance"

#: digipoort-koppelvlak-1.2.xsd, berichtInhoudType/bestandsnaam: maxLength 80.
MAX_FILENAME_CHARS = 80
#: digipoort-koppelvlak-1.2.xsd, berichtInhoudType/inhoud: base64Binary maxLength 20971520
#: (for base64Binary the length counts the decoded octets).
MAX_CONTENT_BYTES = 20_971_520

#: Digipoort's foutcode of a failed validation (status 311).
VALIDATION_FAILED = "VAS500"
#: Our codes for what the aanleverservice refuses (the koppelvlak's element names).
FILENAME_REFUSED = "DIGIPOORT-BESTANDSNAAM"
CONTENT_REFUSED = "DIGIPOORT-INHOUD"


def _refusal(code: str, nl: str, en: str) -> Finding:
    return Finding(code, ERROR, nl, en)


def request_refusals(*, filename: str, size: int) -> list[Finding]:
    """What the aanleverservice refuses of the document's file name and size."""
    refused = []
    # normalizedString with whiteSpace "collapse": the length after collapsing spaces.
    length = len(" ".join(filename.split()))
    if not 0 < length <= MAX_FILENAME_CHARS:
        refused.append(
            _refusal(
                FILENAME_REFUSED,
                f"Digipoort neemt het document niet aan: de bestandsnaam heeft {length} "
                f"tekens, Digipoort accepteert 1 tot {MAX_FILENAME_CHARS} tekens",
                f"Digipoort does not take the document: the file name has {length} "
                f"characters, Digipoort accepts 1 to {MAX_FILENAME_CHARS}",
            )
        )
    if size > MAX_CONTENT_BYTES:
        megabytes = f"{size / 1024 / 1024:.1f}"
        refused.append(
            _refusal(
                CONTENT_REFUSED,
                f"Digipoort neemt het document niet aan: het is {megabytes} MB, Digipoort "
                "accepteert hoogstens 20 MB; maak de toelichtingen korter",
                f"Digipoort does not take the document: it is {megabytes} MB, Digipoort "
                "accepts at most 20 MB; shorten the notes",
            )
        )
    return refused


def fitted_filename(name: str) -> str:
    """``name`` as the koppelvlak takes it as ``bestandsnaam``: white space collapsed (a
    normalizedString with whiteSpace "collapse") and, where it is longer than
    MAX_FILENAME_CHARS, shortened before its extension. The name is a label of the delivery,
    not part of the document that was approved; a portal takes longer names from its API."""
    name = " ".join(name.split())
    if len(name) <= MAX_FILENAME_CHARS:
        return name
    stem, dot, extension = name.rpartition(".")
    suffix = f".{extension}" if dot and stem and len(extension) <= 10 else ""
    stem = stem if suffix else name
    return stem[: MAX_FILENAME_CHARS - len(suffix)].rstrip() + suffix


def read_instance(content: bytes) -> tuple[etree._Element | None, list[Finding]]:
    """The document's root element when Digipoort's validation takes it, else None and why
    it ends at 311 (VAS500)."""
    try:
        root = etree.fromstring(content, safexml.hardened_parser())
    except etree.XMLSyntaxError as exc:
        return None, [
            _refusal(
                VALIDATION_FAILED,
                f"Digipoort keurt het document af bij de controle (status 311): het is geen "
                f"welgevormde XML ({exc})",
                f"Digipoort refuses the document at its validation (status 311): it is not "
                f"well-formed XML ({exc})",
            )
        ]
    if root.getroottree().docinfo.doctype:
        return None, [
            _refusal(
                VALIDATION_FAILED,
                "Digipoort keurt het document af bij de controle (status 311): een DOCTYPE "
                "is niet toegestaan (FR-NL-1.03)",
                "Digipoort refuses the document at its validation (status 311): a DOCTYPE "
                "is not allowed (FR-NL-1.03)",
            )
        ]
    if root.tag != f"{{{XBRLI}}}xbrl":
        return None, [
            _refusal(
                VALIDATION_FAILED,
                "Digipoort keurt het document af bij de controle (status 311): het is geen "
                "XBRL-instance",
                "Digipoort refuses the document at its validation (status 311): it is not an "
                "XBRL instance",
            )
        ]
    return root, []


def refusals(content: bytes, *, filename: str) -> list[Finding]:
    """Everything Digipoort refuses of this document sent under ``filename``: at the
    request (aanleverFault) or at its validation (311)."""
    return [
        *request_refusals(filename=filename, size=len(content)),
        *read_instance(content)[1],
    ]
