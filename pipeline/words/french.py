"""French, word by word: numbers in words, dates, hours, agreement, elision,
typography, money.

Pure functions of plain values; the rules decide, this module words. The
wording of a vote's result is :mod:`pipeline.words.results`, the sentences a
document prints :mod:`pipeline.words.sentences`.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from decimal import Decimal

from pipeline.law.tariffs import Change, to_cents

NBSP = "\u00a0"  # before € : ; ! ? % and inside « »
NNBSP = "\u202f"  # thousands separator, as Babel's French locale writes it
APOSTROPHE = "\u2019"
LOCALE = "fr_FR"


# --- numbers, dates, hours ------------------------------------------------


def number_words(n: int) -> str:
    from num2words import num2words

    return num2words(n, lang="fr")


def day_words(day: int) -> str:
    """Day of the month in words: "premier" for the 1st, not "un"."""
    return "premier" if day == 1 else number_words(day)


def year_words(date: dt.date) -> str:
    return number_words(date.year)


def month_name(date: dt.date) -> str:
    from babel.dates import format_date

    return format_date(date, "MMMM", locale=LOCALE)


def date_words(date: dt.date, with_year: bool = True) -> str:
    """ "vingt-huit novembre deux mille seize" ("premier" for the 1st)."""
    words = f"{day_words(date.day)} {month_name(date)}"
    return f"{words} {year_words(date)}" if with_year else words


def date_short(date: dt.date) -> str:
    """ "28 novembre 2016", "1er novembre 2016"."""
    day = "1er" if date.day == 1 else str(date.day)
    return f"{day} {month_name(date)} {date.year}"


def hour(time: dt.time) -> str:
    """ "17h00"."""
    return f"{time.hour}h{time.minute:02d}"


def count_noun(n: int, singular: str, plural: str | None = None) -> str:
    """ "1 abstention", "2 abstentions" (NBSP between figure and noun)."""
    word = singular if n == 1 else (plural or singular + "s")
    return f"{n}{NBSP}{word}"


# The parts of the minutes, numbered in Roman numerals up to twenty.
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")
ROMAN += tuple("X" + n for n in ROMAN[:9]) + ("XX",)


def part_numeral(index: int) -> str:
    """The numeral of the part at ``index`` (from 0): "I", "II"… up to "XX",
    then in figures ("21")."""
    return ROMAN[index] if index < len(ROMAN) else str(index + 1)


def singular_of(plural: str) -> str:
    """The clerk gives the plural ("délégués"); a lone member is "délégué"."""
    return plural[:-1] if plural.endswith(("s", "x")) and len(plural) > 1 else plural


# --- agreement, articles, elision -----------------------------------------

_VOWEL = re.compile(r"^[aeiouyhàâäéèêëîïôöùûüœæ]", re.IGNORECASE)


def starts_with_vowel(word: str) -> bool:
    return bool(_VOWEL.match(word.strip()))


def agree(participle: str, feminine: bool, plural: bool = False) -> str:
    """désigné → désignée, désignés, désignées; excusé → excusée…"""
    return participle + ("e" if feminine else "") + ("s" if plural else "")


def agree_group(participle: str, feminines: list[bool]) -> str:
    """Agreement with several people: feminine only when all are."""
    return agree(participle, all(feminines), len(feminines) > 1)


def de(phrase: str) -> str:
    """ "de Philippe VARLET", "d’Olivier JARDE"."""
    return f"d{APOSTROPHE}{phrase}" if starts_with_vowel(phrase) else f"de {phrase}"


def the(noun: str, feminine: bool) -> str:
    """ "le Bureau", "la Commission", "l’Assemblée"."""
    if starts_with_vowel(noun):
        return f"l{APOSTROPHE}{noun}"
    return f"{'la' if feminine else 'le'} {noun}"


def of_the(noun: str, feminine: bool) -> str:
    """ "du Bureau", "de la Commission", "de l’Assemblée"."""
    if starts_with_vowel(noun):
        return f"de l{APOSTROPHE}{noun}"
    return f"{'de la' if feminine else 'du'} {noun}"


# First words of body names that are feminine ("de la communauté…").
_FEMININE_BODIES = {
    "agglomeration",
    "association",
    "assemblee",
    "commune",
    "communaute",
    "collectivite",
    "metropole",
    "region",
    "ville",
    "regie",
    "societe",
    "federation",
    "entente",
    "institution",
    "agence",
    "chambre",
    "caisse",
    "union",
    "eurometropole",
}
_ARTICLES = ("le ", "la ", "les ", "l'", "l’")


def of_body(body: str) -> str:
    """ "du syndicat mixte Somme Numérique", "de la communauté de communes…",
    "de l’établissement…"; a name typed with its article keeps it ("de la
    Ville de…" stays as typed after "de")."""
    lowered = body.lower()
    if lowered.startswith(("le ",)):
        return "du " + body[3:]
    if lowered.startswith(("les ",)):
        return "des " + body[4:]
    if lowered.startswith(_ARTICLES):
        return "de " + body
    first = _fold_word(body.split()[0]) if body.split() else ""
    return of_the(body, first in _FEMININE_BODIES)


def _fold_word(word: str) -> str:
    bare = unicodedata.normalize("NFKD", word)
    return "".join(c for c in bare if not unicodedata.combining(c)).casefold()


def join_and(items: list[str]) -> str:
    """ "A", "A et B", "A, B et C"."""
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " et " + items[-1]


# --- typography -------------------------------------------------------------

_SPACE_BEFORE = re.compile(r"[ \t]+([;:!?€%»])")
_SPACE_AFTER = re.compile(r"(«)[ \t]+")
# A space between a group of 1 to 3 digits and one of exactly 3: "20 000",
# "1 234 567"; never after a run of 4 digits or more, so a year followed by a
# number ("en 2016 150 communes", "2016 2017") is left alone.
_DIGIT_GROUP = re.compile(r"(?<=\d)(?<!\d{4}) (?=\d{3}(?!\d))")
_STRAIGHT_APOSTROPHE = re.compile(r"(?<=\w)'(?=\w)")


def typography(text: str) -> str:
    """French typography on a clerk's text: typographic apostrophe between
    letters, a non-breaking space before ; : ! ? € % » and after «, and a
    narrow non-breaking space between groups of three digits (20 000 €)."""
    text = _STRAIGHT_APOSTROPHE.sub(APOSTROPHE, text)
    text = _DIGIT_GROUP.sub(NNBSP, text)
    text = _SPACE_BEFORE.sub(NBSP + r"\1", text)
    return _SPACE_AFTER.sub(r"\1" + NBSP, text)


# --- money ------------------------------------------------------------------------


def _decimal_text(value, decimals_min: int, decimals_max: int) -> str:
    """French digits of an exact Decimal: narrow NBSP between thousands,
    a comma, between ``decimals_min`` and ``decimals_max`` decimals. The
    caller rounds (half up) first; Babel only lays the digits out."""
    # By its text: 1.0 and 1.000 are equal Decimals but are not laid out alike.
    return _decimal_digits(str(value), decimals_min, decimals_max)


@functools.lru_cache(maxsize=4096)  # a contribution table repeats the same rates
def _decimal_digits(value: str, decimals_min: int, decimals_max: int) -> str:
    from babel.numbers import format_decimal

    value = Decimal(value)
    pattern = "#,##0." + "0" * decimals_min + "#" * (decimals_max - decimals_min)
    if decimals_max == 0:
        pattern = "#,##0"
    return format_decimal(value, format=pattern, locale=LOCALE, decimal_quantization=False)


def euros(value) -> str:
    """An amount, two decimals: "2 500,00 €"."""
    return f"{_decimal_text(to_cents(value), 2, 2)}{NBSP}€"


def euros_short(value) -> str:
    """An amount in a sentence: whole euros without decimals ("5 000 €"),
    others with two ("12,50 €")."""
    cents = to_cents(value)
    if cents == cents.to_integral_value():
        return f"{_decimal_text(cents, 0, 0)}{NBSP}€"
    return euros(value)


def rate(value) -> str:
    """A rate, with at least two decimals and as many as it has: "0,07 €",
    "0,125 €"."""
    digits = max(2, -value.normalize().as_tuple().exponent)
    return f"{_decimal_text(value, 2, digits)}{NBSP}€"


def quantity(value) -> str:
    """ "23 237", "1 234,5"."""
    digits = max(0, -value.normalize().as_tuple().exponent)
    return _decimal_text(value, 0, digits)


def percent_change(value) -> str:
    """ "+11,11 %", "−5,00 %" (a real minus sign)."""
    sign = "+" if value > 0 else "\u2212" if value < 0 else ""
    return f"{sign}{_decimal_text(abs(value), 2, 2)}{NBSP}%"


RATE_CHANGES = {Change.UNCHANGED: "inchangé", Change.NEW: "nouveau"}


def rate_change(change: Decimal | Change | None) -> str:
    """A rate against last year's (:func:`pipeline.law.tariffs.change`):
    "+11,11 %", "inchangé", "nouveau", "" when there was none."""
    if change is None:
        return ""
    if isinstance(change, Change):
        return RATE_CHANGES[change]
    return percent_change(change)


def floor_and_ceiling(floor, ceiling) -> str:
    """ "Montant plancher de 50 € HT et plafond de 5 000 € HT." ("" when neither)."""
    if floor is not None and ceiling is not None:
        return (
            f"Montant plancher de {euros_short(floor)} HT et plafond de {euros_short(ceiling)} HT."
        )
    if floor is not None:
        return f"Montant plancher de {euros_short(floor)} HT."
    if ceiling is not None:
        return f"Montant plafond de {euros_short(ceiling)} HT."
    return ""
