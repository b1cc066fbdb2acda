"""Hostile files and bodies cannot hurt the server: a zip bomb is refused from
its archive's directory, a reader that runs away is stopped in its child
process with a message naming the file, and a body too large for its address
is refused before anything reads it."""

from __future__ import annotations

import io
import resource
import socket
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from tempfile import TemporaryDirectory

import pypdfium2
from django.conf import settings
from django.core.management import call_command
from django.test import (
    LiveServerTestCase,
    SimpleTestCase,
    TestCase,
    override_settings,
)

from decisions import sandbox
from decisions.extract import ExtractError, extract
from decisions.models import Meeting, Upload
from decisions.parser import ParseError, parse_protocol
from tests.documents import make_docx
from tests.factories import SAMPLES
from tests.test_publishing import ADD, SOCIAL, ClerkSetup, change_url

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
from generate import paragrafer_for_pages, protocol_text  # noqa: E402

MIB = 1024 * 1024
W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
BODY_START = b'<?xml version="1.0"?><w:document ' + W + b"><w:body>"
BODY_END = b"</w:body></w:document>"
# One run of one letter: 23 bytes that Word would write for "x".
RUN = b"<w:r><w:t>x</w:t></w:r>"


def docx_with(document: Callable[[io.BufferedIOBase], None]) -> bytes:
    """A real Word document (python-docx) whose word/document.xml is what
    `document` writes, streamed: nothing of its size is held in memory."""
    model = zipfile.ZipFile(io.BytesIO(make_docx("Protokoll\n§ 1 Val")))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as docx:
        for info in model.infolist():
            if info.filename != "word/document.xml":
                docx.writestr(info, model.read(info))
        with docx.open("word/document.xml", "w", force_zip64=True) as entry:
            document(entry)
    return out.getvalue()


def docx_bomb(runs: int = 10_000_000) -> bytes:
    """The bomb of the finding: one paragraph of ten million one-letter runs,
    230 MB of XML (under the old 256 MB cap) packed into 580 KiB. The old
    reader built every run as an element: 65 s and 2.3 GB, then a 10 MB line
    of x's."""

    def write(entry: io.BufferedIOBase) -> None:
        entry.write(BODY_START + b"<w:p>")
        chunk = RUN * 10_000
        for _ in range(runs // 10_000):
            entry.write(chunk)
        entry.write(b"</w:p>" + BODY_END)

    return docx_with(write)


def long_protocol(pages: int = 20_000) -> bytes:
    """A well-formed protocol of 20,000 pages: some 6 s of parsing."""
    return protocol_text(paragrafer_for_pages(pages), seed=7).encode()


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class ZipBombTests(SimpleTestCase):
    def test_a_zip_bomb_is_refused_from_its_directory(self):
        with self.assertRaises(ExtractError) as caught:
            extract(docx_bomb(), name="protokoll.docx")
        self.assertEqual(
            caught.exception.message,
            "packad fil som växer till 219,3 MB (kvot 412:1) "
            "(word/document.xml); inte ett protokoll",
        )

    def test_small_parts_that_add_up_to_a_bomb_are_refused(self):
        data = io.BytesIO(make_docx("Protokoll\n§ 1 Val"))
        with zipfile.ZipFile(data, "a", zipfile.ZIP_DEFLATED) as docx:
            for number in range(260):
                docx.writestr(f"customXml/part{number}.xml", b" " * MIB)
        with self.assertRaises(ExtractError) as caught:
            extract(data.getvalue(), name="protokoll.docx")
        self.assertRegex(
            caught.exception.message,
            r"^packad fil som växer till 260,\d MB \(kvot \d+:1\); inte ett protokoll$",
        )

    def test_an_archive_of_thousands_of_entries_is_refused(self):
        data = io.BytesIO(make_docx("Protokoll\n§ 1 Val"))
        with zipfile.ZipFile(data, "a") as docx:
            for number in range(5_000):
                docx.writestr(f"customXml/many{number}.xml", b"")
        with self.assertRaisesMessage(ExtractError, "delar (högst 5\xa0000)"):
            extract(data.getvalue(), name="protokoll.docx")

    def test_an_archive_inside_is_refused_outside_word_embeddings(self):
        for name, refused in (
            ("word/media/bomb.zip", True),
            ("word/embeddings/Microsoft_Excel_Worksheet.xlsx", False),
        ):
            with self.subTest(name=name):
                data = io.BytesIO(make_docx("Protokoll\n§ 1 Val"))
                with zipfile.ZipFile(data, "a") as docx:
                    docx.writestr(name, b"PK\x03\x04")
                if refused:
                    with self.assertRaisesMessage(ExtractError, "ett arkiv i sig"):
                        extract(data.getvalue(), name="protokoll.docx")
                else:
                    self.assertIn("§ 1 Val", extract(data.getvalue(), name="p").text)

    def test_elements_nested_past_any_document_are_refused(self):
        # Word nests content controls; 20,000 of them exhausted the old
        # reader's recursion, and it blamed a damaged file.
        depth = 20_000

        def write(entry: io.BufferedIOBase) -> None:
            entry.write(BODY_START + b"<w:sdt><w:sdtContent>" * depth)
            entry.write(b"<w:p>" + RUN + b"</w:p>")
            entry.write(b"</w:sdtContent></w:sdt>" * depth + BODY_END)

        with self.assertRaisesMessage(ExtractError, "mer än 100 nivåer"):
            extract(docx_with(write), name="protokoll.docx")

    def test_entities_are_never_expanded(self):
        laughs = b"".join(
            b'<!ENTITY l%d "&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;&l%d;">'
            % ((n,) + (n - 1,) * 10)
            for n in range(1, 10)
        )

        def write(entry: io.BufferedIOBase) -> None:
            entry.write(
                b'<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY l0 "ha">'
                + laughs
                + b"]><w:document "
                + W
                + b"><w:body><w:p><w:r><w:t>&l9;</w:t></w:r></w:p>"
                + BODY_END
            )

        with self.assertRaisesMessage(ExtractError, "en DTD eller entiteter"):
            extract(docx_with(write), name="protokoll.docx")

    def test_a_pdf_of_absurdly_many_pages_is_refused_once_open(self):
        pdf = pypdfium2.PdfDocument.new()
        for _ in range(10_001):
            pdf.new_page(100, 100)
        data = io.BytesIO()
        pdf.save(data)
        with self.assertRaisesMessage(ExtractError, "PDF:en har 10\xa0001 sidor"):
            extract(data.getvalue(), name="protokoll.pdf")


class SandboxTests(SimpleTestCase):
    def test_the_sandbox_reads_as_the_readers_do(self):
        data = SOCIAL.read_bytes()
        extracted, protocol = sandbox.read(data, name=SOCIAL.name)
        self.assertEqual(extracted, extract(data, name=SOCIAL.name))
        self.assertEqual(protocol, parse_protocol(extracted.text, source=SOCIAL.name))
        self.assertEqual(
            sandbox.parse_protocol(extracted.text, source=SOCIAL.name), protocol
        )

    def test_the_sandbox_raises_the_readers_errors(self):
        with self.assertRaises(ExtractError) as caught:
            sandbox.read(b"ok\n\xe5\n", name="latin1.txt")
        self.assertEqual(caught.exception.line, 2)
        self.assertIn("inte giltig UTF-8", caught.exception.message)
        with self.assertRaises(ParseError):
            sandbox.parse_protocol("", source="tom.txt")

    @override_settings(PARSE_SECONDS=1)
    def test_a_reader_that_runs_past_its_time_is_stopped(self):
        with self.assertRaises(sandbox.LimitError) as caught:
            sandbox.parse_protocol(long_protocol().decode(), source="lang.txt")
        self.assertIn("tog för lång tid (mer än 1 s)", str(caught.exception))

    @override_settings(PARSE_MEMORY_MB=100)
    def test_a_reader_that_needs_too_much_memory_is_stopped(self):
        with self.assertRaises(sandbox.LimitError) as caught:
            sandbox.read(long_protocol(), name="lang.txt")
        self.assertIn("krävde för mycket minne (mer än 100 MB)", str(caught.exception))


class HostileUploadTests(ClerkSetup, TestCase):
    def setUp(self) -> None:
        self.client.force_login(self.anna)

    def assertNothingKept(self) -> None:
        self.assertFalse(Upload.objects.exists())
        self.assertEqual(list(Path(settings.MEDIA_ROOT).rglob("*.docx")), [])

    def test_a_zip_bomb_gets_a_form_error_naming_the_file(self):
        bomb = docx_bomb()
        before = peak_rss_mb()
        response = self.upload(bomb, name="protokoll.docx")
        self.assertEqual(response.status_code, 200)
        self.assertContains(
            response,
            "protokoll.docx: packad fil som växer till 219,3 MB (kvot 412:1)",
        )
        # The old reader took this process to 2.3 GB.
        self.assertLess(peak_rss_mb() - before, 100)
        self.assertNothingKept()

    @override_settings(PARSE_SECONDS=1)
    def test_a_file_that_takes_too_long_gets_a_form_error_and_the_worker_lives(self):
        response = self.upload(long_protocol(), name="lang.txt")
        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "lang.txt: läsningen tog för lång tid")
        self.assertNothingKept()
        # The same process serves the next upload.
        response = self.upload()
        self.assertRedirects(response, change_url(self.draft()))


class IngestHostileFileTests(TestCase):
    def test_the_command_reports_a_bomb_and_goes_on_with_the_next_file(self):
        with TemporaryDirectory() as folder:
            bomb = Path(folder) / "a-bomb.docx"
            bomb.write_bytes(docx_bomb())
            good = Path(folder) / "b-protokoll.txt"
            good.write_bytes((SAMPLES / "2024-03-11_kommunstyrelsen.txt").read_bytes())
            out, err = io.StringIO(), io.StringIO()
            with self.assertRaises(SystemExit):
                call_command("ingest", folder, stdout=out, stderr=err)
        self.assertIn(
            f"{bomb}: packad fil som växer till 219,3 MB (kvot 412:1)", err.getvalue()
        )
        self.assertEqual(Meeting.objects.get().source_name, good.name)
        self.assertIn("1 created, 1 rejected", out.getvalue())


class Unreadable(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def read(self, *args: object) -> bytes:
        raise AssertionError("the body was read")

    readline = readinto = read  # type: ignore[assignment]


class RequestBodyLimitTests(TestCase):
    def test_an_oversized_post_is_refused_before_its_body_is_read(self):
        for url in (
            "/",
            "/sok/",
            "/api/v1/paragrafer/",
            "/admin/login/",
            ADD,
        ):
            with self.subTest(url=url):
                response = self.client.generic(
                    "POST",
                    url,
                    **{
                        "wsgi.input": Unreadable(),
                        "CONTENT_LENGTH": str(300 * MIB),
                        "CONTENT_TYPE": "multipart/form-data; boundary=x",
                    },
                )
                self.assertEqual(response.status_code, 413)
                self.assertIn("Förfrågan är för stor (300,0\xa0MB)", response.text)

    def test_a_content_length_that_is_no_number_is_refused(self):
        for given in ("12x", "-1", "\N{SUPERSCRIPT TWO}"):
            with self.subTest(given=given):
                response = self.client.generic(
                    "POST", "/", **{"wsgi.input": Unreadable(), "CONTENT_LENGTH": given}
                )
                self.assertEqual(response.status_code, 400)

    def test_only_the_upload_takes_a_protocols_size(self):
        size = 10 * MIB
        for url, status in (("/admin/login/", 413), (ADD, 302)):
            with self.subTest(url=url):
                response = self.client.generic(
                    "POST",
                    url,
                    data=b"x" * size,
                    content_type="application/octet-stream",
                )
                # The upload's address reads it (and sends the anonymous
                # caller to log in); every other address refuses it.
                self.assertEqual(response.status_code, status)


class RawRequestBodyLimitTests(LiveServerTestCase):
    """Over a socket, as a client that sends the headers and waits."""

    def send(self, headers: str, body: bytes = b"") -> tuple[socket.socket, bytes]:
        host, port = self.live_server_url.removeprefix("http://").split(":")
        client = socket.create_connection((host, int(port)), timeout=10)
        client.sendall(headers.encode() + body)
        answer = b""
        while b"\r\n\r\n" not in answer:
            chunk = client.recv(65536)
            if not chunk:
                break
            answer += chunk
        return client, answer

    def test_a_post_of_300_mib_is_refused_after_its_headers_alone(self):
        for path in ("/", "/admin/login/"):
            with self.subTest(path=path):
                client, answer = self.send(
                    f"POST {path} HTTP/1.1\r\nHost: localhost\r\n"
                    "Content-Type: multipart/form-data; boundary=x\r\n"
                    f"Content-Length: {300 * MIB}\r\n\r\n"
                )
                client.close()
                self.assertTrue(answer.startswith(b"HTTP/1.1 413"), answer[:100])

    def test_a_chunked_post_is_cut_off(self):
        client, answer = self.send(
            "POST / HTTP/1.1\r\nHost: localhost\r\n"
            "Content-Type: application/octet-stream\r\n"
            "Transfer-Encoding: chunked\r\n\r\n",
            b"100000\r\n" + b"x" * MIB + b"\r\n",
        )
        self.assertTrue(answer.startswith(b"HTTP/1.1 411"), answer[:100])
        # The server closed the connection: the other 299 MiB go nowhere.
        sent = MIB
        with self.assertRaises(OSError):
            while sent < 300 * MIB:
                client.sendall(b"100000\r\n" + b"x" * MIB + b"\r\n")
                sent += MIB
        client.close()
        self.assertLess(sent, 300 * MIB)
