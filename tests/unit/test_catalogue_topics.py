"""A topic's translation file (nl.<topic>.po) is read after the main nl.po, so it may correct one
of its strings (one form of address throughout), the same way on every machine."""

from shared.i18n import Catalogue, language


def _po(path, text: str) -> None:
    header = 'msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
    path.write_text(header + text, encoding="utf-8")


def test_a_topic_file_corrects_a_string_of_the_main_file(tmp_path):
    _po(tmp_path / "nl.po", 'msgid "Your students"\nmsgstr "Uw studenten"\n')
    _po(tmp_path / "nl.aaa.po", 'msgid "Your students"\nmsgstr "Jouw studenten"\n')
    with language("nl"):
        assert Catalogue(tmp_path).gettext("Your students") == "Jouw studenten"


def test_the_recruitment_pages_say_je_not_u():
    from pathlib import Path

    import services.recruitment

    catalogue = Catalogue(Path(services.recruitment.__file__).parent / "translations")
    with language("nl"):
        assert catalogue.gettext("Your students") == "Jouw studenten"
        assert " u " not in catalogue.gettext(
            "For member organisations, education partners, students and the coordinator: "
            "we e-mail you a link that logs you in."
        )
