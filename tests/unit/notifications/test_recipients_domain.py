"""Who is told about an event, with plain payloads: one message per address, nobody's link in another's."""

from services.notifications.domain import (
    both_sides_of_match,
    by_address,
    display_name,
    each_invitee,
    each_person,
    publisher_of_vacancy,
    shared_context,
    to,
    to_each,
)


def person(email, name="An", language="nl", **extra):
    return {"email": email, "name": name, "language": language, **extra}


def test_one_recipient_is_found_under_its_key():
    holder = person("a@example.org")
    assert to("holder")({"holder": holder}) == [(holder, {})]


def test_each_publisher_in_the_list_is_a_recipient():
    publishers = [person("a@example.org"), person("b@example.org")]
    assert to_each("publishers")({"publishers": publishers}) == [(p, {}) for p in publishers]


def test_two_publishers_sharing_one_contact_address_get_one_message():
    first, second = person("Info@Example.org", "First"), person("info@example.org", "Second")
    assert by_address([(first, {}), (second, {})]) == {"info@example.org": (first, {})}


def test_each_invitee_gets_their_own_signup_link():
    invitees = [person("a@example.org", signup_url="/a"), person("b@example.org", signup_url="/b")]
    assert [extra for _, extra in each_invitee({"invitees": invitees})] == [
        {"signup_url": "/a"},
        {"signup_url": "/b"},
    ]


def test_each_person_of_a_batch_gets_their_own_link():
    people = [person("a@example.org", url="/a")]
    assert each_person({"people": people}) == [(people[0], {"url": "/a"})]


def test_a_batchs_list_of_people_stays_out_of_what_every_message_shows():
    data = {"title": "Dag", "invitees": [person("a@example.org")], "people": []}
    assert shared_context(data) == {"title": "Dag"}


def test_a_match_question_goes_to_both_sides_each_with_their_own_answer_links():
    data = {
        "volunteer": person("v@example.org"),
        "organisation": person("o@example.org"),
        "volunteer_yes_url": "/vy",
        "volunteer_no_url": "/vn",
        "organisation_yes_url": "/oy",
        "organisation_no_url": "/on",
    }
    (volunteer, as_volunteer), (organisation, as_organisation) = both_sides_of_match(data)
    assert (volunteer["email"], as_volunteer) == (
        "v@example.org",
        {"yes_url": "/vy", "no_url": "/vn", "as_volunteer": True},
    )
    assert (organisation["email"], as_organisation["yes_url"], as_organisation["as_volunteer"]) == (
        "o@example.org",
        "/oy",
        False,
    )


def test_a_published_vacancy_goes_to_its_contact_in_the_vacancys_language():
    data = {"contact_name": "Bo", "contact_email": "bo@example.org", "language": "en"}
    assert publisher_of_vacancy(data) == [(person("bo@example.org", "Bo", "en"), {})]


def test_a_name_goes_into_the_message_on_one_line_with_single_spaces():
    assert display_name("  Jan \n van  Dijk ") == "Jan van Dijk"
