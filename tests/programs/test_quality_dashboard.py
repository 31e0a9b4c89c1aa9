"""The data-quality dashboard: its numbers, the lists they open, and who may see it."""

from __future__ import annotations

import datetime
import itertools
import re
from collections import Counter

import pytest
from django.contrib.auth.models import Permission, User
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import slugify

from programs.admin_views import bar_chart
from programs.geo import plausible_coordinates
from programs.levels import Level
from programs.models import STALE_AFTER_DAYS, ImportRun, Location, Program
from programs.quality import location_plausible_q, program_quality_report, quarter_start
from programs.workflow import stale_cutoff
from tests.factories import LocationFactory, ProgramFactory, WeeklySessionFactory

pytestmark = pytest.mark.django_db

DASHBOARD = "/admin/quality/"
TODAY = timezone.localdate()
CUTOFF = stale_cutoff(TODAY)
SLUG_NUMBERS = itertools.count()


def listing(
    name: str,
    *,
    status: str = Program.Status.PUBLISHED,
    verified: datetime.date | None = TODAY,
    insurance: bool = True,
    sessions: bool = True,
    sites: tuple[tuple[str, str, bool], ...] = (("NY", "10001", True),),
    **fields: object,
) -> Program:
    """A programme with exactly the data the test names; ``sites`` are (state, ZIP, placed)."""
    program = ProgramFactory(
        name=name,
        slug=f"{slugify(name)}-{next(SLUG_NUMBERS)}",  # names repeat on purpose
        status=status,
        last_verified_on=verified,
        insurance=["aetna"] if insurance else None,
        **fields,
    )
    if sessions:
        WeeklySessionFactory(program=program)
    for state, zip_code, placed in sites:
        LocationFactory(
            program=program,
            state=state,
            zip_code=zip_code,
            latitude=40.7 if placed else None,
            longitude=-74.0 if placed else None,
        )
    return program


@pytest.fixture
def catalogue(db) -> dict[str, Program]:
    """Ten listings whose every dashboard number is worked out by hand in the tests below."""
    return {
        "fresh": listing("Fresh Start IOP", verified=TODAY - datetime.timedelta(days=10)),
        "never": listing(
            "Never Checked IOP",
            verified=None,
            sessions=False,
            source=Program.Source.SAMHSA_2022,
            sites=(("NJ", "07030", True),),
        ),
        "expired": listing(
            "Old News IOP",
            verified=CUTOFF - datetime.timedelta(days=1),
            phone="",
            intake_phone="",
            sites=(("NY", "10002", False),),
        ),
        "boundary": listing("Boundary IOP", verified=CUTOFF, sites=(("CA", "94103", True),)),
        "draft": listing(
            "Bare Draft IOP",
            status=Program.Status.DRAFT,
            verified=None,
            insurance=False,
            sessions=False,
            sites=(),
            source=Program.Source.CSV,
        ),
        "virtual": listing(
            "Online IOP",
            delivery=Program.Delivery.VIRTUAL,
            sites=(),
            source=Program.Source.SAMHSA_2022,
        ),
        # Same name and ZIP as "fresh", but archived: archiving is how duplicates are resolved.
        "archived": listing(
            "Fresh Start IOP", status=Program.Status.ARCHIVED, verified=None, insurance=False
        ),
        "duplicate_a": listing("Harbor Light, IOP", status=Program.Status.IN_REVIEW),
        "duplicate_b": listing(
            "  harbor light iop", sites=(("NY", "10001", True), ("CA", "94103", True))
        ),
        "other_zip": listing("Harbor Light IOP", sites=(("NY", "10002", True),)),
    }


def pks(*programs: Program) -> set[int]:
    return {program.pk for program in programs}


def listed(client, url: str) -> set[int]:
    """The programmes an admin changelist URL shows (following no redirects)."""
    response = client.get(url)
    assert response.status_code == 200, url
    return set(response.context["cl"].queryset.values_list("pk", flat=True))


# --- Numbers -------------------------------------------------------------------------


def test_counts_by_status_and_source(catalogue):
    report = program_quality_report(today=TODAY)
    assert report.total == 10
    assert {row.key: row.count for row in report.by_status} == {
        "draft": 1,
        "review": 1,
        "published": 7,
        "archived": 1,
    }
    assert {row.key: row.count for row in report.by_source} == {
        "manual": 7,
        "demo": 0,
        "samhsa_2022": 2,
        "csv": 1,
        "samhsa_mh_2022": 0,
        "hsds": 0,  # every source is listed, imported HSDS services too
    }


def test_states_count_each_programme_once_per_state_most_published_first(catalogue):
    report = program_quality_report(today=TODAY)
    assert [(row.code, row.published, row.total) for row in report.by_state] == [
        ("NY", 4, 6),  # fresh, expired, duplicate_b, other_zip; + archived, duplicate_a
        ("CA", 2, 2),  # boundary, duplicate_b (which also counts in NY)
        ("NJ", 1, 1),
    ]
    assert report.by_state[0].name == "New York"


def test_missing_key_data_by_status(catalogue):
    report = program_quality_report(today=TODAY)
    missing = {
        row.kind: {cell.key: cell.count for cell in row.by_status if cell.count}
        for row in report.missing
    }
    assert missing == {
        "insurance": {"draft": 1, "archived": 1},
        "sessions": {"draft": 1, "published": 1},
        # A site without coordinates, and an in-person draft with no site; the virtual
        # programme without a site is not missing anything.
        "coordinates": {"draft": 1, "published": 1},
        "zip": {},
        "phone": {"published": 1},
        "contact": {},  # "expired" has no phone but a website
        "openings": {},
    }
    assert [row.total for row in report.missing] == [2, 2, 2, 0, 1, 0, 0]


def test_levels_unknown_openings_and_no_contact_are_counted_and_listed(admin_client):
    iop = listing("Plain IOP")
    both = listing("Step-Up IOP", levels=Level.IOP | Level.PHP)
    detox = listing(
        "Detox Centre",
        levels=Level.RESIDENTIAL | Level.WITHDRAWAL,
        source=Program.Source.SAMHSA_2022,
        accepting_new_patients=None,
        phone="",
        intake_phone="",
        website="",
    )

    report = program_quality_report(today=TODAY)
    by_level = {row.key: row.count for row in report.by_level}
    assert by_level == {
        "outpatient": 0,
        "iop": 2,
        "php": 1,
        "residential": 1,
        "inpatient": 0,
        "withdrawal": 1,
    }
    totals = {row.kind: row.total for row in report.missing}
    assert totals["openings"] == 1 and totals["contact"] == 1

    changelist = reverse("admin:programs_program_changelist")
    assert listed(admin_client, f"{changelist}?level=iop") == pks(iop, both)
    assert listed(admin_client, f"{changelist}?missing=openings") == pks(detox)
    assert listed(admin_client, f"{changelist}?missing=contact") == pks(detox)
    html = admin_client.get(DASHBOARD).content.decode()
    assert "By level of care" in html
    assert f'href="{changelist}?level=withdrawal"' in html
    assert "Openings unknown" in html and "No way to contact" in html


def test_sites_at_a_zip_or_position_that_cannot_be_placed_are_counted_and_listed(admin_client):
    # 09001 is a military ZIP the zipcodes package gives as 0,0; a site saved there before
    # the geocoder knew better sits at 0,0, and an import now leaves it without coordinates.
    at_zero = listing("Legacy Zero IOP")
    LocationFactory(program=at_zero, state="NY", zip_code="09001", latitude=0.0, longitude=0.0)
    unplaced = listing("Unplaced IOP", sites=(("NY", "09001", False),))
    abroad = listing("Abroad IOP", sites=(("NY", "10001", True),))
    abroad.locations.update(latitude=51.5, longitude=-0.12)  # London: not a US place
    listing("Placed IOP")

    report = program_quality_report(today=TODAY)
    totals = {row.kind: row.total for row in report.missing}
    assert totals["zip"] == 2
    assert totals["coordinates"] == 3

    changelist = reverse("admin:programs_program_changelist")
    assert listed(admin_client, f"{changelist}?missing=zip") == pks(at_zero, unplaced)
    assert listed(admin_client, f"{changelist}?missing=coordinates") == pks(
        at_zero, unplaced, abroad
    )
    html = admin_client.get(DASHBOARD).content.decode()
    assert "ZIP code we can&#x27;t place" in html
    assert f'href="{changelist}?missing=zip"' in html


def test_stale_means_published_and_never_verified_or_verified_before_the_cutoff(catalogue):
    report = program_quality_report(today=TODAY)
    # "boundary" was verified exactly 365 days ago: still fresh, as Program.is_stale says.
    assert not catalogue["boundary"].is_stale
    assert catalogue["expired"].is_stale
    assert (report.stale.total, report.stale.never_verified, report.stale.expired) == (2, 1, 1)
    assert report.stale_cutoff == TODAY - datetime.timedelta(days=365)


def test_the_stale_period_stated_on_the_page_and_the_filter_is_the_one_counted(admin_client):
    dashboard = admin_client.get(DASHBOARD).content.decode()
    assert f"({STALE_AFTER_DAYS} days ago)" in dashboard
    assert f"Verified since {date_format(CUTOFF)}" in dashboard  # the freshness chart's legend
    changelist = admin_client.get(reverse("admin:programs_program_changelist")).content.decode()
    assert f"Verified in the last {STALE_AFTER_DAYS} days" in changelist
    assert f"Verified more than {STALE_AFTER_DAYS} days ago" in changelist


def test_freshness_counts_published_programmes_by_quarter_of_last_verification(catalogue):
    report = program_quality_report(today=TODAY)
    published_verified = [
        p.last_verified_on
        for p in catalogue.values()
        if p.status == Program.Status.PUBLISHED and p.last_verified_on
    ]
    expected = Counter(quarter_start(day) for day in published_verified)
    never, earlier, *quarters = report.freshness
    assert never.count == 1 and never.freshness == "stale"
    assert earlier.count == 0
    assert len(quarters) == 12
    assert quarters[-1].start == quarter_start(TODAY)
    assert {q.start: q.count for q in quarters if q.count} == dict(expected)
    assert sum(bucket.count for bucket in report.freshness) == 7
    assert quarters[-1].freshness == "fresh"
    cutoff_quarter = next(q for q in quarters if q.start <= CUTOFF < q.end)
    assert cutoff_quarter.freshness in {"partly_stale", "fresh"}
    assert all(q.freshness == "stale" for q in quarters if q.end <= CUTOFF)


def test_likely_duplicates_share_a_normalised_name_and_a_zip_code(catalogue):
    report = program_quality_report(today=TODAY)
    assert report.duplicate_program_count == 2
    [group] = report.duplicate_groups
    assert group.zip_code == "10001"
    assert {member.pk for member in group.programs} == pks(
        catalogue["duplicate_a"], catalogue["duplicate_b"]
    )


def test_import_history_lists_the_latest_runs_first(db):
    older = ImportRun.objects.create(
        source=Program.Source.CSV,
        file_name="march.csv",
        started_at=timezone.now() - datetime.timedelta(days=30),
        succeeded=False,
        message="Row 4: unknown state 'XX'.",
    )
    newer = ImportRun.objects.create(
        source=Program.Source.SAMHSA_2022,
        file_name="samhsa-2022.xlsx",
        finished_at=timezone.now(),
        succeeded=True,
        dry_run=True,
        counts={"created": 12, "updated": 3},
    )
    assert program_quality_report(today=TODAY).import_runs == (newer, older)


def test_import_history_says_how_long_each_run_took(admin_client):
    started = timezone.now() - datetime.timedelta(hours=1)
    for took in (datetime.timedelta(seconds=42), datetime.timedelta(minutes=3), None):
        ImportRun.objects.create(
            source=Program.Source.CSV,
            file_name="april.csv",
            started_at=started,
            finished_at=started + took if took else None,
        )
    html = admin_client.get(DASHBOARD).content.decode()
    assert "<td>42 seconds</td>" in html  # not "0 minutes"
    assert "<td>3\xa0minutes</td>" in html
    assert "<td>Not finished</td>" in html


def test_the_report_takes_six_queries_however_large_the_catalogue(catalogue):
    with CaptureQueriesContext(connection) as small:
        program_quality_report(today=TODAY)
    for index, (state, zip_code) in enumerate([("TX", "73301"), ("FL", "33101"), ("WA", "98101")]):
        listing(f"Extra IOP {index}", sites=((state, zip_code, True),), verified=None)
        listing(f"Extra IOP {index}", sites=((state, zip_code, True),), insurance=False)
    with CaptureQueriesContext(connection) as large:
        report = program_quality_report(today=TODAY)
    assert len(small.captured_queries) == len(large.captured_queries) == 6
    assert report.duplicate_program_count == 8
    assert len(report.by_state) == 6


def test_an_empty_catalogue_shows_zeros_and_no_chart(admin_client):
    response = admin_client.get(DASHBOARD)
    assert response.status_code == 200
    html = response.content.decode()
    assert "No programme has a site yet." in html
    assert "No import has been run yet." in html
    assert response.context["total"].count == 0


# --- The page ------------------------------------------------------------------------


def test_dashboard_renders_in_the_admin_with_both_charts_and_their_tables(admin_client, catalogue):
    ImportRun.objects.create(
        source=Program.Source.SAMHSA_2022,
        file_name="samhsa-2022.xlsx",
        finished_at=timezone.now(),
        succeeded=True,
        counts={"created": 12},
    )
    response = admin_client.get(DASHBOARD)
    assert response.status_code == 200
    assert "admin/quality.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Data quality" in html and 'id="site-name"' in html  # the admin's header
    assert html.count('<svg class="quality-chart"') == 2
    assert "Programmes per state as a table" in html and "Freshness as a table" in html
    assert "samhsa-2022.xlsx" in html and "created" in html
    assert reverse("admin:programs_program_change", args=[catalogue["duplicate_a"].pk]) in html
    # Content-Security-Policy ready: no inline style or script in what we render.
    content = html.split('id="content-main"', 1)[1]
    assert "style=" not in content
    assert not re.search(r"<script(?![^>]*\bsrc=)", content)
    assert not re.search(r"\son[a-z]+=", content)


def test_chart_coordinates_stay_machine_readable_in_a_comma_decimal_language(
    admin_client, catalogue
):
    html = admin_client.get(DASHBOARD, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    widths = re.findall(r'<rect class="quality-bar[^"]*"[^>]* width="([^"]+)"', html)
    assert widths and all(re.fullmatch(r"\d+(\.\d+)?", width) for width in widths)


def test_admin_index_links_to_the_dashboard(admin_client):
    html = admin_client.get(reverse("admin:index")).content.decode()
    assert f'href="{DASHBOARD}"' in html
    assert "Site administration" in html  # the default index is still there


# --- Every number opens the matching list ---------------------------------------------


def all_links(context) -> list:
    links = [context["total"], *context["by_status"], *context["by_source"], *context["freshness"]]
    for line in context["missing"]:
        links += [*line.cells, line.total]
    for line in context["states"]:
        links += [line.published, line.total]
    links += [*context["stale"], context["duplicates"]]
    return links


def test_every_number_links_to_a_list_of_exactly_that_many_programmes(admin_client, catalogue):
    context = admin_client.get(DASHBOARD).context
    links = all_links(context)
    assert len(links) > 40
    for link in links:
        response = admin_client.get(link.url)
        assert response.status_code == 200, link.url  # an unknown filter would redirect (?e=1)
        assert response.context["cl"].result_count == link.count, (link.label, link.url)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ("missing=insurance", ["draft", "archived"]),
        ("missing=sessions", ["never", "draft"]),
        ("missing=coordinates", ["expired", "draft"]),
        ("missing=phone", ["expired"]),
        ("stale=yes", ["never", "expired"]),
        ("stale=never", ["never"]),
        ("stale=expired", ["expired"]),
        ("duplicate=yes", ["duplicate_a", "duplicate_b"]),
        ("status__exact=published&locations__state=CA", ["boundary", "duplicate_b"]),
        ("source__exact=samhsa_2022", ["never", "virtual"]),
    ],
)
def test_linked_lists_show_the_right_programmes(admin_client, catalogue, params, expected):
    url = f"{reverse('admin:programs_program_changelist')}?{params}"
    assert listed(admin_client, url) == pks(*(catalogue[key] for key in expected))


def test_fresh_filter_lists_published_programmes_verified_since_the_cutoff(admin_client, catalogue):
    url = f"{reverse('admin:programs_program_changelist')}?stale=no"
    fresh = ["fresh", "boundary", "virtual", "duplicate_b", "other_zip"]
    assert listed(admin_client, url) == pks(*(catalogue[key] for key in fresh))


def test_duplicate_group_link_lists_the_group(admin_client, catalogue):
    [(_group, url)] = admin_client.get(DASHBOARD).context["duplicate_groups"]
    assert listed(admin_client, url) == pks(catalogue["duplicate_a"], catalogue["duplicate_b"])


def test_freshness_link_for_this_quarter_lists_programmes_verified_in_it(admin_client, catalogue):
    this_quarter = admin_client.get(DASHBOARD).context["freshness"][0]
    expected = {
        p.pk
        for p in catalogue.values()
        if p.status == Program.Status.PUBLISHED
        and p.last_verified_on
        and p.last_verified_on >= quarter_start(TODAY)
    }
    assert listed(admin_client, this_quarter.url) == expected


@pytest.mark.parametrize("params", ["missing=bogus", "stale=bogus", "duplicate=maybe"])
def test_unknown_filter_values_list_everything_instead_of_failing(admin_client, catalogue, params):
    url = f"{reverse('admin:programs_program_changelist')}?{params}"
    assert len(listed(admin_client, url)) == 10


# --- Who may see it -------------------------------------------------------------------


def test_anonymous_visitors_are_sent_to_the_admin_login(client):
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))
    assert "next=/admin/quality/" in response.url


def test_signed_in_non_staff_users_are_sent_to_the_admin_login(client):
    user = User.objects.create_user("seeker", password="pw-not-staff-123")
    client.force_login(user)
    response = client.get(DASHBOARD)
    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_staff_without_permission_to_view_programmes_are_refused(client, catalogue):
    user = User.objects.create_user("intern", password="pw-staff-123", is_staff=True)
    client.force_login(user)
    assert client.get(DASHBOARD).status_code == 403
    assert "quality-dashboard-module" not in client.get(reverse("admin:index")).content.decode()


def test_staff_who_may_view_programmes_see_the_dashboard(client, catalogue):
    user = User.objects.create_user("curator", password="pw-staff-123", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_program"))
    client.force_login(user)
    response = client.get(DASHBOARD)
    assert response.status_code == 200
    assert response.context["total"].count == 10
    assert "no-cache" in response["Cache-Control"]  # figures are never served stale


def test_import_runs_link_to_their_admin_page_only_for_staff_who_may_view_them(
    client, admin_client
):
    run = ImportRun.objects.create(source=Program.Source.CSV, file_name="april.csv")
    run_url = reverse("admin:programs_importrun_change", args=[run.pk])
    assert run_url in admin_client.get(DASHBOARD).content.decode()
    user = User.objects.create_user("curator", password="pw-staff-123", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="view_program"))
    client.force_login(user)
    html = client.get(DASHBOARD).content.decode()
    assert "april.csv" in html
    assert run_url not in html  # it would open a "403 Forbidden" page
    assert reverse("admin:programs_importrun_changelist") not in html
    assert client.get(run_url).status_code == 403


def test_bar_chart_scales_to_the_largest_value_and_never_hides_a_small_count():
    chart = bar_chart(
        [
            ("New York", 500, 600, "/ny", "quality-bar--published"),
            ("Vermont", 1, 1, "/vt", "quality-bar--published"),
            ("Nowhere", 0, 0, "/none", "quality-bar--published"),
        ]
    )
    new_york, vermont, nowhere = chart.rows
    assert new_york.secondary_width == chart.width - 160 - 56  # the longest bar fills the space
    assert new_york.width == round(new_york.secondary_width * 500 / 600, 1)
    assert vermont.width == 2.0  # a sliver, not nothing
    assert nowhere.width == 0.0
    assert chart.height == 2 * 6 + 3 * 22
    assert [row.url for row in chart.rows] == ["/ny", "/vt", "/none"]


def test_a_long_list_of_duplicate_groups_is_cut_short_with_a_link_to_all(
    admin_client, catalogue, monkeypatch
):
    monkeypatch.setattr("programs.admin_views.DUPLICATE_GROUPS_SHOWN", 0)
    response = admin_client.get(DASHBOARD)
    assert response.context["duplicate_groups"] == ()
    html = response.content.decode()
    assert "1 more group is not shown here." in html
    assert "See every likely duplicate" in html


def test_the_sql_and_python_forms_of_a_plausible_position_agree():
    points = [
        (40.75, -73.99),
        (52.83, 173.18),
        (13.47, 144.75),
        (-14.27, -170.70),
        (0.0, 0.0),
        (0.0, -73.99),
        (51.5, -0.12),
        (40.75, 73.99),
        (72.5, -150.0),
    ]
    program = listing("Points IOP", sites=())
    for latitude, longitude in points:
        LocationFactory(program=program, latitude=latitude, longitude=longitude)
    in_sql = set(
        Location.objects.filter(location_plausible_q()).values_list("latitude", "longitude")
    )
    assert in_sql == {point for point in points if plausible_coordinates(*point)}
    assert len(in_sql) == 5
