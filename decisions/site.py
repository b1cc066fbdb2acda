"""The archive's own address: every absolute address it writes (canonical
links, citations, JSON-LD, feed and entry ids, API ids, sitemaps, the
download) is SITE_URL followed by a path, never the Host a request came by.

A request may arrive by any of ALLOWED_HOSTS (a second domain, an address
inside the hosting network, a proxy that forwards its own name). What a
reader is told to cite must not depend on that, and a kept page
(decisions.caching files pages by path, not by host) must be right for every
host that asks for it.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings


def absolute(path: str) -> str:
    """The absolute address of a path of this archive ("/sok/" →
    "https://oppnabeslut.example/sok/")."""
    return settings.SITE_URL + path


def domain() -> str:
    """SITE_URL's host and port, as Django's sitemaps name a site."""
    return urlsplit(settings.SITE_URL).netloc


def protocol() -> str:
    return urlsplit(settings.SITE_URL).scheme
