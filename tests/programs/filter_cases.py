"""What each directory filter alone keeps of the shared test catalogue (tests/conftest.py).

Shared by the FilterSet tests and the API tests, so both hold the directory to one table.
"""

EACH_FILTER_ALONE = [
    ("condition=alcohol-use", ["Newark Morning IOP"]),
    (
        "condition=anxiety&condition=alcohol-use",
        ["Manhattan Evening IOP", "Newark Morning IOP"],
    ),
    ("modality=dbt", ["Newark Morning IOP"]),
    ("insurance=aetna", ["Austin Afternoon IOP", "Manhattan Evening IOP"]),
    ("language=es", ["Manhattan Evening IOP"]),
    ("population=veterans", ["Newark Morning IOP"]),
    ("accepting=on", ["Austin Afternoon IOP", "Manhattan Evening IOP", "Telehealth IOP"]),
    ("accepting=true", ["Austin Afternoon IOP", "Manhattan Evening IOP", "Telehealth IOP"]),
    (
        "accepting=false",
        [
            "Austin Afternoon IOP",
            "Manhattan Evening IOP",
            "Newark Morning IOP",
            "Telehealth IOP",
        ],
    ),
    ("age=15", ["Newark Morning IOP"]),
    ("age=40", ["Austin Afternoon IOP", "Manhattan Evening IOP", "Telehealth IOP"]),
    ("time=morning", ["Newark Morning IOP"]),
    ("time=afternoon", ["Austin Afternoon IOP"]),
    ("time=evening", ["Manhattan Evening IOP"]),
    ("time=weekend", ["Newark Morning IOP"]),
    ("time=evening&time=afternoon", ["Austin Afternoon IOP", "Manhattan Evening IOP"]),
    ("format=virtual", ["Telehealth IOP"]),
    (
        "format=in_person",
        ["Austin Afternoon IOP", "Manhattan Evening IOP", "Newark Morning IOP"],
    ),
    ("q=Manhattan", ["Manhattan Evening IOP"]),
    ("q=Garden State", ["Newark Morning IOP"]),
    ("q=austin", ["Austin Afternoon IOP"]),
    ("q=zebra", []),
]
