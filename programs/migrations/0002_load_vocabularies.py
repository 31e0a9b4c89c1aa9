"""Load the controlled vocabularies (stable slugs) and the list of states.

Slugs are a public contract: URLs, the API, imports and saved shortlists use them.
Rename a label freely; never change or reuse a slug.
"""

from django.db import migrations

CONDITIONS = [
    # slug, name, category
    ("depression", "Depression", "mental_health"),
    ("anxiety", "Anxiety (generalised, social, panic)", "mental_health"),
    ("ocd", "Obsessive-compulsive disorder (OCD)", "mental_health"),
    ("ptsd-trauma", "PTSD and trauma", "mental_health"),
    ("bipolar", "Bipolar disorder", "mental_health"),
    ("eating-disorders", "Eating disorders", "mental_health"),
    ("personality-disorders", "Personality disorders (incl. borderline)", "mental_health"),
    ("self-harm", "Self-harm behaviours", "mental_health"),
    ("psychosis", "Schizophrenia and psychotic disorders", "mental_health"),
    ("adhd", "ADHD", "mental_health"),
    ("grief", "Grief and loss", "mental_health"),
    ("stress-burnout", "Stress and burnout", "mental_health"),
    ("alcohol-use", "Alcohol use", "substance_use"),
    ("opioid-use", "Opioid use", "substance_use"),
    ("substance-use", "Other drug use", "substance_use"),
    ("co-occurring", "Co-occurring mental health and substance use (dual diagnosis)", "co_occurring"),
]

MODALITIES = [
    # slug, name, kind, abbreviation
    ("cbt", "Cognitive behavioural therapy", "therapy", "CBT"),
    ("dbt", "Dialectical behaviour therapy", "therapy", "DBT"),
    ("emdr", "Eye movement desensitisation and reprocessing", "therapy", "EMDR"),
    ("motivational-interviewing", "Motivational interviewing", "therapy", "MI"),
    ("act", "Acceptance and commitment therapy", "therapy", "ACT"),
    ("erp", "Exposure and response prevention", "therapy", "ERP"),
    ("psychodynamic", "Psychodynamic therapy", "therapy", ""),
    ("somatic", "Somatic and nervous-system regulation", "therapy", ""),
    ("mindfulness", "Mindfulness-based approaches", "therapy", ""),
    ("trauma-focused-cbt", "Trauma-focused CBT", "therapy", "TF-CBT"),
    ("contingency-management", "Contingency management", "therapy", "CM"),
    ("twelve-step", "12-step facilitation", "therapy", ""),
    ("individual-therapy", "Individual therapy", "service", ""),
    ("group-therapy", "Group therapy", "service", ""),
    ("family-therapy", "Family therapy", "service", ""),
    ("psychoeducation", "Psychoeducation", "service", ""),
    ("medication-management", "Medication management", "service", ""),
    ("psychiatric-evaluation", "Psychiatric evaluation", "service", ""),
    ("moud", "Medication for opioid or alcohol use (MAT/MOUD)", "service", "MAT"),
    ("case-management", "Case management", "service", ""),
    ("relapse-prevention", "Relapse-prevention planning", "service", ""),
    ("vocational-support", "Vocational and education support", "service", ""),
    ("aftercare-planning", "Aftercare planning", "service", ""),
    ("peer-support", "Peer support", "service", ""),
    ("drug-testing", "Drug testing", "service", ""),
    ("crisis-planning", "Crisis and safety planning", "service", ""),
]

INSURANCE = [
    # slug, name, kind
    ("aetna", "Aetna", "private"),
    ("anthem", "Anthem / Elevance Health", "private"),
    ("blue-cross-blue-shield", "Blue Cross Blue Shield", "private"),
    ("cigna", "Cigna / Evernorth", "private"),
    ("humana", "Humana", "private"),
    ("kaiser-permanente", "Kaiser Permanente", "private"),
    ("unitedhealthcare", "UnitedHealthcare / Optum", "private"),
    ("magellan", "Magellan Health", "private"),
    ("carelon", "Carelon Behavioral Health", "private"),
    ("private-insurance", "Private insurance (check your plan)", "private"),
    ("medicaid", "Medicaid", "medicaid"),
    ("medicare", "Medicare", "medicare"),
    ("tricare", "TRICARE", "military"),
    ("va-community-care", "VA Community Care", "military"),
    ("state-funded", "State-funded care", "public"),
    ("self-pay", "Self-pay (cash or card)", "self_pay"),
]

POPULATIONS = [
    ("adolescents", "Adolescents (13-17)"),
    ("young-adults", "Young adults (18-25)"),
    ("adults", "Adults"),
    ("older-adults", "Older adults (65+)"),
    ("lgbtq", "LGBTQ+ people"),
    ("veterans", "Veterans"),
    ("active-military", "Active-duty military and families"),
    ("women", "Women"),
    ("men", "Men"),
    ("professionals", "Professionals"),
    ("first-responders", "First responders"),
    ("pregnant-postpartum", "Pregnant and postpartum people"),
    ("justice-involved", "People involved with the justice system"),
]

LANGUAGES = [
    ("en", "English"),
    ("es", "Spanish"),
    ("zh", "Chinese"),
    ("vi", "Vietnamese"),
    ("ko", "Korean"),
    ("tl", "Tagalog"),
    ("ar", "Arabic"),
    ("ru", "Russian"),
    ("fr", "French"),
    ("ht", "Haitian Creole"),
    ("pt", "Portuguese"),
    ("pl", "Polish"),
    ("hi", "Hindi"),
    ("de", "German"),
    ("it", "Italian"),
    ("ja", "Japanese"),
    ("asl", "American Sign Language"),
    ("nv", "Navajo"),
]

ACCREDITATIONS = [
    ("joint-commission", "The Joint Commission"),
    ("carf", "CARF International"),
    ("ncqa", "NCQA"),
    ("coa", "Council on Accreditation (COA)"),
    ("achc", "Accreditation Commission for Health Care (ACHC)"),
    ("state-licensed", "State licence"),
]

STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "DC": "District of Columbia",
    "FL": "Florida", "GA": "Georgia", "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois",
    "IN": "Indiana", "IA": "Iowa", "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana",
    "ME": "Maine", "MD": "Maryland", "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota",
    "MS": "Mississippi", "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada",
    "NH": "New Hampshire", "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York",
    "NC": "North Carolina", "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon",
    "PA": "Pennsylvania", "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota",
    "TN": "Tennessee", "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia",
    "WA": "Washington", "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "AS": "American Samoa", "GU": "Guam", "MP": "Northern Mariana Islands",
    "PR": "Puerto Rico", "VI": "U.S. Virgin Islands",
    "FM": "Federated States of Micronesia", "MH": "Marshall Islands", "PW": "Palau",
}


def load(apps, schema_editor):
    def put(model_name, rows, extra_fields=()):
        model = apps.get_model("programs", model_name)
        for order, row in enumerate(rows):
            slug, name, *extra = row
            defaults = {"name": name, "sort_order": order}
            defaults.update(dict(zip(extra_fields, extra, strict=True)))
            model.objects.update_or_create(slug=slug, defaults=defaults)

    put("Condition", CONDITIONS, ("category",))
    put("Modality", MODALITIES, ("kind", "abbreviation"))
    put("Insurance", INSURANCE, ("kind",))
    put("Population", POPULATIONS)
    put("Language", LANGUAGES)
    put("Accreditation", ACCREDITATIONS)
    State = apps.get_model("programs", "State")
    for code, name in STATES.items():
        State.objects.update_or_create(code=code, defaults={"name": name})


def unload(apps, schema_editor):
    for model_name in ("Condition", "Modality", "Insurance", "Population", "Language",
                       "Accreditation", "State"):
        apps.get_model("programs", model_name).objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("programs", "0001_initial")]

    operations = [migrations.RunPython(load, unload)]
