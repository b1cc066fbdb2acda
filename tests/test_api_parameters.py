"""Every query parameter of every list, in the API and on the pages, answers
arbitrary text with a page or a 400 naming the parameter: never a 500, never
a value silently ignored. In the API the 400 is a problem (RFC 9457) whose
`errors` name the parameter, and every parameter has values it refuses so.

The lists and their parameters are read from the code (the URL conf, the
OpenAPI description, the filtersets and the views' own declarations), so a
new list or parameter is tested without anyone adding it here.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from django import forms
from django.test import override_settings
from django.urls import URLPattern, URLResolver, reverse
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase
from rest_framework.generics import ListAPIView

from decisions import api_urls, urls
from decisions.api import CHANGED_AFTER, FilteredList
from decisions.exports import FORMAT_PARAM
from decisions.models import Member, Paragraf
from decisions.search import ParagrafFilter
from decisions.services import ingest as services
from decisions.views import PAGE_PARAM
from tests.factories import SJOBACKA
from tests.problems import named, problem_of


def _list_views() -> dict[str, type[ListAPIView]]:
    """The API's lists: views of the URL conf that list and take no path
    argument, by their address."""
    found = {}
    for pattern in api_urls.urlpatterns:
        assert isinstance(pattern, URLPattern)
        view = getattr(pattern.callback, "cls", None)
        if view and issubclass(view, ListAPIView) and not pattern.pattern.converters:
            found[reverse(f"api:{pattern.name}")] = view
    return found


LISTS = _list_views()
SCHEMA = SchemaGenerator().get_schema(request=None, public=True)


def schema_parameters(path: str) -> set[str]:
    """The query parameters the OpenAPI description gives for a list."""
    return {
        parameter["name"]
        for parameter in SCHEMA["paths"][path]["get"].get("parameters", [])
        if parameter["in"] == "query"
    }


def code_parameters(view: type[ListAPIView]) -> set[str]:
    """The query parameters a list's code reads: its own declarations, its
    filterset's filters and its pagination's."""
    names = set(getattr(view, "params", {}))
    if filterset := getattr(view, "filterset_class", None):
        names |= set(filterset.base_filters)
    if issubclass(view, FilteredList):
        names.add(CHANGED_AFTER)
    if paginator := view.pagination_class:
        names |= {paginator.cursor_query_param, paginator.page_size_query_param}
    return names


ENDPOINT_PARAMETERS = sorted(
    (path, name)
    for path, view in LISTS.items()
    for name in schema_parameters(path) | code_parameters(view)
)


def bad_values(view: type[ListAPIView], name: str) -> list[str]:
    """Values the parameter's field refuses: NUL, which every field refuses
    (PostgreSQL text cannot hold it), and what is wrong for its kind: a
    word for a number, a number outside its range, a choice there is not,
    a date that is none, text longer than its limit."""
    values = ["a\x00b"]
    paginator = view.pagination_class
    if paginator and name == paginator.cursor_query_param:
        return [*values, "inte-en-cursor"]
    if paginator and name == paginator.page_size_query_param:
        return [*values, "abc", "0", str(paginator.max_page_size + 1)]
    if name == CHANGED_AFTER:
        # A date alone, and a time without its offset, are no instant.
        return [*values, "igår", "2026-12-07", "2026-12-07T10:00:00"]
    field: Any = view.filterset_class().form.fields[name]
    if isinstance(field, forms.IntegerField):
        values += ["abc", "1.5"]
        if field.min_value is not None:
            values.append(str(field.min_value - 1))
        if field.max_value is not None:
            values.append(str(field.max_value + 1))
    elif isinstance(field, forms.DateField):
        values += ["2024-13-45", "igår"]
    elif isinstance(field, forms.NullBooleanField):
        values += ["maybe", "kanske"]
    elif isinstance(field, forms.ChoiceField):
        values += ["nonsense", "finns-inte/heller-inte"]
    elif isinstance(field, forms.CharField) and field.max_length:
        values.append("x" * (field.max_length + 1))
    return values


# Raw query-string text, sent as it is: escapes of what is no UTF-8, a NUL.
RAW = ["%ff", "%00", "%c0%80", "%", "%zz", "a%00b", "+", "%2B1"]
hostile = st.one_of(
    st.text(alphabet=st.characters(exclude_categories=["Cs"]), max_size=30),
    st.integers().map(str),
    st.integers(min_value=10**5, max_value=10**40).map(str),
    st.sampled_from(
        [
            "0",
            "-1",
            "1",
            "2024",
            "\x00",
            "2024\x00",
            "a\x00b",
            "99999999999999999999",
            "9" * 400,
            "2024-13-45",
            "0000-01-01",
            "0001-01-01",
            "9999-12-31",
            "10000-01-01",
            "-2024-01-01",
            "\x1b[31m",
            "\x7f",
            "\x85",
            "\ufeff2024",
            "\u202e",
            "true",
            "false",
            "ja",
            " ",
            "1e309",
            "NaN",
            "inf",
            "٣",
            "🙂",
            "' OR 1=1 --",
        ]
    ),
)


def url(path: str, name: str, value: str, raw: bool = False) -> str:
    return f"{path}?{quote(name)}={value if raw else quote(value, safe='')}"


@override_settings(RATELIMIT_SEARCH="", RATELIMIT_API="")
class ApiParameterTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        for path in SJOBACKA:
            services.protocol_ingest(source_name=path.name, data=path.read_bytes())

    def check(self, address: str, name: str) -> None:
        response = self.client.get(address, REMOTE_ADDR="198.51.100.2")
        self.assertIn(response.status_code, (200, 400), address)
        if response.status_code == 200:
            self.assertEqual(response["Content-Type"], "application/json", address)
        else:
            self.assertIn(name, named(problem_of(response, 400)), address)

    def refused(self, address: str, name: str) -> None:
        """A 400 problem naming the parameter, and that one only."""
        response = self.client.get(address, REMOTE_ADDR="198.51.100.2")
        self.assertEqual(named(problem_of(response, 400)), {name}, address)

    def test_the_lists_and_their_parameters_are_found(self):
        # The enumeration itself: a broken one would test nothing.
        self.assertGreaterEqual(len(LISTS), 7)
        self.assertIn(("/api/v1/sammantraden/", "ar"), ENDPOINT_PARAMETERS)
        self.assertIn(("/api/v1/paragrafer/", "ordning"), ENDPOINT_PARAMETERS)
        self.assertIn(("/api/v1/paragrafer/", "cursor"), ENDPOINT_PARAMETERS)

    def test_the_openapi_description_lists_every_parameter_the_code_reads(self):
        for path, view in LISTS.items():
            with self.subTest(path):
                self.assertLessEqual(code_parameters(view), schema_parameters(path))

    @settings(
        max_examples=400,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        derandomize=True,
    )
    @given(
        endpoint=st.sampled_from(ENDPOINT_PARAMETERS),
        value=hostile,
        raw=st.sampled_from(RAW),
        use_raw=st.booleans(),
    )
    def test_every_parameter_of_every_list_answers_200_or_400_naming_it(
        self, endpoint: tuple[str, str], value: str, raw: str, use_raw: bool
    ) -> None:
        path, name = endpoint
        if use_raw:
            self.check(url(path, name, raw, raw=True), name)
        else:
            self.check(url(path, name, value), name)

    def test_each_parameter_takes_each_known_bad_value(self):
        bad = ["0", "-1", "99999999999999999999", "\x00", "a\x00b", "1e309"]
        for path, name in ENDPOINT_PARAMETERS:
            for value in bad:
                self.check(url(path, name, value), name)
            for value in RAW:
                self.check(url(path, name, value, raw=True), name)

    def test_every_parameter_of_every_list_refuses_its_bad_values_by_name(self):
        cases = 0
        for path, name in ENDPOINT_PARAMETERS:
            for value in bad_values(LISTS[path], name):
                with self.subTest(path=path, name=name, value=value[:20]):
                    self.refused(url(path, name, value), name)
                    cases += 1
        # Each parameter at least NUL and one value of its own kind.
        self.assertGreaterEqual(cases, 2 * len(ENDPOINT_PARAMETERS))

    def test_the_lists_of_the_issue_refuse_what_they_cannot_read(self):
        for address, name in [
            ("/api/v1/paragrafer/?antal=abc", "antal"),
            ("/api/v1/paragrafer/?reservation=maybe", "reservation"),
            ("/api/v1/reservationer/?typ=nonsense", "typ"),
            # The end before the start: the end is what is wrong.
            ("/api/v1/paragrafer/?fran=2025-01-01&till=2024-01-01", "till"),
            ("/api/v1/ledamoter/?namn=Anna", "namn"),
        ]:
            with self.subTest(address):
                self.refused(address, name)

    def test_every_bad_parameter_is_named_at_once(self):
        address = "/api/v1/paragrafer/?reservation=kanske&ar=x&antal=abc&cursor=x"
        response = self.client.get(address)
        body = problem_of(response, 400)
        self.assertEqual(named(body), {"reservation", "ar", "antal", "cursor"})

    def test_a_year_outside_the_calendar_is_a_400_naming_it(self):
        for value in ("0", "-1", "10000", "99999999999999999999"):
            for path in ("/api/v1/sammantraden/", "/api/v1/paragrafer/"):
                self.refused(url(path, "ar", value), "ar")

    def test_a_nul_in_a_text_parameter_is_a_400_naming_it(self):
        for path, name in [
            ("/api/v1/kommuner/", "kommun"),
            ("/api/v1/namnder/", "kommun"),
            ("/api/v1/arenden/", "dnr"),
            ("/api/v1/reservationer/", "typ"),
            ("/api/v1/ledamoter/", "parti"),
            ("/api/v1/partier/", "kommun"),
            ("/api/v1/paragrafer/", "kommun"),
        ]:
            self.refused(url(path, name, "a\x00b"), name)

    def test_a_value_the_list_cannot_read_is_refused_not_ignored(self):
        for path, name, value in [
            ("/api/v1/paragrafer/", "reservation", "kanske"),
            ("/api/v1/paragrafer/", "antal", "många"),
            ("/api/v1/paragrafer/", "antal", "0"),
            ("/api/v1/paragrafer/", "antal", "501"),
            ("/api/v1/ledamoter/", "antal", "-5"),
            ("/api/v1/paragrafer/", "cursor", "inte-en-cursor"),
            ("/api/v1/reservationer/", "typ", "protest"),
        ]:
            self.refused(url(path, name, value), name)

    def test_good_values_still_filter(self):
        self.assertEqual(
            self.client.get("/api/v1/paragrafer/?reservation=true&antal=1").status_code,
            200,
        )
        meetings = self.client.get("/api/v1/sammantraden/?ar=2024").json()["results"]
        self.assertTrue(meetings)
        self.assertTrue(all(m["date"].startswith("2024") for m in meetings))
        kinds = self.client.get("/api/v1/reservationer/?typ=reservation").json()
        self.assertTrue(all(r["kind"] == "reservation" for r in kinds["results"]))
        first = self.client.get("/api/v1/paragrafer/?antal=2").json()
        second = self.client.get(first["next"].split("testserver")[-1])
        self.assertEqual(second.status_code, 200)


# -- The pages ---------------------------------------------------------------


def _page_addresses() -> list[str]:
    """Every page of decisions/urls.py, at an address that exists in the
    sample archive (a new page without one here fails the test below)."""
    member = Member.objects.filter(party="S").order_by("pk").first()
    paragraf = Paragraf.objects.filter(arende__isnull=False).order_by("pk").first()
    meeting = paragraf.meeting
    namnd = meeting.namnd
    kommun = namnd.municipality.slug
    args = {
        "start": [],
        "search": [],
        "search_feed": [],
        "open_data": [],
        "municipality": [kommun],
        "municipality_feed": [kommun],
        "arende": [kommun, paragraf.arende.dnr],
        "arende_feed": [kommun, paragraf.arende.dnr],
        "referral": [kommun, "ingen-remiss"],
        "party": [kommun, "S"],
        "party_feed": [kommun, "S"],
        "person": [kommun, member.slug],
        "person_feed": [kommun, member.slug],
        "parties": [kommun],
        "people": [kommun],
        "arenden": [kommun],
        "referrals": [kommun],
        "glossary": [],
        "site_feed": [],
        "alert_confirm": ["ingen-bevakning"],
        "alert_end": ["ingen-bevakning"],
        "namnd": [kommun, namnd.slug],
        "namnd_feed": [kommun, namnd.slug],
        "meeting": [kommun, namnd.slug, meeting.slug],
        "meeting_download": [kommun, namnd.slug, meeting.slug],
        "paragraf": [kommun, namnd.slug, meeting.slug, paragraf.number],
        "paragraf_version": [kommun, namnd.slug, meeting.slug, paragraf.number, 1],
    }
    names = {
        p.name for p in urls.urlpatterns if not isinstance(p, URLResolver) and p.name
    }
    assert names == set(args), names ^ set(args)
    addresses = [reverse(f"decisions:{name}", args=a) for name, a in args.items()]
    return addresses + ["/en" + address for address in addresses]


# What a page reads from its query string: the search's filters, the page
# number and the CSV switch.
PAGE_PARAMETERS = sorted({*ParagrafFilter.base_filters, PAGE_PARAM, FORMAT_PARAM})


@override_settings(RATELIMIT_SEARCH="", RATELIMIT_API="")
class PageParameterTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        for path in SJOBACKA:
            services.protocol_ingest(source_name=path.name, data=path.read_bytes())
        cls.addresses = _page_addresses()

    def check(self, address: str) -> None:
        response = self.client.get(address, REMOTE_ADDR="198.51.100.3")
        if response.streaming:
            b"".join(response.streaming_content)
        self.assertLess(response.status_code, 500, address)

    @settings(
        max_examples=120,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        derandomize=True,
    )
    @given(
        page=st.integers(min_value=0, max_value=1000),
        name=st.sampled_from(PAGE_PARAMETERS),
        value=hostile,
        raw=st.sampled_from(RAW),
        use_raw=st.booleans(),
    )
    def test_no_page_parameter_makes_a_500(
        self, page: int, name: str, value: str, raw: str, use_raw: bool
    ) -> None:
        address = self.addresses[page % len(self.addresses)]
        self.check(url(address, name, raw if use_raw else value, raw=use_raw))

    def test_every_page_takes_every_known_bad_value(self):
        for address in self.addresses:
            for name in PAGE_PARAMETERS:
                for value in ("-1", "99999999999999999999", "a\x00b"):
                    self.check(url(address, name, value))

    def test_a_search_for_a_year_outside_the_calendar_is_a_400(self):
        for value in ("0", "-1", "99999999999999999999"):
            response = self.client.get(url("/sok/", "ar", value))
            self.assertEqual(response.status_code, 400, value)
