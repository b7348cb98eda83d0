"""Synthetic coded interviews as a REFI-QDA project (``interviews.qdpx``).

About thirty invented transcripts are put together from the topic guide and sentence pools in
:mod:`analysis.example._texts`. Each answer is one coded segment (a ``PlainTextSelection``
carrying all its codes); quote candidates and identifying details get their own, smaller
selections (``QUOTE``, ``IDENT``). Positions are Unicode code points from 0, end exclusive:
``text[start:end]`` is the coded fragment.

Planted (see :func:`planted`): B3 NIET_SERIEUS_GENOMEN comes up in most interviews with
informal respondents and in few with formal ones, and when it does, A6 TERUGKOPPELING is
usually coded on the same segment.

Double coding (:func:`double_code`): a check coder, a third user of the project, codes eight
interviews (every respondent type) a second time, on the same answer segments: she applies
each code of the first coding with probability :data:`P_KEEP` and adds one spurious code of the
segment's topic with probability :data:`P_SPURIOUS`. Her codings come from a random stream of
their own, so every other coding and every other file stays byte for byte what it was.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from lxml import etree

from analysis.example import _texts as tx
from analysis.example._files import FIXED_ISO
from analysis.example._survey import RESPONDENT_TYPE_KEYS

NS = "urn:QDA-XML:project:1.0"

#: Interviewees per respondent type (18 informal, 12 formal).
DESIGN = {
    "sleutelpersoon": 8,
    "informeel_vrijwilliger": 5,
    "informeel_bestuur": 5,
    "formeel_professional": 6,
    "formeel_leidinggevende": 3,
    "gemeente_beleid": 3,
}
#: Planted: probability that an interview has B3 at all, by side.
P_B3_INTERVIEW = {"informeel": 0.80, "formeel": 0.25}
#: Planted: A6 on a segment that has B3; on other segments of the collaboration, referral
#: and relationship topics; never elsewhere.
P_A6_GIVEN_B3 = 0.75
P_A6_OTHER = 0.15
P_LINKED = 0.5
CODERS = ("Onderzoeker A (synthetisch)", "Onderzoeker B (synthetisch)")
#: The check coder: a third user who codes a subset of the interviews a second time.
CHECK_CODER = "Onderzoeker C (synthetisch)"
#: Interviews the check coder codes again, per respondent type (8 of 30; both sides, every type).
DOUBLE_CODED = {
    "sleutelpersoon": 2,
    "informeel_vrijwilliger": 1,
    "informeel_bestuur": 1,
    "formeel_professional": 2,
    "formeel_leidinggevende": 1,
    "gemeente_beleid": 1,
}
#: Planted agreement: the check coder applies each code of the first coding to the same segment
#: with probability P_KEEP, and adds one spurious code of the segment's topic (one the first
#: coder did not apply) with probability P_SPURIOUS.
P_KEEP = 0.85
P_SPURIOUS = 0.10
#: The check coding is done this many days after the interview.
CHECK_DELAY_DAYS = 30


def side_of(respondent_type: str) -> str:
    return (
        "informeel"
        if respondent_type in ("informeel_bestuur", "informeel_vrijwilliger", "sleutelpersoon")
        else "formeel"
    )


@dataclass
class Segment:
    topic: str
    question: str
    sentences: list[str] = field(default_factory=list)
    codes: set[str] = field(default_factory=set)


@dataclass
class Interview:
    number: int
    name: str
    respondent_type: str
    municipality_code: str
    municipality_name: str
    resp_id: str | None
    coder: int
    date: dt.date
    segments: list[Segment] = field(default_factory=list)
    fill: dict[str, str] = field(default_factory=dict)
    used: set[str] = field(default_factory=set)
    text: str = ""
    selections: list[tuple[int, int, tuple[str, ...]]] = field(default_factory=list)

    @property
    def side(self) -> str:
        return side_of(self.respondent_type)

    @property
    def title(self) -> str:
        return f"Interview {self.number:02d}"


class _Guids:
    """Proper version-4 GUIDs drawn from the study's generator (so they repeat with the seed)."""

    def __init__(self, rng: np.random.Generator):
        self.rng = rng

    def __call__(self) -> str:
        return str(uuid.UUID(bytes=self.rng.bytes(16), version=4)).upper()


def make_interviews(
    rng: np.random.Generator, survey: pd.DataFrame, municipalities: pd.DataFrame
) -> list[Interview]:
    """Draw the interviewees and write their transcripts with codings.

    Parameters
    ----------
    rng
        The generator for the interviews.
    survey
        The survey frame (interviewees linked to a survey respondent take its type and
        municipality).
    municipalities
        The municipality frame.

    Returns
    -------
    list of Interview
        In interview order, with ``text`` and ``selections`` filled in.
    """
    names_by_code = dict(
        zip(municipalities["municipality_code"], municipalities["municipality_name"], strict=True)
    )
    large = municipalities[municipalities["pop_total"] > 50_000]
    weights = np.sqrt(large["pop_total"].to_numpy(float))

    types = [t for t, k in DESIGN.items() for _ in range(k)]
    types = [types[i] for i in rng.permutation(len(types))]
    used_resp: set[str] = set()
    names = {s: list(rng.permutation(list(pool))) for s, pool in tx.INTERVIEWEE_NAMES.items()}
    code_of = {v: k for k, v in RESPONDENT_TYPE_KEYS.items()}
    interviews = []
    for i, rtype in enumerate(types, start=1):
        side = side_of(rtype)
        resp_id = None
        if rng.random() < P_LINKED:
            pool = survey[
                (survey["resp_type"] == code_of[rtype])
                & survey["municipality_code"].isin(large["municipality_code"])
                & ~survey["resp_id"].isin(used_resp)
            ]
            row = pool.iloc[int(rng.integers(len(pool)))]
            resp_id, muni = str(row["resp_id"]), str(row["municipality_code"])
            used_resp.add(resp_id)
        else:
            muni = str(rng.choice(large["municipality_code"].to_numpy(), p=weights / weights.sum()))
        official = names_by_code[muni]
        interviews.append(
            Interview(
                number=i,
                name=str(names[side].pop()),
                respondent_type=rtype,
                municipality_code=muni,
                municipality_name=official,
                resp_id=resp_id,
                coder=int(rng.integers(len(CODERS))),
                date=dt.date(2026, 3, 2) + dt.timedelta(days=int(rng.integers(0, 45))),
            )
        )
    # the practice example goes to the first key person
    example_nr = next(iv.number for iv in interviews if iv.respondent_type == "sleutelpersoon")
    for iv in interviews:
        _draw_segments(rng, iv, practice_example=iv.number == example_nr)
    _plant_b3_a6(rng, interviews)
    for iv in interviews:
        _add_place_sentence(rng, iv)
        _render(rng, iv)
    return interviews


def _sentence(rng: np.random.Generator, iv: Interview, code: str, *, negative_only: bool = False) -> str:
    """A sentence for ``code`` in the interviewee's voice, not yet used in this interview."""
    pools = tx.SENTENCES[code]
    pool = list(pools.get(iv.side, ())) + list(pools.get("beide", ()))
    if negative_only and code == "A6" and iv.side == "informeel":
        pool = pool[:3]  # "no feedback" sentences only, next to B3
    fresh = [s for s in pool if s not in iv.used] or pool
    s = fresh[int(rng.integers(len(fresh)))]
    iv.used.add(s)
    return s.format(**iv.fill)


def _draw_segments(rng: np.random.Generator, iv: Interview, *, practice_example: bool) -> None:
    side = iv.side
    iv.fill = fill = {
        "formeel": str(rng.choice(tx.FILL["formeel"])),
        "informeel": str(rng.choice(tx.FILL["informeel"])),
        "gemeenschap": str(rng.choice(tx.FILL["gemeenschap"])),
        "contact": str(rng.choice(tx.CONTACT_NAMES[side])),
        "stad": tx.SPOKEN_NAMES.get(iv.municipality_name, iv.municipality_name),
        "wijk": str(rng.choice(tx.NEIGHBOURHOODS)),
    }
    asked: set[str] = set()

    for topic, questions, codes in tx.TOPICS:
        repeats = 2 if topic in tx.EXTRA_TOPICS and rng.random() < 0.5 else 1
        order = rng.permutation(len(questions))
        for r in range(repeats):
            seg = Segment(topic=topic, question=questions[order[r % len(questions)]])
            pool = tx.TOPIC_POOLS_BY_SIDE.get((topic, side), codes)
            if topic == "rol":
                intro = tx.INTRO[iv.respondent_type]
                seg.sentences.append(intro[int(rng.integers(len(intro)))].format(**fill))
            k = 2 if rng.random() < 0.4 else 1
            weights = np.array([tx.CODE_WEIGHT.get(c, 1.0) for c in pool])
            drawn = [str(c) for c in rng.choice(pool, size=k, replace=False, p=weights / weights.sum())]
            question = tx.QUESTION_BY_CODE.get(drawn[0])
            if question and question not in asked:
                seg.question = question
            asked.add(seg.question)
            for code in drawn:
                seg.codes.add(code)
                seg.sentences.append(_sentence(rng, iv, code))
            if "G3" in seg.codes:
                seg.codes.add("CASEBOX")
            iv.segments.append(seg)
        if topic == "verwijzen" and practice_example:
            seg = Segment(topic="voorbeeld", question=tx.PRACTICE_EXAMPLE_QUESTION)
            seg.sentences = _split(tx.PRACTICE_EXAMPLE.format(bewoner=tx.PRACTICE_RESIDENT))
            seg.codes = set(tx.PRACTICE_EXAMPLE_CODES)
            iv.segments.append(seg)


def _plant_b3_a6(rng: np.random.Generator, interviews: list[Interview]) -> None:
    """Plant B3 (by side) and A6 (given B3) with fixed margins.

    The number of interviews with B3 is ``round(p * n)`` per side, and the number of B3
    segments that also carry A6 is ``round(P_A6_GIVEN_B3 * #B3 segments)``; which ones is
    random. So the sample shares equal the planted ones up to rounding, whatever the seed.
    A6 on other segments of the eligible topics stays a Bernoulli(:data:`P_A6_OTHER`) draw.
    """
    b3_segments: list[tuple[Interview, int]] = []
    for side, p in P_B3_INTERVIEW.items():
        group = [iv for iv in interviews if iv.side == side]
        chosen = rng.choice(len(group), size=round(p * len(group)), replace=False)
        for i in sorted(int(c) for c in chosen):
            iv = group[i]
            eligible = [j for j, s in enumerate(iv.segments) if s.topic in tx.B3_TOPICS]
            k = min(1 + int(rng.binomial(2, 0.5)), len(eligible))
            b3_segments += [
                (iv, eligible[int(j)]) for j in sorted(rng.choice(len(eligible), size=k, replace=False))
            ]
    b3_segments.sort(key=lambda s: (s[0].number, s[1]))
    with_a6 = set(
        rng.choice(len(b3_segments), size=round(P_A6_GIVEN_B3 * len(b3_segments)), replace=False).tolist()
    )
    b3_at = {(iv.number, j): k in with_a6 for k, (iv, j) in enumerate(b3_segments)}
    for iv in interviews:
        for j, seg in enumerate(iv.segments):
            if (iv.number, j) in b3_at:
                if b3_at[(iv.number, j)]:
                    seg.codes.add("A6")
                    seg.sentences.append(_sentence(rng, iv, "A6", negative_only=True))
                seg.codes.add("B3")
                seg.sentences.append(_sentence(rng, iv, "B3"))
            elif seg.topic in tx.A6_TOPICS and rng.random() < P_A6_OTHER:
                seg.codes.add("A6")
                seg.sentences.append(_sentence(rng, iv, "A6"))


def _add_place_sentence(rng: np.random.Generator, iv: Interview) -> None:
    """Identifying detail (a neighbourhood or the city) in about half of the interviews."""
    if rng.random() < 0.5:
        candidates = [s for s in iv.segments if s.topic in ("rol", "bereik", "capaciteit")]
        seg = candidates[int(rng.integers(len(candidates)))]
        seg.sentences.append(str(rng.choice(tx.PLACE_SENTENCES)).format(**iv.fill))


def _split(paragraph: str) -> list[str]:
    out, current = [], ""
    for part in paragraph.split(". "):
        current = part if part.endswith(".") else part + "."
        out.append(current)
    return out


def _identifying_terms(iv: Interview) -> list[str]:
    return [
        *tx.CONTACT_NAMES["informeel"],
        *tx.CONTACT_NAMES["formeel"],
        *tx.NEIGHBOURHOODS,
        tx.PRACTICE_RESIDENT,
        tx.SPOKEN_NAMES.get(iv.municipality_name, iv.municipality_name),
    ]


def _render(rng: np.random.Generator, iv: Interview) -> None:
    header = (
        f"{iv.title} ({tx.ROLE_DESCRIPTIONS[iv.respondent_type]})\n"
        f"Gemeente: {tx.SPOKEN_NAMES.get(iv.municipality_name, iv.municipality_name)}\n"
        f"Datum: {iv.date.isoformat()}\n"
        f"Respondent: {iv.name} (pseudoniem)\n"
        "SYNTHETISCH TRANSCRIPT: verzonnen voor de voorbeeldstudie van Bruggen, geen echte persoon.\n\n"
    )
    parts = [header]
    pos = len(header)
    selections: list[tuple[int, int, tuple[str, ...]]] = []
    sentence_spans: list[tuple[int, int, str]] = []
    terms = _identifying_terms(iv)
    for seg in iv.segments:
        q = f"I: {seg.question}\n"
        parts.append(q)
        pos += len(q)
        parts.append("R: ")
        pos += 3
        start = pos
        for k, s in enumerate(seg.sentences):
            if k:
                parts.append(" ")
                pos += 1
            parts.append(s)
            sentence_spans.append((pos, pos + len(s), s))
            if any(t in s for t in terms):
                selections.append((pos, pos + len(s), ("IDENT",)))
            pos += len(s)
        selections.append((start, pos, tuple(sorted(seg.codes, key=_code_order))))
        parts.append("\n\n")
        pos += 2
    iv.text = "".join(parts)
    quotable = [sp for sp in sentence_spans if len(sp[2]) >= 60]
    for j in sorted(rng.choice(len(quotable), size=min(2, len(quotable)), replace=False)):
        a, b, _ = quotable[int(j)]
        selections.append((a, b, ("QUOTE",)))
    iv.selections = sorted(selections, key=lambda s: (s[0], -s[1], s[2]))
    for a, b, _ in iv.selections:  # guard: offsets are code points into the text
        assert iv.text[a:b].strip() == iv.text[a:b] and b > a


def _code_order(code: str) -> tuple[int, int, str]:
    if code in tx.META_CODES:
        return (1, 0, code)
    return (0, ord(code[0]), f"{int(code[1:]):03d}")


def code_label(code: str) -> str:
    """The code's name as it appears in the project: ``'A6 TERUGKOPPELING'`` or ``'QUOTE'``."""
    return code if code in tx.META_CODES else f"{code} {tx.CODES[code][0]}"


def answer_selections(iv: Interview) -> list[tuple[Segment, tuple[int, int, tuple[str, ...]]]]:
    """Each answer segment with its selection (the one carrying its substantive codes)."""
    answers = [s for s in iv.selections if any(c not in tx.META_CODES for c in s[2])]
    assert len(answers) == len(iv.segments)
    for seg, sel in zip(iv.segments, answers, strict=True):
        assert set(sel[2]) == seg.codes
    return list(zip(iv.segments, answers, strict=True))


def _topic_pool(iv: Interview, topic: str) -> tuple[str, ...]:
    codes = {t: c for t, _, c in tx.TOPICS}.get(topic, ())
    return tuple(tx.TOPIC_POOLS_BY_SIDE.get((topic, iv.side), codes))


@dataclass
class CheckCoding:
    """The check coder's second coding: per double-coded interview her selections."""

    guids: _Guids
    selections: dict[int, list[tuple[int, int, tuple[str, ...]]]]


def double_code(rng: np.random.Generator, interviews: list[Interview]) -> CheckCoding:
    """Draw the interviews the check coder codes again, and her codings (see the module docstring).

    ``rng`` is a stream of its own: nothing else is drawn from it, and it draws nothing from
    the other streams, so the first coding and every other file are unchanged.
    """
    chosen: set[int] = set()
    for rtype, k in DOUBLE_CODED.items():
        group = [iv.number for iv in interviews if iv.respondent_type == rtype]
        chosen |= {int(x) for x in rng.choice(group, size=k, replace=False)}
    selections: dict[int, list[tuple[int, int, tuple[str, ...]]]] = {}
    for iv in interviews:
        if iv.number not in chosen:
            continue
        own = []
        for seg, (a, b, _) in answer_selections(iv):
            first = sorted((c for c in seg.codes if c not in tx.META_CODES), key=_code_order)
            kept = [c for c in first if rng.random() < P_KEEP]
            spare = [c for c in _topic_pool(iv, seg.topic) if c not in seg.codes]
            if rng.random() < P_SPURIOUS and spare:
                kept.append(str(spare[int(rng.integers(len(spare)))]))
            if kept:
                own.append((a, b, tuple(sorted(kept, key=_code_order))))
        selections[iv.number] = own
    return CheckCoding(_Guids(rng), selections)


def expected_agreement(interviews: list[Interview], check: CheckCoding) -> dict[str, Any]:
    """What the planted model implies on the double-coded segments, given the first coding.

    Per code, the expected 2x2 table of (first coder applies it, check coder applies it) over
    the answer segments of the double-coded interviews: a first-coder code is kept with
    :data:`P_KEEP`; a code of the segment's topic the first coder did not apply is added with
    :data:`P_SPURIOUS` divided by the number of such codes. Returns the expected percent
    agreement and Cohen's kappa per code and pooled over the codes.
    """
    tables: dict[str, np.ndarray] = {}
    n_segments = 0
    for iv in interviews:
        if iv.number not in check.selections:
            continue
        for seg, _ in answer_selections(iv):
            n_segments += 1
            spare = [c for c in _topic_pool(iv, seg.topic) if c not in seg.codes]
            for code in seg.codes - set(tx.META_CODES):
                tables.setdefault(code, np.zeros(2))[:] += (1.0, P_KEEP)
            for code in spare:
                tables.setdefault(code, np.zeros(2))[1] += P_SPURIOUS / len(spare)
    per_code, pooled = {}, np.zeros(4)
    for code in sorted(tables, key=_code_order):
        n_first, p_check = tables[code]
        # cells: both, first only, check only, neither
        both = P_KEEP * n_first
        cells = np.array([both, n_first - both, p_check - both, n_segments - n_first - (p_check - both)])
        pooled += cells
        per_code[code_label(code)] = _kappa(cells)
    return {"n_segments": n_segments, "per_code": per_code, "pooled": _kappa(pooled)}


def _kappa(cells: np.ndarray) -> dict[str, float]:
    n = cells.sum()
    po = (cells[0] + cells[3]) / n
    first, check = (cells[0] + cells[1]) / n, (cells[0] + cells[2]) / n
    pe = first * check + (1 - first) * (1 - check)
    return {"agreement": round(float(po), 6), "kappa": round(float((po - pe) / (1 - pe)), 6)}


def project_members(
    rng: np.random.Generator,
    interviews: list[Interview],
    *,
    seed: int,
    check: CheckCoding | None = None,
) -> list[tuple[str, bytes]]:
    """The ``.qdpx`` members: ``project.qde`` first, then ``sources/<guid>.txt``.

    With ``check``, the check coder is a third user and her selections follow the first
    coder's in each double-coded source; their GUIDs come from her own stream.
    """
    guid = _Guids(rng)
    q = f"{{{NS}}}"
    users = [guid() for _ in CODERS]
    root = etree.Element(
        q + "Project",
        nsmap={None: NS},
        name="Bruggen voorbeeldstudie: interviews (SYNTHETISCH)",
        origin=f"Bruggen analysis.example (seed {seed})",
        creatingUserGUID=users[0],
        creationDateTime=FIXED_ISO,
        modifyingUserGUID=users[0],
        modifiedDateTime=FIXED_ISO,
    )
    el_users = etree.SubElement(root, q + "Users")
    for g, name in zip(users, CODERS, strict=True):
        etree.SubElement(el_users, q + "User", guid=g, name=name)
    check_user = check.guids() if check is not None else None
    if check_user is not None:
        etree.SubElement(el_users, q + "User", guid=check_user, name=CHECK_CODER)

    # code book: families as parents, meta-codes at the top level
    code_guid: dict[str, str] = {}
    codebook = etree.SubElement(etree.SubElement(root, q + "CodeBook"), q + "Codes")
    for letter, (fam_name, colour) in tx.FAMILIES.items():
        parent = etree.SubElement(
            codebook, q + "Code", guid=guid(), name=fam_name, isCodable="false", color=colour
        )
        for code, (name, definition) in tx.CODES.items():
            if code[0] != letter:
                continue
            code_guid[code] = guid()
            child = etree.SubElement(
                parent,
                q + "Code",
                guid=code_guid[code],
                name=f"{code} {name}",
                isCodable="true",
                color=colour,
            )
            etree.SubElement(child, q + "Description").text = definition
    for code, definition in tx.META_CODES.items():
        code_guid[code] = guid()
        el = etree.SubElement(
            codebook, q + "Code", guid=code_guid[code], name=code, isCodable="true", color="#000000"
        )
        etree.SubElement(el, q + "Description").text = definition

    # case variables
    variables = {
        "resp_type": "Text",
        "org_side": "Text",
        "municipality_code": "Text",
        "resp_id": "Text",
        "gekoppeld_aan_enquete": "Boolean",
    }
    var_guid = {name: guid() for name in variables}
    el_vars = etree.SubElement(root, q + "Variables")
    for name, kind in variables.items():
        etree.SubElement(el_vars, q + "Variable", guid=var_guid[name], name=name, typeOfVariable=kind)

    source_guid = [guid() for _ in interviews]
    el_cases = etree.SubElement(root, q + "Cases")
    for iv, sg in zip(interviews, source_guid, strict=True):
        case = etree.SubElement(el_cases, q + "Case", guid=guid(), name=f"{iv.title} - {iv.name}")
        values = {
            "resp_type": iv.respondent_type,
            "org_side": iv.side,
            "municipality_code": iv.municipality_code,
            "resp_id": iv.resp_id,
            "gekoppeld_aan_enquete": "true" if iv.resp_id else "false",
        }
        for name, value in values.items():
            if value is None:
                continue
            vv = etree.SubElement(case, q + "VariableValue")
            etree.SubElement(vv, q + "VariableRef", targetGUID=var_guid[name])
            tag = "BooleanValue" if variables[name] == "Boolean" else "TextValue"
            etree.SubElement(vv, q + tag).text = value
        etree.SubElement(case, q + "SourceRef", targetGUID=sg)

    el_sources = etree.SubElement(root, q + "Sources")
    members: list[tuple[str, bytes]] = []
    for iv, sg in zip(interviews, source_guid, strict=True):
        stamp = f"{iv.date.isoformat()}T12:00:00Z"
        user = users[iv.coder]
        src = etree.SubElement(
            el_sources,
            q + "TextSource",
            guid=sg,
            name=iv.title,
            plainTextPath=f"internal://{sg}.txt",
            creatingUser=user,
            creationDateTime=stamp,
            modifyingUser=user,
            modifiedDateTime=stamp,
        )
        etree.SubElement(
            src, q + "Description"
        ).text = f"Synthetisch transcript, {tx.ROLE_DESCRIPTIONS[iv.respondent_type]}, pseudoniem {iv.name}."
        for a, b, codes in iv.selections:
            sel = etree.SubElement(
                src,
                q + "PlainTextSelection",
                guid=guid(),
                name=iv.text[a:b][:40],
                startPosition=str(a),
                endPosition=str(b),
                creatingUser=user,
                creationDateTime=stamp,
            )
            for c in codes:
                coding = etree.SubElement(
                    sel, q + "Coding", guid=guid(), creatingUser=user, creationDateTime=stamp
                )
                etree.SubElement(coding, q + "CodeRef", targetGUID=code_guid[c])
        if check is not None and iv.number in check.selections:
            later = f"{(iv.date + dt.timedelta(days=CHECK_DELAY_DAYS)).isoformat()}T12:00:00Z"
            for a, b, codes in check.selections[iv.number]:
                sel = etree.SubElement(
                    src,
                    q + "PlainTextSelection",
                    guid=check.guids(),
                    name=iv.text[a:b][:40],
                    startPosition=str(a),
                    endPosition=str(b),
                    creatingUser=check_user,
                    creationDateTime=later,
                )
                for c in codes:
                    coding = etree.SubElement(
                        sel, q + "Coding", guid=check.guids(), creatingUser=check_user, creationDateTime=later
                    )
                    etree.SubElement(coding, q + "CodeRef", targetGUID=code_guid[c])
        members.append((f"sources/{sg}.txt", iv.text.encode("utf-8")))
    etree.SubElement(root, q + "Description").text = (
        "SYNTHETISCHE DATA: verzonnen interviews voor de voorbeeldstudie van Bruggen. Geen echte personen; "
        "alle namen zijn pseudoniemen en staan in namenlijst.txt."
    )
    qde = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return [("project.qde", qde), *members]


def names_used(interviews: list[Interview]) -> str:
    """``namenlijst.txt``: every person name, neighbourhood and place that occurs in a transcript.

    Written in the sections :class:`analysis.disclosure.NameList` reads, so quotes get
    ``[naam]``, ``[wijk]`` or ``[plaats]`` as fits.
    """
    text = "\n".join(iv.text for iv in interviews)
    people = {
        *[n for pool in tx.INTERVIEWEE_NAMES.values() for n in pool],
        *[n for pool in tx.CONTACT_NAMES.values() for n in pool],
        tx.PRACTICE_RESIDENT,
    }
    districts = {w.removeprefix("de ").removeprefix("het ") for w in tx.NEIGHBOURHOODS}
    places = set()
    for iv in interviews:
        places.add(iv.municipality_name)
        places.add(tx.SPOKEN_NAMES.get(iv.municipality_name, iv.municipality_name))
    lines = ["# Namen en plaatsen in de (synthetische) interviews; Bruggen vervangt ze in citaten."]
    for header, entries in (("[namen]", people), ("[wijken]", districts), ("[plaatsen]", places)):
        lines.append(header)
        lines.extend(sorted(c for c in entries if c in text))
    return "\n".join(lines) + "\n"
