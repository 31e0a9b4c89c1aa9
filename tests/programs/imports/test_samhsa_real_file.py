"""The real 2022 directory end to end (skipped when ../shared/data is absent).

One import of the whole file (about 15 s) and one re-run, in a single test, to keep the
suite fast while still covering the full file on every CI run.
"""

from __future__ import annotations

import pytest

from programs.imports.services import samhsa_import
from programs.levels import Level, offering_q
from programs.models import ImportRun, Location, Program

pytestmark = pytest.mark.django_db


def slugs(program: Program, relation: str) -> set[str]:
    return set(getattr(program, relation).values_list("slug", flat=True))


def test_real_directory_imports_every_iop_and_a_rerun_changes_nothing(samhsa_2022_file):
    summary = samhsa_import(path=samhsa_2022_file)

    assert summary.rows_read == 12_176
    # 5,525 facilities list OIT; one of them appears twice (rows 1172 and 1173).
    assert summary.created == 5_524
    assert summary.skipped == {"not an IOP": 6_651, "duplicate facility": 1}
    assert summary.unknown_codes == {}
    assert Program.objects.filter(source=Program.Source.SAMHSA_2022).count() == 5_524
    assert not Program.objects.exclude(status=Program.Status.PUBLISHED).exists()
    assert Location.objects.count() == 5_524
    assert Location.objects.filter(latitude__isnull=True).count() == sum(
        summary.unplaced_zips.values()
    )

    # Row 2 lists "OP OD OIT OMB ORT * … CBT … TELE … * MC MD PI SF SAMF * … ADLT SNR YAD".
    shelby = Program.objects.get(name="Shelby County Treatment Center")
    assert {"cbt", "motivational-interviewing", "moud"} <= slugs(shelby, "modalities")
    assert {"private-insurance", "medicaid", "medicare", "self-pay"} <= slugs(shelby, "insurance")
    # OD is outpatient detox (withdrawal management), not PHP.
    assert shelby.levels == Level.OUTPATIENT | Level.IOP | Level.WITHDRAWAL
    assert shelby.delivery == Program.Delivery.HYBRID
    assert (shelby.min_age, shelby.max_age) == (18, None)
    location = shelby.locations.get()
    assert (location.city, location.state, location.zip_code) == ("Alabaster", "AL", "35007")
    assert location.has_coordinates
    assert shelby.is_imported_unconfirmed

    # Facilities without intensive outpatient care are not listed.
    assert not Program.objects.filter(name__startswith="Lighthouse of Tallapoosa").exists()
    # Day treatment (ODT) and Spanish are carried over for the facilities that list them.
    assert Program.objects.filter(offering_q(Level.PHP)).count() == 1_597
    assert not Program.objects.exclude(offering_q(Level.IOP)).exists()
    assert not Program.objects.filter(accepting_new_patients__isnull=False).exists()
    assert Program.objects.filter(languages__slug="es").count() > 1_000

    # How long the import takes is benchmarks/import.py's business: wall-clock time in a test
    # only measures how busy the machine is.
    again = samhsa_import(path=samhsa_2022_file)

    assert (again.created, again.updated, again.unchanged) == (0, 0, 5_524)
    assert again.not_in_file == []
    assert ImportRun.objects.filter(succeeded=True).count() == 2
