"""Property: every instance built from valid statements passes every rule, and parsing it
gives back the same facts and the same statements."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kvk import taxonomy as tx
from kvk.builder import adopt_instance, build_instance
from kvk.parser import parse_instance
from kvk.rules import check_instance
from kvk.statements import Director, FinancialStatements

# Characters FR-NL-1.02 allows (printable Basic Latin and Latin-1, the euro sign).
SAFE_CHARS = st.characters(
    codec="latin-1", min_codepoint=0x20, exclude_characters="\x7f<>&\xa0"
).filter(lambda c: not 0x80 <= ord(c) <= 0x9F) | st.just("€")
names = st.text(SAFE_CHARS, min_size=1, max_size=40).filter(lambda s: s.strip() == s and s)
amounts = st.decimals(
    min_value=Decimal("-999999999"), max_value=Decimal("999999999"), places=2
).map(lambda d: d.normalize() if d == d.to_integral_value() else d)
optional_amounts = st.none() | amounts


@st.composite
def balance_sheets(draw):
    """Components drawn freely; subtotals and totals computed, so the balance adds up."""
    years = []
    for _ in range(2):
        v = {
            k: draw(optional_amounts) for k in tx.BALANCE_CONCEPTS if k not in tx.BALANCE_SUBTOTALS
        }
        for total in ("AssetsNoncurrent", "AssetsCurrent", "Equity"):
            v[total] = sum((v[p] or Decimal(0) for p in tx.BALANCE_SUBTOTALS[total]), Decimal(0))
        v["Assets"] = v["AssetsNoncurrent"] + v["AssetsCurrent"]
        # Current liabilities close the balance sheet.
        v["LiabilitiesCurrent"] = (
            v["Assets"] - v["Equity"] - (v["Provisions"] or 0) - (v["LiabilitiesNoncurrent"] or 0)
        )
        v["EquityAndLiabilities"] = v["Assets"]
        years.append(v)
    return {k: (years[0][k], years[1][k]) for k in tx.BALANCE_CONCEPTS}


@st.composite
def statements(draw):
    year = draw(st.sampled_from([2024, 2025]))
    start = date(year, draw(st.integers(1, 12)), 1)
    length = draw(st.integers(180, 540))  # first years may be long, never two years
    end = start + timedelta(days=length)
    prev_end = start - timedelta(days=1)
    prev_start = prev_end - timedelta(days=draw(st.integers(180, 540)))
    size = draw(st.sampled_from(tx.SIZES))
    adopted = draw(st.booleans())
    adoption_date = end + timedelta(days=draw(st.integers(1, 200))) if adopted else None
    profit_loss = {}
    if size == "klein":
        for concept in draw(st.lists(st.sampled_from(tx.PROFIT_LOSS_CONCEPTS), unique=True)):
            profit_loss[concept] = (draw(optional_amounts), draw(optional_amounts))
    directors = [
        Director(
            name=draw(names),
            signed_on=draw(st.none() | st.just(end + timedelta(days=30))),
            supervisory=draw(st.booleans()),
        )
        for _ in range(draw(st.integers(0, 3)))
    ]
    return FinancialStatements(
        kvk_number=f"{draw(st.integers(1_000_000, 99_999_999)):08d}",
        legal_name=draw(names),
        legal_form=draw(st.sampled_from(["Besloten vennootschap", "Naamloze vennootschap"])),
        seat=draw(names),
        period_start=start,
        period_end=end,
        previous_start=prev_start,
        previous_end=prev_end,
        size=size,
        variant=draw(st.sampled_from(tx.VARIANTS_BY_SIZE[size])),
        balance=draw(balance_sheets()),
        profit_loss=profit_loss,
        adopted=adopted,
        adoption_date=adoption_date,
        directors=directors,
        resubmission=adopted and draw(st.booleans()),
        language=draw(st.sampled_from(["nl", "en", "de", "fr"])),
        notes=draw(st.sampled_from(["", "Toelichting.", "<p>Grondslagen</p><ul><li>a</li></ul>"])),
    )


def _filing_date(s: FinancialStatements) -> date:
    """The first day the filing can be made: after the year end and the adoption, and
    with the generation in production."""
    production = s.taxonomy_generation().in_production_from
    assert production is not None
    return max(
        s.period_end + timedelta(days=1),
        (s.adoption_date or s.period_end) + timedelta(days=1),
        production,
    )


def _amount_key(value):
    return None if value is None else Decimal(value)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statements())
def test_built_instances_pass_every_rule_and_round_trip(s: FinancialStatements):
    content = build_instance(s)
    assert (
        check_instance(
            content,
            filing_date=_filing_date(s),
            expected_kvk_number=s.kvk_number,
            size_class=s.size,
        )
        == []
    )

    parsed = parse_instance(content)
    # Same facts when built again from what was parsed.
    again = parse_instance(build_instance(parsed.statements()))
    assert sorted(f.key() for f in again.facts) == sorted(f.key() for f in parsed.facts)

    back = parsed.statements()
    assert back.kvk_number == s.kvk_number and back.legal_name == s.legal_name
    assert back.seat == s.seat and back.variant == s.variant and back.size == s.size
    assert (back.period_start, back.period_end) == (s.period_start, s.period_end)
    assert (back.previous_start, back.previous_end) == (s.previous_start, s.previous_end)
    assert (back.adopted, back.adoption_date, back.resubmission) == (
        s.adopted,
        s.adoption_date,
        s.resubmission,
    )
    assert back.language == s.language and back.notes == s.notes
    expected_balance = {k: v for k, v in s.balance.items() if v != (None, None)}
    assert back.balance == expected_balance
    assert back.profit_loss == {k: v for k, v in s.profit_loss.items() if v != (None, None)}
    assert [(d.name, d.signed_on, d.supervisory) for d in back.directors] == [
        (d.name, d.signed_on, d.supervisory) for d in s.directors
    ]


@settings(max_examples=20, deadline=None)
@given(statements(), st.integers(1, 120))
def test_adopting_keeps_every_rule(s: FinancialStatements, days: int):
    adoption = s.period_end + timedelta(days=days)
    adopted = adopt_instance(build_instance(s), adoption_date=adoption)
    parsed = parse_instance(adopted)
    assert parsed.adopted is True and parsed.adoption_date == adoption
    assert (
        check_instance(adopted, filing_date=max(adoption + timedelta(days=1), _filing_date(s)))
        == []
    )
