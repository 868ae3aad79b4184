""" "Controle" on the report page in the form's own words (issue 20): each problem names
the field with the caption the figures form shows, writes amounts as the page does, links
to the field's input and marks that input (aria-invalid, aria-describedby); the rule's
code is small detail, not the lead of the sentence."""

from __future__ import annotations

from decimal import Decimal

import lxml.html
import pytest
from django.contrib.auth.models import Permission
from django.utils import translation

from clientside import check_messages, services
from clientside.models import Administration
from kvk.rules import Finding
from tests import factories
from tests.clientside.conftest import make_environment
from tests.clientside.test_screens import figures_post

pytestmark = pytest.mark.django_db

#: kvk-balance-sheet_u-for.xml (the KvK's formula linkbase of micro's balance sheet, in
#: the NT19 extract kvk/nt19/nt19-kvk-supplement.json): "+ sum($Assets) =
#: $EquityAndLiabilities", severity WARNING, and Assets is the sum of its children
#: (PrtFST1SumOfChildrenDParentDebit3). KVK-SBR.md section 4: "The taxonomy's own value
#: assertions (balance must add up, etc.)".
BALANCE_RULE = "valueAssertion_BalanceSheetMicroEntities_PrtFST101Variable1"
ASSETS_SUM_RULE = "valueAssertion_BalanceSheetMicroEntities_PrtFST1SumOfChildrenDParentDebit3"


def _client_with_rights(client):
    user = factories.UserFactory()
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="clientside",
            codename__in=["view_administration", "change_administration", "prepare_report"],
        )
    )
    client.force_login(user)
    return client


def _page(client, url: str):
    response = client.get(url)
    assert response.status_code == 200
    return lxml.html.fromstring(response.content.decode())


def _text(element) -> str:
    return " ".join(element.text_content().split())


@pytest.fixture
def env():
    return make_environment(kvk_number="12345678", token="t", portal_url="http://127.0.0.1:9")


def test_a_balance_that_does_not_balance_is_told_at_the_field(client, env):
    """Totaal activa of 1.234.567 entered on the figures form while the items and the
    liabilities side stay at 120.045: the KvK's balance-sheet assertions (BALANCE_RULE,
    ASSETS_SUM_RULE) warn, and the warning is told where the form asks the amount."""
    client = _client_with_rights(client)
    url = f"/klant/jaarrapporten/{env.report.pk}/"
    saved = client.post(url + "cijfers/", figures_post(env.report, b_Assets_0="1.234.567"))
    assert saved.status_code == 302

    page = _page(client, url)
    [warnings] = page.xpath('//*[@id="kvk-warnings"]//ul')
    items = {li.get("id"): li for li in warnings.xpath("./li")}
    assets = next(li for li in items.values() if "Totaal activa (huidig boekjaar)" in _text(li))
    lead = assets.xpath("./a/strong")[0]
    # The field in the form's words: the figures table, the row caption, the column.
    assert _text(lead) == "Balans: Totaal activa (huidig boekjaar)"
    [code] = assets.xpath('./small[contains(@class, "muted")]')
    message = _text(assets).replace(_text(code), "")
    # Amounts as the page writes them (thousands separators), no concept names.
    assert "€ 1.234.567" in message and "€ 120.045" in message
    assert "€ 53.250" in message  # an item of the sum, in the form's words too
    assert "Totaal vaste activa" in message
    assert "jenv-bw2-i" not in message and "Assets" not in message
    # The rule's code only as small muted detail after the sentence.
    assert ASSETS_SUM_RULE in _text(code) and ASSETS_SUM_RULE not in message
    assert _text(assets).endswith(_text(code))

    # The link goes to an input that is on the page, and that input is marked.
    href = assets.xpath("./a/@href")[0]
    assert href == "#id_b_Assets_0"
    [field] = page.xpath('//input[@id="id_b_Assets_0"]')
    assert field.get("aria-invalid") == "true"
    assert assets.get("id") in field.get("aria-describedby").split()
    assert "check-warning" in field.get("class").split()
    # The other side of the balance: its own field and message.
    liabilities = next(
        li for li in items.values() if "Totaal passiva (huidig boekjaar)" in _text(li)
    )
    assert BALANCE_RULE in _text(liabilities)
    assert "€ 1.234.567" in _text(liabilities) and "Totaal activa" in _text(liabilities)
    [other] = page.xpath('//input[@id="id_b_EquityAndLiabilities_0"]')
    assert other.get("aria-invalid") == "true"
    assert liabilities.get("id") in other.get("aria-describedby").split()
    # An input nothing is wrong with stays unmarked.
    [fine] = page.xpath('//input[@id="id_b_Equity_0"]')
    assert fine.get("aria-invalid") is None


def test_a_missing_signing_date_blocks_and_links_to_its_input(client, env):
    """The report is signed on a date (art. 2:101 BW; clientside.services' completeness
    check): without it "Klaarzetten" is blocked, and the problem links to the input."""
    env.report.signed_date = None
    env.report.save()
    client = _client_with_rights(client)
    page = _page(client, f"/klant/jaarrapporten/{env.report.pk}/")
    [problem] = [
        li for li in page.xpath('//ul[@id="problems"]/li') if "Datum ondertekening" in _text(li)
    ]
    assert problem.xpath("./a/@href") == ["#id_signed_date"]
    [field] = page.xpath('//input[@id="id_signed_date"]')
    assert field.get("aria-invalid") == "true"
    assert problem.get("id") in field.get("aria-describedby").split()
    assert "check-problem" in field.get("class").split()


def test_a_kvk_tab_problem_links_to_the_input_on_its_page(client, env):
    """The address is asked on the KvK tab (the edit page), not on the report page."""
    Administration.objects.filter(pk=env.administration.pk).update(street="")
    client = _client_with_rights(client)
    page = _page(client, f"/klant/jaarrapporten/{env.report.pk}/")
    [problem] = [li for li in page.xpath('//ul[@id="problems"]/li') if "Straat" in _text(li)]
    [href] = problem.xpath("./a/@href")
    path, _, anchor = href.partition("#")
    assert path == f"/klant/administraties/{env.administration.pk}/bewerken/"
    assert _page(client, path).xpath(f'//input[@id="{anchor}"]')


def test_every_problem_of_an_empty_report_links_to_its_field(env):
    """A report with nearly everything missing: each problem has a link (guards the
    captions clientside.check_messages looks the fields up by)."""
    env.administration.signatories.all().delete()
    Administration.objects.filter(pk=env.administration.pk).update(
        seat="", street="", filing_email=""
    )
    env.report.refresh_from_db()
    env.report.signed_date = None
    env.report.signing_place = ""
    env.report.statements["balance"] = {}
    env.report.statements["prepared_on"] = None
    env.report.save()
    problems = services.check_report(env.report).problems
    assert len(problems) >= 8
    assert [p.field for p in problems if not p.href] == []


def test_amounts_are_written_in_the_screens_language():
    assert check_messages.amount(Decimal("1234567")) == "€ 1.234.567"
    assert check_messages.amount("-98765") == "€ -98.765"
    with translation.override("en"):
        assert check_messages.amount(Decimal("1234567")) == "€ 1,234,567"


def test_a_summation_finding_in_english_uses_the_english_captions():
    """The rules give both languages (kvk.formulas); an English screen gets the English
    captions (kvk.labels) and amounts."""
    finding = Finding(
        ASSETS_SUM_RULE,
        "warning",
        "jenv-bw2-i:Assets (2024-12-31) is 1234567, maar de som is 120045: + "
        "jenv-bw2-i:AssetsNoncurrent 53250 + jenv-bw2-i:AssetsCurrent 66795 "
        "(KvK-controle in kvk-balance-sheet_u-for.xml).",
        "jenv-bw2-i:Assets (2024-12-31) is 1234567, but the sum is 120045: + "
        "jenv-bw2-i:AssetsNoncurrent 53250 + jenv-bw2-i:AssetsCurrent 66795 "
        "(KvK check in kvk-balance-sheet_u-for.xml).",
    )
    dutch, source = check_messages.finding_text(finding)
    assert source == "kvk-balance-sheet_u-for.xml"
    assert dutch == (
        "Ingevuld: € 1.234.567; de KvK-controle telt op tot € 120.045 "
        "(Totaal vaste activa € 53.250 + Totaal vlottende activa € 66.795)."
    )
    with translation.override("en"):
        english, _ = check_messages.finding_text(finding)
    assert "€ 1,234,567" in english and "Total assets" not in english
    assert "jenv-bw2-i" not in english and "€ 53,250" in english


def test_an_amount_of_more_than_20_digits_blocks_at_its_field(env):
    """nl-types:monetaryNoDecimals20ItemType, the type of every amount, has the facet
    totalDigits 20 (nl-types.xsd of NT19's sbr 20240301, kvk/nt19/nt19-index.json types).
    Figures stored before the forms refused longer amounts (or a total computed from
    them) are not "Alles is volledig": DEP-VALUE blocks, at the amount's field."""
    data = dict(env.report.statements)
    balance = dict(data["balance"])
    balance["Equity"] = ["1" + "0" * 23, balance["Equity"][1]]
    env.report.statements = {**data, "balance": balance}
    env.report.save()
    problems = services.check_report(env.report).problems
    [problem] = [p for p in problems if p.code == "DEP-VALUE"]
    assert problem.field == "Balans: Eigen vermogen (huidig boekjaar)"
    assert problem.field_id == "id_b_Equity_0"
    assert "24 cijfers; het maximum is 20" in problem.message
