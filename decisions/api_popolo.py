"""/api/v1/popolo/<kommun>.json: a municipality as one Popolo document
(decisions.popolo builds it; the download writes the same beside the
archive). The serializers here only describe its shape for OpenAPI."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from . import popolo
from .api import KOMMUN, FollowsOldNames, found
from .models import Municipality


class PopoloLink(serializers.Serializer):
    url = serializers.URLField()
    note = serializers.CharField()


class PopoloOtherName(serializers.Serializer):
    name = serializers.CharField()
    note = serializers.CharField(required=False)
    start_date = serializers.DateField(required=False)
    end_date = serializers.DateField(required=False)


class PopoloIdentifier(serializers.Serializer):
    identifier = serializers.CharField()
    scheme = serializers.CharField()


class PopoloOrganization(serializers.Serializer):
    id = serializers.CharField(help_text="ocd-organization/<uuid>, fast vid namnbyten")
    name = serializers.CharField(help_text="Namnet i dag")
    classification = serializers.ChoiceField(choices=["municipality", "board", "party"])
    parent_id = serializers.CharField(
        required=False, help_text="Kommunens id (för nämnder)"
    )
    other_names = PopoloOtherName(many=True, help_text="Tidigare namn med sina datum")
    sources = PopoloLink(many=True, help_text="Sidan i Öppna beslut")


class PopoloPerson(serializers.Serializer):
    id = serializers.CharField(help_text="ocd-person/<uuid>")
    name = serializers.CharField()
    sources = PopoloLink(many=True)


class PopoloMembership(serializers.Serializer):
    id = serializers.CharField(help_text="ocd-membership/<uuid>")
    person_id = serializers.CharField()
    organization_id = serializers.CharField(help_text="En nämnd eller ett parti")
    # Popolo's key; DRF's metaclass takes it off the class as a field, so
    # Field.label, which the stubs see, is never shadowed.
    label = serializers.CharField(  # type: ignore[assignment]
        required=False, help_text="Närvarande som (Beslutande, Ersättare ...)"
    )
    role = serializers.CharField(required=False, help_text="Till exempel ordförande")
    on_behalf_of_id = serializers.CharField(required=False, help_text="Partiets id")
    start_date = serializers.DateField(
        required=False, help_text="Första sammanträdet personen närvarade vid så"
    )
    end_date = serializers.DateField(
        required=False, help_text="Sista sammanträdet personen närvarade vid så"
    )
    sources = PopoloLink(many=True)


class PopoloAttendee(serializers.Serializer):
    id = serializers.CharField()
    name = serializers.CharField()


class PopoloEvent(serializers.Serializer):
    id = serializers.CharField(help_text="ocd-event/<uuid>")
    name = serializers.CharField()
    classification = serializers.CharField()
    start_date = serializers.DateField(allow_null=True)
    organization_id = serializers.CharField()
    location = serializers.CharField(required=False)
    identifiers = PopoloIdentifier(many=True, required=False)
    attendees = PopoloAttendee(many=True)
    sources = PopoloLink(many=True)


class PopoloContext(serializers.Serializer):
    organization_id = serializers.CharField(help_text="Nämndens id")
    legislative_session_id = serializers.CharField(help_text="Sammanträdets id")
    # The JSON key the rest of the API gives a paragraf's address.
    paragraph = serializers.URLField(help_text="Paragrafens fasta adress")
    sources = PopoloLink(many=True)


class PopoloMotion(PopoloContext):
    id = serializers.CharField(help_text="ocd-motion/<uuid>")
    text = serializers.CharField()
    creator_id = serializers.CharField(
        required=False, help_text="Den första ledamoten bakom yrkandet"
    )


class PopoloCount(serializers.Serializer):
    option = serializers.ChoiceField(choices=["yes", "no", "abstain"])
    value = serializers.IntegerField()


class PopoloVote(serializers.Serializer):
    voter_id = serializers.CharField()
    option = serializers.ChoiceField(choices=["yes", "no", "abstain"])
    group_id = serializers.CharField(required=False, help_text="Partiets id")


class PopoloVoteEvent(PopoloContext):
    id = serializers.CharField(help_text="ocd-vote/<uuid>")
    counts = PopoloCount(many=True)
    votes = PopoloVote(many=True)


class PopoloSerializer(serializers.Serializer):
    organizations = PopoloOrganization(many=True)
    persons = PopoloPerson(many=True)
    memberships = PopoloMembership(many=True)
    events = PopoloEvent(many=True)
    motions = PopoloMotion(many=True)
    vote_events = PopoloVoteEvent(many=True)


class PopoloDetail(FollowsOldNames, generics.GenericAPIView):
    """One document, however many people and meetings: no pages (the
    download holds the same, decisions.services.dump)."""

    serializer_class = PopoloSerializer
    pagination_class = None

    @extend_schema(
        operation_id="popolo_retrieve",
        parameters=[
            OpenApiParameter("kommun", str, OpenApiParameter.PATH, description=KOMMUN)
        ],
        summary="En kommun som Popolo-data",
        description=(
            "Kommunen, dess nämnder och partier (organizations), personerna "
            "(persons), deras platser i nämnderna enligt närvarolistorna och deras "
            "partier (memberships), sammanträdena med närvarande (events) och de "
            "publicerade paragrafernas yrkanden (motions) och voteringar "
            "(vote_events), i Popolos format (popoloproject.com). Id:na är "
            "OCD-id:n (ocd-organization/<uuid> ...) som inte ändras när en nämnd "
            "eller kommunen byter namn; varje objekts sida står i sources. "
            "Sekretessbelagda och återkallade paragrafer finns inte med. Samma "
            "dokument finns i arkivfilen (popolo-<kommun>.json i manifestet)."
        ),
        responses={
            200: PopoloSerializer,
            301: OpenApiResponse(description="Kommunen har bytt namn: dess nya adress"),
        },
    )
    def get(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        municipality = found(
            Municipality.objects.all(),
            "Ingen kommun med den adressen.",
            slug=kwargs["kommun"],
        )
        return Response(popolo.document(municipality, settings.SITE_URL))
