"""The privacy statement's rules: typed paragraphs become HTML, anything but simple formatting goes,
and a consent may name only a version the network saved (or Knoop's default, version 0)."""

from services.recruitment.domain.privacy_text import as_html, is_empty, shown_version


def test_typed_paragraphs_become_paragraphs_with_their_text_escaped():
    assert as_html("Wij bewaren\nje naam.\r\n\r\nVragen? <mail> & zo") == (
        "<p>Wij bewaren<br>je naam.</p><p>Vragen? &lt;mail&gt; &amp; zo</p>"
    )


def test_the_editors_html_keeps_simple_formatting_and_loses_scripts_and_handlers():
    cleaned = as_html('<p onclick="x()">Je <strong>rechten</strong></p><script>steel()</script>')
    assert cleaned == "<p>Je <strong>rechten</strong></p>"


def test_a_text_of_only_tags_and_spaces_is_empty():
    assert is_empty(as_html("<p> </p><div>&nbsp;</div>")) and not is_empty(as_html("Tekst"))


def test_a_consent_names_a_saved_version_or_the_default():
    saved = {1, 2}
    assert [shown_version(v, saved) for v in ("2", 1, "0", " 1 ")] == [2, 1, 0, 1]
    assert [shown_version(v, saved) for v in ("3", "-1", "abc", "", True, None)] == [None] * 6
