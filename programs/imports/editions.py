"""The editions of SAMHSA's national directories that ``import_samhsa`` reads.

Each edition is its own source (``Program.Source``) with its own reviewed code table. An
edition is named on the command line (``--edition mh-2022``) or recognised from the
workbook: its title (the file's properties, else its file name) and, always, its own key
sheet, which must carry the edition's marker codes. A later edition is one more entry in
``EDITIONS`` with its reviewed table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from programs.imports import samhsa, samhsa_mh_2022
from programs.models import Program


@dataclass(frozen=True)
class Edition:
    slug: str  # what --edition takes
    source: str  # Program.Source value
    title: str  # how the report names it
    title_pattern: str  # a regex for the workbook's title or file name (case-insensitive)
    markers: frozenset[str]  # codes only this layout's key lists
    code_map: dict[str, tuple[str, ...]]
    reviewed_unmapped: frozenset[str]
    settings: tuple[str, ...]  # every setting code a facility may be selected by
    default_levels: tuple[str, ...]  # the settings imported unless --levels says otherwise

    def reviewed(self, code: str) -> bool:
        return code in self.code_map or code in self.reviewed_unmapped

    def unreviewed(self, codes: dict[str, str]) -> list[str]:
        """The codes the workbook's key lists that this edition's table has never reviewed."""
        return sorted(code for code in codes if not self.reviewed(code))


SU_2022 = Edition(
    slug="su-2022",
    source=Program.Source.SAMHSA_2022,
    title="SAMHSA National Directory of Substance Use Treatment Facilities 2022",
    title_pattern=r"(substance|_SA_|\bSA\b).*2022|2022.*(substance|_SA_)",
    markers=frozenset({"OIT"}),
    code_map=samhsa.CODE_MAP,
    reviewed_unmapped=samhsa.REVIEWED_UNMAPPED,
    settings=("OIT", "ODT", "ORT", "OP", "RES", "HI", "HID", "HIT", "OD", "RD", "RL", "RS"),
    default_levels=(samhsa.IOP_CODE,),
)
MH_2022 = Edition(
    slug="mh-2022",
    source=Program.Source.SAMHSA_MH_2022,
    title="SAMHSA National Directory of Mental Health Treatment Facilities 2022",
    title_pattern=r"(mental|_MH_|\bMH\b).*2022|2022.*(mental|_MH_)",
    markers=frozenset({"PHDT"}),
    code_map=samhsa_mh_2022.CODE_MAP,
    reviewed_unmapped=samhsa_mh_2022.REVIEWED_UNMAPPED,
    settings=samhsa_mh_2022.SETTINGS,
    default_levels=samhsa_mh_2022.SETTINGS,
)
# In this order a listing found in several editions takes its name, phones and address.
EDITIONS: tuple[Edition, ...] = (SU_2022, MH_2022)
BY_SLUG = {edition.slug: edition for edition in EDITIONS}
BY_SOURCE = {edition.source: edition for edition in EDITIONS}


def edition_named(slug: str) -> Edition:
    try:
        return BY_SLUG[slug.strip().lower()]
    except KeyError:
        known = ", ".join(BY_SLUG)
        raise samhsa.SamhsaFileError(f"Unknown edition '{slug}' (known: {known}).") from None


def edition_for(directory: samhsa.Directory, path: Path, *, named: str = "") -> Edition:
    """The edition a workbook is: as named (and checked against its key) or recognised."""
    keyed = [edition for edition in EDITIONS if edition.markers <= directory.code_names.keys()]
    if named:
        edition = edition_named(named)
        if edition not in keyed:
            found = ", ".join(e.slug for e in keyed) or "no edition we know"
            raise samhsa.SamhsaFileError(
                f"{path.name} is not the {edition.slug} edition: its code key looks like "
                f"{found} (it lacks {', '.join(sorted(edition.markers))})."
            )
        return edition
    if not keyed:
        raise samhsa.SamhsaFileError(
            f"{path.name} is a directory layout we do not know: its code key has none of "
            f"{', '.join(sorted(set().union(*(e.markers for e in EDITIONS))))}; "
            "name the edition with --edition."
        )
    for title in (directory.title, path.name):
        titled = [e for e in keyed if title and re.search(e.title_pattern, title, re.I)]
        if len(titled) == 1:
            return titled[0]
    if len(keyed) == 1:
        return keyed[0]
    options = ", ".join(e.slug for e in keyed)
    raise samhsa.SamhsaFileError(f"{path.name} could be any of {options}: name it with --edition.")
