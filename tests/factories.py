"""factory_boy factories for the catalogue (and, later, matching)."""

from __future__ import annotations

import datetime

import factory
from django.utils.text import slugify

from programs.models import (
    Accreditation,
    Condition,
    Insurance,
    Language,
    Location,
    Modality,
    Population,
    Program,
    State,
    WeeklySession,
)
from programs.services import program_search_refresh


def _add_terms(model: type, relation: str):
    """A post-generation hook: ``ProgramFactory(conditions=["depression"])`` links by slug."""

    def hook(obj, create, extracted, **kwargs):
        if not create or not extracted:
            return
        terms = [model.objects.get(slug=t) if isinstance(t, str) else t for t in extracted]
        getattr(obj, relation).set(terms)

    return factory.PostGeneration(hook)


class SearchRefreshingFactory(factory.django.DjangoModelFactory):
    """Keeps the search table in step, as every write path in the application does."""

    class Meta:
        abstract = True

    @classmethod
    def _after_postgeneration(cls, instance, create, results=None):
        super()._after_postgeneration(instance, create, results)
        if create:
            program_id = instance.pk if isinstance(instance, Program) else instance.program_id
            program_search_refresh(program_ids=[program_id])


class ProgramFactory(SearchRefreshingFactory):
    class Meta:
        model = Program
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Harbor Light IOP {n}")
    slug = factory.LazyAttribute(lambda o: slugify(o.name))
    organization = "Harbor Light Behavioral Health"
    description = "Group and individual therapy for adults, three evenings a week."
    status = Program.Status.PUBLISHED
    accepting_new_patients = True
    phone = "(555) 010-2000"
    intake_phone = "(555) 010-2001"
    website = "https://example.org/iop"
    days_per_week = 3
    hours_per_day = 3
    hours_per_week = 9
    length_weeks_min = 8
    length_weeks_max = 12
    delivery = Program.Delivery.IN_PERSON
    min_age = 18
    max_age = None
    source = Program.Source.MANUAL
    last_verified_on = factory.LazyFunction(lambda: datetime.date(2026, 10, 1))

    conditions = _add_terms(Condition, "conditions")
    modalities = _add_terms(Modality, "modalities")
    insurance = _add_terms(Insurance, "insurance")
    populations = _add_terms(Population, "populations")
    languages = _add_terms(Language, "languages")
    accreditations = _add_terms(Accreditation, "accreditations")

    @factory.post_generation
    def licensed_states(obj, create, extracted, **kwargs):
        if create and extracted:
            obj.licensed_states.set(State.objects.filter(code__in=extracted))


def program_listing_everything(**fields: object) -> Program:
    """A programme linked to every term of every vocabulary and licensed in every state:
    the most a page or an answer can list (for "costs as much whatever it lists" tests)."""
    from programs.models import VOCABULARY_RELATIONS
    from programs.states import STATES

    terms = {
        relation: list(model.objects.values_list("slug", flat=True))
        for relation, model in VOCABULARY_RELATIONS.items()
    }
    return ProgramFactory(
        **{"name": "Everything IOP", "licensed_states": list(STATES), **terms, **fields}
    )


class LocationFactory(SearchRefreshingFactory):
    """Defaults to a real place: Manhattan, NY 10001."""

    class Meta:
        model = Location

    program = factory.SubFactory(ProgramFactory)
    address_line1 = "350 Fifth Avenue"
    city = "New York"
    state = "NY"
    zip_code = "10001"
    latitude = 40.7484
    longitude = -73.9967


class WeeklySessionFactory(SearchRefreshingFactory):
    class Meta:
        model = WeeklySession

    program = factory.SubFactory(ProgramFactory)
    weekday = 0
    start_time = datetime.time(18, 0)
    end_time = datetime.time(21, 0)


# --- Clinicians and shortlists (matching) ----------------------------------------------------


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "auth.User"
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"clinician{n}@clinic.example")
    email = factory.LazyAttribute(lambda o: o.username)
    password = factory.django.Password("correct horse battery")


class ClinicianFactory(factory.django.DjangoModelFactory):
    """An approved clinician; ``ClinicianFactory(approved=False)`` for a pending sign-up."""

    class Meta:
        model = "clinicians.Clinician"

    class Params:
        approved = True

    user = factory.SubFactory(UserFactory)
    name = factory.Sequence(lambda n: f"Dana Rivera {n}")
    credentials = "LCSW"
    organisation = "Riverside Family Practice"
    is_approved = factory.LazyAttribute(lambda o: o.approved)
    approved_at = factory.LazyAttribute(
        lambda o: datetime.datetime(2026, 11, 1, tzinfo=datetime.UTC) if o.approved else None
    )


class ShortlistFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "shortlists.Shortlist"

    clinician = factory.SubFactory(ClinicianFactory)
    title = factory.Sequence(lambda n: f"Evening options {n}")
    message = "These fit your evenings. Call the first one this week."


class ShortlistItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "shortlists.ShortlistItem"

    shortlist = factory.SubFactory(ShortlistFactory)
    program = factory.SubFactory(ProgramFactory)
    note = "Good evening groups; ask about the DBT track."
    position = factory.Sequence(lambda n: n)
