"""Rate limits per client address on search and the API, configurable."""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.http import HttpResponse
from django.test import SimpleTestCase, TestCase, override_settings
from django.utils import translation
from django.utils.translation import gettext

from portal.ratelimit import Rate, RateLimit


@override_settings(RATELIMIT_SEARCH="3/h", RATELIMIT_API="2/h")
class RateLimitTests(TestCase):
    def get(self, url: str, address: str = "192.0.2.10", **headers: str):
        return self.client.get(url, REMOTE_ADDR=address, headers=headers)

    def test_a_client_over_its_search_rate_gets_429_and_others_do_not(self):
        for _ in range(3):
            self.assertEqual(self.get("/sok/?q=budget").status_code, 200)
        refused = self.get("/sok/?q=skola")
        self.assertEqual(refused.status_code, 429)
        self.assertContains(refused, "högst 3 sökningar per timme", status_code=429)
        self.assertLessEqual(int(refused["Retry-After"]), 3600)
        self.assertEqual(refused["Cache-Control"], "no-store")
        # The same client's CSV of any list counts as search too.
        self.assertEqual(self.get("/sjobacka-kommun/?format=csv").status_code, 429)
        # Another address, and the pages that are no search, are not limited.
        self.assertEqual(self.get("/sok/?q=budget", "192.0.2.11").status_code, 200)
        self.assertEqual(self.get("/").status_code, 200)

    def test_a_refused_reader_gets_a_page_in_the_language_of_the_address(self):
        for _ in range(3):
            self.get("/sok/?q=budget")
        for url, lang, start in [
            ("/sok/?q=a", "sv", "/"),
            ("/en/sok/?q=a", "en", "/en/"),
        ]:
            with self.subTest(url=url):
                refused = self.get(url)
                self.assertEqual(refused.status_code, 429)
                self.assertTrue(refused["Content-Type"].startswith("text/html"))
                left = int(refused["Retry-After"])
                self.assertGreater(left, 0)
                self.assertEqual(refused["Cache-Control"], "no-store")
                with translation.override(lang):
                    heading = gettext("För många sökningar på kort tid")
                page = refused.content.decode()
                self.assertIn(f'<html lang="{lang}">', page)
                self.assertIn(f"<h1>{heading}</h1>", page)
                self.assertIn(f'<a href="{start}">Öppna beslut</a>', page)
                self.assertIn(f'href="{start}oppna-data/"', page)
                # When to come back, as Retry-After says (sekunder, seconds).
                self.assertRegex(page, rf"\b{left} (sekund|second)")

    def test_the_api_has_its_own_rate_and_answers_in_json(self):
        for _ in range(2):
            self.assertEqual(self.get("/api/v1/kommuner/").status_code, 200)
        refused = self.get("/api/v1/kommuner/")
        self.assertEqual(refused.status_code, 429)
        self.assertIn("För många förfrågningar", refused.json()["detail"])
        self.assertEqual(self.get("/sok/?q=budget").status_code, 200)

    @override_settings(CLIENT_IP_HEADER="X-Forwarded-For")
    def test_behind_a_proxy_the_address_it_saw_counts(self):
        proxy = "10.0.0.1"
        for _ in range(3):
            self.get("/sok/?q=a", proxy, **{"X-Forwarded-For": "1.1.1.1, 198.51.100.7"})
        self.assertEqual(
            self.get(
                "/sok/?q=a", proxy, **{"X-Forwarded-For": "198.51.100.7"}
            ).status_code,
            429,
        )
        # A client cannot escape by claiming another address first in line.
        forged = {"X-Forwarded-For": "203.0.113.99, 198.51.100.7"}
        self.assertEqual(self.get("/sok/?q=a", proxy, **forged).status_code, 429)
        self.assertEqual(
            self.get(
                "/sok/?q=a", proxy, **{"X-Forwarded-For": "198.51.100.8"}
            ).status_code,
            200,
        )

    def test_ipv6_clients_are_counted_per_64(self):
        for host in range(1, 4):
            self.get("/sok/?q=a", f"2001:db8:1:2::{host}")
        self.assertEqual(self.get("/sok/?q=a", "2001:db8:1:2::ff").status_code, 429)
        self.assertEqual(self.get("/sok/?q=a", "2001:db8:1:3::1").status_code, 200)

    @override_settings(RATELIMIT_SEARCH="")
    def test_an_empty_rate_is_no_limit(self):
        for _ in range(5):
            self.assertEqual(self.get("/sok/?q=a").status_code, 200)

    @override_settings(RATELIMIT_SEARCH="0", RATELIMIT_API="0")
    def test_a_rate_of_0_is_no_limit_as_the_settings_say(self):
        for _ in range(5):
            self.assertEqual(self.get("/sok/?q=a").status_code, 200)
            self.assertEqual(self.get("/api/v1/kommuner/").status_code, 200)


class RateTests(SimpleTestCase):
    def test_rates_parse_and_a_bad_one_is_refused(self):
        self.assertEqual(Rate.parse("60/m"), Rate(60, 60))
        self.assertEqual(Rate.parse("5/s"), Rate(5, 1))
        self.assertIsNone(Rate.parse("0/m"))
        self.assertIsNone(Rate.parse("0"))
        self.assertIsNone(Rate.parse(" 0 "))
        self.assertIsNone(Rate.parse(" "))
        with self.assertRaisesMessage(ValueError, "N/s, N/m or N/h"):
            Rate.parse("60 per minute")

    @override_settings(RATELIMIT_SEARCH="60 per minute")
    def test_a_rate_that_cannot_be_read_stops_the_server_starting(self):
        with self.assertRaisesMessage(ImproperlyConfigured, "RATELIMIT_SEARCH"):
            RateLimit(lambda request: HttpResponse())
