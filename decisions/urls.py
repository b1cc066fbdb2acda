from django.urls import path

from . import views
from .feeds import SearchFeed

app_name = "decisions"

urlpatterns = [
    path("", views.start, name="start"),
    path("sok/", views.search, name="search"),
    path("sok/feed/", SearchFeed(), name="search_feed"),
    path("<slug:kommun>/", views.municipality, name="municipality"),
    # Before the board's patterns, which would take "arende" for a board.
    path("<slug:kommun>/arende/<path:dnr>/", views.arende, name="arende"),
    path("<slug:kommun>/remiss/<slug:referral>/", views.referral, name="referral"),
    path("<slug:kommun>/parti/<str:party>/", views.party, name="party"),
    path("<slug:kommun>/person/<slug:person>/", views.person, name="person"),
    path("<slug:kommun>/<slug:namnd>/", views.namnd, name="namnd"),
    path("<slug:kommun>/<slug:namnd>/<slug:meeting>/", views.meeting, name="meeting"),
    path(
        "<slug:kommun>/<slug:namnd>/<slug:meeting>/paragraf-<slug:number>/",
        views.paragraf,
        name="paragraf",
    ),
]
