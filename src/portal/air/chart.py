"""The hourly AQI chart against 150 / 200 / 300 with the decision shaded: inline SVG, server-side."""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.safestring import SafeString, mark_safe

LEVEL_NAMES = {"yellow": "黄色预警", "orange": "橙色预警", "red": "红色预警"}
SHADE = {"yellow": "#f5d000", "orange": "#ff7e00", "red": "#e00000"}
LINES = ((150, "#c99700", "150"), (200, "#ff7e00", "200"), (300, "#e00000", "300"))


def aqi_chart(
    values: Sequence[object],
    levels: Sequence[str],
    *,
    forecast_start: int = 0,
    width: int = 720,
    height: int = 240,
) -> SafeString:
    """An SVG of the evaluation series (daily AQI, one value per hour); hours shaded by their level."""
    n = len(values)
    if n == 0:
        return mark_safe("")
    left, right, top, bottom = 40, 10, 10, 28
    plot_w, plot_h = width - left - right, height - top - bottom
    numbers = [int(str(v)) for v in values if v is not None]
    top_value = max([350, *numbers])
    step = plot_w / n

    def x(i: float) -> float:
        return left + i * step

    def y(v: float) -> float:
        return top + plot_h - plot_h * min(v, top_value) / top_value

    parts: list[str] = []
    i = 0
    while i < n:  # shaded runs of the same level
        level = levels[i] if i < len(levels) else "none"
        j = i
        while j < n and (levels[j] if j < len(levels) else "none") == level:
            j += 1
        if level in SHADE:
            parts.append(
                f'<rect x="{x(i):.1f}" y="{top}" width="{(j - i) * step:.1f}" height="{plot_h}" fill="{SHADE[level]}" '
                f'fill-opacity="0.18"><title>{LEVEL_NAMES[level]}: 第{i - forecast_start}–{j - 1 - forecast_start}小时</title></rect>'
            )
        i = j
    for value, colour, label in LINES:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(value):.1f}" y2="{y(value):.1f}" stroke="{colour}" stroke-dasharray="4 3"/>'
            f'<text x="{left - 4}" y="{y(value) + 3:.1f}" font-size="10" text-anchor="end" fill="{colour}">{label}</text>'
        )
    path: list[str] = []
    pen_up = True
    for k, v in enumerate(values):
        if v is None:
            pen_up = True
            continue
        path.append(f"{'M' if pen_up else 'L'}{x(k + 0.5):.1f},{y(int(str(v))):.1f}")
        pen_up = False
    if path:
        parts.append(
            f'<path d="{" ".join(path)}" fill="none" stroke="#1f3a93" stroke-width="1.5"/>'
        )
    if 0 < forecast_start < n:
        fx = x(forecast_start)
        parts.append(
            f'<line x1="{fx:.1f}" x2="{fx:.1f}" y1="{top}" y2="{top + plot_h}" stroke="#555"/>'
            f'<text x="{fx + 2:.1f}" y="{top + 10}" font-size="10">预测起点</text>'
        )
    parts.extend(
        f'<text x="{x(hour):.1f}" y="{height - 10}" font-size="10" text-anchor="middle">{hour - forecast_start}h</text>'
        for hour in range(0, n + 1, 24)
    )
    parts.append(
        f'<line x1="{left}" x2="{left}" y1="{top}" y2="{top + plot_h}" stroke="#333"/>'
        f'<line x1="{left}" x2="{width - right}" y1="{top + plot_h}" y2="{top + plot_h}" stroke="#333"/>'
    )
    body = "".join(parts)
    # Only numbers and this module's constants go into the markup: nothing a user typed.
    return mark_safe(  # noqa: S308
        '<svg class="aqi-chart" role="img" aria-label="逐时AQI(24小时滑动平均)与预警级别" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMidYMid meet" '
        f'xmlns="http://www.w3.org/2000/svg"><title>逐时AQI(24小时滑动平均)与预警级别</title>{body}</svg>'
    )
