"""Who adopts (vaststelt) the annual accounts of a legal form, and the article of Boek 2 BW
its directors sign them under: the wording the portal (OutSite, InSite, e-mails) and the
client's own environment share (``clientside`` may import ``kvk`` only).

Each form's own article on its annual accounts (the ones ``kvk.deadlines.RULES`` takes its
terms from), as far as we read its text:

- Besloten vennootschap, art. 2:210: the board draws up the accounts and lays them before
  the shareholders (lid 1); the general meeting of shareholders adopts them (KVK-SBR.md
  section 1, "shareholders adopt"); signing counts as adoption when all shareholders are
  directors (lid 5; KVK-SBR.md section 1: "If all shareholders are also directors,
  signing counts as adoption"). Then the portal says so instead of naming the general
  meeting (``adopted_by`` with ``all_shareholders_are_directors``, a fact the accountant
  records: the caller passes it in).
- Naamloze vennootschap, art. 2:101: the same as the BV, the directors sign (lid 2). Whether
  signing counts as adoption when all shareholders are directors the domain documents do
  not say for the NV (KVK-SBR.md gives the rule for the BV), so its wording names the
  general meeting whatever that fact is (``kvk.deadlines`` does count an NV's signing as
  its adoption, as it did before).
- Cooperatie and onderlinge waarborgmaatschappij (Title 3), art. 2:58 lid 1: "De
  jaarrekening wordt vastgesteld door de algemene vergadering die het bestuur uiterlijk
  een maand na afloop van de termijn doet houden"; lid 2: the directors and supervisory
  directors sign. Its general meeting is that of the members.
- Vereniging under Title 9 (art. 2:360 lid 3), art. 2:49: the board lays the accounts
  before the members (lid 1) and the directors sign (lid 2), as Stb. 1997, 53 enacted it;
  the general meeting of members adopts them (the lid of 2:49 that says so in these words
  we did not read; art. 2:48 lid 1, for a vereniging outside Title 9, lays the accounts
  before the general meeting "ter goedkeuring").
- Stichting under Title 9, art. 2:300: the board lays the accounts before "hen die deel
  uitmaken van het in lid 3 bedoelde orgaan" (lid 1), the organ that adopts them; a
  stichting has no shareholders nor members, so the body is the one its statutes name.
- Commanditaire vennootschap and vennootschap onder firma have no such article in Boek 2
  (Title 9 reaches them only through art. 2:360 lid 2): we name no body and no article.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from kvk import deadlines as d
from kvk import taxonomy as tx


@dataclass(frozen=True)
class Adoption:
    """Who adopts a legal form's annual accounts, and its article in Boek 2 BW."""

    #: The form's own article on its annual accounts ("" when Boek 2 has none).
    article: str
    #: One sentence naming the body that adopts, without the article ("" when we name none).
    adopted_by: str | Promise
    #: When all shareholders are also directors: the sentence saying that signing is the
    #: adoption, without its article ("" where we do not say so: every form but the BV).
    adopted_by_signing: str | Promise = ""
    #: The article that makes signing the adoption.
    signing_article: str = ""


_SHAREHOLDERS = _("De algemene vergadering van aandeelhouders stelt de jaarrekening vast.")
_MEMBERS = _("De algemene vergadering van leden stelt de jaarrekening vast.")

ADOPTION = MappingProxyType(
    {
        d.BV: Adoption(
            "art. 2:210 BW",
            _SHAREHOLDERS,
            _(
                "Alle aandeelhouders zijn ook bestuurder: de ondertekening van de jaarrekening "
                "door alle bestuurders geldt als vaststelling."
            ),
            "art. 2:210 lid 5 BW",
        ),
        # For an NV the domain documents are silent on signing as adoption (see above).
        d.NV: Adoption("art. 2:101 BW", _SHAREHOLDERS),
        d.COOPERATIE: Adoption("art. 2:58 BW", _MEMBERS),
        d.OWM: Adoption("art. 2:58 BW", _MEMBERS),
        d.VERENIGING: Adoption("art. 2:49 BW", _MEMBERS),
        d.STICHTING: Adoption(
            "art. 2:300 BW",
            _("Het orgaan dat de statuten daarvoor aanwijzen stelt de jaarrekening vast."),
        ),
        d.CV: Adoption("", ""),
        d.VOF: Adoption("", ""),
    }
)
assert set(ADOPTION) == set(tx.LEGAL_FORMS), "one row for each value of the official list"


def adoption_of(legal_form: str) -> Adoption:
    """The row of ``legal_form``; a value outside the official list names nothing."""
    return ADOPTION.get(legal_form, Adoption("", ""))


def _with_article(sentence: str, article: str) -> str:
    """``sentence`` with ``article`` in parentheses before its full stop."""
    if not article or not sentence.endswith("."):
        return sentence
    return f"{sentence[:-1]} ({article})."


def cite(sentence: str, legal_form: str) -> str:
    """``sentence`` (translated, ending in a full stop) with the legal form's article in
    parentheses before that full stop; unchanged when the form has no article."""
    return _with_article(sentence, adoption_of(legal_form).article)


def signing_is_adoption(legal_form: str, *, all_shareholders_are_directors: bool) -> bool:
    """Whether the directors' signing is the adoption we tell the client of: all
    shareholders are also directors of a BV (art. 2:210 lid 5 BW)."""
    return all_shareholders_are_directors and bool(adoption_of(legal_form).adopted_by_signing)


def adopted_by(legal_form: str, *, all_shareholders_are_directors: bool = False) -> str:
    """Who adopts the accounts of ``legal_form``, with the article; "" when we name none.
    ``all_shareholders_are_directors`` (the organisation's deadline facts): for a BV, that
    the signing by all directors is the adoption, with art. 2:210 lid 5."""
    row = adoption_of(legal_form)
    if signing_is_adoption(
        legal_form, all_shareholders_are_directors=all_shareholders_are_directors
    ):
        return _with_article(str(row.adopted_by_signing), row.signing_article)
    sentence = str(row.adopted_by)
    return _with_article(sentence, row.article) if sentence else ""
