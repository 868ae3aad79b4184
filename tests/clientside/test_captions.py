"""Every line item and notes concept the reporting cockpit shows has a caption in Dutch
and in English (kvk/labels.py), for every variant the product builds; the concepts are
those of the NT19 extract (kvk.taxonomy.line_items)."""

from __future__ import annotations

import pytest

from kvk import taxonomy as tx
from kvk.labels import LABELS_EN, LABELS_NL, label


@pytest.mark.parametrize("variant", tx.BUILDABLE_VARIANTS)
@pytest.mark.parametrize("part", ["balance", "income", "notes"])
def test_every_line_item_has_a_dutch_and_an_english_caption(variant, part):
    for name in tx.line_items(variant, part):
        assert name in LABELS_NL, name
        assert name in LABELS_EN, name
        assert label(name) != name  # a Dutch caption, not the concept name


def test_an_unknown_name_reads_as_itself():
    assert label("NoSuchConcept") == "NoSuchConcept"


def test_the_screens_show_the_caption_in_their_language():
    from django.utils import translation

    from clientside.models import caption

    with translation.override("nl"):
        assert caption("AssetsNoncurrentOther") == "Vaste activa"
    with translation.override("en"):
        assert caption("AssetsNoncurrentOther") == "Fixed assets"
