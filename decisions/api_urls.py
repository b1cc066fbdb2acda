"""/api/v1/: the JSON API (decisions/api.py), its OpenAPI description and
its browsable page. Outside the language prefixes: data has one address."""

from django.urls import path
from django.views.generic import RedirectView
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import api, api_popolo

app_name = "api"

MEETING = "<slug:kommun>/<slug:namnd>/<slug:meeting>/"

urlpatterns = [
    path("", api.ApiIndex.as_view(), name="index"),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path(
        "docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"
    ),
    path("kommuner/", api.MunicipalityList.as_view(), name="municipalities"),
    path(
        "kommuner/<slug:kommun>/", api.MunicipalityDetail.as_view(), name="municipality"
    ),
    path("namnder/", api.NamndList.as_view(), name="namnder"),
    path(
        "namnder/<slug:kommun>/<slug:namnd>/", api.NamndDetail.as_view(), name="namnd"
    ),
    path("sammantraden/", api.MeetingList.as_view(), name="meetings"),
    path("sammantraden/" + MEETING, api.MeetingDetail.as_view(), name="meeting"),
    path("paragrafer/", api.ParagrafList.as_view(), name="paragrafer"),
    path(
        "paragrafer/" + MEETING + "paragraf-<slug:number>/",
        api.ParagrafDetail.as_view(),
        name="paragraf",
    ),
    path("arenden/", api.ArendeList.as_view(), name="cases"),
    # A detail's address is the list's plus the page's path, as the README
    # says: for a case and a person the page's path names its kind too
    # ("/sjobacka-kommun/arende/KS 2024/112/"), which these lead on from.
    # Before the case's own pattern, whose dnr would take "arende/...".
    path(
        "arenden/<slug:kommun>/arende/<path:dnr>/",
        RedirectView.as_view(pattern_name="api:case", permanent=True),
        name="case_by_page",
    ),
    path(
        "ledamoter/<slug:kommun>/person/<slug:person>/",
        RedirectView.as_view(pattern_name="api:member", permanent=True),
        name="member_by_page",
    ),
    path("arenden/<slug:kommun>/<path:dnr>/", api.ArendeDetail.as_view(), name="case"),
    path("reservationer/", api.ReservationList.as_view(), name="reservations"),
    path("ledamoter/", api.MemberList.as_view(), name="members"),
    path(
        "ledamoter/<slug:kommun>/<slug:person>/",
        api.MemberDetail.as_view(),
        name="member",
    ),
    path("partier/", api.PartyList.as_view(), name="parties"),
    path("narvaro/", api.AttendanceList.as_view(), name="attendance"),
    path("popolo/<slug:kommun>.json", api_popolo.PopoloDetail.as_view(), name="popolo"),
]
