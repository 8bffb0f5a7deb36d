"""A member organisation offers a placement to an open group and changes it, through pages only,
on a phone and on a desktop; once the coordinator publishes the allocation it can no longer be
changed, and the member's students page is one click away."""

import pytest

from tests.support.placements import partner_with_cohort
from tests.support.recruitment import network_with_members

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("phone", [True, False], ids=["phone", "desktop"])
def test_a_member_offers_a_placement_to_an_open_group_and_changes_it(stack, visitor, phone):
    net = network_with_members(stack.app("recruitment"))
    cohort = partner_with_cohort(net)
    member = visitor(phone=phone)
    page = member.page
    page.goto(member.base + "/")
    member.check()
    member.click("Inloggen voor organisaties, coördinatoren en onderwijspartners")
    member.log_in("humanitas@enkhuizen.example.org")
    member.check()

    member.menu("Stageplekken aanbieden")
    assert "Social Work jaar 1" in page.locator(".group").inner_text()
    member.click("Stageplek aanbieden aan Social Work jaar 1")
    page.get_by_label("Titel").fill("Huisbezoek bij ouderen")
    page.get_by_label("Wat de student doet").fill("Op bezoek bij ouderen die weinig mensen zien.")
    page.get_by_label("Wijk of dorp").fill("Binnenstad")
    page.get_by_label("Aantal plaatsen").fill("")
    page.get_by_label("Uren").fill("8")
    page.get_by_label("Wanneer").fill("Dinsdagmiddag")
    member.click("Stageplek aanbieden", role="button")
    assert page.locator(".error-summary").is_visible()  # the number of places is missing; the rest is kept
    assert page.get_by_label("Titel").input_value() == "Huisbezoek bij ouderen"
    page.get_by_label("Aantal plaatsen").fill("2")
    member.click("Stageplek aanbieden", role="button")
    assert "Stageplek aangeboden aan Social Work jaar 1." in page.locator(".flash").inner_text()
    assert "Huisbezoek bij ouderen" in page.locator("#offered").inner_text()

    member.click("Huisbezoek bij ouderen wijzigen")
    assert page.get_by_label("Wijk of dorp").input_value() == "Binnenstad"
    page.get_by_label("Aantal plaatsen").fill("3")
    member.click("Wijzigingen opslaan", role="button")
    assert "Stageplek gewijzigd." in page.locator(".flash").inner_text()
    row = page.locator("#offered tbody tr", has_text="Huisbezoek bij ouderen")
    assert row.locator("td").nth(2).inner_text() == "3"

    # The coordinator publishes the allocation (its own journey): the placement is now fixed.
    cohort.api("post", f"/cohorts/{cohort.id}/allocation", json={"seed": 1})
    cohort.api("post", f"/cohorts/{cohort.id}/allocation/publish")
    page.reload()
    member.check()
    assert "verdeling gepubliceerd" in page.locator("#offered").inner_text()
    assert page.get_by_role("link", name="Huisbezoek bij ouderen wijzigen").count() == 0
    member.click("Je studenten: bevestigen of afwijzen")
    assert page.url.endswith("/portaal/stages")
