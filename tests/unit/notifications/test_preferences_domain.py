"""What a person can refuse, with plain values: kinds, essential messages, language, suppression."""

from services.notifications.domain import (
    KIND_NAMES,
    SUPPRESSED_BECAUSE,
    DeliveryStatus,
    chosen_language,
    first_status,
    is_essential,
    kind_of,
    language_for,
    refusable,
    refused_with,
    refuses,
)


def test_a_non_essential_template_belongs_to_the_kind_a_person_can_refuse():
    assert kind_of("event_invitation") == "invitations"
    assert kind_of("match_question") == kind_of("feedback_request") == "surveys"


def test_a_login_link_has_no_kind_and_is_essential():
    assert kind_of("login_link") is None
    assert is_essential("login_link")


def test_every_refusable_template_has_a_kind_the_preferences_page_offers():
    for template in ("alert", "match_question", "pass_redeemed", "event_invitation", "feedback_request"):
        assert not is_essential(template)
        assert kind_of(template) in KIND_NAMES


def test_someone_who_refused_invitations_refuses_an_invitation():
    assert refuses(["invitations"], "event_invitation")


def test_someone_who_refused_invitations_still_gets_a_receipt():
    assert not refuses(["invitations"], "pass_redeemed")


def test_an_essential_message_is_never_refused_whatever_was_refused():
    assert not refuses(list(KIND_NAMES), "pass_issued")


def test_someone_without_stated_preferences_refuses_nothing():
    assert not refuses(None, "alert")
    assert not refuses([], "alert")


def test_a_refusal_adds_to_what_was_refused_before():
    assert refused_with(["surveys"], ["alerts"]) == ["alerts", "surveys"]
    assert refused_with(None, ["alerts", "alerts"]) == ["alerts"]


def test_saved_refusals_keep_only_kinds_that_can_be_refused():
    assert refusable(["surveys", "login_links", "alerts"]) == ["alerts", "surveys"]


def test_only_dutch_and_english_can_be_chosen_and_anything_else_means_as_the_sender_chose():
    assert chosen_language("en") == "en"
    assert chosen_language("de") is None
    assert chosen_language(None) is None


def test_a_chosen_language_wins_over_the_senders():
    assert language_for("en", "nl") == "en"
    assert language_for(None, "nl") == "nl"


def test_a_refused_kind_is_recorded_as_suppressed_with_the_reason():
    assert first_status(["alerts"], "alert") == (DeliveryStatus.SUPPRESSED, SUPPRESSED_BECAUSE)


def test_a_message_not_refused_waits_to_be_sent():
    assert first_status(["alerts"], "login_link") == (DeliveryStatus.PENDING, "")
