"""The SMS rendering of a reply: short text, short numbered options, 0 for the menu, discreet previews."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.channels.sms_render import LabelConflict, SmsRenderer, indiscreet, short_labels
from bot.channels.sms_segments import count_segments
from bot.messages import Button, Channel, OutboundMessage
from flows import faq
from flows.texts import TEXTS_DIR, TextEntry, Texts

TEXTS = Texts.load()
RENDERER = SmsRenderer(TEXTS)
MENU = Button("/help", "Izvēlne")


def _message(text: str, *buttons: Button, sms_text: str | None = None) -> OutboundMessage:
    return OutboundMessage(1, Channel.SMS, "+37120000001", text, tuple(buttons), sms_text=sms_text)


def test_the_sms_variant_and_short_labels_are_used_and_the_menu_is_zero():
    message = _message(
        "A long answer for chat apps",
        Button("/visit_long", "Ilgstošā tikšanās"),
        Button("/prison_contacts", "Cietumu kontakti"),
        MENU,
        sms_text="Īsa atbilde.",
    )
    assert RENDERER.render(message) == "Īsa atbilde.\n1 Ilgstošā tikšanās\n2 Kontakti\n0 Izvēlne"


def test_suggestions_are_dropped_from_the_end_but_keep_their_numbers_and_the_menu_stays():
    text = "ā" * 110
    detail = RENDERER.render_detail(
        _message(text, Button("/letters", "Vēstules"), Button("/a", "Garš nosaukums"), MENU)
    )
    assert detail.body == text + "\n1 Vēstules\n0 Izvēlne"
    assert (detail.shown, detail.dropped) == ((1, 0), (2,))
    assert count_segments(detail.body).segments == 2


def test_a_menu_without_0_is_shown_whole_even_when_long():
    buttons = tuple(Button(f"/x{n}", f"Iespēja numur {n}") for n in range(1, 12))
    detail = RENDERER.render_detail(_message("Izvēlieties:", *buttons))
    assert detail.dropped == () and detail.body.count("\n") == 11


def test_the_main_menu_fits_in_every_language():
    for lang in TEXTS.languages:
        buttons = tuple(Button(f"/{i}", TEXTS.label(f"button.{i}", lang)) for i in faq.MAIN_MENU)
        body = RENDERER.render(
            _message(
                TEXTS.render("menu.main", lang), *buttons, sms_text=TEXTS.render("menu.main", lang, sms=True)
            )
        )
        assert count_segments(body).segments <= 2, (lang, body)
        assert body.splitlines()[-1].startswith("10 ")


def test_an_unknown_label_is_shown_as_it_is():
    assert RENDERER.render(_message("Jā vai nē?", Button("erase:yes", "Jā, dzēst visu"))).endswith(
        "1 Jā, dzēst visu"
    )


def test_two_different_short_labels_for_one_label_are_refused():
    entries = {
        "lv": {"button.a": TextEntry("Video", sms="Vid"), "x": TextEntry("plain")},
        "en": {"button.a": TextEntry("Video", sms="V")},
    }
    with pytest.raises(LabelConflict):
        short_labels(Texts(entries))


@pytest.mark.parametrize(
    "text",
    [
        "Cietumā var zvanīt",
        "Par cietuma tālruni",
        "Zvaniet: CIETUMS",
        "ieslodzītajiem un viņu tuviniekiem",
        "Ieslodzījuma vietu pārvalde",
        "Ваш близкий в тюрьме",
        "Адреса тюрем",
        "Для заключённых",
        "Contact the prison today",
        "Reach the Jail",
        "Pārvalde IeVP, Stabu iela 89",
        "Jūsu tuvinieks ir ieslodzījumā",
        "Jūsu tuvinieks un viņa cietuma",  # a word starting at character 25
        "1234567890123456789012345678901234567 cietums",  # starts inside the preview, ends after it
        "cietuma".upper(),
        "cietuma".replace("a", "ā"),
    ],
)
def test_sensitive_words_in_the_preview_are_found(text: str):
    assert indiscreet(text) is not None


@pytest.mark.parametrize(
    "text",
    ["Sveiki! Esmu ģimeņu atbalsta tālruņa palīgs.", "Koordinators atbildēs šeit.", "x" * 47 + " cietumā"],
)
def test_neutral_previews_pass(text: str):
    assert indiscreet(text) is None


def test_our_sms_variants_keep_the_placeholders_of_their_text():
    """In lv/ru/en.yml (this channel's additions) an SMS variant uses exactly the text's placeholders."""
    for lang in ("lv", "ru", "en"):
        doc = yaml.safe_load(Path(TEXTS_DIR / f"{lang}.yml").read_text(encoding="utf-8"))
        for key in doc["texts"]:
            entry = TEXTS.entry(key, lang)
            if entry.sms:
                text_only = TextEntry(entry.text)
                assert TextEntry(entry.sms).placeholders() == text_only.placeholders(), (lang, key)
