from django.urls import path

from . import alert_views, views
from .feeds import (
    ArendeFeed,
    MunicipalityFeed,
    NamndFeed,
    PartyFeed,
    PersonFeed,
    SearchFeed,
    SiteFeed,
)

app_name = "decisions"

urlpatterns = [
    path("", views.start, name="start"),
    path("sok/", views.search, name="search"),
    path("sok/feed/", SearchFeed(), name="search_feed"),
    path("oppna-data/", views.open_data, name="open_data"),
    # An alert's signed links (decisions/alert_views.py).
    path(
        "bevaka/bekrafta/<str:token>/", alert_views.alert_confirm, name="alert_confirm"
    ),
    path("bevaka/avsluta/<str:token>/", alert_views.alert_end, name="alert_end"),
    path("ordlista/", views.glossary, name="glossary"),
    # Before the municipality's pattern, which would take "feed" for one.
    path("feed/", SiteFeed(), name="site_feed"),
    path("<slug:kommun>/", views.municipality, name="municipality"),
    # Each page that lists paragraphs has their Atom feed at its address + feed/.
    path(
        "<slug:kommun>/feed/",
        views.follows_old_names(MunicipalityFeed()),
        name="municipality_feed",
    ),
    # The indexes: before the board's pattern, which would take them for boards.
    path("<slug:kommun>/parti/", views.parties, name="parties"),
    path("<slug:kommun>/person/", views.people, name="people"),
    path("<slug:kommun>/arende/", views.arenden, name="arenden"),
    path("<slug:kommun>/remiss/", views.referrals, name="referrals"),
    # Before the board's patterns, which would take "arende" for a board.
    # A dnr may hold slashes: its feed is a separate prefix, not a suffix.
    path(
        "<slug:kommun>/arende-feed/<path:dnr>/",
        views.follows_old_names(ArendeFeed()),
        name="arende_feed",
    ),
    path("<slug:kommun>/arende/<path:dnr>/", views.arende, name="arende"),
    path("<slug:kommun>/remiss/<slug:referral>/", views.referral, name="referral"),
    path("<slug:kommun>/parti/<str:party>/", views.party, name="party"),
    path(
        "<slug:kommun>/parti/<str:party>/feed/",
        views.follows_old_names(PartyFeed()),
        name="party_feed",
    ),
    path("<slug:kommun>/person/<slug:person>/", views.person, name="person"),
    path(
        "<slug:kommun>/person/<slug:person>/feed/",
        views.follows_old_names(PersonFeed()),
        name="person_feed",
    ),
    path("<slug:kommun>/<slug:namnd>/", views.namnd, name="namnd"),
    path(
        "<slug:kommun>/<slug:namnd>/feed/",
        views.follows_old_names(NamndFeed()),
        name="namnd_feed",
    ),
    path("<slug:kommun>/<slug:namnd>/<slug:meeting>/", views.meeting, name="meeting"),
    path(
        "<slug:kommun>/<slug:namnd>/<slug:meeting>/protokoll/",
        views.meeting_download,
        name="meeting_download",
    ),
    path(
        "<slug:kommun>/<slug:namnd>/<slug:meeting>/paragraf-<slug:number>/",
        views.paragraf,
        name="paragraf",
    ),
    # An earlier version of a corrected paragraph (decisions.services.versions).
    path(
        "<slug:kommun>/<slug:namnd>/<slug:meeting>/paragraf-<slug:number>/"
        "version-<int:version>/",
        views.paragraf_version,
        name="paragraf_version",
    ),
]
