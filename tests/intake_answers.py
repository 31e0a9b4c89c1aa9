"""Every safety question answered "no", as JSON and as the questionnaire posts it.

The questionnaire and the match API require every safety answer, so most tests start here.
"""

SAFE_JSON = {
    "wish_dead": False,
    "suicidal_thoughts": False,
    "suicide_behavior": "never",
    "harm_others": False,
    "psychosis_danger": False,
    "medical_danger": False,
    "recent_hospitalization": False,
    "needs_withdrawal_support": False,
}
SAFE_FORM = {
    name: value if isinstance(value, str) else ("yes" if value else "no")
    for name, value in SAFE_JSON.items()
}
