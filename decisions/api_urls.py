"""/api/v1/: the JSON API (decisions/api.py), its OpenAPI description and
its browsable page. Outside the language prefixes: data has one address."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import api

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
    path("arenden/<slug:kommun>/<path:dnr>/", api.ArendeDetail.as_view(), name="case"),
    path("reservationer/", api.ReservationList.as_view(), name="reservations"),
    path("ledamoter/", api.MemberList.as_view(), name="members"),
    path(
        "ledamoter/<slug:kommun>/<slug:person>/",
        api.MemberDetail.as_view(),
        name="member",
    ),
    path("partier/", api.PartyList.as_view(), name="parties"),
]
