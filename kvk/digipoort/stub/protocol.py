"""The SOAP side of the local Digipoort: endpoints, actions, fault codes and XML helpers."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from lxml import etree

from .. import wssec

KV = "http://logius.nl/digipoort/koppelvlakservices/1.2/"
AANLEVER_PATH = "/wus/2.0/aanleverservice/1.2"
STATUS_PATH = "/wus/2.0/statusinformatieservice/1.2"
AANLEVER_NS = "http://logius.nl/digipoort/wus/2.0/aanleverservice/1.2/AanleverService/"
STATUS_NS = (
    "http://logius.nl/digipoort/wus/2.0/statusinformatieservice/1.2/StatusinformatieService/"
)

#: (service path, operation, body element) for each accepted wsa:Action.
ACTIONS = {
    AANLEVER_NS + "aanleverenRequest": (AANLEVER_PATH, "aanleveren", "aanleverRequest"),
    **{
        STATUS_NS + f"{op}Request": (STATUS_PATH, op, f"{op}Request")
        for op in (
            "getStatussenProces",
            "getNieuweStatussenProces",
            "getProcessen",
            "getBerichtsoorten",
        )
    },
}

#: Every operation, in the order of ``ACTIONS`` (the keys of the request counts).
OPERATIONS = tuple(operation for _path, operation, _element in ACTIONS.values())

#: The operations that ask for one delivery's statuses (counted per kenmerk).
STATUS_POLLS = ("getStatussenProces", "getNieuweStatussenProces")

#: The fault codes of the local Digipoort, in Digipoort's style (ALS = aanleverservice,
#: STS = statusinformatieservice). The client treats only the x400 codes as retryable.
FAULTS = {
    "security": ("100", "Bericht niet of niet correct ondertekend"),
    "authentication": ("110", "Authenticatie of autorisatie mislukt"),
    "request": ("120", "Bericht voldoet niet aan de koppelvlakspecificaties"),
    "unknown": ("130", "Kenmerk onbekend"),
    "technical": ("400", "Technische fout, probeer het later opnieuw"),
}


class SoapFault(Exception):
    def __init__(self, kind: str, service: str, detail: str = "", *, client: bool = True):
        prefix = "ALS" if service == AANLEVER_PATH else "STS"
        number, text = FAULTS[kind]
        self.code = prefix + number
        self.text = f"{text}: {detail}" if detail else text
        self.fault_element = (
            "aanleverFault" if service == AANLEVER_PATH else "statusinformatieFault"
        )
        self.client = client
        super().__init__(self.code + " " + self.text)


def iso(moment: float) -> str:
    """Epoch seconds as an xsd:dateTime in UTC with milliseconds."""
    return (
        datetime.fromtimestamp(moment, UTC)
        .isoformat(timespec="milliseconds")
        .replace("+00:00", "Z")
    )


#: Digipoort's local time: a request time without an offset is Dutch time, as our client
#: reads Digipoort's own zone-less times (kvk.digipoort.client.DIGIPOORT_ZONE).
LOCAL_ZONE = ZoneInfo("Europe/Amsterdam")


def parse_time(text: str) -> float:
    """An xsd:dateTime as epoch seconds; one without an offset is LOCAL_ZONE's time."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return (moment if moment.tzinfo else moment.replace(tzinfo=LOCAL_ZONE)).timestamp()


def kv_node(parent: etree._Element, name: str, text: str | None = None) -> etree._Element:
    """A new child ``kv:name`` of ``parent``, with ``text`` if given."""
    node = etree.SubElement(parent, f"{{{KV}}}{name}")
    if text is not None:
        node.text = text
    return node


def add_identity(parent: etree._Element, name: str, nummer: str, type_: str) -> None:
    """An identity element (nummer and type) named ``name`` under ``parent``."""
    node = kv_node(parent, name)
    kv_node(node, "nummer", nummer)
    kv_node(node, "type", type_)


def new_envelope() -> tuple[etree._Element, etree._Element]:
    """An empty SOAP 1.1 envelope (with a Header) and its Body."""
    envelope = etree.Element(
        f"{{{wssec.SOAP_ENV}}}Envelope", nsmap={"soapenv": wssec.SOAP_ENV, "kv": KV}
    )
    etree.SubElement(envelope, f"{{{wssec.SOAP_ENV}}}Header")
    body = etree.SubElement(envelope, f"{{{wssec.SOAP_ENV}}}Body")
    return envelope, body


def child_text(node: etree._Element | None, path: str) -> str:
    """The stripped text at ``path`` (``kv:`` prefixed) below ``node``; "" when absent."""
    if node is None:
        return ""
    found = node.find(path, {"kv": KV})
    return (found.text or "").strip() if found is not None else ""
