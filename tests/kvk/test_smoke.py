from datetime import date

from kvk.builder import adopt_instance, build_instance
from kvk.parser import parse_instance
from kvk.rules import check_instance, has_errors
from kvk.statements import demo_statements


def test_demo_instance_passes_every_rule_and_adopts():
    statements = demo_statements(kvk_number="12345678", legal_name="Demo B.V.", year=2025)
    content = build_instance(statements)
    assert check_instance(content, filing_date=date(2026, 6, 1)) == []
    adopted = adopt_instance(content, adoption_date=date(2026, 5, 1))
    parsed = parse_instance(adopted)
    assert parsed.adopted is True and parsed.adoption_date == date(2026, 5, 1)
    assert not has_errors(check_instance(adopted, filing_date=date(2026, 6, 1)))
