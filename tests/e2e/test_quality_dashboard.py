"""A curator reads the data-quality dashboard and opens lists from it, in a real browser."""

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import Page, expect

from tests.factories import LocationFactory, ProgramFactory

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("vocabularies"),
]


@pytest.fixture
def signed_in_admin(page: Page, live_server) -> Page:
    User.objects.create_superuser("curator", "curator@example.org", "curator-pass-123")
    page.goto(f"{live_server.url}/admin/login/?next=/admin/quality/")
    page.get_by_label("Username").fill("curator")
    page.get_by_label("Password").fill("curator-pass-123")
    page.get_by_role("button", name="Log in").click()
    return page


def test_a_bar_and_its_table_row_open_the_same_list(signed_in_admin: Page, live_server):
    page = signed_in_admin
    for name, state, zip_code in [("Albany IOP", "NY", "12207"), ("Austin IOP", "TX", "78701")]:
        LocationFactory(program=ProgramFactory(name=name), state=state, zip_code=zip_code)
    ProgramFactory(name="Phoneless IOP", phone="", intake_phone="")
    page.reload()
    expect(page.get_by_role("heading", level=1, name="Data quality")).to_be_visible()

    # The chart is for the eye; its table is the accessible way to the same lists.
    page.get_by_text("Programmes per state as a table").click()
    table = page.locator("details", has_text="Programmes per state as a table")
    expect(table.get_by_role("row", name="Texas (TX) 1 1")).to_be_visible()

    page.locator("svg.quality-chart a", has_text="Texas").click()
    expect(page.get_by_role("heading", name="Select programme to change")).to_be_visible()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text("Austin IOP")

    page.go_back()
    missing = page.get_by_role("table", name="Listings missing key data, by status")
    missing.get_by_role("row", name="No phone number").get_by_role("link").last.click()
    expect(page.locator("#result_list tbody tr")).to_have_count(1)
    expect(page.locator("#result_list")).to_contain_text("Phoneless IOP")
