"""Every page a person opens, checked against the WCAG 2.2 success criteria that can be
read from the HTML itself, in Dutch and in English.

The pages are every URL of the project (enumerated from the resolver, tests.security.urls,
so a page added later is checked without touching this file), opened as the side that owns
the objects: the office's administrator for InSite, the client's contact for OutSite, the
bookkeeper for the client environment. Criteria (https://www.w3.org/TR/WCAG22/):

- 3.1.1 Language of Page: ``<html lang>`` is the language the page is shown in;
- 2.4.2 Page Titled: a non-empty ``<title>``;
- 1.3.1 Info and Relationships, 3.3.2 Labels or Instructions, 4.1.2 Name, Role, Value: every
  form control a person fills in or chooses has an accessible name (a ``<label for>``, a
  wrapping ``<label>``, ``aria-label`` or ``aria-labelledby``, or ``title``); every button and
  link has a name (its text, ``aria-label``, or an image's ``alt``); every ``<img>`` has
  ``alt`` (1.1.1 Non-text Content);
- the references those names depend on resolve: ``for``, ``aria-labelledby``,
  ``aria-describedby`` and ``aria-controls`` name ids that exist, and ids are unique (a
  duplicate id makes a label or description point at the wrong element);
- 1.3.1 Info and Relationships, 2.4.6 Headings and Labels: a page has one ``<h1>`` (a
  document poured into the page brings its own) and its headings skip no level on the way
  down; a sorted table says so on one column header with a valid ``aria-sort``;
- 2.4.3 Focus Order: no positive ``tabindex``, which takes an element out of the order of
  the page.

What HTML cannot tell (contrast, focus order, reflow) the browser tests check
(tests/browser/test_phone_review.py).
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.test import Client
from lxml import html as lxml_html

from tests.security.urls import pages, url_for

pytestmark = pytest.mark.django_db

#: Controls a person does not fill in themselves: their name is not asked.
UNNAMED_INPUT_TYPES = {"hidden", "submit", "reset", "button", "image"}
REFERENCE_ATTRIBUTES = ("aria-labelledby", "aria-describedby", "aria-controls")


def _text(element) -> str:
    return " ".join("".join(element.itertext()).split())


def _named_by_label(control, labels_for: set[str]) -> bool:
    control_id = control.get("id")
    if control_id and control_id in labels_for:
        return True
    return any(parent.tag == "label" for parent in control.iterancestors())


def _has_own_name(element) -> bool:
    return bool(
        (element.get("aria-label") or "").strip()
        or (element.get("aria-labelledby") or "").strip()
        or (element.get("title") or "").strip()
    )


def _control_problems(root, labels_for: set[str]) -> list[str]:
    problems = []
    for control in root.iter("input", "select", "textarea"):
        if control.tag == "input" and (control.get("type") or "text") in UNNAMED_INPUT_TYPES:
            continue
        if not (_named_by_label(control, labels_for) or _has_own_name(control)):
            name = control.get("name") or control.get("id") or control.tag
            problems.append(f"4.1.2: control {name!r} has no label")
    for button in root.iter("button"):
        images = [img.get("alt", "") for img in button.iter("img")]
        if not (_text(button) or _has_own_name(button) or any(images)):
            problems.append(f"4.1.2: a button without a name ({lxml_html.tostring(button)[:80]!r})")
    for link in root.iter("a"):
        if link.get("href") is None:
            continue
        images = [img.get("alt", "") for img in link.iter("img")]
        if not (_text(link) or _has_own_name(link) or any(images)):
            problems.append(f"2.4.4: a link without a name to {link.get('href')!r}")
    for img in root.iter("img"):
        if img.get("alt") is None:
            problems.append(f"1.1.1: an image without alt ({img.get('src')!r})")
    return problems


def _reference_problems(root) -> list[str]:
    ids = [element.get("id") for element in root.iter() if element.get("id")]
    problems = [f"duplicate id {i!r}" for i in sorted({i for i in ids if ids.count(i) > 1})]
    known = set(ids)
    for label in root.iter("label"):
        target = label.get("for")
        if target and target not in known:
            problems.append(f"a label for {target!r}, which no element has as id")
    for attribute in REFERENCE_ATTRIBUTES:
        for element in root.xpath(f"//*[@{attribute}]"):
            for ref in element.get(attribute).split():
                if ref not in known:
                    problems.append(f"{attribute}={ref!r} names no element")
    return problems


SORT_STATES = {"ascending", "descending", "other", "none"}


def _structure_problems(root, *, page: bool) -> list[str]:
    problems = []
    headings = list(root.iter("h1", "h2", "h3", "h4", "h5", "h6"))
    if page and sum(1 for heading in headings if heading.tag == "h1") != 1:
        problems.append(f"1.3.1: {sum(h.tag == 'h1' for h in headings)} <h1> on the page")
    level = 0
    for heading in headings:
        if level and int(heading.tag[1]) > level + 1:
            problems.append(f"1.3.1: <h{level}> followed by <{heading.tag}> {_text(heading)!r}")
        level = int(heading.tag[1])
    for element in root.xpath("//*[@tabindex]"):
        if re.fullmatch(r"\s*\+?\d*[1-9]\d*\s*", element.get("tabindex")):  # positive
            problems.append(f"2.4.3: tabindex={element.get('tabindex')!r} on <{element.tag}>")
    for table in root.iter("table"):
        sorted_by = table.xpath(".//*[@aria-sort]")
        for header in sorted_by:
            if header.tag != "th" or header.get("aria-sort") not in SORT_STATES:
                problems.append(f"1.3.1: aria-sort={header.get('aria-sort')!r} on <{header.tag}>")
        if sum(1 for header in sorted_by if header.get("aria-sort") != "none") > 1:
            problems.append("1.3.1: a table sorted by more than one column header")
    return problems


def page_problems(body: str, language: str) -> list[str]:
    """What the page's HTML breaks of the criteria above; a fragment (an htmx part,
    without ``<html>``) is checked for all but its language, title and ``<h1>``."""
    root = lxml_html.document_fromstring(body)
    problems = []
    page = "<html" in body[:500].lower()
    if page:
        if root.get("lang") != language:
            problems.append(f"3.1.1: <html lang={root.get('lang')!r}>, shown in {language!r}")
        titles = root.xpath("//head/title")
        if not titles or not _text(titles[0]):
            problems.append("2.4.2: no page title")
    labels_for = {label.get("for") for label in root.iter("label") if label.get("for")}
    return (
        problems
        + _control_problems(root, labels_for)
        + _reference_problems(root)
        + _structure_problems(root, page=page)
    )


def _browser(user, language: str, **options) -> Client:
    """A browser in ``language``, logged in as ``user`` (none: logged out)."""
    client = Client(**options)
    if user is not None:
        client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def _owner(page, world) -> object | None:
    if page.route.startswith("api/"):
        # The API (JSON) and its documentation, Swagger UI's own page for developers
        # (drf-spectacular's template, English only): not pages of ours.
        return None
    if page.area == "clientside":
        return world.bookkeeper
    if page.route.startswith("outsite/"):
        return world.a.user
    if page.area == "portal" or page.area == "public":
        return world.staff_admin
    return None  # the admin: Django's own pages


@pytest.fixture
def walked(world, client_environment):
    """Every page opened by its owner in Dutch and in English: (language, url, body)."""
    from tests.clientside.test_screens import ALL_PERMISSIONS, user_with

    world.bookkeeper = user_with(*ALL_PERMISSIONS)
    opened = []
    for language in ("nl", "en"):
        for page in pages():
            user = _owner(page, world)
            url = url_for(page, world)
            if user is None or url is None:
                continue
            response = _browser(user, language).get(url)
            if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
                continue
            body = b"".join(response) if response.streaming else response.content
            opened.append((language, url, body.decode("utf-8")))
    return opened


def test_every_page_meets_the_criteria_readable_from_its_html(walked):
    # The walk really reached the product: each side's main pages are among them.
    urls = {url for _language, url, _body in walked}
    for expected in ("/insite/berichten/", "/outsite/berichten/", "/klant/"):
        assert expected in urls, f"{expected} was not opened"
    assert len(urls) >= 30
    problems = [
        f"{language} {url}: {problem}"
        for language, url, body in walked
        for problem in page_problems(body, language)
    ]
    assert problems == [], "\n".join(sorted(set(problems)))


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('<html lang="nl"><head><title>T</title></head><body><h1>T</h1></body></html>', []),
        ('<html lang="en"><head><title>T</title></head><body><h1>T</h1></body></html>', ["3.1.1"]),
        ('<html lang="nl"><head><title> </title></head><body><h1>T</h1></body></html>', ["2.4.2"]),
        ('<div><input name="q"></div>', ["4.1.2"]),
        ('<div><label for="q">Zoek</label><input id="q" name="q"></div>', []),
        ('<div><label>Zoek <input name="q"></label></div>', []),
        ('<div><input name="q" aria-label="Zoek"></div>', []),
        ('<div><input type="hidden" name="csrf"></div>', []),
        ("<div><button></button></div>", ["4.1.2"]),
        ('<div><a href="/x"></a></div>', ["2.4.4"]),
        ('<div><img src="/x.png"></div>', ["1.1.1"]),
        ('<div><p id="a"></p><p id="a"></p></div>', ["duplicate id"]),
        ('<div><label for="nope">X</label></div>', ["no element has as id"]),
        ('<div><p aria-describedby="nope">X</p></div>', ["names no element"]),
        ('<html lang="nl"><head><title>T</title></head><body><h2>X</h2></body></html>', ["0 <h1>"]),
        (
            '<html lang="nl"><head><title>T</title></head><body><h1>X</h1><h1>Y</h1></body></html>',
            ["2 <h1>"],
        ),
        ("<div><h2>X</h2><h4>Y</h4><h3>Z</h3><h2>W</h2></div>", ["<h2> followed by <h4>"]),
        ('<table><tr><th aria-sort="up">X</th></tr></table>', ["aria-sort='up'"]),
        ('<table><tr><td aria-sort="ascending">X</td></tr></table>', ["on <td>"]),
        (
            '<table><tr><th aria-sort="ascending">X</th>'
            '<th aria-sort="descending">Y</th></tr></table>',
            ["more than one column header"],
        ),
        ('<table><tr><th aria-sort="ascending">X</th><th>Y</th></tr></table>', []),
        ('<div><a href="/x" tabindex="2">X</a><main tabindex="-1"></main></div>', ["2.4.3"]),
        ('<div><button tabindex="0">X</button></div>', []),
    ],
)
def test_the_checks_themselves(body, expected):
    """Each check finds what it looks for (and only that), so an empty list above means
    the pages pass, not that nothing was looked at."""
    found = page_problems(body, "nl")
    assert len(found) == len(expected), found
    for problem, wanted in zip(found, expected, strict=True):
        assert wanted in problem


def _post_forms(body: str, url: str) -> list[str]:
    """The actions of the page's POST forms (a form without one posts to the page)."""
    root = lxml_html.document_fromstring(body)
    return sorted(
        {
            form.get("action") or url
            for form in root.iter("form")
            if (form.get("method") or "").lower() == "post"
        }
    )


def test_forms_sent_back_with_errors_meet_the_criteria_too(world, client_environment, walked):
    """Every POST form of the walked pages, sent empty: where the page comes back with the
    errors (200 or 400), the errors are tied to their fields without breaking a reference
    (WCAG 3.3.1 Error Identification reads them through aria-describedby)."""
    from django.test import Client as DjangoClient

    checked = 0
    problems = []
    for language, url, body in walked:
        if language != "nl" or url.startswith("/accounts/"):
            continue
        user = world.bookkeeper if url.startswith("/klant/") else None
        user = user or (world.a.user if url.startswith("/outsite/") else world.staff_admin)
        for action in _post_forms(body, url):
            if action.startswith(("/i18n/", "/accounts/logout")) or "verzenden-ontvangen" in action:
                continue
            browser = DjangoClient()
            browser.force_login(user)
            response = browser.post(action, {})
            if response.status_code not in (200, 400) or "html" not in response.get(
                "Content-Type", ""
            ):
                continue
            checked += 1
            problems += [
                f"POST {action} (from {url}): {p}"
                for p in page_problems(response.content.decode("utf-8"), "nl")
            ]
    assert checked >= 5, f"only {checked} forms came back with errors"
    assert problems == [], "\n".join(sorted(set(problems)))
