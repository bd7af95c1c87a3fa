"""The wording of a vote's result, in one place.

A result is a verdict (adopted, rejected, not adopted: :class:`Verdict`)
and how it was reached (« à l’unanimité », « à la majorité (…) »…). The
result line of an item, its issue in the list of deliberations and the
sentence on the previous minutes are all built from these same parts, so
that a change of wording here reaches each of them. Also the short counts
of the list and the named votes under a result.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from pipeline.law.rules import Outcome, Verdict
from pipeline.model import Ballot, Counts, Meeting, Vote
from pipeline.words.french import APOSTROPHE, NBSP, agree, count_noun

if TYPE_CHECKING:
    from pipeline.law.checks import Item


def counts_detail(counts: Counts, secret: bool, *, for_against: bool, keep_zero: bool) -> str:
    """Inside the parentheses: "20 voix pour, 5 voix contre, 2 abstentions,
    1 membre ne prend pas part au vote"; zero counts left out unless
    ``keep_zero`` (Pour and Contre of a tie); ``for_against`` False leaves
    out Pour and Contre altogether (unanimity wordings)."""
    parts = []
    if for_against:
        if counts.pour or keep_zero:
            parts.append(f"{counts.pour}{NBSP}voix pour")
        if counts.contre or keep_zero:
            parts.append(f"{counts.contre}{NBSP}voix contre")
    if counts.abstentions:
        if secret:
            parts.append(
                count_noun(counts.abstentions, "bulletin blanc ou nul", "bulletins blancs ou nuls")
            )
        else:
            parts.append(count_noun(counts.abstentions, "abstention"))
    if counts.nppv:
        verb = "ne prend" if counts.nppv == 1 else "ne prennent"
        parts.append(f"{count_noun(counts.nppv, 'membre')} {verb} pas part au vote")
    return ", ".join(parts)


def manner(outcome: Outcome, counts: Counts, *, secret: bool, presiding_feminine: bool) -> str:
    """What follows the verdict: " à l’unanimité", " à la majorité (…)",
    ", la voix du président étant prépondérante (…)", ", faute de majorité
    (partage égal des voix : …)", ", aucun suffrage exprimé"…"""
    presiding = "de la présidente" if presiding_feminine else "du président"

    def detail(for_against: bool = True, keep_zero: bool = False) -> str:
        text = counts_detail(counts, secret, for_against=for_against, keep_zero=keep_zero)
        return f" ({text})" if text else ""

    if outcome is Outcome.UNANIMITY:
        return f" à l{APOSTROPHE}unanimité"
    if outcome is Outcome.REJECTED_UNANIMITY:
        return f" à l{APOSTROPHE}unanimité{detail(False)}"
    if outcome is Outcome.UNANIMITY_OF_VOTERS:
        return f" à l{APOSTROPHE}unanimité des votants{detail(False)}"
    if outcome in (Outcome.UNANIMITY_OF_EXPRESSED, Outcome.REJECTED_UNANIMITY_OF_EXPRESSED):
        return f" à l{APOSTROPHE}unanimité des suffrages exprimés{detail(False)}"
    if outcome in (Outcome.MAJORITY, Outcome.REJECTED_MAJORITY):
        return f" à la majorité{detail()}"
    if outcome in (Outcome.CASTING_FOR, Outcome.CASTING_AGAINST):
        return f", la voix {presiding} étant prépondérante{detail(keep_zero=True)}"
    if outcome is Outcome.TIE:
        inner = counts_detail(counts, secret, for_against=True, keep_zero=True)
        return f", faute de majorité (partage égal des voix{NBSP}: {inner})"
    # P = C = 0 is not a tie (the table's ties are P = C > 0): zeros left out.
    return f", aucun suffrage exprimé{detail()}"


# The participle of each verdict: "Non adoptée" is not adopted, not rejected.
PARTICIPLES = {Verdict.ADOPTED: "adopté", Verdict.REJECTED: "rejeté", Verdict.NOT_ADOPTED: "adopté"}


def verdict(outcome: Outcome, feminine: bool = True) -> str:
    """ "Adoptée", "Rejetée" or "Non adoptée" (``feminine``: une
    délibération; le procès-verbal is "Adopté")."""
    participle = agree(PARTICIPLES[outcome.verdict], feminine)
    if outcome.verdict is Verdict.NOT_ADOPTED:
        return f"Non {participle}"
    return participle[0].upper() + participle[1:]


def result(
    outcome: Outcome,
    counts: Counts,
    *,
    secret: bool = False,
    presiding_feminine: bool = False,
    feminine: bool = True,
) -> str:
    """The result line of the spec's table: "Adoptée à l’unanimité",
    "Rejetée à la majorité (8 voix pour, 17 voix contre, 2 abstentions)"…
    ``feminine`` agrees with what was voted (une délibération: Adoptée; le
    procès-verbal: Adopté)."""
    how = manner(outcome, counts, secret=secret, presiding_feminine=presiding_feminine)
    return verdict(outcome, feminine) + how


def result_as_verb(outcome: Outcome, counts: Counts, *, feminine: bool = False) -> str:
    """The result as the verb of a sentence: "est adopté à l’unanimité",
    "est rejeté à la majorité (…)", "n’est pas adopté, aucun suffrage
    exprimé"."""
    participle = agree(PARTICIPLES[outcome.verdict], feminine)
    verb = f"n{APOSTROPHE}est pas" if outcome.verdict is Verdict.NOT_ADOPTED else "est"
    how = manner(outcome, counts, secret=False, presiding_feminine=False)
    return f"{verb} {participle}{how}"


def votes_short(counts: Counts, secret: bool) -> str:
    """ "Votants : 5 – Pour : 5 – Contre : 0 – Abstentions : 0" (and NPPV
    when any); a secret ballot has "Blancs ou nuls" for abstentions. The
    same line in the minutes, the extracts and the list of deliberations."""
    colon = f"{NBSP}:"
    third = "Blancs ou nuls" if secret else "Abstentions"
    parts = [
        f"Votants{colon} {counts.votants}",
        f"Pour{colon} {counts.pour}",
        f"Contre{colon} {counts.contre}",
        f"{third}{colon} {counts.abstentions}",
    ]
    if counts.nppv:
        parts.append(f"NPPV{colon} {counts.nppv}")
    return " – ".join(parts)


VOTE_LABELS = {
    Vote.POUR: ("Pour", "Pour"),
    Vote.CONTRE: ("Contre", "Contre"),
    Vote.ABSTENTION: ("Abstention", "Abstentions"),
    Vote.NPPV: ("Ne prend pas part au vote", "Ne prennent pas part au vote"),
}


def named_votes(meeting: Meeting, item: Item) -> list[str]:
    """Under the result: who voted against, abstained, did not take part
    (and, in a public ballot, who voted for); a secret ballot names nobody."""
    if not item.named or item.deliberation.ballot is Ballot.SECRET:
        return []
    shown = [Vote.CONTRE, Vote.ABSTENTION, Vote.NPPV]
    if item.deliberation.ballot is Ballot.PUBLIC:
        shown.insert(0, Vote.POUR)
    holders = {p.giver: p.holder for p in item.attendance.proxies}
    lines = []
    for vote in shown:
        names = []
        for key, cast in item.named:
            if cast is not vote:
                continue
            m = meeting.member(key)
            if key in holders:
                represented = agree("représenté", m.feminine)
                holder = meeting.member(holders[key]).seated_name
                names.append(f"{m.name} ({represented} par {holder})")
            else:
                names.append(m.seated_name)
        if names:
            label = VOTE_LABELS[vote][len(names) > 1]
            lines.append(f"{label}{NBSP}: {', '.join(names)}")
    return lines
