"""A member uploads a nomination file larger than the inline limit on a phone: the progress page
updates its progress in place while appreciation's worker nominates chunk by chunk, then shows the
per-row report; every page fine for a screen reader and at 390 px."""

import pytest
from playwright.sync_api import expect

from shared.web.sessions import COOKIE_NAME
from tests.support.appreciation import page_session, pass_network, run_own_events
from tests.support.browser import PHONE, assert_fine
from tests.support.nomination_files import LARGE, run_one_chunk

pytestmark = pytest.mark.integration


def test_a_large_file_shows_its_progress_in_place_and_then_the_report(stack, browser, serve):
    stack.overrides = {"nomination_inline_rows": 3, "nomination_chunk_rows": 3}
    pn = pass_network(stack)
    base = serve(pn.app)
    session = page_session(pn, "Humanitas").get_cookie(COOKIE_NAME).value
    context = browser.new_context(viewport=PHONE)
    context.add_cookies([{"name": COOKIE_NAME, "value": session, "url": base}])
    page = context.new_page()

    page.goto(f"{base}/waardering/nominaties/nieuw")
    page.get_by_label("CSV-bestand").set_input_files(
        files=[{"name": "vrijwilligers.csv", "mimeType": "text/csv", "buffer": LARGE.encode()}]
    )
    page.get_by_role("button", name="Uploaden en voordragen").click()
    page.wait_for_url("**/waardering/nominaties/bestand/*")
    expect(page.locator("#progress-text")).to_have_text("0 van 7 rijen verwerkt")
    assert_fine(page)

    page.evaluate("window.sameLoad = true")
    run_one_chunk(pn.app)
    expect(page.locator("#progress-text")).to_have_text("3 van 7 rijen verwerkt")
    assert page.evaluate("window.sameLoad === true")  # updated in place, not reloaded

    run_own_events(pn.app)
    expect(page.locator("#summary")).to_have_text("5 voorgedragen, 1 met al een pas, 1 geweigerd.")
    assert page.locator("#progress-text").inner_text() == "7 van 7 rijen verwerkt"
    assert page.locator("#rows tbody tr").count() == 7
    assert_fine(page)
    context.close()
