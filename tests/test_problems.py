"""Errors as data (issue 20): every refusal under /api/ is a problem (RFC
9457, application/problem+json) in Swedish, whoever raised it (a view, the
URL conf, the rate limit, a fault); the site's pages keep their own error
pages; the OpenAPI description lists each operation's problems and passes a
strict validator, and what the API answers validates against it."""

from __future__ import annotations

import json
import re
from typing import Any
from unittest import mock

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client, TestCase, override_settings
from openapi_schema_validator import OAS30StrictValidator
from openapi_spec_validator import validate

from decisions import api
from decisions.models import Paragraf
from decisions.problems import KINDS
from decisions.services.withdrawal import paragraf_withdraw
from tests.factories import SJOBACKA
from tests.problems import PROBLEM_JSON, named, problem_of

HOST = "http://testserver"
MEETING = "sjobacka-kommun/kommunfullmaktige/2024-11-25/"
# What an English message of Django or DRF would hold; none may reach a client.
ENGLISH = re.compile(
    r"\b(not|found|matches|the given|Invalid|Enter a|Select a|method|allowed)\b"
)


def swedish(body: dict[str, Any]) -> bool:
    said = [body["title"], body["detail"]]
    said += [m for error in body.get("errors", []) for m in error["messages"]]
    return not any(ENGLISH.search(text) for text in said)


@override_settings(RATELIMIT_API="", RATELIMIT_SEARCH="")
class ProblemTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("ingest", *map(str, SJOBACKA), stdout=None, stderr=None)

    def problem(self, response: Any, status: int) -> dict[str, Any]:
        body = problem_of(response, status)
        self.assertTrue(swedish(body), body)
        self.assertEqual(body["instance"], response.wsgi_request.path)
        return body

    def test_an_object_that_is_not_there_is_a_404_saying_so_in_swedish(self):
        for path, said in [
            ("kommuner/ingen/", "Ingen kommun"),
            ("namnder/sjobacka-kommun/ingen/", "Ingen nämnd"),
            ("sammantraden/sjobacka-kommun/kommunfullmaktige/1999-01-01/", "Inget"),
            ("paragrafer/" + MEETING + "paragraf-999/", "Ingen publicerad"),
            ("arenden/sjobacka-kommun/XX 1999/1/", "Inget ärende"),
            ("ledamoter/sjobacka-kommun/ingen-alls/", "Ingen person"),
            ("ledamoter/ingen/ingen-alls/", "Ingen kommun"),
        ]:
            with self.subTest(path):
                body = self.problem(self.client.get("/api/v1/" + path), 404)
                self.assertTrue(body["detail"].startswith(said), body)
                self.assertEqual(body["type"], f"{HOST}/oppna-data/#fel-finns-inte")

    def test_an_address_under_the_api_that_names_nothing_is_a_404_problem(self):
        for path in [
            "/api/v1/finns-inte/",
            "/api/v1/kommuner/a/b/c/d/e/f/",
            "/api/v2/kommuner/",
            "/api/",
            "/api/v1/schema/extra/",
        ]:
            with self.subTest(path):
                self.problem(self.client.get(path), 404)

    def test_the_site_keeps_its_own_error_pages(self):
        page = self.client.get("/finns-inte/nagonstans/")
        self.assertEqual(page.status_code, 404)
        self.assertTrue(page["Content-Type"].startswith("text/html"))
        self.assertContains(page, '<html lang="sv">', status_code=404)
        nul = self.client.get("/sok/a%00b/")
        self.assertEqual((nul.status_code, nul["Content-Type"]), (400, "text/plain"))

    def test_a_browser_gets_the_problem_too_not_the_browsable_page(self):
        response = self.client.get(
            "/api/v1/kommuner/ingen/", headers={"accept": "text/html"}
        )
        self.problem(response, 404)

    def test_a_method_the_api_does_not_take_is_a_405_saying_which_it_does(self):
        for method in ("post", "put", "patch", "delete"):
            for path in ("/api/v1/kommuner/", "/api/v1/kommuner/sjobacka-kommun/"):
                with self.subTest(method=method, path=path):
                    response = getattr(self.client, method)(path)
                    body = self.problem(response, 405)
                    self.assertIn("GET", response["Allow"])
                    self.assertIn(method.upper(), body["detail"])

    def test_a_format_there_is_not_is_a_406_naming_what_there_is(self):
        by_header = self.client.get(
            "/api/v1/kommuner/", headers={"accept": "application/xml"}
        )
        self.assertIn("application/json", self.problem(by_header, 406)["detail"])
        for path in ("/api/v1/kommuner/", "/api/v1/kommuner/sjobacka-kommun/"):
            with self.subTest(path):
                body = self.problem(self.client.get(path + "?format=xml"), 406)
                self.assertEqual(named(body), {"format"})
                self.assertIn("json", body["detail"])

    def test_a_withdrawn_paragraf_is_a_410_with_when_and_why(self):
        paragraf = Paragraf.objects.published().get(
            number="113", meeting__date="2024-11-25"
        )
        paragraf_withdraw(
            paragrafer=Paragraf.objects.filter(pk=paragraf.pk),
            reason="Felaktigt publicerad",
            user=get_user_model().objects.create_user("registrator"),
        )
        response = self.client.get("/api/v1/paragrafer" + paragraf.get_absolute_url())
        body = self.problem(response, 410)
        self.assertEqual(body["type"], f"{HOST}/oppna-data/#fel-aterkallad")
        self.assertEqual(body["withdrawal_reason"], "Felaktigt publicerad")
        self.assertEqual(body["id"], HOST + paragraf.get_absolute_url())
        self.assertEqual(body["number"], "113")
        self.assertTrue(body["withdrawn_at"])

    @override_settings(RATELIMIT_API="1/h")
    def test_the_rate_limit_is_a_429_saying_when_to_come_back(self):
        # Two addresses: a kept copy of the first would answer before the count.
        self.client.get("/api/v1/kommuner/", REMOTE_ADDR="192.0.2.40")
        refused = self.client.get("/api/v1/namnder/", REMOTE_ADDR="192.0.2.40")
        body = self.problem(refused, 429)
        self.assertGreater(int(refused["Retry-After"]), 0)
        self.assertIn("Försök igen om", body["detail"])

    def test_a_fault_is_a_500_problem_and_its_traceback_is_logged(self):
        client = Client(raise_request_exception=False)
        broken = mock.patch.object(
            api.MunicipalityList, "base_queryset", side_effect=RuntimeError("fel")
        )
        with broken, self.assertLogs("django.request", "ERROR") as logged:
            response = client.get("/api/v1/kommuner/")
        self.problem(response, 500)
        self.assertIn("RuntimeError", "\n".join(logged.output))

    def test_a_request_refused_unread_is_a_problem_too(self):
        self.problem(self.client.get("/api/v1/kommuner/a%00b/"), 400)
        precondition = self.client.get(
            "/api/v1/kommuner/", headers={"if-match": '"en-annan-version"'}
        )
        self.assertEqual(self.problem(precondition, 412)["type"], "about:blank")

    def test_every_kind_has_its_own_section_of_the_open_data_page(self):
        anchors = [kind.anchor for kind in KINDS]
        self.assertEqual(len(anchors), len(set(anchors)))
        for kind in KINDS:
            self.assertEqual(kind.type, f"{HOST}/oppna-data/#{kind.anchor}")


# -- The OpenAPI description -------------------------------------------------

COMMON = {"400", "404", "405", "406", "429", "500", "503"}


@override_settings(RATELIMIT_API="", RATELIMIT_SEARCH="")
class DescriptionTests(TestCase):
    @classmethod
    def setUpTestData(cls) -> None:
        call_command("ingest", *map(str, SJOBACKA), stdout=None, stderr=None)

    def setUp(self) -> None:
        response = self.client.get("/api/v1/schema/?format=json")
        self.assertEqual(response.status_code, 200)
        self.schema = json.loads(response.content)

    def operations(self) -> list[tuple[str, dict[str, Any]]]:
        return [
            (path, operation)
            for path, operations in self.schema["paths"].items()
            for operation in operations.values()
        ]

    def test_every_operation_lists_its_problems(self):
        for path, operation in self.operations():
            with self.subTest(path):
                responses = operation["responses"]
                self.assertLessEqual(COMMON, set(responses))
                for status in COMMON:
                    schema = responses[status]["content"][PROBLEM_JSON]["schema"]
                    self.assertEqual(
                        schema["$ref"], "#/components/schemas/ProblemDetails"
                    )
        paragraf = self.schema["paths"][
            "/api/v1/paragrafer/{kommun}/{namnd}/{meeting}/paragraf-{number}/"
        ]["get"]["responses"]["410"]["content"][PROBLEM_JSON]["schema"]
        self.assertEqual(paragraf["$ref"], "#/components/schemas/WithdrawnProblem")

    def test_the_description_passes_the_strict_validator(self):
        validate(self.schema)

    def validator(self, path: str, status: str) -> Any:
        """A strict validator of the response the description gives."""
        content = self.schema["paths"][path]["get"]["responses"][status]["content"]
        [schema] = [media["schema"] for media in content.values()]
        return OAS30StrictValidator({**schema, "components": self.schema["components"]})

    def assert_valid(self, url: str, path: str, status: str = "200") -> None:
        response = self.client.get(url)
        self.assertEqual(str(response.status_code), status, url)
        errors = list(self.validator(path, status).iter_errors(response.json()))
        self.assertEqual(errors, [], url)

    def test_what_the_api_answers_validates_against_the_description(self):
        lists = [p for p in self.schema["paths"] if "{" not in p]
        for path in lists:
            with self.subTest(path):
                self.assert_valid(
                    path + ("?antal=500" if path != "/api/v1/" else ""), path
                )
        # A paragraph of no case (case: null) and one of a case.
        template = "/api/v1/paragrafer/{kommun}/{namnd}/{meeting}/paragraf-{number}/"
        published = Paragraf.objects.published()
        for paragraf in (
            published.filter(arende=None).first(),
            published.exclude(arende=None).first(),
        ):
            assert paragraf is not None
            url = "/api/v1/paragrafer" + paragraf.get_absolute_url()
            with self.subTest(url):
                self.assert_valid(url, template)
        self.assert_valid("/api/v1/kommuner/?antal=0", "/api/v1/kommuner/", "400")
        self.assert_valid(
            "/api/v1/kommuner/ingen/", "/api/v1/kommuner/{kommun}/", "404"
        )
