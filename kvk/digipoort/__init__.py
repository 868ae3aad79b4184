"""Digipoort WUS 2.0: the client that files at the KvK, and a local Digipoort to test it against.

- ``client``: ``DigipoortClient`` (deliver, statuses, find_delivery), ``DigipoortConfig``,
  ``DigipoortStatus``, ``DigipoortError`` (with ``retryable``).
- ``outcome``: ``outcome(statuses) -> Outcome(status, reasons)``, the data table from
  Digipoort's status codes to our statuses 60/70/80/90.
- ``wssec``: WS-Addressing and WS-Security signing/verification shared by both sides.
- ``stub``: the local Digipoort (``start_stub``; ``manage.py digipoort_stub``).
- ``testpki``: the throw-away CA and certificates the local Digipoort generates at start.
- ``wsdl/``: Logius' WSDLs and schema (MIT, see LICENSE-OpenSBR.txt), with the schema
  import pointed at the local copy.
"""
