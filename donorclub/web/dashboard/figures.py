"""The club dashboard's charts: the service's numbers drawn as SVG, with the same numbers as a
table for people who would rather read them (or cannot see the chart)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_skeleton
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from ...domain.enums import ReferralStatus
from ...services.dashboard import ClubDashboard, MonthlyDonations, ReferralStage
from .. import charts
from ..formatting import number
from ..labels import label


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    description: str
    svg: Markup
    columns: list[str]
    rows: list[list]  # the first cell names the row; None shows as "none"


def charts_for(figures: ClubDashboard) -> list[Chart]:
    return [donations_chart(figures.monthly), blood_group_chart(figures.blood_groups),
            referral_chart(figures.referrals)]


def month_name(month: date, skeleton: str = "yMMMM") -> str:
    """March 2026, or 2026年3月."""
    return format_skeleton(skeleton, month, locale=get_locale())


def donations_chart(monthly: MonthlyDonations) -> Chart:
    """Stacked columns per month, one segment per kind; the axis names every quarter's first
    month, with the year under each January and under the first label."""
    months = monthly.months
    names = [month_name(m) for m in months]
    axis, labelled = [], False
    for m in months:
        if m.month % 3 != 1:
            axis.append("")
            continue
        short = month_name(m, "MMM")
        axis.append(f"{short}\n{m.year}" if m.month == 1 or not labelled else short)
        labelled = True
    kinds = list(monthly.counts)
    totals = [sum(monthly.counts[k][i] for k in kinds) for i in range(len(months))]
    title = _("Donations per month, by kind")
    if sum(totals):
        busiest = max(range(len(months)), key=lambda i: (totals[i], i))
        description = _("%(total)s donations from %(first)s to %(last)s; the busiest month was "
                        "%(month)s with %(count)s.", total=number(sum(totals)), first=names[0],
                        last=names[-1], month=names[busiest], count=number(totals[busiest]))
    else:
        description = _("No donations from %(first)s to %(last)s.", first=names[0],
                        last=names[-1])
    series = [charts.Series(label(k), monthly.counts[k]) for k in kinds]
    svg = charts.stacked_column_chart("chart-donations", title, description, names, series,
                                      axis_labels=axis, fmt=number)
    rows = [[names[i], *(monthly.counts[k][i] for k in kinds), totals[i]]
            for i in range(len(months))]
    return Chart("chart-donations", title, description, svg,
                 [_("Month"), *(label(k) for k in kinds), _("Total")], rows)


def blood_group_chart(groups) -> Chart:
    names = [g.value if g is not None else _("Not known") for g, _n in groups]
    counts = [n for _g, n in groups]
    title = _("Active members by blood group")
    if sum(counts):
        top = max(range(len(counts)), key=lambda i: counts[i])
        description = _("%(total)s active members; the most common group is %(group)s "
                        "with %(count)s.", total=number(sum(counts)), group=names[top],
                        count=number(counts[top]))
    else:
        description = _("The club has no active members yet.")
    svg = charts.column_chart("chart-blood-groups", title, description, names, counts,
                              fmt=number)
    return Chart("chart-blood-groups", title, description, svg,
                 [_("Blood group"), _("Active members")],
                 [[name, n] for name, n in zip(names, counts, strict=True)])


def referral_chart(stages: list[ReferralStage]) -> Chart:
    """The funnel: how many referrals reached each stage; the table adds where they are now."""
    pipeline = [s for s in stages if s.reached is not None]
    title = _("Marrow registry referrals: how far they got")
    total = pipeline[0].reached if pipeline else 0
    if total:
        listed = next((s.reached for s in pipeline if s.status == ReferralStatus.LISTED), 0)
        description = _("%(total)s referrals; %(listed)s of them reached the registry listing.",
                        total=number(total), listed=number(listed))
    else:
        description = _("No referrals yet.")
    svg = charts.bar_chart("chart-referrals", title, description,
                           [label(s.status) for s in pipeline],
                           [s.reached for s in pipeline], fmt=number)
    rows = [[label(s.status), s.reached, s.now] for s in stages
            if s.reached is not None or s.now]
    return Chart("chart-referrals", title, description, svg,
                 [_("Stage"), _("Reached this stage"), _("At this stage now")], rows)
