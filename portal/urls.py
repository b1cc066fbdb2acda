from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps import views as sitemaps
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.cache import patch_cache_control

from decisions import views
from decisions.sitemaps import SITEMAPS
from decisions.sitemaps import index as sitemap_index

from . import health

# A database out of reach is a 503 (portal/outage.py), anything else the 500.
handler500 = "portal.outage.server_error"
# Under /api/ a problem (RFC 9457, decisions/problems.py), elsewhere the page.
handler400 = "decisions.problems.bad_request"
handler403 = "decisions.problems.permission_denied"
handler404 = "decisions.problems.page_not_found"


def favicon(request: HttpRequest) -> HttpResponse:
    """Browsers ask for /favicon.ico whatever a page's <link rel="icon"> says
    (and for a feed or a file, which say nothing): send them to the icon."""
    response = HttpResponseRedirect(static("favicon.svg"))
    # Not permanent: the static address carries the file's hash.
    patch_cache_control(response, public=True, max_age=24 * 3600)
    return response


urlpatterns = [
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    path("admin/", admin.site.urls),
    path("robots.txt", views.robots_txt, name="robots_txt"),
    path("favicon.ico", favicon, name="favicon"),
    path(
        "sitemap.xml",
        sitemap_index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap_section"},
        name="sitemap_index",
    ),
    path(
        "sitemap-<section>.xml",
        sitemaps.sitemap,
        {"sitemaps": SITEMAPS},
        name="sitemap_section",
    ),
    path("api/v1/", include("decisions.api_urls")),
    # The archive download: data, the same in every language.
    path(
        "oppna-data/<str:name>",
        views.open_data_file,
        name="open_data_file",
    ),
    # Swedish without a prefix (the permanent addresses), English under /en/.
    *i18n_patterns(path("", include("decisions.urls")), prefix_default_language=False),
]
