"""Every sentence a document prints, as functions of the meeting and of what
the law found: the preamble, the members, the quorum, the events of the
room, the headcounts, the secretary, the previous minutes, the rates…

The law decides (:mod:`pipeline.law`), this module words; the contexts of
the templates (:mod:`pipeline.render.contexts`) only place the sentences.
The wording of a vote's result is :mod:`pipeline.words.results`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping

from pipeline.law.convocation import notice_article
from pipeline.law.room import Move, RoomEvent, room_events
from pipeline.law.rules import Attendance, Outcome, Quorum
from pipeline.model import (
    Ballot,
    Block,
    Counts,
    Deliberation,
    Meeting,
    Member,
    Proxy,
    QuorumBase,
    Status,
    Tariff,
)
from pipeline.text import fold
from pipeline.words import french
from pipeline.words.french import APOSTROPHE, NBSP
from pipeline.words.results import result_as_verb

BLANK = "………………………………"  # the dotted line left for a date written by hand
ARRETE = f"Procès-verbal arrêté en séance du {BLANK}"
LIST_POSTED = f"Affichée le {BLANK}"
LIST_ONLINE = f"Mise en ligne le {BLANK}"
CERTIFIED = "Certifié exécutoire"
TRANSMITTED = f"Transmis en préfecture le {BLANK}"
PUBLISHED = f"Publié le {BLANK}"
COLON = f"{NBSP}:"

# The model's enums as the documents word them (the model's values are the
# workbook's vocabulary; what a document prints is decided here).
STATUSES = {
    Status.PRESENT: "présent",
    Status.EXCUSED: "excusé",
    Status.ABSENT: "absent",
    Status.SUBSTITUTED: "suppléé",
}
BALLOTS = {Ballot.SHOW_OF_HANDS: "main levée", Ballot.PUBLIC: "public", Ballot.SECRET: "secret"}


# --- the opening of the minutes ------------------------------------------------------


def heading(meeting: Meeting) -> str:
    """ "BUREAU du 28 novembre 2016"."""
    return f"{meeting.instance.upper()} du {french.date_short(meeting.date)}"


def body_heading(meeting: Meeting) -> str:
    """The line above the title of every document, naming the body as a
    letterhead does: "Syndicat mixte Somme Numérique" (the field Organisme
    with its first letter in capitals)."""
    body = meeting.body.strip()
    return body[:1].upper() + body[1:]


def preamble(meeting: Meeting) -> str:
    """ "L’an deux mille seize, le vingt-huit novembre à 17h00, le BUREAU du
    syndicat mixte… légalement convoqué le…, s’est réuni…, sous la présidence
    de…"."""
    instance = french.the(meeting.instance.upper(), meeting.instance_feminine)
    same_year = meeting.convocation.year == meeting.date.year
    convened = french.agree("convoqué", meeting.instance_feminine)
    met = french.agree("réuni", meeting.instance_feminine)
    president = meeting.member(meeting.president).name
    location = f" {meeting.location}" if meeting.location else ""
    return (
        f"L{APOSTROPHE}an {french.year_words(meeting.date)}, le "
        f"{french.date_words(meeting.date, with_year=False)} à {french.hour(meeting.opening)}, "
        f"{instance} {french.of_body(meeting.body)} légalement {convened} le "
        f"{french.date_words(meeting.convocation, with_year=not same_year)}, "
        f"s{APOSTROPHE}est {met}{location}, sous la présidence "
        f"{french.de(president)}{NBSP};"
    )


def status_note(m: Member, meeting: Meeting) -> str:
    """A member as the list of members prints it, with the civility a clerk
    puts in a roll call: "Mme Florence RODINGER", "M. Stéphane DECAYEUX
    (excusé, pouvoir à M. Philippe VARLET)", "M. Olivier JARDE, suppléé par
    Jean MARTIN" (the substitute as typed), "Mme Anne ROY (arrivée au point 3)".
    The sentences (preamble, proxies, secretary) keep "Prénom NOM", as the
    minutes of the seed do."""
    if m.status is Status.SUBSTITUTED:
        return f"{m.title}, {french.agree('suppléé', m.feminine)} par {m.substitute}"
    notes = []
    if m.status is not Status.PRESENT:
        notes.append(french.agree(STATUSES[m.status], m.feminine))
    if m.arrival is not None:
        notes.append(f"{french.agree('arrivé', m.feminine)} au point {m.arrival}")
    if m.departure is not None:
        notes.append(f"départ après le point {m.departure}")
    if m.proxy_to:
        notes.append(f"pouvoir à {meeting.member(m.proxy_to).seated_title}")
    return f"{m.title} ({', '.join(notes)})" if notes else m.title


def members_heading(meeting: Meeting) -> str:
    """ "Membres du BUREAU présents, excusés et absents :"."""
    statuses = []
    for status in (Status.PRESENT, Status.SUBSTITUTED, Status.EXCUSED, Status.ABSENT):
        if any(m.status is status for m in meeting.members):
            statuses.append(STATUSES[status] + "s")
    body = french.of_the(meeting.instance.upper(), meeting.instance_feminine)
    return f"Membres {body} {french.join_and(statuses)}{NBSP}:"


def proxy_sentence(meeting: Meeting, proxy: Proxy) -> str:
    """ "Stéphane DECAYEUX a donné son pouvoir à Philippe VARLET."."""
    giver, holder = meeting.member(proxy.giver), meeting.member(proxy.holder)
    return f"{giver.name} a donné son pouvoir à {holder.seated_name}."


def quorum_sentence(meeting: Meeting, quorum: Quorum) -> str:
    """Whether the quorum is reached at the opening, with the count."""
    word = meeting.members_word if quorum.counted != 1 else french.singular_of(meeting.members_word)
    who = french.agree("présent", False, quorum.counted != 1)
    if meeting.quorum_base is QuorumBase.PRESENT_OR_REPRESENTED:
        who += " ou " + french.agree("représenté", False, quorum.counted != 1)
    instance = french.the(meeting.instance, meeting.instance_feminine)
    if quorum.reached:
        return (
            f"Le quorum est atteint avec {quorum.counted}{NBSP}{word} {who}, "
            f"{instance} peut donc valablement délibérer."
        )
    missing = (
        f"Le quorum n{APOSTROPHE}est pas atteint ({quorum.counted}{NBSP}{word} {who}, "
        f"{quorum.required} requis)"
    )
    if meeting.second_convocation:
        return missing + "."
    return f"{missing}{NBSP}: {instance} ne peut pas valablement délibérer."


def second_convocation(meeting: Meeting) -> str:
    """Why a meeting on second convocation deliberates without quorum ("" otherwise)."""
    if not meeting.second_convocation:
        return ""
    instance = french.the(meeting.instance, meeting.instance_feminine)
    convened = french.agree("convoqué", meeting.instance_feminine)
    return (
        f"Réuni{'e' if meeting.instance_feminine else ''} sur deuxième convocation, {instance}, "
        f"{convened} une seconde fois faute de quorum, délibère valablement sans condition de "
        f"quorum (article L2121-17 du CGCT)."
    )


def urgency(meeting: Meeting) -> str:
    """The statement that opens the minutes of a meeting convened in
    urgency: the president accounts for it, the body rules on it (CGCT
    L2121-11, L2121-12: « le maire en rend compte dès l’ouverture de la
    séance au conseil municipal, qui se prononce sur l’urgence ») ("" when
    the meeting was not convened in urgency). The minutes say the body
    recognised it: had it not, the items would have been put off, and the
    clerk rewrites the sentence."""
    if not meeting.urgency:
        return ""
    president = meeting.member(meeting.president)
    instance = french.the(meeting.instance, meeting.instance_feminine)
    called = french.agree("appelé", meeting.instance_feminine)
    article = notice_article(meeting.notice_days)
    return (
        f"{president_role(president.feminine)} rend compte de l{APOSTROPHE}urgence qui a "
        f"motivé la convocation {french.of_the(meeting.instance, meeting.instance_feminine)} "
        f"dans un délai abrégé. {instance[:1].upper()}{instance[1:]}, {called} à se prononcer "
        f"sur l{APOSTROPHE}urgence (article {article} du CGCT), la reconnaît."
    )


def _members_word(meeting: Meeting) -> str:
    return meeting.members_word[:1].upper() + meeting.members_word[1:]


def headcount(meeting: Meeting, att: Attendance) -> list[str]:
    """ "Délégués en exercice : 9", "Présents : 4", "Représentés : 1",
    "Présents et représentés : 5"."""
    return [
        f"{_members_word(meeting)} en exercice{COLON} {att.in_office}",
        f"Présents{COLON} {len(att.present)}",
        f"Représentés{COLON} {att.represented}",
        f"Présents et représentés{COLON} {att.taking_part}",
    ]


def extract_headcount(meeting: Meeting, att: Attendance, counts: Counts) -> list[str]:
    """The headcount of an extract: in office, present, represented, voters."""
    return [
        f"{_members_word(meeting)} en exercice{COLON} {att.in_office}",
        f"Présents{COLON} {len(att.present)}",
        f"Représentés{COLON} {att.represented}",
        f"Votants{COLON} {counts.votants}",
    ]


def secretary_sentence(meeting: Meeting) -> str:
    """ "Philippe COCQ est désigné secrétaire de séance." (or several)."""
    people = [meeting.member(k) for k in meeting.secretaries]
    names = french.join_and([p.name for p in people])
    designated = french.agree_group("désigné", [p.feminine for p in people])
    if len(people) == 1:
        return f"{names} est {designated} secrétaire de séance."
    return f"{names} sont {designated} secrétaires de séance."


def previous_minutes(meeting: Meeting, previous: tuple[Counts, Outcome] | None) -> str:
    """ "Le procès-verbal de la réunion du 3 octobre 2016 est adopté à
    l’unanimité." ("" when the meeting votes on none)."""
    if meeting.previous_minutes is None or previous is None:
        return ""
    counts, outcome = previous
    return (
        f"Le procès-verbal de la réunion du {french.date_short(meeting.previous_minutes)} "
        f"{result_as_verb(outcome, counts, feminine=False)}."
    )


def approval(meeting: Meeting) -> str:
    """ "Procès-verbal arrêté en séance du 19 janvier 2023" once the meeting
    that approved the minutes is known, else the dotted line left for it;
    followed, once « Procès-verbal mis en ligne le » is given, by the
    mention of R2131-1 (L2121-15): « ; mis en ligne le 24 janvier 2023 par
    Philippe VARLET, Le Président »."""
    line = ARRETE
    if meeting.approved_on is not None:
        line = f"Procès-verbal arrêté en séance du {french.date_short(meeting.approved_on)}"
    if meeting.minutes_online_on is None:
        return line
    return f"{line}{NBSP}; {_put_online('mis', meeting.minutes_online_on, meeting)}"


def list_posted(meeting: Meeting) -> str:
    """ "Affichée le 2 décembre 2022" once « Affichée le » is given, else the
    dotted line left for it."""
    if meeting.posted_on is None:
        return LIST_POSTED
    return f"Affichée le {french.date_short(meeting.posted_on)}"


def list_online(meeting: Meeting) -> str:
    """ "Mise en ligne le 2 décembre 2022 par Jean-Marc BELLANGER, Le
    Président" once « Mise en ligne le » is given (R2131-1: the date of the
    online publication, the name and quality of its author), else the
    dotted line left for it."""
    if meeting.online_on is None:
        return LIST_ONLINE
    return _put_online("Mise", meeting.online_on, meeting)


def _put_online(participle: str, day: dt.date, meeting: Meeting) -> str:
    """ "Mise en ligne le 2 décembre 2022 par Jean-Marc BELLANGER, Le
    Président": the mention of R2131-1, its author the president."""
    president = meeting.member(meeting.president)
    return (
        f"{participle} en ligne le {french.date_short(day)} par {president.name}, "
        f"{president_role(president.feminine)}"
    )


def certification(meeting: Meeting, d: Deliberation) -> list[str]:
    """The certification block of ``d``'s extract: « Transmis en préfecture
    le » takes the date and the identifier of its acknowledgement
    (accuses/), « Publié le » the date of « Mise en ligne le »; each date
    not known keeps its dotted line. « Certifié exécutoire » heads the
    block only once both are known (the act is then in force: published
    and received by the préfecture, L2131-1)."""
    ack = d.acknowledgement
    transmitted = TRANSMITTED
    if ack is not None:
        transmitted = (
            f"Transmis en préfecture le {french.date_short(ack.received)} (accusé de "
            f"réception n°{NBSP}{ack.act_id})"
        )
    published = PUBLISHED
    if meeting.online_on is not None:
        published = f"Publié le {french.date_short(meeting.online_on)}"
    in_force = ack is not None and meeting.online_on is not None
    return [*([CERTIFIED] if in_force else []), transmitted, published]


def closing(meeting: Meeting) -> str:
    """ "La séance est levée à 19h00." ("" without a closing hour)."""
    return f"La séance est levée à {french.hour(meeting.closing)}." if meeting.closing else ""


def president_role(feminine: bool) -> str:
    return "La Présidente" if feminine else "Le Président"


def secretary_role(feminine: bool) -> str:
    return "La secrétaire de séance" if feminine else "Le secrétaire de séance"


# --- the items -----------------------------------------------------------------------


def item_heading(number: int, title: str, act_number: str = "") -> str:
    """ "3. Convention cadre (n° B2016_003)", or "3. Convention cadre" in
    the agenda; ``title`` already typeset."""
    act = f" (n°{NBSP}{act_number})" if act_number else ""
    return f"{number}. {title}{act}"


def part_heading(numeral: str, title: str) -> str:
    """ "II – Questions diverses"; ``title`` already typeset."""
    return f"{numeral} – {title}"


def room_event(meeting: Meeting, event: RoomEvent) -> str:
    """One event of the room (:func:`pipeline.law.room.room_events`) told."""
    m = meeting.member(event.member)
    who = m.seated_title
    if event.move is Move.ARRIVAL:
        return f"{who} arrive en séance."
    if event.move is Move.DEPARTURE:
        hands_on = ""
        if event.proxy_to:
            hands_on = f" et donne pouvoir à {meeting.member(event.proxy_to).seated_title}"
        return f"{who} quitte la séance{hands_on}."
    if event.move is Move.WITHDRAWAL:
        return f"{who} se retire et ne prend part ni au débat ni au vote."
    if event.move is Move.PROXY_SET_ASIDE:
        other = "celle-ci" if m.feminine else "celui-ci"
        return (
            f"Le pouvoir de {m.title} ne compte pas pour ce point, {other} ne prenant "
            "part ni au débat ni au vote."
        )
    again = " et reprend la présidence" if event.takes_chair else ""
    return f"{who} revient en séance{again}."


def room_sentences(meeting: Meeting, index: int, presiding: Mapping[int, str]) -> list[str]:
    """What happens in the room just before the item at ``index``, told in
    the order it happens (``presiding``: who presides each item, by N°)."""
    return [room_event(meeting, e) for e in room_events(meeting, index, presiding)]


def presiding_sentence(meeting: Meeting, presiding: str) -> str:
    """ "M. Philippe VARLET préside la séance pour ce point." ("" for the president)."""
    if presiding == meeting.president:
        return ""
    return f"{meeting.member(presiding).title} préside la séance pour ce point."


def item_headcount(att: Attendance) -> str:
    """ "Présents : 4 – représentés : 1 – présents et représentés : 5"."""
    return (
        f"Présents{COLON} {len(att.present)} – représentés{COLON} "
        f"{att.represented} – présents et représentés{COLON} {att.taking_part}"
    )


def list_introduction(meeting: Meeting) -> str:
    """The first sentence of the list of deliberations (CGCT L2121-25)."""
    instance = french.of_the(meeting.instance, meeting.instance_feminine)
    return (
        f"Délibérations examinées par les membres {instance} {french.of_body(meeting.body)} "
        f"en sa séance du {french.date_short(meeting.date)} (article L2121-25 du CGCT)."
    )


# --- the rates -----------------------------------------------------------------------


def annex_title(meeting: Meeting) -> str:
    """ "Annexe au procès-verbal du BUREAU du 28 novembre 2016": the meeting
    the annex belongs to, on its first page and in its footer."""
    instance = french.of_the(meeting.instance.upper(), meeting.instance_feminine)
    return f"Annexe au procès-verbal {instance} du {french.date_short(meeting.date)}"


def annex_subtitle(years: list[int]) -> str:
    """ "Tarifs 2017" (every year of the rates)."""
    subtitle = "Tarifs"
    if years:
        subtitle += " " + french.join_and([str(y) for y in years])
    return subtitle


ANNEX_REFERENCE = "(voir annexe)"


def with_annex_reference(text: tuple[Block, ...]) -> tuple[Block, ...]:
    """The text of an item that quotes rates, its last line (the one the
    rates hang from) pointing to the annex: "… des flux comptables (voir
    annexe)." (before a final ".", ":" or ";")."""
    if not text:
        return (Block(ANNEX_REFERENCE[1:-1].capitalize() + ".", 0),)
    last = text[-1]
    line = last.text.rstrip()
    stop = line[-1] if line and line[-1] in ".:;" else ""
    body = line[: len(line) - len(stop)].rstrip(f" {NBSP}")
    space = " " if stop in ":;" else ""  # made non-breaking by french.typography
    return (*text[:-1], Block(f"{body} {ANNEX_REFERENCE}{space}{stop}", last.level))


def rate_with_unit(t: Tariff, tax: str = " HT") -> str:
    """ "0,07 € HT / habitant"."""
    return f"{french.rate(t.rate)}{tax}" + (f" / {t.unit}" if t.unit else "")


def rate_blocks(meeting: Meeting, service: str, text: tuple[Block, ...]) -> tuple[Block, ...]:
    """The rates of a Tarifs service as bullets one level below the text's
    last line (level 1 after a paragraph): one per category, then the floor
    and ceiling, in one sentence when every category shares them."""
    level = min(text[-1].level + 1, 3) if text and text[-1].level else 1
    rows = [t for t in meeting.tariffs if fold(t.service) == fold(service)]
    out = [Block(f"{t.category} : {rate_with_unit(t)}", level) for t in rows]
    if len({(t.floor, t.ceiling) for t in rows}) == 1:
        sentence = french.floor_and_ceiling(rows[0].floor, rows[0].ceiling)
        out += [Block(sentence, level)] if sentence else []
    else:
        for t in rows:
            sentence = french.floor_and_ceiling(t.floor, t.ceiling)
            if sentence:
                out.append(Block(f"{t.category} : {sentence[0].lower()}{sentence[1:]}", level))
    return tuple(out)
