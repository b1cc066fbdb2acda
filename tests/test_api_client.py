"""The OpenAPI description as a stranger's tooling reads it: a client
generated from it by openapi-python-client reads every list and every kind
of detail of the live API with its own models, nothing left unread or
unknown, and reads the API's problems as its ProblemDetails."""

from __future__ import annotations

import importlib
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlsplit

import attrs
import httpx
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from openapi_python_client.strings import snake_case

from decisions.models import Paragraf
from decisions.services.withdrawal import paragraf_withdraw
from tests.factories import SJOBACKA

PACKAGE = "oppna_beslut_client"
# Members the description gives as optional: a problem's `errors` comes with
# bad parameters only.
OPTIONAL = {"errors"}
# Post-hooks off: the generator would format its code with ruff.
CONFIG = "post_hooks: []\n"


@pytest.fixture
def archive(transactional_db: None) -> Iterator[None]:
    call_command("ingest", *map(str, SJOBACKA), stdout=None, stderr=None)
    yield
    # The withdrawal below queues the download's rebuild, in procrastinate's
    # tables, which a transactional test's flush leaves (they are unmanaged):
    # a later test would find the rebuild pending.
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM procrastinate_jobs")


@pytest.fixture
def generated(tmp_path: Path) -> Any:
    """A function that generates the client from a description and imports
    it; the package is forgotten again afterwards."""

    def generate(schema: dict[str, Any]) -> ModuleType:
        (tmp_path / "schema.json").write_text(json.dumps(schema))
        (tmp_path / "config.yaml").write_text(CONFIG)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "openapi_python_client",
                "generate",
                "--path",
                str(tmp_path / "schema.json"),
                "--output-path",
                str(tmp_path / PACKAGE),
                "--meta",
                "none",
                "--config",
                str(tmp_path / "config.yaml"),
                "--fail-on-warning",
            ],
            check=True,
            capture_output=True,
            text=True,
        )
        sys.path.insert(0, str(tmp_path))
        return importlib.import_module(PACKAGE)

    yield generate
    if str(tmp_path) in sys.path:
        sys.path.remove(str(tmp_path))
    for name in [n for n in sys.modules if n.split(".")[0] == PACKAGE]:
        del sys.modules[name]


def operation_module(client: ModuleType, operation: dict[str, Any]) -> Any:
    """The generated module of an operation: api/<tag>/<operationId>.py."""
    tag = snake_case(operation["tags"][0]) if operation.get("tags") else "default"
    name = snake_case(operation["operationId"])
    return importlib.import_module(f"{client.__name__}.api.{tag}.{name}")


def assert_read_whole(
    value: Any, unset: type, where: str = "", *, sparse: bool = False
) -> None:
    """Every member the API sent read into a field of the model: none left
    to additional_properties (a member the description does not name),
    and unless `sparse` none left UNSET (a member the description names and
    the API did not send; Popolo leaves out what does not apply, as a
    top-level organization's parent_id)."""
    if isinstance(value, list):
        for i, item in enumerate(value):
            assert_read_whole(item, unset, f"{where}[{i}]", sparse=sparse)
    elif attrs.has(type(value)):
        assert not value.additional_properties, (where, value.additional_properties)
        for field in attrs.fields(type(value)):
            if field.name != "additional_properties":
                member = getattr(value, field.name)
                if field.name not in OPTIONAL and not sparse:
                    assert not isinstance(member, unset), f"{where}.{field.name}"
                assert_read_whole(member, unset, f"{where}.{field.name}", sparse=sparse)


def path_parameters(template: str, path: str) -> dict[str, str] | None:
    """The path parameters of path if it is one of template's."""
    pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>.+?)", re.escape(template))
    match = re.fullmatch(pattern, path)
    return match.groupdict() if match else None


def test_a_generated_client_reads_every_list_and_every_detail(
    live_server: Any, archive: None, settings: Any, generated: Any
) -> None:
    settings.SITE_URL = live_server.url
    settings.RATELIMIT_API = ""
    schema = httpx.get(live_server.url + "/api/v1/schema/?format=json").json()
    client_package = generated(schema)
    unset = importlib.import_module(f"{PACKAGE}.types").Unset
    models = importlib.import_module(f"{PACKAGE}.models")
    client = client_package.Client(
        base_url=live_server.url, raise_on_unexpected_status=True
    )

    operations = {path: ops["get"] for path, ops in schema["paths"].items()}
    lists = [path for path in operations if "{" not in path and path != "/api/v1/"]
    details_read = set()
    for path in lists:
        operation = operation_module(client_package, operations[path])
        given = {p["name"] for p in operations[path].get("parameters", [])}
        response = operation.sync_detailed(
            client=client, **({"antal": 500} if "antal" in given else {})
        )
        assert response.status_code == 200, (path, response.content[:300])
        assert_read_whole(response.parsed, unset, path)
        rows = getattr(response.parsed, "results", response.parsed)
        assert rows, path
        # Its detail, reached as the README says: the list's address and the
        # page's path (a 301 on for a case and a person).
        templates = [p for p in operations if p.startswith(path) and "{" in p]
        if not templates:
            continue
        row = rows[0]
        followed = httpx.get(
            live_server.url + path.rstrip("/") + urlsplit(row.id).path,
            follow_redirects=True,
        )
        assert followed.status_code == 200, (path, row.id)
        [(template, parameters)] = [
            (t, found)
            for t in templates
            if (found := path_parameters(t, followed.url.path)) is not None
        ]
        detail = operation_module(client_package, operations[template])
        response = detail.sync_detailed(client=client, **parameters)
        assert response.status_code == 200, (template, response.content[:300])
        assert_read_whole(response.parsed, unset, template)
        assert response.parsed.id == row.id
        details_read.add(template)
    # A municipality's Popolo document, reached from the municipalities'
    # list by its slug (it is no list's detail).
    popolo = "/api/v1/popolo/{kommun}.json"
    kommun = urlsplit(
        operation_module(client_package, operations["/api/v1/kommuner/"])
        .sync_detailed(client=client)
        .parsed.results[0]
        .id
    ).path.strip("/")
    response = operation_module(client_package, operations[popolo]).sync_detailed(
        client=client, kommun=kommun
    )
    assert response.status_code == 200, response.content[:300]
    assert_read_whole(response.parsed, unset, popolo, sparse=True)
    details_read.add(popolo)
    # Every kind of detail the description has was reached.
    assert details_read == {p for p in operations if "{" in p}
    assert len(details_read) >= 6

    # A refusal reads as the problem it is.
    kommuner = operation_module(client_package, operations["/api/v1/kommuner/"])
    refused = kommuner.sync_detailed(client=client, antal=0)
    assert refused.status_code == 400
    assert isinstance(refused.parsed, models.ProblemDetails)
    assert [e.parameter for e in refused.parsed.errors] == ["antal"]
    kommun = operation_module(client_package, operations["/api/v1/kommuner/{kommun}/"])
    missing = kommun.sync_detailed(client=client, kommun="ingen-sadan")
    assert missing.status_code == 404
    assert isinstance(missing.parsed, models.ProblemDetails)
    assert missing.parsed.instance == "/api/v1/kommuner/ingen-sadan/"

    # A withdrawn paragraph's 410, with when and why.
    paragraf = Paragraf.objects.published().order_by("pk").first()
    assert paragraf is not None
    paragraf_withdraw(
        paragrafer=Paragraf.objects.filter(pk=paragraf.pk),
        reason="Publicerad av misstag",
        user=get_user_model().objects.create_user("registrator"),
    )
    template = next(p for p in operations if p.startswith("/api/v1/paragrafer/{"))
    parameters = path_parameters(
        template, "/api/v1/paragrafer" + paragraf.get_absolute_url()
    )
    assert parameters is not None
    paragrafer = operation_module(client_package, operations[template])
    gone = paragrafer.sync_detailed(client=client, **parameters)
    assert gone.status_code == 410
    assert isinstance(gone.parsed, models.WithdrawnProblem)
    assert gone.parsed.withdrawal_reason == "Publicerad av misstag"
    assert_read_whole(gone.parsed, unset, "410")
