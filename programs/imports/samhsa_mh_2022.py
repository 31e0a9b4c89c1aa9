"""The reviewed code table of SAMHSA's 2022 National Directory of Mental Health Treatment Facilities.

Same workbook layout as the substance-use directory (``Facilities List`` with
``service_code_info``, a ``Service Code Reference`` key) but its own codes. The real file is
not in the repository; the codes below follow the 2022 mental-health directory's key as
published (settings ``HI``, ``OP``, ``PHDT``, ``RES``; no intensive-outpatient code).
Where we were not sure of a code's spelling the import still cannot miss it: every code the
workbook's own key lists and this table does not is reported by name (see
``programs.imports.editions.Edition.unreviewed``), and every code in a row that is neither
mapped nor reviewed is counted in the report.

Targets use the notation of ``programs.imports.samhsa.CODE_MAP`` ("level:<code>" is a level of
care of ``programs.levels``).
"""

from __future__ import annotations

from programs.imports.samhsa import SHARED_CODES

# The settings that make a facility a real place for a level of care: all four are listed.
SETTINGS = ("PHDT", "OP", "RES", "HI")

CODE_MAP: dict[str, tuple[str, ...]] = {
    # Type of care
    "MH": (),  # every facility in this edition gives mental health treatment
    "SA": ("conditions:substance-use",),
    "SUMH": ("conditions:co-occurring",),
    # Service setting: the level of care
    "PHDT": ("level:php",),
    "OP": ("level:outpatient",),  # here the outpatient clinic itself, weekly care
    "RES": ("level:residential",),
    "HI": ("level:inpatient",),
    # Treatment approaches (TAP)
    "CBT": ("modalities:cbt",),
    "DBT": ("modalities:dbt",),
    "EMDR": ("modalities:emdr",),
    "TMS": ("modalities:tms",),
    "ECT": ("modalities:ect",),
    "IPT": ("modalities:individual-therapy",),
    "GT": ("modalities:group-therapy",),
    "CFT": ("modalities:family-therapy",),
    "IDD": ("conditions:co-occurring",),  # integrated dual disorders treatment
    "TELE": ("telehealth",),
    "PTSA": ("modalities:psychiatric-evaluation",),  # psychiatric assessment
    "MM": ("modalities:medication-management",),  # psychotropic medication
    # Medications for opioid or alcohol use, where a mental-health facility offers them
    "MOUD": ("modalities:moud",),
    "MOA": ("modalities:moud-accepted",),
    # Special programmes or groups: who it serves, and the conditions it names
    "SMI": ("conditions:serious-mental-illness",),
    "SED": ("conditions:serious-emotional-disturbance",),
    "ALZ": ("conditions:dementia",),
    "ED": ("conditions:eating-disorders",),
    "PTSD": ("conditions:ptsd-trauma",),
    "TRMA": ("conditions:ptsd-trauma",),
    "FEP": ("conditions:psychosis",),  # first-episode psychosis
    "CO": ("conditions:co-occurring",),
    "TAY": ("populations:young-adults",),
    "SE": ("populations:older-adults",),
    "VET": ("populations:veterans",),
    "ADM": ("populations:active-military",),
    "MF": ("populations:active-military",),
    "GL": ("populations:lgbtq",),
    "CJ": ("populations:justice-involved",),
    "PW": ("populations:pregnant-postpartum",),
    "WN": ("populations:women",),
    "MN": ("populations:men",),
    # Services
    "CM": ("modalities:case-management",),
    "PEER": ("modalities:peer-support",),
    "SEMP": ("modalities:vocational-support",),  # supported employment
    "PSE": ("modalities:psychoeducation",),
    "SPS": ("modalities:crisis-planning",),
    "CIT": ("modalities:crisis-planning",),  # crisis intervention team
    "DP": ("modalities:aftercare-planning",),
    # Accreditation and licences
    "JC": ("accreditations:joint-commission",),
    "CARF": ("accreditations:carf",),
    "NCQA": ("accreditations:ncqa",),
    "COA": ("accreditations:coa",),
    "STMH": ("accreditations:state-licensed",),
    "STDH": ("accreditations:state-licensed",),
    "STAG": ("accreditations:state-licensed",),
    "HLA": ("accreditations:state-licensed",),
    # Payment
    "PI": ("insurance:private-insurance",),
    "MD": ("insurance:medicaid",),
    "MC": ("insurance:medicare",),
    "MI": ("insurance:tricare",),
    "VAF": ("insurance:va-community-care",),
    "SI": ("insurance:state-funded",),
    "SMHA": ("insurance:state-funded",),  # state mental health agency funds
    "SF": ("insurance:self-pay",),
    "SS": ("sliding_scale",),
    **SHARED_CODES,
}

REVIEWED_UNMAPPED: frozenset[str] = frozenset(
    code
    for group in (
        "PH GHPU RTCA RTCC OMH CMHC CBHC MSNH OTHF VAMC",  # facility types
        "KIT AT BMOD CRT TT",  # ketamine, activity, behaviour modification, remediation
        "LCCG PVTP PVTN STG TBG FED IH DDF",  # who operates the facility
        "HFAP FQHC CMS",  # other certifications
        "ITU NP PA CSP",  # funding with no insurance term of ours
        "TBI HV XA DV",  # special groups with no term of ours
        "PEWS MHED",  # emergency walk-in services, education
        "ACT ICM",  # assertive community treatment, intensive case management (team models)
        "SMON SMOP SMPD VAPN VAPP VPPD",  # smoking and vaping policy
        "FEM MALE",  # genders accepted
        "NX FX F25 F31 F35 F37 N24 N40",  # languages we have no term for
    )
    for code in group.split()
)
