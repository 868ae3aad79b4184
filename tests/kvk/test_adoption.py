"""Who adopts the annual accounts per legal form, and the article of Boek 2 BW it rests on
(kvk.adoption). Sources, as quoted in the module: art. 2:210 lid 1 (BV: laid before the
shareholders; KVK-SBR.md section 1 "shareholders adopt"), art. 2:58 lid 1 (coöperatie and
onderlinge waarborgmaatschappij: "vastgesteld door de algemene vergadering"), art. 2:49
lid 1 (vereniging: laid before the members), art. 2:300 lid 1 (stichting: the organ of
lid 3), art. 2:360 lid 2 (CV and VOF: no article of their own); art. 2:210 lid 5 (BV:
signing counts as adoption when all shareholders are directors; KVK-SBR.md section 1)."""

from __future__ import annotations

import pytest

from kvk import adoption
from kvk import deadlines as d
from kvk import taxonomy as tx


@pytest.mark.parametrize(
    "legal_form,article,body",
    [
        (d.BV, "art. 2:210 BW", "algemene vergadering van aandeelhouders"),
        (d.NV, "art. 2:101 BW", "algemene vergadering van aandeelhouders"),
        (d.COOPERATIE, "art. 2:58 BW", "algemene vergadering van leden"),
        (d.OWM, "art. 2:58 BW", "algemene vergadering van leden"),
        (d.VERENIGING, "art. 2:49 BW", "algemene vergadering van leden"),
        (d.STICHTING, "art. 2:300 BW", "orgaan dat de statuten daarvoor aanwijzen"),
    ],
)
def test_each_legal_form_names_who_adopts_and_its_own_article(legal_form, article, body):
    sentence = adoption.adopted_by(legal_form)
    assert body in sentence and sentence.endswith(f"({article}).")
    assert adoption.adoption_of(legal_form).article == article
    # The form's own article is the one its deadlines rest on (kvk.deadlines.RULES).
    terms = d.rule_of(legal_form).terms
    assert terms is not None and article.removesuffix(" BW") in terms.articles


@pytest.mark.parametrize("legal_form", [d.CV, d.VOF, "Eenmanszaak"])
def test_a_partnership_names_no_body_and_no_article(legal_form):
    assert adoption.adopted_by(legal_form) == ""
    assert adoption.cite("Bestuurders ondertekenen.", legal_form) == "Bestuurders ondertekenen."


def test_every_value_of_the_official_list_has_a_row():
    assert set(adoption.ADOPTION) == set(tx.LEGAL_FORMS)


def test_the_article_goes_before_the_full_stop():
    assert adoption.cite("Wie niet ondertekent, staat erin.", d.BV) == (
        "Wie niet ondertekent, staat erin (art. 2:210 BW)."
    )


def test_a_bv_whose_shareholders_all_direct_it_adopts_by_signing():
    """Art. 2:210 lid 5 BW; KVK-SBR.md section 1: "If all shareholders are also directors,
    signing counts as adoption"."""
    sentence = adoption.adopted_by(d.BV, all_shareholders_are_directors=True)
    assert "ondertekening" in sentence and "geldt als vaststelling" in sentence
    assert sentence.endswith("(art. 2:210 lid 5 BW).")
    assert "algemene vergadering" not in sentence
    assert adoption.signing_is_adoption(d.BV, all_shareholders_are_directors=True)
    assert not adoption.signing_is_adoption(d.BV, all_shareholders_are_directors=False)


@pytest.mark.parametrize("legal_form", [d.NV, d.COOPERATIE, d.STICHTING, d.CV])
def test_other_forms_keep_their_wording_whatever_the_shareholders(legal_form):
    """KVK-SBR.md gives the rule for the BV only; for an NV the domain documents are
    silent, so its general meeting still adopts in what we say."""
    flagged = adoption.adopted_by(legal_form, all_shareholders_are_directors=True)
    assert flagged == adoption.adopted_by(legal_form)
    assert not adoption.signing_is_adoption(legal_form, all_shareholders_are_directors=True)
