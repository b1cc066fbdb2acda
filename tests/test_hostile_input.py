"""Hostile input on every public URL and query parameter: long, malformed,
unicode, control characters, SQL and HTML fragments. No answer is a 500, and
no HTML sent in comes back unescaped."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from django.test import override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from decisions.search import ParagrafFilter
from decisions.services import ingest as services
from tests.factories import SJOBACKA

# Something a reflected-HTML bug would echo as it is.
MARKER = '<x-hostile onclick="alert(1)">'
KOMMUN = "sjobacka-kommun"
MEETING = f"{KOMMUN}/kommunfullmaktige/2024-11-25"
# Every public URL, with {} where a path segment may be anything.
PATHS = [
    "/",
    "/sok/",
    "/sok/feed/",
    "/oppna-data/",
    "/robots.txt",
    "/sitemap.xml",
    "/sitemap-{}.xml",
    "/{}/",
    f"/{KOMMUN}/",
    "/{}/feed/",
    f"/{KOMMUN}/{{}}/",
    f"/{KOMMUN}/{{}}/feed/",
    f"/{KOMMUN}/kommunfullmaktige/{{}}/",
    f"/{MEETING}/paragraf-{{}}/",
    f"/{MEETING}/paragraf-113/version-{{}}/",
    f"/{KOMMUN}/arende/{{}}/",
    f"/{KOMMUN}/arende-feed/{{}}/",
    f"/{KOMMUN}/remiss/{{}}/",
    f"/{KOMMUN}/parti/{{}}/",
    f"/{KOMMUN}/parti/{{}}/feed/",
    f"/{KOMMUN}/person/{{}}/",
    "/oppna-data/{}",
    "/api/v1/paragrafer/",
    "/api/v1/paragrafer/{}/",
    "/api/v1/kommuner/",
    "/api/v1/kommuner/{}/",
    "/api/v1/namnder/",
    "/api/v1/sammantraden/",
    "/api/v1/arenden/",
    "/api/v1/reservationer/",
    "/api/v1/ledamoter/",
    "/api/v1/partier/",
    "/api/v1/schema/",
]
PATHS += ["/en" + path for path in PATHS if not path.startswith(("/api", "/sitemap"))]
# Every query parameter a public page or the API reads.
PARAMS = sorted(
    {
        *ParagrafFilter.base_filters,
        "sida",
        "format",
        "cursor",
        "antal",
        "kommun",
        "namnd",
        "parti",
        "dnr",
        "lang",
    }
)

hostile_text = st.one_of(
    st.text(max_size=40),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=300),
    st.sampled_from(
        [
            MARKER,
            "' OR 1=1 --",
            "'); DROP TABLE decisions_paragraf; --",
            '"unclosed phrase',
            "a:* & !b | (c <-> d)",
            "\x00",
            "nul\x00in the middle",
            "-" * 5000,
            "ä" * 3000,
            "%00%27%22",
            "../../etc/passwd",
            "9" * 40,
            "-1",
            "1e309",
            "2024-02-30",
            "\u202e\u0000\ud7ff",
            "OR OR OR",
            '-"',
            "§§§ 13",
            "Dnr 1.1/2152/2016" * 20,
        ]
    ),
)


# The pages and API lists that read query parameters: each parameter alone.
READS_PARAMS = [
    "/sok/",
    "/sok/feed/",
    f"/{KOMMUN}/",
    f"/{KOMMUN}/kommunfullmaktige/",
    "/api/v1/paragrafer/",
    "/api/v1/sammantraden/",
    "/api/v1/ledamoter/",
]


# Unlimited: hundreds of searches from one address are the point here.
@override_settings(RATELIMIT_SEARCH="", RATELIMIT_API="")
class HostileInputTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        for path in SJOBACKA:
            services.protocol_ingest(source_name=path.name, data=path.read_bytes())

    def check(self, url: str) -> None:
        response = self.client.get(url, REMOTE_ADDR="198.51.100.1")
        self.assertLess(response.status_code, 500, url)
        body = b"".join(response) if response.streaming else response.content
        self.assertNotIn(MARKER.encode(), body, url)

    @settings(
        max_examples=250,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow],
        derandomize=True,
    )
    @given(
        path=st.sampled_from(PATHS),
        segment=hostile_text,
        params=st.dictionaries(st.sampled_from(PARAMS), hostile_text, max_size=4),
    )
    def test_no_url_or_parameter_makes_a_500_or_echoes_html(
        self, path: str, segment: str, params: dict[str, str]
    ) -> None:
        url = path.replace("{}", quote(segment, safe="")) if "{}" in path else path
        self.check(f"{url}?{urlencode(params)}" if params else url)

    def test_every_path_and_parameter_takes_the_marker(self):
        every = urlencode(dict.fromkeys(PARAMS, MARKER))
        for path in PATHS:
            url = path.replace("{}", quote(MARKER, safe=""))
            self.check(url)
            self.check(f"{url}?{every}")
        for path in READS_PARAMS:
            for name in PARAMS:
                self.check(f"{path}?{urlencode({name: MARKER})}")
