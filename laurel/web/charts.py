"""A bar chart drawn on the server as numbers for an inline SVG (no chart script needed)."""

from __future__ import annotations

from dataclasses import dataclass

WIDTH, HEIGHT, GAP = 600, 160, 8


@dataclass(frozen=True)
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    count: int

    @property
    def centre(self) -> float:
        return round(self.x + self.width / 2, 1)

    @property
    def value_y(self) -> float:
        return round(self.y - 4, 1)


def weekly_bars(weeks) -> list[Bar]:
    """One bar per week, scaled to the tallest; labels are the weeks' Mondays (d MMM)."""
    if not weeks:
        return []
    tallest = max(week.count for week in weeks) or 1
    slot = WIDTH / len(weeks)
    bars = []
    for i, week in enumerate(weeks):
        height = (HEIGHT - 20) * week.count / tallest
        bars.append(
            Bar(
                x=round(i * slot + GAP / 2, 1),
                y=round(HEIGHT - 20 - height, 1),
                width=round(slot - GAP, 1),
                height=round(height, 1),
                label=f"{week.week_start.day} {week.week_start:%b}",
                count=week.count,
            )
        )
    return bars
