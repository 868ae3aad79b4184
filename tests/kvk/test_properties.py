"""Property: every instance built from statements a careful user can file passes every
rule, the KvK's own checks included (no error and no warning), and parsing it gives back
the same facts and the same statements.

The statements are drawn from what NT19 allows (kvk/nt19 extract through kvk.nt and
kvk.taxonomy): the line items of the variant's roles, balance sheets that add up along
the extract's ParentChildSummation arcs (nt.summations), the official value lists for the
legal form and the signatories' function, first years without comparatives. And from what
the KvK's assertions ask of the document (kvk-document-information-for.xml and
kvk-signing-financial-statements-for.xml, as nt19-kvk-supplement.json records them): at
least one signatory (PrtExistence1), accounts adopted on or after the day they were drawn
up (PrtDateEarlierEQDateLater1), signed and adopted on or before the filing date, and for
a year that is not twelve months the reason and the impact on the comparative figures
(PrtValueThnExistence1 and 2).
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from kvk import nt
from kvk import taxonomy as tx
from kvk.builder import adopt_instance, build_instance
from kvk.parser import parse_instance
from kvk.rules import check_instance
from kvk.statements import Address, FinancialStatements, Signatory, is_annual, years_later

# Characters FR-NL-1.02 allows (printable Basic Latin and Latin-1, the euro sign); no
# markup characters in plain strings (FR-NL-5.11 is about formatted explanations only).
SAFE_CHARS = st.characters(
    codec="latin-1", min_codepoint=0x20, exclude_characters="\x7f<>&\xa0"
).filter(lambda c: not 0x80 <= ord(c) <= 0x9F) | st.just("€")
names = st.text(SAFE_CHARS, min_size=1, max_size=40).filter(lambda s: s.strip() == s and s)
#: Whole euros (nl-types:monetaryNoDecimals20ItemType).
amounts = st.integers(-999_999_999, 999_999_999).map(Decimal)
optional_amounts = st.none() | amounts
NOTE_TEXTS = (
    "Toelichting.",
    "Winst & verlies < 5% van de omzet.",
    "<p>Grondslagen</p><ul><li>nominaal &amp; reëel</li></ul>",
)
#: The item that closes the balance sheet (Assets = EquityAndLiabilities): a leaf of the
#: EquityAndLiabilities tree in nt.summations(size).
CLOSING_ITEM = {"micro": "LiabilitiesMaturityLessThanOneYear", "klein": "LiabilitiesCurrent"}


def _add_up(values: dict[str, Decimal | None], summations: dict[str, tuple[str, ...]]) -> None:
    """Fill in every total as the sum of its items, innermost totals first."""
    done: set[str] = set()
    while len(done) < len(summations):
        for total, parts in summations.items():
            if total not in done and not set(parts) & (set(summations) - done):
                values[total] = sum((values.get(p) or Decimal(0) for p in parts), Decimal(0))
                done.add(total)


@st.composite
def balance_sheets(draw, variant: str, comparatives: bool):
    """Items drawn freely; totals computed along the summation arcs so the balance sheet
    adds up and balances (DEP-BALANCE)."""
    size = tx.size_of_variant(variant) or ""
    summations = nt.summations(size)
    lines = tx.line_items(variant, "balance")
    years = []
    for _ in range(2 if comparatives else 1):
        values: dict[str, Decimal | None] = {
            name: draw(optional_amounts) for name in lines if name not in summations
        }
        closing = CLOSING_ITEM[size]
        values[closing] = Decimal(0)
        _add_up(values, summations)
        values[closing] = values["Assets"] - values["EquityAndLiabilities"]  # type: ignore[operator]
        _add_up(values, summations)
        years.append(values)
    if not comparatives:
        years.append({})
    return {name: (years[0].get(name), years[1].get(name)) for name in lines}


@st.composite
def profits_and_losses(draw, variant: str, comparatives: bool):
    """Items drawn freely; totals the signed sums the KvK's value assertions compute
    (tx.summation_terms: micro's PrtFST1SumOfChildren and PrtFST102, klein's PrtFST102..108),
    so the profit and loss adds up."""
    lines = tx.line_items(variant, "income")
    totals = set(tx.summation_terms(variant))
    items = [name for name in lines if name not in totals]
    chosen = draw(st.lists(st.sampled_from(items), unique=True)) if items else []
    years = []
    for _ in range(2 if comparatives else 1):
        values: dict[str, Decimal | None] = {name: draw(optional_amounts) for name in chosen}
        values.update(tx.computed_totals(variant, values))
        years.append(values)
    if not comparatives:
        years.append({})
    pairs = {name: (years[0].get(name), years[1].get(name)) for name in lines}
    return {name: pair for name, pair in pairs.items() if pair != (None, None)}


@st.composite
def signatories(draw, prepared_on: date):
    """One to three people; who signed did so on or after the day the accounts were drawn
    up."""
    people = []
    for _ in range(draw(st.integers(1, 3))):
        signed = draw(st.booleans())
        people.append(
            Signatory(
                name=draw(names),
                function=draw(st.sampled_from(tx.DIRECTOR_TYPES)),
                signed=signed,
                signed_on=prepared_on + timedelta(days=draw(st.integers(0, 30)))
                if signed
                else None,
                place=draw(names) if signed else "",
                reason_not_signed="" if signed else draw(names),
            )
        )
    return people


@st.composite
def statements(draw):
    year = draw(st.sampled_from([2024, 2025]))
    start = date(year, draw(st.integers(1, 12)), 1)
    annual = draw(st.booleans())  # otherwise a short or long (first) year, with a reason
    end = _a_year_later(start) if annual else start + timedelta(days=draw(st.integers(180, 540)))
    annual = is_annual(start, end)  # 365 days can be twelve months too
    comparatives = draw(st.booleans())  # a first financial year has none
    prev_end = start - timedelta(days=1) if comparatives else None
    prev_start = prev_end - timedelta(days=draw(st.integers(180, 540))) if prev_end else None
    if prev_start:  # BR-KVK-4.17: both years together at most two years
        prev_start = max(prev_start, years_later(end, -2) + timedelta(days=1))
    size = draw(st.sampled_from(tx.SIZES))
    variant = draw(
        st.sampled_from([v for v in tx.VARIANTS_BY_SIZE[size] if v in nt.MODELLED_VARIANTS])
    )
    prepared_on = end + timedelta(days=draw(st.integers(1, 150)))
    adopted = draw(st.booleans())
    adoption_date = prepared_on + timedelta(days=draw(st.integers(0, 200))) if adopted else None
    resubmission = adopted and draw(st.booleans())
    income_lines = tx.line_items(variant, "income")
    profit_loss = draw(profits_and_losses(variant, comparatives))
    # DEP-CONTENTS: klein's profit and loss, a balance sheet not all zero, notes.
    if size == "klein" and income_lines:
        assume(any(current is not None for current, _ in profit_loss.values()))
    balance = draw(balance_sheets(variant, comparatives))
    assume(any(current for current, _ in balance.values()))
    note_lines = tx.line_items(variant, "notes")
    notes = {
        name: draw(st.sampled_from(NOTE_TEXTS))
        for name in draw(st.lists(st.sampled_from(note_lines), unique=True, min_size=1, max_size=3))
    }
    return FinancialStatements(
        kvk_number=f"{draw(st.integers(1_000_000, 99_999_999)):08d}",
        legal_name=draw(names),
        legal_form=draw(st.sampled_from(tx.LEGAL_FORMS)),
        seat=draw(names),
        address=Address(
            street="Oudegracht", house_number="120", postal_code="3511AX", place="Utrecht"
        ),
        email="administratie@example.nl",
        period_start=start,
        period_end=end,
        previous_start=prev_start,
        previous_end=prev_end,
        prepared_on=prepared_on,
        size=size,
        variant=variant,
        balance=balance,
        profit_loss=profit_loss,
        adopted=adopted,
        adoption_date=adoption_date,
        signatories=draw(signatories(prepared_on)),
        resubmission=resubmission,
        resubmission_explanation=draw(names) if resubmission else "",
        period_deviation_reason="" if annual else draw(names),
        period_deviation_impact="" if annual else draw(names),
        language=draw(st.sampled_from(["nl", "en", "de", "fr"])),
        notes=notes,
    )


def _a_year_later(start: date) -> date:
    return start.replace(year=start.year + 1) - timedelta(days=1)


def _filing_date(s: FinancialStatements) -> date:
    """The first day the filing can be made: after the year end and the adoption, not
    before a signature, and with the generation in production."""
    production = s.taxonomy_generation().in_production_from
    assert production is not None
    return max(
        s.period_end + timedelta(days=1),
        (s.adoption_date or s.period_end) + timedelta(days=1),
        *(p.signed_on for p in s.signatories if p.signed_on),
        production,
    )


def _without_empty(values):
    return {k: v for k, v in values.items() if v != (None, None)}


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statements())
def test_built_instances_pass_every_rule_and_round_trip(s: FinancialStatements):
    content = build_instance(s)
    findings = check_instance(
        content,
        filing_date=_filing_date(s),
        expected_kvk_number=s.kvk_number,
        size_class=s.size,
    )
    assert findings == [], [(f.code, f.message_en) for f in findings]

    parsed = parse_instance(content)
    # Same facts when built again from what was parsed.
    again = parse_instance(build_instance(parsed.statements()))
    assert sorted(f.key() for f in again.facts) == sorted(f.key() for f in parsed.facts)

    back = parsed.statements()
    assert back.kvk_number == s.kvk_number and back.legal_name == s.legal_name
    assert back.legal_form == s.legal_form and back.seat == s.seat
    assert back.variant == s.variant and back.size == s.size
    assert (back.period_start, back.period_end) == (s.period_start, s.period_end)
    assert (back.previous_start, back.previous_end) == (s.previous_start, s.previous_end)
    assert (back.adopted, back.adoption_date, back.resubmission) == (
        s.adopted,
        s.adoption_date,
        s.resubmission,
    )
    assert back.prepared_on == s.prepared_on
    assert (back.period_deviation_reason, back.period_deviation_impact) == (
        s.period_deviation_reason,
        s.period_deviation_impact,
    )
    assert back.language == s.language and back.notes == s.notes
    assert back.balance == _without_empty(s.balance)
    assert back.profit_loss == _without_empty(s.profit_loss)
    assert [p.to_dict() for p in back.signatories] == [p.to_dict() for p in s.signatories]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(statements(), st.integers(0, 120))
def test_adopting_keeps_every_rule(s: FinancialStatements, days: int):
    """Adopted on or after the day the accounts were drawn up (PrtDateEarlierEQDateLater1)."""
    assert s.prepared_on is not None
    adoption = s.prepared_on + timedelta(days=days)
    adopted = adopt_instance(build_instance(s), adoption_date=adoption)
    parsed = parse_instance(adopted)
    assert parsed.adopted is True and parsed.adoption_date == adoption
    findings = check_instance(
        adopted, filing_date=max(adoption + timedelta(days=1), _filing_date(s))
    )
    assert findings == [], [(f.code, f.message_en) for f in findings]
