"""Whether two written names may name the same person (workflow.names): the signatories of
a filing are free text (NT19: jenv-bw2-i:LegalEntityNameManagingSupervisoryDirector is an
nl-types:string1000ItemType) and are often written with initials, while a contact carries
the full name."""

from __future__ import annotations

import pytest

from workflow.names import may_be_same, pair


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("J. de Vries", "Jan de Vries"),
        ("J de Vries", "Jan de Vries"),
        ("J.P. van der Berg", "Jan Pieter van der Berg"),
        ("J. P. van der Berg", "jan pieter VAN DER BERG"),
        ("J. De Vries", "Jan de Vries"),
        ("Ö. Yılmaz", "Özlem Yilmaz"),
        ("José  Núñez", "JOSE NUNEZ"),
        ("J. van ’t Hof", "Jan van 't Hof"),
        ("Anna Eerste", "Anna Eerste"),
    ],
)
def test_names_of_one_person(a, b):
    assert may_be_same(a, b) and may_be_same(b, a)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("J. de Vries", "Piet de Vries"),  # another initial
        ("J. Vries", "Jan de Vries"),  # the tussenvoegsel belongs to the surname
        ("Jan van Vries", "Jan de Vries"),
        ("Jan de Vries", "Johan de Vries"),  # full given names differ
        ("J. de Vries", "Jan de Vries-Jansen"),
        ("de Vries", "Jan de Vries"),  # no given name against one
    ],
)
def test_names_of_different_people(a, b):
    assert not may_be_same(a, b) and not may_be_same(b, a)


def test_an_initial_goes_where_it_leaves_the_full_name_its_own_pair():
    # "J. de Vries" fits both; "Jan de Vries" fits only the first contact.
    assert pair(["J. de Vries", "Jan de Vries"], ["Jan de Vries", "Johan de Vries"]) == {
        0: 1,
        1: 0,
    }
