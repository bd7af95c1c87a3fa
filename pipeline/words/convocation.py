"""The sentences of the convocation pack (``make-minutes convocation``):
the announcement of the meeting, the letter to each member, the proxy rule
and form, the sign-in sheet. The dates and hours are written as the minutes
write them (:mod:`pipeline.words.french`); the law of the delays is
:mod:`pipeline.law.convocation`."""

from __future__ import annotations

import datetime as dt

from pipeline.law.convocation import notice_article
from pipeline.model import Meeting, Member
from pipeline.words import french
from pipeline.words.french import APOSTROPHE, NBSP
from pipeline.words.sentences import BLANK, president_role

PROXY_ARTICLE = "L2121-20"  # a member prevented may give a proxy; one proxy per member


def weekday(date: dt.date) -> str:
    """ "lundi"."""
    from babel.dates import format_date

    return format_date(date, "EEEE", locale=french.LOCALE)


def when(meeting: Meeting, article: str = "le") -> str:
    """ "le lundi vingt-huit novembre deux mille seize à 17h00, dans ses
    locaux": the day, the date in words, the hour, the place (« du lundi… »
    with ``article`` « du »)."""
    place = f", {meeting.location}" if meeting.location else ""
    return (
        f"{article} {weekday(meeting.date)} {french.date_words(meeting.date)} à "
        f"{french.hour(meeting.opening)}{place}"
    )


def _instance(meeting: Meeting) -> str:
    """ "du BUREAU du syndicat mixte Somme Numérique"."""
    instance = french.of_the(meeting.instance.upper(), meeting.instance_feminine)
    return f"{instance} {french.of_body(meeting.body)}"


def announcement(meeting: Meeting) -> str:
    """The agenda's first line: "Le BUREAU du syndicat mixte Somme Numérique
    se réunira le lundi vingt-huit novembre deux mille seize à 17h00, dans
    ses locaux, avec l’ordre du jour suivant :"."""
    instance = french.the(meeting.instance.upper(), meeting.instance_feminine)
    instance = instance[:1].upper() + instance[1:]
    return (
        f"{instance} {french.of_body(meeting.body)} se réunira {when(meeting)}, avec "
        f"l{APOSTROPHE}ordre du jour suivant{NBSP}:"
    )


def invitation(meeting: Meeting) -> str:
    """The letter's first paragraph."""
    return (
        f"J{APOSTROPHE}ai l{APOSTROPHE}honneur de vous convoquer à la séance "
        f"{_instance(meeting)}, qui se tiendra {when(meeting)}."
    )


AGENDA_INTRO = f"L{APOSTROPHE}ordre du jour est le suivant{NBSP}:"


def conditions(meeting: Meeting) -> list[str]:
    """What the convocation must say of an urgency or a second
    convocation (none for an ordinary meeting)."""
    out = []
    if meeting.urgency:
        article = notice_article(meeting.notice_days)
        out.append(
            f"Cette séance est convoquée en urgence (article {article} du CGCT){NBSP}: "
            f"l{APOSTROPHE}urgence sera soumise à l{APOSTROPHE}assemblée dès "
            f"l{APOSTROPHE}ouverture de la séance."
        )
    if meeting.second_convocation:
        out.append(
            "Le quorum n’ayant pas été atteint lors de la précédente convocation, "
            f"{french.the(meeting.instance.upper(), meeting.instance_feminine)} délibérera "
            "valablement sans condition de quorum (article L2121-17 du CGCT)."
        )
    return out


def dated(meeting: Meeting) -> str:
    """ "Amiens, le 21 novembre 2016" (the convocation's date; « Le 21
    novembre 2016 » without a Ville)."""
    day = french.date_short(meeting.convocation)
    return f"{meeting.city}, le {day}" if meeting.city else f"Le {day}"


def civility(member: Member) -> str:
    return "Madame" if member.feminine else "Monsieur"


def recipient(member: Member) -> list[str]:
    """The address block: "Mme Florence RODINGER", her Fonction, her address."""
    lines = [member.title]
    if member.function:
        lines.append(french.typography(member.function))
    return lines + [french.typography(line) for line in member.address]


def _one_proxy(meeting: Meeting) -> str:
    n = meeting.proxies_per_member
    if n == 1:
        return f"un membre ne peut détenir qu{APOSTROPHE}un seul pouvoir"
    return f"un membre ne peut détenir plus de {french.number_words(n)} pouvoirs"


def proxy_rule(meeting: Meeting, member: Member) -> str:
    """CGCT L2121-20, to the member: the proxy to another member, one each."""
    prevented = french.agree("empêché", member.feminine)
    members = french.of_the(meeting.instance.upper(), meeting.instance_feminine)
    return (
        f"Si vous êtes {prevented} d{APOSTROPHE}assister à cette séance, vous pouvez donner à "
        f"un autre membre {members} pouvoir écrit de voter en votre nom, au moyen du pouvoir "
        f"joint{NBSP}; {_one_proxy(meeting)} (article {PROXY_ARTICLE} du CGCT)."
    )


def regards(member: Member) -> str:
    return (
        f"Je vous prie d{APOSTROPHE}agréer, {civility(member)}, l{APOSTROPHE}expression de "
        "mes salutations distinguées."
    )


def signatory(meeting: Meeting) -> dict[str, str]:
    """Who signs the convocation (« Signataire de la convocation », the
    president by default): « Le Président » / « La Présidente »; another
    member signs with their Fonction, or for the president."""
    member = meeting.member(meeting.convener or meeting.president)
    if member.key == meeting.president:
        role = president_role(member.feminine)
    elif member.function:
        role = french.typography(member.function)
    else:
        president = meeting.member(meeting.president)
        role = f"Pour {president_role(president.feminine).lower()}, par délégation"
    return {"role": role, "nom": member.name}


def proxy_form(meeting: Meeting) -> list[str]:
    """The proxy form's paragraphs, to fill by hand."""
    return [
        (
            f"Je soussigné(e), {BLANK}, membre {_instance(meeting)}, empêché(e) "
            f"d{APOSTROPHE}assister à la séance {when(meeting, 'du')},"
        ),
        (
            f"donne pouvoir à {BLANK}, membre {_instance(meeting)}, de voter en mon nom sur "
            f"les questions inscrites à l{APOSTROPHE}ordre du jour de cette séance."
        ),
        f"Fait à {BLANK}, le {BLANK}",
    ]


def proxy_notes(meeting: Meeting) -> list[str]:
    """The rules of a proxy (CGCT L2121-20), under the form."""
    return [
        (
            f"Article {PROXY_ARTICLE} du CGCT{NBSP}: un membre empêché d{APOSTROPHE}assister à "
            "une séance peut donner à un autre membre de son choix pouvoir écrit de voter en son "
            f"nom{NBSP}; {_one_proxy(meeting)}. Le pouvoir est toujours révocable{NBSP}; sauf "
            "maladie dûment constatée, il ne peut être valable pour plus de trois séances "
            "consécutives."
        ),
        "Remettez ce pouvoir au président de séance avant l’ouverture de la séance.",
    ]


def in_office(meeting: Meeting) -> str:
    """ "Membres en exercice : 5"."""
    return f"Membres en exercice{NBSP}: {len(meeting.members)}"


def sheet_heading(meeting: Meeting) -> str:
    """ "Séance du lundi 28 novembre 2016 à 17h00"."""
    return (
        f"Séance du {weekday(meeting.date)} {french.date_short(meeting.date)} à "
        f"{french.hour(meeting.opening)}"
    )


SYNTHESIS_ARTICLE = "L2121-12"  # the note explicative de synthèse (EPCI: L5211-1)


def synthesis_introduction(meeting: Meeting) -> str:
    """The note's first paragraph: what it is and why it is sent."""
    return (
        "Note explicative de synthèse sur les affaires soumises à la délibération "
        f"{french.of_the(meeting.instance.upper(), meeting.instance_feminine)}, en séance "
        f"{when(meeting, 'du')} (article {SYNTHESIS_ARTICLE} du CGCT)."
    )


def synthesis_attached(required: bool) -> str:
    """The letter's line on the note, when the note is required ("" else)."""
    if not required:
        return ""
    return (
        "Vous trouverez ci-joint la note explicative de synthèse sur les affaires soumises "
        f"à délibération (article {SYNTHESIS_ARTICLE} du CGCT)."
    )


def approval_item(meeting: Meeting) -> str:
    """The agenda's first line when the meeting approves earlier minutes
    (« Procès-verbal précédent »): « Approbation du procès-verbal de la
    réunion du 28 janvier 2025 », as the minutes will say it was adopted;
    "" else."""
    if meeting.previous_minutes is None:
        return ""
    return (
        "Approbation du procès-verbal de la réunion du "
        f"{french.date_short(meeting.previous_minutes)}"
    )


DRAFT = "Projet de délibération"


def draft_notice(meeting: Meeting) -> str:
    """The mark of a draft: not a deliberation until voted."""
    return (
        f"PROJET{NBSP}: ce texte sera soumis au vote "
        f"{french.of_the(meeting.instance.upper(), meeting.instance_feminine)} lors de la "
        f"séance {when(meeting, 'du')}{NBSP}; il n{APOSTROPHE}a pas valeur de délibération."
    )
