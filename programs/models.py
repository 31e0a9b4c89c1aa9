"""The catalogue: what an intensive outpatient programme (IOP) is."""

from __future__ import annotations

import datetime
from uuid import uuid4

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from programs.levels import ALL_LEVELS, Level, LevelsField, levels_of
from programs.paths import program_path
from programs.querysets import (
    IN_PERSON_DELIVERIES,
    VIRTUAL_DELIVERIES,
    LocationQuerySet,
    ProgramQuerySet,
)
from programs.states import STATE_CHOICES, STATE_CODES

# A listing not confirmed with the programme for this long is stale: flagged in the admin,
# and its public page says when it was last confirmed instead of showing a verified badge.
STALE_AFTER_DAYS = 365

zip_validator = RegexValidator(r"^\d{5}$", _("Enter a five-digit ZIP code."))
phone_validator = RegexValidator(
    r"^[0-9+()\-. x]{7,30}$", _("Enter a phone number using digits, spaces, ( ) - . or +.")
)


# --- Vocabularies -----------------------------------------------------------


class Vocabulary(models.Model):
    """A controlled term with a stable slug that URLs, the API and imports rely on."""

    slug = models.SlugField(_("slug"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=300, blank=True)
    sort_order = models.PositiveSmallIntegerField(_("sort order"), default=100)

    class Meta:
        abstract = True
        ordering = ["sort_order", "name"]

    def __str__(self) -> str:
        return self.name


class Condition(Vocabulary):
    class Category(models.TextChoices):
        MENTAL_HEALTH = "mental_health", _("Mental health")
        SUBSTANCE_USE = "substance_use", _("Substance use")
        CO_OCCURRING = "co_occurring", _("Co-occurring")

    category = models.CharField(
        _("category"), max_length=20, choices=Category.choices, default=Category.MENTAL_HEALTH
    )

    class Meta(Vocabulary.Meta):
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")


class Modality(Vocabulary):
    class Kind(models.TextChoices):
        THERAPY = "therapy", _("Therapy")
        SERVICE = "service", _("Service")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.THERAPY)
    abbreviation = models.CharField(_("abbreviation"), max_length=12, blank=True)

    class Meta(Vocabulary.Meta):
        verbose_name = _("therapy or service")
        verbose_name_plural = _("therapies and services")


class Insurance(Vocabulary):
    class Kind(models.TextChoices):
        PRIVATE = "private", _("Private insurance")
        MEDICAID = "medicaid", _("Medicaid")
        MEDICARE = "medicare", _("Medicare")
        MILITARY = "military", _("Military (TRICARE, VA)")
        PUBLIC = "public", _("State or public funding")
        SELF_PAY = "self_pay", _("Self-pay")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)

    class Meta(Vocabulary.Meta):
        verbose_name = _("insurance")
        verbose_name_plural = _("insurance")


class Population(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("population served")
        verbose_name_plural = _("populations served")


class Language(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("language")
        verbose_name_plural = _("languages")


class Accreditation(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("accreditation")
        verbose_name_plural = _("accreditations")


# The programme's vocabulary relations and the model each links to, for code that treats
# them alike (bulk writes, imports, matching's candidate loading).
VOCABULARY_RELATIONS: dict[str, type[Vocabulary]] = {
    "conditions": Condition,
    "modalities": Modality,
    "insurance": Insurance,
    "populations": Population,
    "languages": Language,
    "accreditations": Accreditation,
}


class State(models.Model):
    """A US state or territory, for where a virtual programme may treat people."""

    code = models.CharField(_("code"), max_length=2, primary_key=True, choices=STATE_CHOICES)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name = _("state")
        verbose_name_plural = _("states")
        constraints = [
            models.CheckConstraint(condition=Q(code__in=STATE_CODES), name="state_code_valid"),
        ]

    def __str__(self) -> str:
        return self.name


# --- Programme ----------------------------------------------------------------


class Program(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        IN_REVIEW = "review", _("In review")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    class Delivery(models.TextChoices):
        IN_PERSON = "in_person", _("In person")
        VIRTUAL = "virtual", _("Virtual")
        HYBRID = "hybrid", _("Hybrid (in person and virtual)")

    class Source(models.TextChoices):
        MANUAL = "manual", _("Entered by IOPfinder staff")
        DEMO = "demo", _("Demo data (not a real programme)")
        SAMHSA_2022 = "samhsa_2022", _("SAMHSA National Directory 2022 (substance use)")
        SAMHSA_MH_2022 = "samhsa_mh_2022", _("SAMHSA National Directory 2022 (mental health)")
        CSV = "csv", _("CSV import")
        HSDS = "hsds", _("Open Referral HSDS import")

    # Identity
    # The public id other systems (HSDS, FHIR) hold on to: never the pk, never reused.
    uuid = models.UUIDField(_("public id"), default=uuid4, unique=True, editable=False)
    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=220, unique=True)
    organization = models.CharField(_("provider or organisation"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)

    # Levels of care offered, a bitmask of programs.levels.Level (IOP, PHP, residential…):
    # what the directory filters on and what matching steps up or down to.
    levels = LevelsField(
        _("levels of care"),
        default=int(Level.IOP),
        validators=[
            MinValueValidator(1, _("Tick at least one level of care.")),
            MaxValueValidator(ALL_LEVELS),
        ],
    )

    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    # None: the listing does not say (imported directories never do); "Call to ask".
    accepting_new_patients = models.BooleanField(
        _("accepting new patients"), null=True, blank=True, default=None
    )
    typical_wait_days = models.PositiveSmallIntegerField(
        _("typical wait (days)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(365)],
    )

    # Contact and intake
    phone = models.CharField(_("phone"), max_length=30, blank=True, validators=[phone_validator])
    intake_phone = models.CharField(
        _("intake phone"), max_length=30, blank=True, validators=[phone_validator]
    )
    website = models.URLField(_("website"), blank=True)
    email = models.EmailField(_("email"), blank=True)
    intake_notes = models.TextField(
        _("how to start"),
        blank=True,
        help_text=_("What happens at intake: referral needed, assessment, what to bring."),
    )

    # Schedule
    days_per_week = models.PositiveSmallIntegerField(
        _("days per week"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(7)],
    )
    hours_per_day = models.DecimalField(
        _("hours per day"),
        max_digits=3,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
    )
    hours_per_week = models.DecimalField(
        _("hours per week"),
        max_digits=4,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    length_weeks_min = models.PositiveSmallIntegerField(
        _("shortest length (weeks)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(104)],
    )
    length_weeks_max = models.PositiveSmallIntegerField(
        _("longest length (weeks)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(104)],
    )

    # Delivery
    delivery = models.CharField(
        _("delivery"),
        max_length=10,
        choices=Delivery.choices,
        default=Delivery.IN_PERSON,
        db_index=True,
    )
    licensed_states = models.ManyToManyField(
        State,
        blank=True,
        related_name="programs",
        verbose_name=_("states it may treat people in"),
        help_text=_("For virtual and hybrid care: where the programme is licensed to treat."),
    )

    # Who it serves
    min_age = models.PositiveSmallIntegerField(
        _("minimum age"), default=18, validators=[MaxValueValidator(120)]
    )
    max_age = models.PositiveSmallIntegerField(
        _("maximum age"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(120)],
        help_text=_("Leave empty for no upper limit."),
    )
    conditions = models.ManyToManyField(
        Condition, blank=True, related_name="programs", verbose_name=_("conditions treated")
    )
    modalities = models.ManyToManyField(
        Modality, blank=True, related_name="programs", verbose_name=_("therapies and services")
    )
    insurance = models.ManyToManyField(
        Insurance, blank=True, related_name="programs", verbose_name=_("insurance accepted")
    )
    populations = models.ManyToManyField(
        Population, blank=True, related_name="programs", verbose_name=_("populations served")
    )
    languages = models.ManyToManyField(
        Language, blank=True, related_name="programs", verbose_name=_("languages")
    )
    accreditations = models.ManyToManyField(
        Accreditation, blank=True, related_name="programs", verbose_name=_("accreditations")
    )

    # Cost
    self_pay_cost_usd = models.PositiveIntegerField(
        _("self-pay estimate for the whole programme (USD)"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(200_000)],
    )
    sliding_scale = models.BooleanField(_("sliding-scale fees"), default=False)
    payment_plans = models.BooleanField(_("payment plans"), default=False)

    # Provenance
    source = models.CharField(
        _("source"), max_length=20, choices=Source.choices, default=Source.MANUAL
    )
    source_id = models.CharField(
        _("source id"),
        max_length=64,
        blank=True,
        help_text=_("The record's key in its source, so re-imports update instead of duplicating."),
    )
    last_verified_on = models.DateField(_("last verified"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("verified by"),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = ProgramQuerySet.as_manager()
    # Who changed what, and when: admin edits, imports and accepted suggestions alike.
    history = HistoricalRecords(
        m2m_fields=[conditions, modalities, insurance, populations, languages, accreditations],
        excluded_fields=["updated_at"],
    )

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        indexes = [
            models.Index(fields=["status", "name"], name="program_status_name"),
            models.Index(fields=["status", "last_verified_on"], name="program_status_verified"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(max_age__isnull=True) | Q(min_age__lte=F("max_age")),
                name="program_min_age_lte_max_age",
            ),
            models.CheckConstraint(
                condition=Q(length_weeks_min__isnull=True)
                | Q(length_weeks_max__isnull=True)
                | Q(length_weeks_min__lte=F("length_weeks_max")),
                name="program_length_min_lte_max",
            ),
            models.CheckConstraint(
                condition=Q(days_per_week__isnull=True)
                | Q(days_per_week__gte=1, days_per_week__lte=7),
                name="program_days_per_week_1_7",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "review", "published", "archived"]),
                name="program_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(delivery__in=["in_person", "virtual", "hybrid"]),
                name="program_delivery_valid",
            ),
            models.CheckConstraint(
                condition=Q(levels__gte=1, levels__lte=ALL_LEVELS),
                name="program_levels_valid",
            ),
            models.UniqueConstraint(
                fields=["source", "source_id"],
                condition=~Q(source_id=""),
                name="program_unique_source_record",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return program_path(self.slug)

    @property
    def is_demo(self) -> bool:
        return self.source == self.Source.DEMO

    @property
    def is_imported_unconfirmed(self) -> bool:
        """Imported from a public directory and not yet confirmed by the programme."""
        return self.source in DIRECTORY_SOURCES and self.last_verified_on is None

    @property
    def is_stale(self) -> bool:
        """Not confirmed with the programme within STALE_AFTER_DAYS (or never)."""
        if self.last_verified_on is None:
            return True
        age = timezone.localdate() - self.last_verified_on
        return age > datetime.timedelta(days=STALE_AFTER_DAYS)

    @property
    def levels_offered(self) -> tuple:
        """The levels of care offered (``programs.levels.LevelInfo``), least intensive first."""
        return levels_of(self.levels)

    @property
    def offers_php(self) -> bool:
        return bool(self.levels & Level.PHP)

    @property
    def offers_outpatient(self) -> bool:
        return bool(self.levels & Level.OUTPATIENT)

    @property
    def offers_iop(self) -> bool:
        return bool(self.levels & Level.IOP)

    @property
    def offers_virtual(self) -> bool:
        return self.delivery in VIRTUAL_DELIVERIES

    @property
    def offers_in_person(self) -> bool:
        return self.delivery in IN_PERSON_DELIVERIES

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors: dict[str, str] = {}
        if self.max_age is not None and self.min_age is not None and self.min_age > self.max_age:
            errors["max_age"] = _("The maximum age must not be below the minimum age.")
        if (
            self.length_weeks_min is not None
            and self.length_weeks_max is not None
            and self.length_weeks_min > self.length_weeks_max
        ):
            errors["length_weeks_max"] = _("The longest length must not be below the shortest.")
        if errors:
            raise ValidationError(errors)


# The public directories' editions: imported in bulk, each listing unconfirmed until checked.
DIRECTORY_SOURCES = frozenset({Program.Source.SAMHSA_2022, Program.Source.SAMHSA_MH_2022})


class DirectoryRecord(models.Model):
    """Provenance: a listing's row in one edition of a public directory.

    A facility listed in two editions (the same key) is one programme with a record for each.
    The row is kept as read (names, address, phones, codes) so that importing either edition
    again merges what both say, whichever comes last.
    """

    program = models.ForeignKey(
        Program,
        on_delete=models.CASCADE,
        related_name="directory_records",
        verbose_name=_("programme"),
    )
    source = models.CharField(_("source"), max_length=20, choices=Program.Source.choices)
    source_id = models.CharField(_("source id"), max_length=64)
    row = models.JSONField(_("row as read"), default=dict, blank=True)
    first_imported_at = models.DateTimeField(_("first imported"), auto_now_add=True)

    class Meta:
        ordering = ["program", "source"]
        verbose_name = _("directory record")
        verbose_name_plural = _("directory records")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "source_id"], name="directory_record_unique_row"
            ),
            models.UniqueConstraint(
                fields=["program", "source"], name="directory_record_one_per_edition"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.source_id}"


class Location(models.Model):
    """A site where the programme meets in person (a programme may have several)."""

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="locations", verbose_name=_("programme")
    )
    uuid = models.UUIDField(_("public id"), default=uuid4, unique=True, editable=False)
    name = models.CharField(_("site name"), max_length=200, blank=True)
    address_line1 = models.CharField(_("address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address line 2"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100)
    state = models.CharField(_("state"), max_length=2, choices=STATE_CHOICES)
    zip_code = models.CharField(_("ZIP code"), max_length=5, validators=[zip_validator])
    latitude = models.FloatField(
        _("latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.FloatField(
        _("longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )

    objects = LocationQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "pk"]
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        indexes = [
            # A radius search first narrows to a latitude band, then longitude.
            models.Index(fields=["latitude", "longitude"], name="location_lat_lng"),
            models.Index(fields=["state", "city"], name="location_state_city"),
            models.Index(fields=["zip_code"], name="location_zip"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=STATE_CODES), name="location_state_valid"),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True) | Q(latitude__gte=-90, latitude__lte=90),
                name="location_latitude_range",
            ),
            models.CheckConstraint(
                condition=Q(longitude__isnull=True) | Q(longitude__gte=-180, longitude__lte=180),
                name="location_longitude_range",
            ),
            models.CheckConstraint(
                condition=Q(latitude__isnull=True, longitude__isnull=True)
                | Q(latitude__isnull=False, longitude__isnull=False),
                name="location_coordinates_both_or_neither",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.city}, {self.state} {self.zip_code}"

    @property
    def has_coordinates(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class WeeklySession(models.Model):
    """One regular weekly session: the programme meets on this weekday, at these times."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("Monday")
        TUESDAY = 1, _("Tuesday")
        WEDNESDAY = 2, _("Wednesday")
        THURSDAY = 3, _("Thursday")
        FRIDAY = 4, _("Friday")
        SATURDAY = 5, _("Saturday")
        SUNDAY = 6, _("Sunday")

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="sessions", verbose_name=_("programme")
    )
    weekday = models.PositiveSmallIntegerField(_("weekday"), choices=Weekday.choices)
    start_time = models.TimeField(_("starts"))
    end_time = models.TimeField(_("ends"))
    label = models.CharField(
        _("label"), max_length=100, blank=True, help_text=_("e.g. Evening track, Group therapy")
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["program", "weekday", "start_time"]
        verbose_name = _("weekly session")
        verbose_name_plural = _("weekly sessions")
        indexes = [
            models.Index(fields=["program", "weekday", "start_time"], name="session_program_day"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(start_time__lt=F("end_time")), name="session_starts_before_end"
            ),
            models.CheckConstraint(
                condition=Q(weekday__gte=0, weekday__lte=6), name="session_weekday_0_6"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"

    @property
    def duration_hours(self) -> float:
        start = datetime.datetime.combine(datetime.date.min, self.start_time)
        end = datetime.datetime.combine(datetime.date.min, self.end_time)
        return (end - start).total_seconds() / 3600

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.start_time and self.end_time and self.start_time >= self.end_time:
            raise ValidationError({"end_time": _("A session must end after it starts.")})


# --- Curation -------------------------------------------------------------------


class ImportRun(models.Model):
    """One run of an importer: what file, what happened (for the data-quality dashboard)."""

    source = models.CharField(_("source"), max_length=20, choices=Program.Source.choices)
    file_name = models.CharField(_("file"), max_length=255)
    started_at = models.DateTimeField(_("started"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)
    dry_run = models.BooleanField(_("dry run"), default=False)
    succeeded = models.BooleanField(_("succeeded"), default=False)
    counts = models.JSONField(_("counts"), default=dict, blank=True)
    message = models.TextField(_("message"), blank=True)

    class Meta:
        ordering = ["-started_at", "-pk"]
        verbose_name = _("import run")
        verbose_name_plural = _("import runs")

    def __str__(self) -> str:
        return f"{self.get_source_display()} {self.started_at:%Y-%m-%d %H:%M}"


class EditSuggestion(models.Model):
    """A correction or problem report from the public or programme staff, awaiting an admin."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", _("Something is out of date or wrong")
        CLOSED = "closed", _("The programme has closed or moved")
        NOT_IOP = "not_iop", _("It is not an intensive outpatient programme")
        OTHER = "other", _("Something else")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    # The fields a suggestion may correct, in the order the form shows them.
    EDITABLE_FIELDS = (
        "name",
        "organization",
        "phone",
        "intake_phone",
        "website",
        "email",
        "accepting_new_patients",
        "typical_wait_days",
    )

    program = models.ForeignKey(
        Program,
        on_delete=models.CASCADE,
        related_name="suggestions",
        verbose_name=_("programme"),
    )
    kind = models.CharField(_("what is wrong"), max_length=12, choices=Kind.choices)
    message = models.TextField(_("details"), max_length=2000)
    changes = models.JSONField(_("proposed changes"), default=dict, blank=True)
    contact_email = models.EmailField(_("contact email"), blank=True)
    from_program_staff = models.BooleanField(_("sent by programme staff"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    rejection_reason = models.TextField(_("reason for rejecting"), blank=True)
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reviewed by"),
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("edit suggestion")
        verbose_name_plural = _("edit suggestions")
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "accepted", "rejected"]),
                name="suggestion_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program} ({self.get_status_display()})"


# --- Search -------------------------------------------------------------------------


# What the directory's filters and matching's ranking read from a search row: carried by
# its PostgreSQL indexes (INCLUDE) so that searches never visit the table itself.
SEARCH_COVERED = [
    "program",
    "kind",
    "name",
    "in_person",
    "virtual",
    "accepting",
    "min_age",
    "max_age",
    "conditions",
    "modalities",
    "insurance",
    "languages",
    "populations",
    "schedule",
    "session_days",
    "fit_days",
    "hours_per_week",
    "levels",
    "sliding_scale",
    "last_verified_on",
]


class ProgramSearch(models.Model):
    """What finding and ranking a published programme reads, denormalised into rows.

    Every published programme has one "anchor" row (directory listings without a place),
    one "site" row per site with coordinates (radius searches) and, when it meets online,
    one "virtual" row per state it is licensed in (virtual care by the seeker's state).
    Kept in step by ``programs.services.program_search_refresh``, called from every write
    path; ``manage.py rebuild_program_search`` rebuilds it. Sets of terms, states and
    session times are bitmasks (``programs.search``), which work alike on SQLite and
    PostgreSQL.
    """

    class Kind(models.TextChoices):
        ANCHOR = "anchor", _("The programme")
        SITE = "site", _("A site")
        VIRTUAL = "virtual", _("Virtual care in a state")

    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, related_name="search_rows", verbose_name=_("programme")
    )
    kind = models.CharField(_("kind"), max_length=7, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200)
    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    # A site's state, or the state a virtual row is licensed in.
    state = models.CharField(_("state"), max_length=2, blank=True)
    in_person = models.BooleanField(_("meets in person"), default=False)
    virtual = models.BooleanField(_("meets online"), default=False)
    accepting = models.BooleanField(_("accepting new patients"), null=True, blank=True)
    min_age = models.PositiveSmallIntegerField(_("minimum age"), default=0)
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    conditions = models.BigIntegerField(_("conditions (bitmask)"), default=0)
    modalities = models.BigIntegerField(_("therapies and services (bitmask)"), default=0)
    insurance = models.BigIntegerField(_("insurance (bitmask)"), default=0)
    languages = models.BigIntegerField(_("languages (bitmask)"), default=0)
    populations = models.BigIntegerField(_("populations (bitmask)"), default=0)
    schedule = models.IntegerField(_("session times (bitmask of day and part of day)"), default=0)
    session_days = models.PositiveSmallIntegerField(_("days with sessions"), default=0)
    fit_days = models.BigIntegerField(
        _("days that fit each set of times of day (packed, see programs.search)"), default=0
    )
    hours_per_week = models.FloatField(_("hours per week"), null=True, blank=True)
    levels = models.PositiveSmallIntegerField(_("levels of care (bitmask)"), default=0)
    sliding_scale = models.BooleanField(_("sliding-scale fees"), default=False)
    last_verified_on = models.DateField(_("last verified"), null=True, blank=True)

    class Meta:
        verbose_name = _("search row")
        verbose_name_plural = _("search rows")
        indexes = [
            # Radius searches: a latitude band first, then longitude, sites only.
            # On PostgreSQL the index also carries what the filters and the ranking read,
            # so a radius search or a match is an index-only scan instead of thousands of
            # random reads of the table.
            models.Index(
                fields=["latitude", "longitude"],
                condition=Q(latitude__isnull=False),
                include=SEARCH_COVERED,
                name="search_site_lat_lng",
            ),
            # Directory listings without a place read the anchor rows.
            models.Index(fields=["program"], condition=Q(kind="anchor"), name="search_anchor"),
            # Virtual care: only the programmes licensed in the seeker's state (covering,
            # as above: a broad match reads every one of them).
            models.Index(
                fields=["state"],
                condition=Q(kind="virtual"),
                include=SEARCH_COVERED,
                name="search_virtual_state",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.program_id} {self.kind} {self.location_id or self.state}"
