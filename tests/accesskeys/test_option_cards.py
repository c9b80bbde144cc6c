"""The New Access dialog's option cards, written in Python (templatetags/option_cards.py):
every text comes out escaped, and a card says what the template said."""

from accesskeys.templatetags.option_cards import option_card, option_cards

MARKUP = '<b onclick="x()">&\''
ESCAPED = "&lt;b onclick=&quot;x()&quot;&gt;&amp;&#x27;"


def option(**changes) -> dict:
    return {
        "value": "s3",
        "label": "S3 Credentials",
        "id": "na-type-0",
        "checked": False,
        "description": "For S3 tools.",
        **changes,
    }


def test_it_escapes_every_text_of_a_card():
    html = option_cards(
        [option(value=MARKUP, label=MARKUP, id=MARKUP, description=MARKUP)], MARKUP, "radio"
    )
    assert "<b " not in html
    # data-option, name, value, id, aria-describedby, for, label, the help and its id
    assert html.count(ESCAPED) == 9


def test_a_card_checks_describes_and_flags_as_the_template_did():
    html = option_card(option(checked=True), "type", "radio", invalid=True)
    assert html == (
        '<div class="na-option is-checked" data-option="s3">'
        '<input type="radio" name="type" value="s3" id="na-type-0" checked'
        ' aria-describedby="na-type-0-help" aria-invalid="true">'
        '<span class="na-option-text"><label for="na-type-0" class="na-option-title">'
        'S3 Credentials</label><span class="na-option-help" id="na-type-0-help">'
        "For S3 tools.</span></span></div>"
    )
    compact = option_card(option(), "type", "radio", compact=True)
    assert "na-option-help" not in compact and "aria-describedby" not in compact
    assert " checked" not in compact and "aria-invalid" not in compact


def test_a_group_says_how_many_columns():
    html = option_cards([option(), option(id="na-type-1")], "type", "radio", columns=3)
    assert html.startswith('<div class="na-options na-options-3">')
    assert option_cards([option()], "t", "checkbox", compact=True).startswith(
        '<div class="na-options na-options-compact">'
    )
