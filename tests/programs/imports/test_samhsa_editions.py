"""Both 2022 directory editions through import_samhsa: sources, merging, re-runs, bad input.

The mental-health workbooks are built here in that edition's layout (the real file is not
in the repository); the substance-use ones as in test_samhsa_import.
"""

from __future__ import annotations

import io
from pathlib import Path

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from programs.imports import editions
from programs.imports.services import samhsa_import
from programs.models import VOCABULARY_RELATIONS, DirectoryRecord, ImportRun, Program
from programs.signs import Sign, program_signs
from tests.programs.imports.conftest import (
    CODE_COLUMNS,
    CODE_KEY,
    FACILITIES_PART,
    MH_CODE_KEY,
    MH_CODE_ROWS,
    break_compression,
    facility,
    mh_facility,
)

pytestmark = pytest.mark.django_db

MH_NAME = "National_Directory_MH_Facilities_2022.xlsx"


def run(path: Path, *args: str) -> str:
    out = io.StringIO()
    call_command("import_samhsa", str(path), *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def error(path: Path, *args: str) -> str:
    with pytest.raises(CommandError) as raised:
        run(path, *args)
    return str(raised.value)


def slugs(program: Program, relation: str) -> set[str]:
    return set(getattr(program, relation).values_list("slug", flat=True))


@pytest.fixture
def make_mh_workbook(make_workbook):
    def make(rows, **kwargs):
        return make_workbook(rows, code_rows=kwargs.pop("code_rows", MH_CODE_ROWS), **kwargs)

    return make


def test_mental_health_edition_imports_as_its_own_source_with_its_terms(make_mh_workbook):
    path = make_mh_workbook(
        [
            mh_facility(
                service_code_info=(
                    "MH * OP PHDT * CBT DBT EMDR TMS * SMI PTSD ED ALZ VET * JC STMH * "
                    "MD MC SS * ADLT SNR * SP F17"
                )
            )
        ]
    )

    output = run(path)

    program = Program.objects.get()
    assert program.source == Program.Source.SAMHSA_MH_2022
    assert program.get_source_display() == "SAMHSA National Directory 2022 (mental health)"
    assert program.is_imported_unconfirmed
    assert program.status == Program.Status.PUBLISHED
    assert slugs(program, "modalities") == {"cbt", "dbt", "emdr", "tms"}
    assert slugs(program, "conditions") == {
        "serious-mental-illness",
        "ptsd-trauma",
        "eating-disorders",
        "dementia",
    }
    assert slugs(program, "accreditations") == {"joint-commission", "state-licensed"}
    assert slugs(program, "insurance") == {"medicaid", "medicare"}
    assert slugs(program, "populations") == {"veterans", "adults", "older-adults"}
    assert slugs(program, "languages") == {"en", "es", "zh"}
    assert program.sliding_scale
    assert (program.min_age, program.max_age) == (26, None)
    assert "Edition: SAMHSA National Directory of Mental Health Treatment Facilities 2022" in output
    assert "Unknown codes: none" in output


def test_every_setting_of_the_edition_is_imported_and_others_are_counted(make_mh_workbook):
    rows = [
        mh_facility(name1=f"Clinic {code}", service_code_info=f"MH * {code} * ADLT")
        for code in ("HI", "OP", "PHDT", "RES")
    ]
    rows.append(mh_facility(name1="No setting", service_code_info="MH * CBT * ADLT"))
    summary = samhsa_import(path=make_mh_workbook(rows))
    assert summary.created == 4
    assert summary.skipped == {"level of care not selected": 1}


def test_substance_use_workbook_is_still_recognised_as_its_own_edition(make_workbook):
    output = run(make_workbook([facility()]))
    assert Program.objects.get().source == Program.Source.SAMHSA_2022
    assert "Edition: SAMHSA National Directory of Substance Use Treatment Facilities 2022" in output


def test_facility_in_both_editions_is_one_listing_with_both_sources(
    make_workbook, make_mh_workbook
):
    su = make_workbook([facility(service_code_info="SA * OP OIT * CBT * PI * ADLT")])
    mh = make_mh_workbook(
        [
            facility(service_code_info="MH * OP PHDT * DBT * SMI * MD * ADLT SNR"),
            mh_facility(),
        ]
    )
    run(su)
    run(mh)

    merged = Program.objects.get(name="Front Range Recovery")
    assert Program.objects.count() == 2
    assert merged.source == Program.Source.SAMHSA_2022  # the edition that listed it first
    assert set(merged.directory_records.values_list("source", flat=True)) == {
        Program.Source.SAMHSA_2022,
        Program.Source.SAMHSA_MH_2022,
    }
    assert slugs(merged, "modalities") == {"cbt", "dbt"}
    assert {"serious-mental-illness", "substance-use"} <= slugs(merged, "conditions")
    assert slugs(merged, "insurance") == {"private-insurance", "medicaid"}
    assert merged.max_age is None  # seniors, from the mental-health edition

    # Whichever edition comes again, the merged listing stays as it is.
    for path in (su, mh, su):
        summary = samhsa_import(path=path)
        assert summary.changed_nothing, summary.lines()
    assert slugs(Program.objects.get(pk=merged.pk), "modalities") == {"cbt", "dbt"}


def test_merged_listing_is_the_same_whichever_edition_comes_first(make_workbook, make_mh_workbook):
    su = make_workbook([facility(service_code_info="SA * OP OIT * CBT * PI * ADLT")])
    mh = make_mh_workbook([facility(service_code_info="MH * OP * DBT * MD * ADLT")])
    run(mh)
    run(su)
    program = Program.objects.get()
    assert program.source == Program.Source.SAMHSA_MH_2022
    assert slugs(program, "modalities") == {"cbt", "dbt"}
    assert DirectoryRecord.objects.count() == 2
    assert samhsa_import(path=mh).changed_nothing


def test_one_edition_never_reports_the_others_listings_as_gone(make_workbook, make_mh_workbook):
    run(make_workbook([facility(name1=f"Recovery {n}") for n in range(3)]))
    first = make_mh_workbook([mh_facility(name1="Clinic A"), mh_facility(name1="Clinic B")])
    second = make_mh_workbook([mh_facility(name1="Clinic A")])
    run(first)

    summary = samhsa_import(path=second)

    assert summary.not_in_file == ["Clinic B"]
    output = "\n".join(summary.lines())
    assert "Imported earlier but not in this file (1, kept, not deleted): Clinic B" in output
    assert "Recovery" not in output
    assert Program.objects.count() == 5


def test_mental_health_rerun_changes_nothing_and_says_so(make_mh_workbook):
    path = make_mh_workbook([mh_facility(), mh_facility(name1="Clinic B")])
    run(path)
    runs = ImportRun.objects.count()
    output = run(path)
    assert "Created: 0, updated: 0, unchanged: 2" in output
    assert "Nothing changed" in output
    assert ImportRun.objects.count() == runs + 1
    assert DirectoryRecord.objects.count() == 2


def test_title_names_the_edition(make_mh_workbook):
    path = make_mh_workbook([mh_facility()], name="directory.xlsx")
    workbook = openpyxl.load_workbook(path)
    workbook.properties.title = "National Directory of Mental Health Treatment Facilities 2022"
    workbook.save(path)
    assert samhsa_import(path=path).edition.startswith("SAMHSA National Directory of Mental")


def test_edition_option_names_it_and_is_checked_against_the_key(make_workbook, make_mh_workbook):
    assert samhsa_import(path=make_mh_workbook([mh_facility()]), edition="mh-2022").created == 1
    message = error(make_workbook([facility()], name=MH_NAME), "--edition", "mh-2022")
    assert message.startswith(f"{MH_NAME} is not the mh-2022 edition")
    assert "\n" not in message
    assert Program.objects.count() == 1


def test_unknown_edition_name_is_a_clear_error(make_workbook):
    message = error(make_workbook([facility()]), "--edition", "xx-1999")
    assert message == "Unknown edition 'xx-1999' (known: su-2022, mh-2022)."


def test_unknown_layout_is_a_clear_error_and_writes_nothing(make_workbook):
    key = [(*CODE_COLUMNS, "service_description"), ("TC", "Type", "ZZ", "Something", "")]
    message = error(make_workbook([facility()], code_rows=key))
    assert "is a directory layout we do not know" in message
    assert "--edition" in message
    assert not Program.objects.exists() and not ImportRun.objects.exists()


def test_key_of_both_layouts_without_a_title_asks_for_the_edition(make_workbook):
    both = [*CODE_KEY, *MH_CODE_KEY]
    key = [(*CODE_COLUMNS, "service_description"), *((*row, "") for row in both)]
    message = error(make_workbook([facility()], code_rows=key, name="directory.xlsx"))
    assert message == "directory.xlsx could be any of su-2022, mh-2022: name it with --edition."


def test_setting_code_of_another_edition_is_a_clear_error(make_mh_workbook):
    message = error(make_mh_workbook([mh_facility()]), "--levels", "OIT")
    assert message.startswith("--levels: OIT is not a setting code of the mh-2022 edition")


def test_unknown_codes_in_rows_and_key_are_reported_not_fatal(make_mh_workbook):
    rows = [*MH_CODE_ROWS, ("SG", "Special Programs", "ZZNEW", "A code nobody reviewed", "")]
    path = make_mh_workbook(
        [mh_facility(service_code_info="MH * OP * ZZNEW QQ * ADLT")], code_rows=rows
    )
    output = run(path)
    assert "Unknown codes (not mapped, ignored): " in output
    assert "ZZNEW (A code nobody reviewed) x1" in output
    assert "QQ (not in the file's key) x1" in output
    assert "The file's key lists 1 code(s) the mh-2022 table has not reviewed: ZZNEW." in output
    assert Program.objects.count() == 1


def test_damaged_mental_health_workbook_is_one_line_and_writes_nothing(make_mh_workbook):
    path = make_mh_workbook([mh_facility()])
    break_compression(path, FACILITIES_PART)
    message = error(path)
    assert "could not be read to the end" in message or "not a readable" in message
    assert "\n" not in message
    assert not Program.objects.exists()


# --- The reviewed tables -------------------------------------------------------------------


@pytest.mark.parametrize("edition", editions.EDITIONS, ids=lambda e: e.slug)
def test_every_mapped_term_of_every_edition_exists(edition):
    missing = []
    for code, targets in edition.code_map.items():
        for target in targets:
            relation, _, slug = target.partition(":")
            model = VOCABULARY_RELATIONS.get(relation)
            if model is not None and not model.objects.filter(slug=slug).exists():
                missing.append(f"{code} -> {target}")
    assert missing == []
    assert set(edition.code_map) & edition.reviewed_unmapped == set()


def test_every_code_of_the_mental_health_key_has_been_reviewed(make_mh_workbook):
    # Against the key sheet of a workbook in the edition's layout, as the import reads it.
    from programs.imports.samhsa import read_directory

    directory = read_directory(make_mh_workbook([mh_facility()]))
    assert editions.MH_2022.unreviewed(directory.code_names) == []
    assert set(editions.MH_2022.settings) == {"HI", "OP", "PHDT", "RES"}


def test_every_code_of_the_real_substance_use_key_has_been_reviewed(samhsa_2022_file):
    from programs.imports.samhsa import read_directory

    directory = read_directory(samhsa_2022_file)
    assert editions.edition_for(directory, samhsa_2022_file) is editions.SU_2022
    assert editions.SU_2022.unreviewed(directory.code_names) == []


# --- Signs of quality from the data ----------------------------------------------------


def test_imported_signs_name_the_edition_that_says_so(make_workbook, client):
    su = make_workbook([facility(service_code_info="SA * OP OIT * CBT BU * JC * ADLT")])
    mh = make_workbook(
        [facility(service_code_info="MH * OP * DBT * CO * CARF * ADLT")], code_rows=MH_CODE_ROWS
    )
    for path in (su, mh):
        run(path)
    program = Program.objects.get()
    shown = {s.sign: s for s in program_signs(Program.objects.for_listing().get())}
    su_label = "SAMHSA National Directory 2022 (substance use)"
    mh_label = "SAMHSA National Directory 2022 (mental health)"
    assert shown[Sign.MOUD].sources == [su_label]
    assert shown[Sign.EVIDENCE_BASED].sources == [su_label, mh_label]
    assert shown[Sign.EVIDENCE_BASED].details == [
        "Cognitive behavioural therapy",
        "Dialectical behaviour therapy",
    ]
    assert shown[Sign.CO_OCCURRING].sources == [mh_label]
    assert set(shown[Sign.ACCREDITED].details) == {"The Joint Commission", "CARF International"}
    html = client.get(program.get_absolute_url()).content.decode()
    assert f"Source: {su_label}; {mh_label}." in html
    assert f"<dd>{su_label}; {mh_label}</dd>" in html  # the listing's provenance


def test_mental_health_settings_become_levels_of_care(make_mh_workbook):
    from programs.levels import Level

    rows = [
        mh_facility(name1="Day and residential", service_code_info="MH * PHDT RES * ADLT"),
        mh_facility(name1="Hospital", service_code_info="MH * HI * ADLT"),
        mh_facility(name1="Clinic", service_code_info="MH * OP * ADLT"),
    ]
    samhsa_import(path=make_mh_workbook(rows))
    levels = dict(Program.objects.values_list("name", "levels"))
    assert levels == {
        "Day and residential": Level.PHP | Level.RESIDENTIAL,
        "Hospital": Level.INPATIENT,
        "Clinic": Level.OUTPATIENT,
    }


def test_the_api_names_the_edition_behind_each_sign_as_the_page_does(make_workbook, api_client):
    su = make_workbook([facility(service_code_info="SA * OP OIT * CBT BU * JC * ADLT")])
    mh = make_workbook(
        [facility(service_code_info="MH * OP * DBT * CO * CARF * ADLT")], code_rows=MH_CODE_ROWS
    )
    for path in (su, mh):
        run(path)
    program = Program.objects.get()
    body = api_client.get(f"/api/v1/programs/{program.slug}/").json()
    shown = program_signs(Program.objects.for_listing().get())
    assert [(s["sign"], s["details"], s["sources"]) for s in body["signs"]] == [
        (s.sign, s.details, s.sources) for s in shown
    ]
    assert body["provenance"]["directory_editions"] == [
        record.source for record in DirectoryRecord.objects.filter(program=program)
    ]
    assert len(body["provenance"]["directory_editions"]) == 2
