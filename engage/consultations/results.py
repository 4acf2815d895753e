"""What a consultation's residents said, per ward, per local authority, per designation
and for the whole area: how many responses stand behind the figures and, per priority,
how many chose it and their share of those responses.

Only counted responses (never voided), and only demo responses for a demo consultation
(never a mix). Below the consultation's threshold a group's figures are withheld: a
handful of answers from one ward says little and could point at the people who gave
them, so such a group says "too few responses (n)" and nothing else."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
import sqlalchemy.orm as so

from engage.consultations.models import (
    RESPONSE_CHANNELS,
    Consultation,
    ConsultationChoice,
    ConsultationResponse,
)
from engage.consultations.services import counted
from engage.extensions import db
from engage.geography.models import Ward

NOT_DESIGNATED = "not designated"


@dataclass(frozen=True)
class PriorityFigure:
    option_id: int
    label: str
    count: int
    share: float  # of the group's responses that chose it, 0 to 1

    @property
    def percent(self) -> int:
        return round(self.share * 100)


@dataclass
class GroupResult:
    """One group's figures: a ward, an authority, a designation or the whole area."""

    key: str
    name: str
    responses: int
    threshold: int
    # Highest first; empty when the group is below the threshold (withheld, not zero).
    priorities: list[PriorityFigure] = field(default_factory=list)

    @property
    def enough(self) -> bool:
        return self.responses >= self.threshold

    @property
    def too_few(self) -> str:
        return "" if self.enough else f"too few responses ({self.responses})"

    def top(self, n: int = 3) -> list[PriorityFigure]:
        return [p for p in self.priorities if p.count][:n]

    def share_of(self, option_id: int) -> float | None:
        return next((p.share for p in self.priorities if p.option_id == option_id), None)


@dataclass
class ConsultationResults:
    consultation: Consultation
    whole: GroupResult
    wards: dict[str, GroupResult]  # by ward code
    authorities: dict[str, GroupResult]  # by local authority code
    designations: dict[str, GroupResult]  # by designation (or NOT_DESIGNATED)
    without_ward: int  # responses placed in no ward: in the whole area's figures only
    channels: dict[str, int]  # responses by how they came in, in RESPONSE_CHANNELS order

    @property
    def below_threshold(self) -> list[GroupResult]:
        return sorted((g for g in self.wards.values() if not g.enough), key=lambda g: g.name)


def _responses(consultation: Consultation):
    """The responses that count for `consultation`: not voided, and of its own kind."""
    return sa.and_(
        ConsultationResponse.consultation_id == consultation.id,
        counted(),
        ConsultationResponse.is_demo.is_(consultation.is_demo),
    )


def _group(key, name, responses, chosen: dict[int, int], consultation: Consultation) -> GroupResult:
    group = GroupResult(key=key, name=name, responses=responses, threshold=consultation.threshold)
    if group.enough:
        figures = [
            PriorityFigure(o.id, o.label, chosen.get(o.id, 0), chosen.get(o.id, 0) / responses)
            for o in consultation.options
        ]
        # Highest first; ties in the order the priorities were offered (sorted is stable).
        group.priorities = sorted(figures, key=lambda p: -p.count)
    return group


def consultation_results(consultation: Consultation) -> ConsultationResults:
    """Every group's figures, from two grouped queries (responses per ward, choices per
    ward and priority) added up here into authorities and designations."""
    per_ward = dict(
        db.session.execute(
            sa.select(ConsultationResponse.ward_id, sa.func.count())
            .where(_responses(consultation))
            .group_by(ConsultationResponse.ward_id)
        ).all()
    )
    choices: dict[int | None, dict[int, int]] = {}
    for ward_id, option_id, n in db.session.execute(
        sa.select(ConsultationResponse.ward_id, ConsultationChoice.option_id, sa.func.count())
        .join(ConsultationChoice, ConsultationChoice.response_id == ConsultationResponse.id)
        .where(_responses(consultation))
        .group_by(ConsultationResponse.ward_id, ConsultationChoice.option_id)
    ):
        choices.setdefault(ward_id, {})[option_id] = n
    channels = dict(
        db.session.execute(
            sa.select(ConsultationResponse.channel, sa.func.count())
            .where(_responses(consultation))
            .group_by(ConsultationResponse.channel)
        ).all()
    )
    wards = db.session.scalars(
        sa.select(Ward)
        .where(Ward.id.in_([w for w in per_ward if w is not None]))
        .options(so.selectinload(Ward.local_authority), so.selectinload(Ward.designations))
    ).all()

    def add(into: dict, ward_id):
        for option_id, n in choices.get(ward_id, {}).items():
            into[option_id] = into.get(option_id, 0) + n

    by_ward, by_authority, by_designation = {}, {}, {}
    authority_totals: dict[str, list] = {}
    designation_totals: dict[str, list] = {}
    for ward in sorted(wards, key=lambda w: w.name):
        by_ward[ward.code] = _group(ward.code, ward.name, per_ward[ward.id], choices.get(ward.id, {}), consultation)
        authority = authority_totals.setdefault(ward.local_authority.code, [ward.local_authority.name, 0, {}])
        authority[1] += per_ward[ward.id]
        add(authority[2], ward.id)
        designated = ward.designation_on(consultation.closes_on)
        label = designated.designation if designated else NOT_DESIGNATED
        designation = designation_totals.setdefault(label, [label.capitalize(), 0, {}])
        designation[1] += per_ward[ward.id]
        add(designation[2], ward.id)
    for code, (name, n, chosen) in sorted(authority_totals.items(), key=lambda item: item[1][0]):
        by_authority[code] = _group(code, name, n, chosen, consultation)
    for label, (name, n, chosen) in sorted(designation_totals.items()):
        by_designation[label] = _group(label, name, n, chosen, consultation)
    whole_chosen: dict[int, int] = {}
    for ward_id in choices:
        add(whole_chosen, ward_id)
    return ConsultationResults(
        consultation=consultation,
        whole=_group("all", "The whole area", sum(per_ward.values()), whole_chosen, consultation),
        wards=by_ward,
        authorities=by_authority,
        designations=by_designation,
        without_ward=per_ward.get(None, 0),
        channels={c: channels[c] for c in RESPONSE_CHANNELS if channels.get(c)},
    )


def ward_result(consultation: Consultation, ward: Ward) -> GroupResult:
    """One ward's figures, without working out every other group's."""
    condition = sa.and_(_responses(consultation), ConsultationResponse.ward_id == ward.id)
    responses = db.session.scalar(sa.select(sa.func.count()).select_from(ConsultationResponse).where(condition))
    chosen = dict(
        db.session.execute(
            sa.select(ConsultationChoice.option_id, sa.func.count())
            .join(ConsultationResponse, ConsultationChoice.response_id == ConsultationResponse.id)
            .where(condition)
            .group_by(ConsultationChoice.option_id)
        ).all()
    )
    return _group(ward.code, ward.name, responses or 0, chosen, consultation)


def latest_for_ward(ward: Ward, *, demo: bool, today: date) -> tuple[Consultation, GroupResult] | None:
    """The latest consultation (by closing day) that has opened and has counted responses
    in the ward, of the kind asked for (real or demo), with the ward's figures."""
    consultation = db.session.scalar(
        sa.select(Consultation)
        .where(
            Consultation.is_demo.is_(demo),
            Consultation.opens_on <= today,
            sa.exists().where(
                ConsultationResponse.consultation_id == Consultation.id,
                ConsultationResponse.ward_id == ward.id,
                counted(),
                ConsultationResponse.is_demo.is_(demo),
            ),
        )
        .order_by(Consultation.closes_on.desc(), Consultation.id.desc())
        .limit(1)
    )
    if consultation is None:
        return None
    return consultation, ward_result(consultation, ward)


def closed_between(first: date, last: date, *, demo: bool) -> list[Consultation]:
    """The consultations that closed from `first` to `last` (inclusive), earliest first."""
    return list(
        db.session.scalars(
            sa.select(Consultation)
            .where(Consultation.is_demo.is_(demo), Consultation.closes_on.between(first, last))
            .order_by(Consultation.closes_on, Consultation.id)
        )
    )


def with_responses(*, demo: bool, today: date) -> list[Consultation]:
    """The consultations that have opened and have counted responses, latest first (the map's list)."""
    return list(
        db.session.scalars(
            sa.select(Consultation)
            .where(
                Consultation.is_demo.is_(demo),
                Consultation.opens_on <= today,
                sa.exists().where(
                    ConsultationResponse.consultation_id == Consultation.id,
                    counted(),
                    ConsultationResponse.is_demo.is_(demo),
                ),
            )
            .order_by(Consultation.closes_on.desc(), Consultation.id.desc())
        )
    )


# The map's classes of a share: fixed fifths, so two maps (two priorities, two
# consultations) read alike.
SHARE_CLASSES = (
    (0.2, "up to 20%"),
    (0.4, "21% to 40%"),
    (0.6, "41% to 60%"),
    (0.8, "61% to 80%"),
    (1.0, "81% to 100%"),
)


def share_class(share: float) -> int:
    return next(i for i, (upper, _label) in enumerate(SHARE_CLASSES) if round(share, 4) <= upper)


def priority_map(consultation: Consultation, option_id: int, ward_codes: set[str] | None = None) -> dict:
    """Per ward the responses and the share choosing one priority (None below the
    threshold), with the classes the map shades them by; `ward_codes` limits the wards
    (None: every one)."""
    results = consultation_results(consultation)
    wards = {}
    for code, group in results.wards.items():
        if ward_codes is not None and code not in ward_codes:
            continue
        share = group.share_of(option_id)
        wards[code] = {
            "responses": group.responses,
            "share": None if share is None else round(share, 4),
            "class": None if share is None else share_class(share),
        }
    shaded = [w["class"] for w in wards.values() if w["class"] is not None]
    whole = results.whole.share_of(option_id)
    return {
        "threshold": consultation.threshold,
        "responses": results.whole.responses,
        "whole_share": None if whole is None else round(whole, 4),
        "wards": wards,
        "below_threshold": sorted(code for code, w in wards.items() if w["share"] is None),
        "classes": [
            {"upper": upper, "label": label, "wards": shaded.count(i)} for i, (upper, label) in enumerate(SHARE_CLASSES)
        ],
    }
