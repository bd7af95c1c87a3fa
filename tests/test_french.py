"""The French of the minutes (pipeline.french): numbers and dates in words,
agreement, elision, typography and the wording of results, checked against
the spec's text."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pipeline.law.rules import Outcome, PresidingVote, outcome
from pipeline.model import Counts
from pipeline.words import french
from pipeline.words.french import (
    NBSP,
    NNBSP,
    agree,
    agree_group,
    date_short,
    date_words,
    de,
    hour,
    join_and,
    number_words,
    of_body,
    of_the,
    the,
    typography,
)
from pipeline.words.results import result, result_as_verb, verdict, votes_short

APOS = "\u2019"


def plain(text: str) -> str:
    """The spec writes plain spaces where the minutes have non-breaking ones."""
    return text.replace(NBSP, " ").replace(NNBSP, " ")


# --- numbers, dates, hours -----------------------------------------------------


@pytest.mark.parametrize(
    ("n", "words"),
    [
        (1, "un"),
        (21, "vingt et un"),
        (28, "vingt-huit"),
        (71, "soixante et onze"),
        (80, "quatre-vingts"),
        (2016, "deux mille seize"),
        (2017, "deux mille dix-sept"),
    ],
)
def test_number_words(n, words):
    assert number_words(n) == words


def test_date_words_first_is_premier():
    # num2words says "un" for 1; a date says "premier"
    assert date_words(dt.date(2016, 11, 1)) == "premier novembre deux mille seize"
    assert date_words(dt.date(2016, 11, 1), with_year=False) == "premier novembre"


def test_date_words():
    assert date_words(dt.date(2016, 11, 28)) == "vingt-huit novembre deux mille seize"
    assert (
        date_words(dt.date(2016, 11, 28), with_year=True) == "vingt-huit novembre deux mille seize"
    )
    assert date_words(dt.date(2016, 9, 23), with_year=False) == "vingt-trois septembre"
    assert date_words(dt.date(2017, 2, 21), with_year=False) == "vingt et un février"
    assert date_words(dt.date(2016, 8, 31)) == "trente et un août deux mille seize"


def test_date_short():
    assert date_short(dt.date(2016, 11, 1)) == "1er novembre 2016"
    assert date_short(dt.date(2016, 11, 28)) == "28 novembre 2016"
    assert date_short(dt.date(2017, 2, 2)) == "2 février 2017"
    assert date_short(dt.date(2016, 12, 31)) == "31 décembre 2016"


def test_hour():
    assert hour(dt.time(17, 0)) == "17h00"
    assert hour(dt.time(9, 5)) == "9h05"
    assert hour(dt.time(17, 45)) == "17h45"
    assert hour(dt.time(0, 0)) == "0h00"


# --- agreement, articles, elision ------------------------------------------------


def test_agree():
    assert agree("désigné", feminine=False) == "désigné"
    assert agree("désigné", feminine=True) == "désignée"
    assert agree("désigné", feminine=False, plural=True) == "désignés"
    assert agree("désigné", feminine=True, plural=True) == "désignées"
    assert agree("excusé", feminine=True) == "excusée"


def test_agree_group():
    assert agree_group("désigné", [False]) == "désigné"
    assert agree_group("désigné", [True]) == "désignée"
    assert agree_group("désigné", [False, False]) == "désignés"
    # one man among women: masculine plural
    assert agree_group("désigné", [True, False]) == "désignés"
    assert agree_group("désigné", [False, True, True]) == "désignés"
    # feminine plural only when all are women
    assert agree_group("désigné", [True, True]) == "désignées"


def test_de_elision():
    assert de("Olivier JARDE") == f"d{APOS}Olivier JARDE"
    assert de("Philippe VARLET") == "de Philippe VARLET"
    assert de("Hélène") == f"d{APOS}Hélène"
    assert de("Émilie DURAND") == f"d{APOS}Émilie DURAND"
    assert de("Yves") == f"d{APOS}Yves"
    assert de("Florence RODINGER") == "de Florence RODINGER"


def test_the_and_of_the():
    assert the("Bureau", feminine=False) == "le Bureau"
    assert the("Commission", feminine=True) == "la Commission"
    assert the("Assemblée", feminine=True) == f"l{APOS}Assemblée"
    assert the("Organe délibérant", feminine=False) == f"l{APOS}Organe délibérant"
    assert of_the("Bureau", feminine=False) == "du Bureau"
    assert of_the("Comité syndical", feminine=False) == "du Comité syndical"
    assert of_the("Commission", feminine=True) == "de la Commission"
    assert of_the("Assemblée", feminine=True) == f"de l{APOS}Assemblée"
    assert of_the("Organe délibérant", feminine=False) == f"de l{APOS}Organe délibérant"


def test_of_body():
    assert of_body("syndicat mixte Somme Numérique") == "du syndicat mixte Somme Numérique"
    assert of_body("Communauté de communes du Vimeu") == "de la Communauté de communes du Vimeu"
    assert of_body("communauté d’agglomération de la Baie de Somme") == (
        "de la communauté d’agglomération de la Baie de Somme"
    )
    assert of_body("Région Hauts-de-France") == "de la Région Hauts-de-France"
    assert of_body("établissement public foncier") == f"de l{APOS}établissement public foncier"
    assert of_body("Agence régionale") == f"de l{APOS}Agence régionale"
    # a name typed with its article keeps it
    assert of_body("Le Syndicat des eaux") == "du Syndicat des eaux"
    assert of_body("La Ville d’Amiens") == "de La Ville d’Amiens"
    assert of_body("Les Communes associées") == "des Communes associées"


def test_join_and():
    assert join_and([]) == ""
    assert join_and(["A"]) == "A"
    assert join_and(["A", "B"]) == "A et B"
    assert join_and(["Philippe COCQ", "Florence RODINGER", "Philippe VARLET"]) == (
        "Philippe COCQ, Florence RODINGER et Philippe VARLET"
    )


# --- typography -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("l'ordre du jour", f"l{APOS}ordre du jour"),
        ("aujourd'hui l'EPCI", f"aujourd{APOS}hui l{APOS}EPCI"),
        ("EXAMEN DE L'ORDRE DU JOUR", f"EXAMEN DE L{APOS}ORDRE DU JOUR"),
        ("'cité'", "'cité'"),  # not between letters: left alone
        ("Montant : 20", f"Montant{NBSP}: 20"),
        ("un ; deux", f"un{NBSP}; deux"),
        ("Vraiment ! Et ?", f"Vraiment{NBSP}! Et{NBSP}?"),
        ("soit 20 %", f"soit 20{NBSP}%"),
        ("1 500 €", f"1{NNBSP}500{NBSP}€"),
        ("« oui »", f"«{NBSP}oui{NBSP}»"),
        ("20 000", f"20{NNBSP}000"),
        ("5 000 000", f"5{NNBSP}000{NNBSP}000"),
        ("1 234 567", f"1{NNBSP}234{NNBSP}567"),
        ("123 456,78 €", f"123{NNBSP}456,78{NBSP}€"),
        ("2 500,00 €", f"2{NNBSP}500,00{NBSP}€"),
        ("17:00", "17:00"),
        ("à 17:00, puis", "à 17:00, puis"),
        ("2016/2017", "2016/2017"),
        ("l'an 2016 2017", f"l{APOS}an 2016 2017"),
        ("en 2016 150 communes", "en 2016 150 communes"),
        ("12 1234", "12 1234"),
        ("le 28 novembre 2016", "le 28 novembre 2016"),
        ("", ""),
    ],
)
def test_typography(text, expected):
    assert typography(text) == expected


def test_typography_leaves_correct_text_alone():
    correct = (
        f"L{APOS}assemblée{NBSP}: 20{NNBSP}000{NBSP}€, soit 5{NBSP}% — «{NBSP}vu{NBSP}»{NBSP}!"
        f" Séance à 17h00, de 17:00 à 17:45, exercice 2016/2017."
    )
    assert typography(correct) == correct


_typo_alphabet = st.sampled_from(
    list("ab1234567890 '’:;!?€%«»\t,./-h") + [NBSP, NNBSP, "é", "L", "\n"]
)


@given(st.text(alphabet=_typo_alphabet, max_size=40))
def test_property_typography_is_idempotent(text):
    once = typography(text)
    assert typography(once) == once


@given(st.text(alphabet=_typo_alphabet, max_size=40))
def test_property_typography_only_changes_spaces_and_apostrophes(text):
    out = typography(text)

    def visible(s: str) -> str:
        return "".join(c for c in s if not c.isspace()).replace(APOS, "'")

    assert visible(out) == visible(text)


# --- results -----------------------------------------------------------------------

# (counts, secret, presiding vote, presiding feminine, expected wording from the spec)
RESULTS = [
    # P > 0, C = A = N = 0
    (Counts(9), False, None, False, "Adoptée à l’unanimité"),
    # P > 0, C = A = 0, N > 0
    (
        Counts(7, nppv=2),
        False,
        None,
        False,
        "Adoptée à l’unanimité des votants (2 membres ne prennent pas part au vote)",
    ),
    (
        Counts(8, nppv=1),
        False,
        None,
        False,
        "Adoptée à l’unanimité des votants (1 membre ne prend pas part au vote)",
    ),
    # P > 0, C = 0, A > 0
    (
        Counts(5, abstentions=4),
        False,
        None,
        False,
        "Adoptée à l’unanimité des suffrages exprimés (4 abstentions)",
    ),
    (
        Counts(5, abstentions=1, nppv=2),
        False,
        None,
        False,
        (
            "Adoptée à l’unanimité des suffrages exprimés "
            "(1 abstention, 2 membres ne prennent pas part au vote)"
        ),
    ),
    (
        Counts(5, abstentions=1),
        True,
        None,
        False,
        "Adoptée à l’unanimité des suffrages exprimés (1 bulletin blanc ou nul)",
    ),
    # P > C > 0
    (
        Counts(20, 5, 2),
        False,
        None,
        False,
        "Adoptée à la majorité (20 voix pour, 5 voix contre, 2 abstentions)",
    ),
    (Counts(20, 5), False, None, False, "Adoptée à la majorité (20 voix pour, 5 voix contre)"),
    (
        Counts(10, 1, 1, 1),
        False,
        None,
        False,
        (
            "Adoptée à la majorité (10 voix pour, 1 voix contre, 1 abstention, "
            "1 membre ne prend pas part au vote)"
        ),
    ),
    (
        Counts(10, 4, 3),
        True,
        None,
        False,
        "Adoptée à la majorité (10 voix pour, 4 voix contre, 3 bulletins blancs ou nuls)",
    ),
    # P = C > 0, presiding member voted for (not secret)
    (
        Counts(13, 13, 1),
        False,
        PresidingVote.POUR,
        False,
        (
            "Adoptée, la voix du président étant prépondérante "
            "(13 voix pour, 13 voix contre, 1 abstention)"
        ),
    ),
    (
        Counts(13, 13, 1),
        False,
        PresidingVote.POUR,
        True,
        (
            "Adoptée, la voix de la présidente étant prépondérante "
            "(13 voix pour, 13 voix contre, 1 abstention)"
        ),
    ),
    # P = C > 0, presiding member voted against
    (
        Counts(13, 13, 1),
        False,
        PresidingVote.CONTRE,
        False,
        (
            "Rejetée, la voix du président étant prépondérante "
            "(13 voix pour, 13 voix contre, 1 abstention)"
        ),
    ),
    (
        Counts(3, 3),
        False,
        PresidingVote.CONTRE,
        True,
        "Rejetée, la voix de la présidente étant prépondérante (3 voix pour, 3 voix contre)",
    ),
    # P = C > 0 otherwise: secret, or the presiding member abstained / did not vote
    (
        Counts(12, 12, 3),
        True,
        PresidingVote.POUR,
        False,
        (
            "Non adoptée, faute de majorité "
            "(partage égal des voix : 12 voix pour, 12 voix contre, 3 bulletins blancs ou nuls)"
        ),
    ),
    (
        Counts(12, 12, 1),
        False,
        PresidingVote.OTHER,
        False,
        (
            "Non adoptée, faute de majorité "
            "(partage égal des voix : 12 voix pour, 12 voix contre, 1 abstention)"
        ),
    ),
    (
        Counts(4, 4, 0, 2),
        False,
        None,
        False,
        (
            "Non adoptée, faute de majorité (partage égal des voix : 4 voix pour, 4 voix contre, "
            "2 membres ne prennent pas part au vote)"
        ),
    ),
    # 0 < P < C
    (
        Counts(8, 17, 2),
        False,
        None,
        False,
        "Rejetée à la majorité (8 voix pour, 17 voix contre, 2 abstentions)",
    ),
    # P = 0, C > 0, A = 0: the NPPV parenthesis only when N > 0
    (Counts(0, 6), False, None, False, "Rejetée à l’unanimité"),
    (
        Counts(0, 6, 0, 1),
        False,
        None,
        False,
        "Rejetée à l’unanimité (1 membre ne prend pas part au vote)",
    ),
    (
        Counts(0, 6, 0, 2),
        False,
        None,
        False,
        "Rejetée à l’unanimité (2 membres ne prennent pas part au vote)",
    ),
    # P = 0, C > 0, A > 0
    (
        Counts(0, 6, 3),
        False,
        None,
        False,
        "Rejetée à l’unanimité des suffrages exprimés (3 abstentions)",
    ),
    (
        Counts(0, 6, 1, 2),
        False,
        None,
        False,
        (
            "Rejetée à l’unanimité des suffrages exprimés "
            "(1 abstention, 2 membres ne prennent pas part au vote)"
        ),
    ),
    # P = C = 0: not a tie, so the zero Pour and Contre are left out
    (Counts(0, 0, 3), False, None, False, "Non adoptée, aucun suffrage exprimé (3 abstentions)"),
    (
        Counts(0, 0, 2, 1),
        True,
        None,
        False,
        (
            "Non adoptée, aucun suffrage exprimé "
            "(2 bulletins blancs ou nuls, 1 membre ne prend pas part au vote)"
        ),
    ),
    (
        Counts(0, 0, 0, 5),
        False,
        None,
        False,
        "Non adoptée, aucun suffrage exprimé (5 membres ne prennent pas part au vote)",
    ),
]


@pytest.mark.parametrize(
    ("counts", "secret", "presiding", "presiding_feminine", "expected"), RESULTS
)
def test_result_wording(counts, secret, presiding, presiding_feminine, expected):
    out = outcome(counts, secret=secret, presiding=presiding)
    text = result(out, counts, secret=secret, presiding_feminine=presiding_feminine)
    assert plain(text) == expected


def test_result_non_breaking_spaces():
    counts = Counts(20, 5, 2, 1)
    text = result(Outcome.MAJORITY, counts)
    # the figure and "voix" / the noun never part at a line end
    assert f"20{NBSP}voix pour" in text
    assert f"5{NBSP}voix contre" in text
    assert f"2{NBSP}abstentions" in text
    assert f"1{NBSP}membre" in text
    assert "20 voix" not in text
    tie = result(Outcome.TIE, Counts(2, 2))
    assert f"voix{NBSP}: 2{NBSP}voix pour" in tie


def test_result_masculine_for_the_previous_minutes():
    # le procès-verbal: Adopté
    assert result(Outcome.UNANIMITY, Counts(9), feminine=False) == "Adopté à l’unanimité"
    assert plain(result(Outcome.MAJORITY, Counts(7, 1, 1), feminine=False)) == (
        "Adopté à la majorité (7 voix pour, 1 voix contre, 1 abstention)"
    )
    assert plain(result(Outcome.REJECTED_MAJORITY, Counts(1, 7), feminine=False)) == (
        "Rejeté à la majorité (1 voix pour, 7 voix contre)"
    )
    assert plain(result(Outcome.TIE, Counts(3, 3), feminine=False)) == (
        "Non adopté, faute de majorité (partage égal des voix : 3 voix pour, 3 voix contre)"
    )
    assert plain(result(Outcome.NO_VOTE_CAST, Counts(0, 0, 4), feminine=False)) == (
        "Non adopté, aucun suffrage exprimé (4 abstentions)"
    )


def test_result_uses_typographic_apostrophe():
    assert "'" not in result(Outcome.UNANIMITY, Counts(3))
    assert result(Outcome.UNANIMITY, Counts(3)) == f"Adoptée à l{APOS}unanimité"


counts_strategy = st.builds(
    Counts,
    pour=st.integers(0, 40),
    contre=st.integers(0, 40),
    abstentions=st.integers(0, 40),
    nppv=st.integers(0, 40),
)


_FIGURE = re.compile(
    r"(\d+)\u00a0(voix pour|voix contre|abstentions?|bulletins? blancs? ou nuls?"
    r"|membres? ne (?:prend|prennent) pas part au vote)"
)


@given(
    counts_strategy, st.booleans(), st.none() | st.sampled_from(list(PresidingVote)), st.booleans()
)
def test_property_result_figures(counts, secret, presiding, feminine):
    """Every figure is bound to its noun by a NBSP and is the right count;
    zeros are left out except Pour and Contre of a tie; singular for 1."""
    out = outcome(counts, secret=secret, presiding=presiding)
    text = result(out, counts, secret=secret, presiding_feminine=feminine)
    tie = counts.pour == counts.contre > 0
    shown = {noun.split()[0].rstrip("s"): int(n) for n, noun in _FIGURE.findall(text)}
    for_against = out not in {
        Outcome.UNANIMITY,
        Outcome.UNANIMITY_OF_VOTERS,
        Outcome.UNANIMITY_OF_EXPRESSED,
        Outcome.REJECTED_UNANIMITY,
        Outcome.REJECTED_UNANIMITY_OF_EXPRESSED,
    }
    expected = {}
    third = "bulletin" if secret else "abstention"
    if counts.abstentions:
        expected[third] = counts.abstentions
    if counts.nppv:
        expected["membre"] = counts.nppv
    voix = re.findall(r"(\d+)\u00a0voix (pour|contre)", text)
    expected_voix = []
    if for_against and (tie or counts.pour):
        expected_voix.append((str(counts.pour), "pour"))
    if for_against and (tie or counts.contre):
        expected_voix.append((str(counts.contre), "contre"))
    assert voix == expected_voix
    shown.pop("voix", None)
    assert shown == expected
    # singular for 1, plural otherwise
    for n, noun in _FIGURE.findall(text):
        if not noun.startswith("voix"):
            assert noun.split()[0].endswith("s") == (n != "1")
    assert " 0" not in plain(text) or tie
    assert text.startswith(("Adopté",) if out.adopted else ("Rejeté", "Non adopté"))
    assert "'" not in text


def test_count_noun():
    assert plain(french.count_noun(1, "abstention")) == "1 abstention"
    assert plain(french.count_noun(2, "abstention")) == "2 abstentions"
    assert plain(french.count_noun(0, "abstention")) == "0 abstentions"
    assert plain(french.count_noun(1, "bulletin blanc ou nul", "bulletins blancs ou nuls")) == (
        "1 bulletin blanc ou nul"
    )


# --- one wording for the result line, the issue and the previous minutes ---------------


def test_verdict_is_the_issue_in_the_list():
    assert verdict(Outcome.UNANIMITY) == "Adoptée"
    assert verdict(Outcome.CASTING_FOR) == "Adoptée"
    assert verdict(Outcome.CASTING_AGAINST) == "Rejetée"
    assert verdict(Outcome.REJECTED_MAJORITY) == "Rejetée"
    assert verdict(Outcome.TIE) == "Non adoptée"
    assert verdict(Outcome.NO_VOTE_CAST) == "Non adoptée"
    assert verdict(Outcome.MAJORITY, feminine=False) == "Adopté"


def test_result_as_verb_for_the_previous_minutes():
    assert result_as_verb(Outcome.UNANIMITY, Counts(9)) == f"est adopté à l{APOS}unanimité"
    assert plain(result_as_verb(Outcome.REJECTED_MAJORITY, Counts(1, 7))) == (
        "est rejeté à la majorité (1 voix pour, 7 voix contre)"
    )
    assert plain(result_as_verb(Outcome.NO_VOTE_CAST, Counts(0, 0, 4))) == (
        f"n{APOS}est pas adopté, aucun suffrage exprimé (4 abstentions)"
    )


@given(counts_strategy, st.sampled_from(list(Outcome)))
def test_property_result_and_verb_share_their_wording(counts, out):
    """The result line and the previous minutes' verb differ only in the
    verdict: what follows it is the same text (as the previous minutes were
    once worded, by editing the result line)."""
    line = result(out, counts, feminine=False)
    verb = result_as_verb(out, counts)
    assert line.startswith(verdict(out, feminine=False))
    assert verb.endswith(line.removeprefix(verdict(out, feminine=False)))
    lowered = line[0].lower() + line[1:]
    if lowered.startswith("non "):
        assert verb == f"n{APOS}est pas " + lowered.removeprefix("non ")
    else:
        assert verb == "est " + lowered


def test_votes_short():
    assert plain(votes_short(Counts(5), secret=False)) == (
        "Votants : 5 – Pour : 5 – Contre : 0 – Abstentions : 0"
    )
    assert plain(votes_short(Counts(3, 1, 2, 1), secret=True)) == (
        "Votants : 6 – Pour : 3 – Contre : 1 – Blancs ou nuls : 2 – NPPV : 1"
    )
