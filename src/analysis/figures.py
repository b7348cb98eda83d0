"""Plotly theme and chart builders.

Charts are built from *disclosed* tables only (see :mod:`analysis.disclosure`): a suppressed
cell has no value, so it cannot reach a figure, and no figure ever receives respondent-level
data. :func:`to_html` turns a figure into a deterministic ``<div>`` (fixed id, no random
parts) so the same input gives the same report bytes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

#: Series colours: the house blue, teal, violet, orange, raspberry and grey. Each of the first
#: seven has at least 3:1 contrast on white (WCAG 1.4.11, graphical objects), and the first six
#: stay apart for readers with protanopia, deuteranopia or tritanopia (CIELAB distance >= 12
#: under Machado et al.'s 2009 simulation; tests/report/test_accessibility.py measures both). The last
#: is a light neutral for the middle of scales, not a series colour.
PALETTE = ("#1f4e79", "#0b7285", "#7950f2", "#e8590c", "#c2255c", "#868e96", "#5c940d", "#d9d9d9")
#: Diverging scale (disagree ... agree): raspberry, orange, neutral, light blue, house blue.
DIVERGING = ("#c2255c", "#e8590c", "#d9d9d9", "#5b8db8", "#1f4e79")
FONT = "Source Sans Pro, Segoe UI, Helvetica, Arial, sans-serif"


def theme() -> dict:
    """Layout settings shared by every figure."""
    return {
        "font": {"family": FONT, "size": 14, "color": "#1d2d3a"},
        "colorway": list(PALETTE),
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "margin": {"l": 10, "r": 10, "t": 40, "b": 10},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.02, "x": 0},
        "xaxis": {"gridcolor": "#e6e6e6", "zeroline": False},
        "yaxis": {"gridcolor": "#e6e6e6", "zeroline": False, "automargin": True},
        "hoverlabel": {"font": {"family": FONT}},
    }


def stacked_bar_shares(
    shares: pd.DataFrame,
    *,
    title: str,
    x_title: str,
    legend_title: str,
    note: str | None = None,
) -> go.Figure:
    """Horizontal 100% stacked bars: one bar per row of ``shares``, segments per column.

    Parameters
    ----------
    shares
        Rows are groups (bars), columns are categories (segments), values are percentages
        already through disclosure control; a missing value (suppressed, or a group whose
        denominator is too small) draws no segment.
    title, x_title, legend_title
        Texts in the report language.
    note
        A footnote under the chart (e.g. which groups are not shown and why).
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    for i, col in enumerate(shares.columns):
        values = [None if v != v else round(float(v), 1) for v in shares[col]]
        fig.add_trace(
            go.Bar(
                name=str(col),
                y=[str(r) for r in shares.index],
                x=values,
                orientation="h",
                marker_color=PALETTE[i % len(PALETTE)],
                hovertemplate="%{y}: %{x:.0f}%<extra>" + str(col) + "</extra>",
            )
        )
    layout = theme()
    layout.update(
        barmode="stack",
        meta={"title": title},  # the report's caption shows the title; keep it for notebooks' hover
        title=None,
        xaxis={**layout["xaxis"], "title": x_title, "range": [0, 100], "ticksuffix": "%"},
        yaxis={**layout["yaxis"], "autorange": "reversed"},
        legend={**layout["legend"], "title": {"text": legend_title}},
        height=120 + 42 * len(shares.index),
    )
    _chart_note(layout, note)
    fig.update_layout(**layout)
    return fig


def heatmap(data: pd.DataFrame, *, x_title: str, value_title: str) -> go.Figure:
    """A heat map of a disclosed two-way table.

    Parameters
    ----------
    data
        :meth:`analysis.disclosure.DisclosedTable.figure_data`: ``row``, ``col``, ``count`` (NaN
        where hidden) and ``label`` (the published text, "<10" or "x", shown in the cell).
    x_title, value_title
        Axis and colour-bar titles in the report language.
    """
    import plotly.graph_objects as go

    rows = list(dict.fromkeys(data["row"]))
    cols = list(dict.fromkeys(data["col"]))
    counts = data.pivot(index="row", columns="col", values="count").reindex(index=rows, columns=cols)
    labels = data.pivot(index="row", columns="col", values="label").reindex(index=rows, columns=cols)
    z = [[None if v != v else float(v) for v in row] for row in counts.to_numpy()]
    fig = go.Figure(
        go.Heatmap(
            z=z,
            x=[str(c) for c in cols],
            y=[str(r) for r in rows],
            text=labels.to_numpy().tolist(),
            texttemplate="%{text}",
            hovertemplate="%{y} · %{x}: %{text}<extra></extra>",
            colorscale=[[0, "#eef4f8"], [1, PALETTE[0]]],
            colorbar={"title": {"text": value_title}},
            xgap=2,
            ygap=2,
        )
    )
    layout = theme()
    layout.update(
        xaxis={**layout["xaxis"], "title": x_title, "side": "top"},
        yaxis={**layout["yaxis"], "autorange": "reversed"},
        height=140 + 34 * len(rows),
    )
    fig.update_layout(**layout)
    return fig


def to_html(fig: go.Figure, div_id: str, *, label: str | None = None, description: str | None = None) -> str:
    """A deterministic ``<div>`` + ``<script>`` for a figure; plotly.js is included once per page.

    The figure is an image to assistive technology (``role="img"``) with an accessible name
    (``label``, default the figure's title) and a text alternative that says what it shows
    (``description``, default :func:`describe` in Dutch), kept in a paragraph beside it that
    ``aria-describedby`` points at. Its numbers stand in the table that goes with it.
    """
    from markupsafe import escape

    spec = _wrap_long_texts(fig.to_plotly_json())
    data = json.dumps(spec.get("data", []), sort_keys=True, default=_json_default, ensure_ascii=False)
    layout = json.dumps(spec.get("layout", {}), sort_keys=True, default=_json_default, ensure_ascii=False)
    config = json.dumps({"displaylogo": False, "responsive": True, "displayModeBar": False}, sort_keys=True)
    label = label or _title_of(fig) or div_id
    description = description or describe(fig, "nl", label)
    return (
        f'<div id="{div_id}" class="figuur" role="img" aria-label="{escape(label)}" '
        f'aria-describedby="{div_id}-alt"></div>\n'
        f'<p id="{div_id}-alt" class="figuur-alt">{escape(description)}</p>\n'
        f'<script>Plotly.newPlot("{div_id}", {_script_safe(data)}, {_script_safe(layout)}, {config});</script>'
    )


#: Legend entries and axis titles longer than this many characters are folded onto more lines,
#: so they stay inside the figure at its printed width (17 cm) and on narrow screens.
WRAP_AT = 48


def _wrap_long_texts(spec: dict) -> dict:
    """The figure's JSON with long legend entries and axis and legend titles folded (``<br>``)."""
    import textwrap

    def fold(text: Any) -> Any:
        if not isinstance(text, str) or len(text) <= WRAP_AT or "<br>" in text:
            return text
        return "<br>".join(textwrap.wrap(text, WRAP_AT, break_long_words=False))

    for trace in spec.get("data", []):
        if "name" in trace:
            trace["name"] = fold(trace["name"])
    layout = spec.get("layout", {})
    for key, value in layout.items():
        if (key.startswith(("xaxis", "yaxis")) or key == "legend") and isinstance(value, dict):
            title = value.get("title")
            if isinstance(title, dict) and "text" in title:
                title["text"] = fold(title["text"])
    return spec


def _script_safe(js: str) -> str:
    """JSON inside a ``<script>``: no text in it can close the element."""
    return js.replace("</", "<\\/")


def _title_of(fig: go.Figure) -> str:
    layout = fig.layout
    meta = layout.meta if isinstance(layout.meta, dict) else {}
    return str(meta.get("title") or (layout.title.text if layout.title and layout.title.text else "") or "")


#: What a trace type is called in a text alternative (keys of the report texts).
_KINDS = {
    "bar": "figure_kind_bar",
    "heatmap": "figure_kind_heatmap",
    "sankey": "figure_kind_sankey",
    "funnel": "figure_kind_funnel",
    "scatter": "figure_kind_scatter",
}


def describe(fig: go.Figure, lang: str, title: str | None = None) -> str:
    """A text alternative for a figure: what kind of chart, of what, which groups and series.

    Built from the figure itself (its title, or ``title``, its categories and series names), so
    it never says more than the figure; the numbers are in the table beside it.
    """
    from analysis.text import words

    t = words(lang, "report")
    types = list(dict.fromkeys(trace.type for trace in fig.data)) or ["scatter"]
    kind = t[_KINDS.get(types[0], "figure_kind_scatter")]
    parts = [t["figure_alt_kind"].format(kind=kind, title=title or _title_of(fig) or kind).strip()]
    categories: list[str] = []
    series: list[str] = []
    for trace in fig.data:
        if trace.type == "bar":
            axis = trace.y if trace.orientation == "h" else trace.x
        elif trace.type in ("heatmap", "funnel"):
            axis = trace.y
        elif trace.type == "sankey":
            axis = trace.node.label
        else:
            axis = trace.y if trace.mode and "lines" not in trace.mode else None
        categories += [str(c) for c in (axis or ()) if not isinstance(c, (int, float))]
        if trace.name and trace.showlegend is not False:
            series.append(str(trace.name))
    categories = list(dict.fromkeys(c.replace("<br>", " ") for c in categories))
    series = list(dict.fromkeys(series))
    if categories:
        parts.append(t["figure_alt_groups"].format(items=_listing(categories, t)))
    if len(series) > 1:
        parts.append(t["figure_alt_series"].format(items=_listing(series, t)))
    parts.append(t["figure_alt_table"])
    return " ".join(parts)


def _listing(items: list[str], t: dict[str, str], most: int = 8) -> str:
    if len(items) > most:
        return ", ".join(items[:most]) + " " + t["figure_alt_more"].format(n=len(items) - most)
    return ", ".join(items)


def plotly_js() -> str:
    """The plotly.js bundle shipped with the installed plotly (inlined: reports work offline)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _json_default(obj):
    import numpy as np

    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"not JSON serialisable: {type(obj)}")


def grouped_bars(
    values: pd.DataFrame,
    *,
    title: str,
    x_title: str,
    legend_title: str,
    x_range: tuple[float, float] | None = None,
    decimals: int = 0,
    suffix: str = "",
    note: str | None = None,
) -> go.Figure:
    """Horizontal grouped bars: one row per row of ``values``, one bar per column (a group).

    Parameters
    ----------
    values
        Rows are items (indicators, support variables), columns are groups (the sides), values
        are already through disclosure control (means or percentages); a missing value draws no
        bar.
    title, x_title, legend_title
        Texts in the report language.
    x_range
        The value axis' range (``(0, 1)`` for 0-1 scores); default plotly's.
    decimals, suffix
        How a value shows on hover (``suffix="%"`` for percentages).
    note
        A footnote under the chart.
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    for i, col in enumerate(values.columns):
        xs = [None if v != v else round(float(v), max(decimals, 1) + 1) for v in values[col]]
        fig.add_trace(
            go.Bar(
                name=str(col),
                y=[str(r) for r in values.index],
                x=xs,
                orientation="h",
                marker_color=PALETTE[i % len(PALETTE)],
                hovertemplate="%{y}: %{x:."
                + str(decimals)
                + "f}"
                + suffix
                + "<extra>"
                + str(col)
                + "</extra>",
            )
        )
    layout = theme()
    xaxis = {**layout["xaxis"], "title": x_title}
    if x_range is not None:
        xaxis["range"] = list(x_range)
    if suffix:
        xaxis["ticksuffix"] = suffix
    layout.update(
        barmode="group",
        meta={"title": title},
        title=None,
        xaxis=xaxis,
        yaxis={**layout["yaxis"], "autorange": "reversed"},
        legend={**layout["legend"], "title": {"text": legend_title}},
        height=120 + (14 * max(1, len(values.columns)) + 14) * len(values.index),
    )
    _chart_note(layout, note)
    fig.update_layout(**layout)
    return fig


def means_with_intervals(
    data: pd.DataFrame,
    *,
    x_title: str,
    legend_title: str,
    x_range: tuple[float, float] | None = None,
    note: str | None = None,
) -> go.Figure:
    """Published group means with their 95% intervals: one row per group, a marker per series.

    Parameters
    ----------
    data
        One row per (row, series) with ``row`` (the y-axis category), ``series`` (the marker
        colour and legend entry), ``mean``, ``ci_low`` and ``ci_high``: means already through
        disclosure control. A row whose mean is missing (hidden) draws no marker.
    x_title, legend_title
        Texts in the report language.
    x_range
        The value axis' range; default the intervals' span with a little room.
    note
        A footnote under the chart (e.g. that hidden groups are not shown).
    """
    import plotly.graph_objects as go

    rows = list(dict.fromkeys(str(r) for r in data["row"]))
    colours = (PALETTE[0], PALETTE[3], PALETTE[1], PALETTE[4], PALETTE[2], PALETTE[5])
    shown = data[data["mean"].notna()]
    if x_range is None and len(shown):
        low, high = float(shown["ci_low"].min()), float(shown["ci_high"].max())
        pad = max(high - low, 0.1) * 0.08
        x_range = (low - pad, high + pad)
    fig = go.Figure()
    for i, series in enumerate(dict.fromkeys(data["series"])):
        part = data[(data["series"] == series) & data["mean"].notna()]
        means = [round(float(v), 4) for v in part["mean"]]
        fig.add_trace(
            go.Scatter(
                name=str(series),
                y=[str(r) for r in part["row"]],
                x=means,
                mode="markers",
                orientation="h",
                marker={"color": colours[i % len(colours)], "size": 11},
                error_x={
                    "type": "data",
                    "symmetric": False,
                    "array": [round(float(h) - m, 4) for h, m in zip(part["ci_high"], means, strict=True)],
                    "arrayminus": [
                        round(m - float(lo), 4) for lo, m in zip(part["ci_low"], means, strict=True)
                    ],
                    "color": colours[i % len(colours)],
                    "thickness": 2,
                    "width": 5,
                },
                hovertemplate="%{y}: %{x:.2f}<extra>" + str(series) + "</extra>",
            )
        )
    layout = theme()
    layout.update(
        scattermode="group",
        xaxis={**layout["xaxis"], "title": x_title, **({"range": list(x_range)} if x_range else {})},
        yaxis={**layout["yaxis"], "categoryorder": "array", "categoryarray": rows, "autorange": "reversed"},
        legend={**layout["legend"], "title": {"text": legend_title}},
        height=140 + 48 * len(rows),
    )
    _chart_note(layout, note)
    fig.update_layout(**layout)
    return fig


def diverging_bars(
    shares: pd.DataFrame,
    *,
    x_title: str,
    legend_title: str,
    note: str | None = None,
    wrap: int = 45,
) -> go.Figure:
    """Diverging 100% stacked bars of Likert answers: disagreement left of zero, agreement right.

    Parameters
    ----------
    shares
        Rows are bars, columns the answer categories from lowest to highest, values percentages
        already through disclosure control. A two-level index (item, group) gives a grouped axis
        (the item's label, then one bar per group). A row with any missing value (a hidden cell)
        is not drawn at all: its other segments would land in the wrong place.
    x_title, legend_title
        Texts in the report language.
    note
        A footnote under the chart (e.g. which bars are not shown and why).
    wrap
        Item labels are wrapped at about this many characters.

    Notes
    -----
    With an odd number of categories the middle one (neutral) is split in half across zero. The
    hover text shows each category's own percentage.
    """
    import math
    import textwrap

    import pandas as pd
    import plotly.graph_objects as go
    from plotly.colors import sample_colorscale

    drawn = shares.dropna(how="any")
    k = len(shares.columns)
    colours = sample_colorscale(
        [[i / 4, c] for i, c in enumerate(DIVERGING)],
        [i / (k - 1) for i in range(k)] if k > 1 else [0.5],
    )
    if isinstance(drawn.index, pd.MultiIndex):
        y = [
            ["<br>".join(textwrap.wrap(str(a), wrap)) or str(a) for a in drawn.index.get_level_values(0)],
            [str(b) for b in drawn.index.get_level_values(1)],
        ]
    else:
        y = ["<br>".join(textwrap.wrap(str(a), wrap)) or str(a) for a in drawn.index]
    half = k // 2
    neutral = half if k % 2 else None
    # Negative side: from zero outwards (neutral half, then the categories below it, nearest first).
    order = ([neutral] if neutral is not None else []) + list(range(half - 1, -1, -1))
    order += ([neutral] if neutral is not None else []) + list(range(k - half, k))
    fig = go.Figure()
    seen: set[int] = set()
    for step, j in enumerate(order):
        negative = step < len(order) // 2
        col = shares.columns[j]
        pct = [round(float(v), 1) for v in drawn[col]]
        part = [p / 2 for p in pct] if j == neutral else pct
        fig.add_trace(
            go.Bar(
                name=str(col),
                legendgroup=str(col),
                legendrank=j,
                showlegend=j not in seen,
                y=y,
                x=[-p for p in part] if negative else part,
                customdata=pct,
                orientation="h",
                marker_color=colours[j],
                hovertemplate="%{y}: %{customdata:.0f}%<extra>" + str(col) + "</extra>",
            )
        )
        seen.add(j)
    extent = 0.0
    for _, row in drawn.iterrows():
        values = [float(v) for v in row]
        middle = values[neutral] / 2 if neutral is not None else 0.0
        extent = max(extent, sum(values[:half]) + middle, sum(values[k - half :]) + middle)
    edge = min(100, 10 * math.ceil(extent / 10 + 0.5)) if extent else 100
    ticks = [v for v in range(-100, 101, 25) if abs(v) <= edge]
    layout = theme()
    layout.update(
        barmode="relative",
        xaxis={
            **layout["xaxis"],
            "title": x_title,
            "range": [-edge, edge],
            "tickvals": ticks,
            "ticktext": [f"{abs(v)}%" if v else "0" for v in ticks],
            "zeroline": True,
            "zerolinecolor": "#5c6b73",
        },
        yaxis={**layout["yaxis"], "autorange": "reversed"},
        legend={**layout["legend"], "title": {"text": legend_title}, "traceorder": "normal"},
        height=140 + 38 * len(drawn.index),
    )
    _chart_note(layout, note)
    fig.update_layout(**layout)
    return fig


def _chart_note(layout: dict, note: str | None) -> None:
    """Put a footnote under a chart (in place)."""
    if not note:
        return
    layout["annotations"] = [
        {
            "text": note,
            "xref": "paper",
            "yref": "paper",
            "x": 0,
            "y": 0,
            "yanchor": "top",
            "yshift": -64,
            "showarrow": False,
            "font": {"size": 12, "color": "#5c6b73"},
            "xanchor": "left",
        }
    ]
    layout["margin"] = {**layout["margin"], "b": 90}


def sankey(
    flows: pd.DataFrame,
    *,
    title: str,
    source_title: str,
    target_title: str,
    hover: str,
    note: str | None = None,
) -> go.Figure:
    """A Sankey diagram of flows from sources (left) to targets (right).

    Parameters
    ----------
    flows
        One row per flow that may be drawn: ``source``, ``target`` (labels) and ``count`` (a
        published count, already through disclosure control). Flows that were suppressed are not
        in it, so they are not drawn; node sizes are the sums of the drawn flows.
    title, source_title, target_title
        Texts in the report language (the column headings above the two sides).
    hover
        Hover text template for a flow with ``{source}``, ``{target}`` and ``{count}``
        (``"{source} → {target}: {count}"``), the count already formatted.
    note
        A footnote under the chart (which flows are not drawn, and why).
    """
    import plotly.graph_objects as go

    sources = list(dict.fromkeys(str(s) for s in flows["source"]))
    targets = list(dict.fromkeys(str(t) for t in flows["target"]))
    nodes = sources + targets  # a label on both sides keeps two nodes
    colours = [PALETTE[i % len(PALETTE)] for i in range(len(sources))]
    link_colours = [_rgba(colours[sources.index(str(s))], 0.45) for s in flows["source"]]
    fig = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={
                "label": nodes,
                "pad": 14,
                "thickness": 16,
                "color": colours + [PALETTE[5]] * len(targets),
                "line": {"color": "white", "width": 0.5},
                "hovertemplate": "%{label}: %{value}<extra></extra>",
            },
            link={
                "source": [sources.index(str(s)) for s in flows["source"]],
                "target": [len(sources) + targets.index(str(t)) for t in flows["target"]],
                "value": [float(c) for c in flows["count"]],
                "color": link_colours,
                "customdata": [
                    hover.format(source=s, target=t, count=c)
                    for s, t, c in zip(flows["source"], flows["target"], flows["label"], strict=True)
                ],
                "hovertemplate": "%{customdata}<extra></extra>",
            },
        )
    )
    layout = theme()
    layout.update(
        meta={"title": title},
        title=None,
        height=max(320, 60 + 38 * max(len(sources), len(targets))),
        annotations=[
            {
                "text": source_title,
                "x": 0,
                "y": 1.06,
                "xref": "paper",
                "yref": "paper",
                "showarrow": False,
                "xanchor": "left",
                "font": {"size": 13},
            },
            {
                "text": target_title,
                "x": 1,
                "y": 1.06,
                "xref": "paper",
                "yref": "paper",
                "showarrow": False,
                "xanchor": "right",
                "font": {"size": 13},
            },
        ],
    )
    if note:
        layout["annotations"].append(
            {
                "text": note,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -0.08,
                "showarrow": False,
                "font": {"size": 12, "color": "#5c6b73"},
                "xanchor": "left",
            }
        )
        layout["margin"] = {**layout["margin"], "b": 50}
    layout["margin"] = {**layout["margin"], "t": 50}
    fig.update_layout(**layout)
    return fig


def step_curves(
    curves: dict[str, pd.DataFrame],
    *,
    title: str,
    x_title: str,
    y_title: str,
    hover: str,
    note: str | None = None,
) -> go.Figure:
    """Step curves (Kaplan-Meier): one line per group, as a share in percent over time.

    Parameters
    ----------
    curves
        Group label -> frame with ``time`` and ``percent`` (0-100), in time order, holding only
        the points that may be published (the caller stops a curve where too few remain at risk).
    title, x_title, y_title
        Texts in the report language.
    hover
        Hover text after the group name, with plotly placeholders (``"%{x} dagen: %{y:.0f}%"``).
    note
        A footnote under the chart.
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    for i, (group, curve) in enumerate(curves.items()):
        fig.add_trace(
            go.Scatter(
                name=str(group),
                x=[float(t) for t in curve["time"]],
                y=[round(float(p), 2) for p in curve["percent"]],
                mode="lines",
                line={"shape": "hv", "color": PALETTE[i % len(PALETTE)], "width": 2.5},
                hovertemplate=hover + "<extra>" + str(group) + "</extra>",
            )
        )
    layout = theme()
    layout.update(
        meta={"title": title},
        title=None,
        xaxis={**layout["xaxis"], "title": x_title, "rangemode": "tozero"},
        yaxis={**layout["yaxis"], "title": y_title, "range": [0, 100], "ticksuffix": "%"},
        height=420,
    )
    _chart_note(layout, note)
    fig.update_layout(**layout)
    return fig


def _rgba(colour: str, alpha: float) -> str:
    """``#1f4e79`` -> ``rgba(31,78,121,0.45)``."""
    r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def rate_intervals(
    estimates: pd.DataFrame,
    *,
    title: str,
    x_title: str,
    y_title: str,
    decimals: int = 1,
    note: str | None = None,
) -> go.Figure:
    """Estimates with their 95% intervals, one marker per row (a group's rate per 1,000, say).

    Parameters
    ----------
    estimates
        Columns ``label``, ``estimate``, ``ci_low`` and ``ci_high`` (model estimates, or
        published means with the interval columns empty: then no whiskers are drawn).
    title, x_title, y_title
        Texts in the report language.
    decimals
        Decimals on hover.
    note
        A footnote under the chart.
    """
    import plotly.graph_objects as go

    def num(v):
        return None if v is None or v != v else round(float(v), decimals + 2)

    est = [num(v) for v in estimates["estimate"]]
    lo = [num(v) for v in estimates["ci_low"]]
    hi = [num(v) for v in estimates["ci_high"]]
    has_ci = any(v is not None for v in lo + hi)
    error = None
    if has_ci:
        error = {
            "type": "data",
            "symmetric": False,
            "array": [
                None if h is None or e is None else round(h - e, decimals + 2)
                for e, h in zip(est, hi, strict=True)
            ],
            "arrayminus": [
                None if v is None or e is None else round(e - v, decimals + 2)
                for e, v in zip(est, lo, strict=True)
            ],
            "color": PALETTE[0],
            "thickness": 2,
            "width": 8,
        }
    hover = f"%{{x}}: %{{y:.{decimals}f}}" + (
        f" (%{{customdata[0]:.{decimals}f}}–%{{customdata[1]:.{decimals}f}})" if has_ci else ""
    )
    fig = go.Figure(
        go.Scatter(
            x=[str(v) for v in estimates["label"]],
            y=est,
            error_y=error,
            customdata=[[a, b] for a, b in zip(lo, hi, strict=True)] if has_ci else None,
            mode="markers",
            marker={"size": 12, "color": PALETTE[0]},
            hovertemplate=hover + "<extra></extra>",
            showlegend=False,
        )
    )
    layout = theme()
    layout.update(
        meta={"title": title},
        title=None,
        xaxis={**layout["xaxis"], "title": x_title},
        yaxis={**layout["yaxis"], "title": y_title, "rangemode": "tozero"},
        height=380,
    )
    _chart_note(layout, note)
    fig.update_layout(**layout)
    return fig


def funnel(stages: pd.DataFrame, *, title: str, legend_title: str, note: str | None = None) -> go.Figure:
    """A funnel: one bar per stage (rows), one trace per group (columns), widest at the top.

    Parameters
    ----------
    stages
        Rows are the stages in order (reached, referred, ...), columns the groups, values
        published counts (a hidden count is missing and draws no bar).
    title, legend_title
        Texts in the report language.
    note
        A footnote under the chart (e.g. that a stage is larger than the one before).
    """
    import plotly.graph_objects as go

    fig = go.Figure()
    for i, col in enumerate(stages.columns):
        values = [None if v is None or v != v else int(v) for v in stages[col]]
        fig.add_trace(
            go.Funnel(
                name=str(col),
                y=[str(s) for s in stages.index],
                x=values,
                textinfo="value+percent initial",
                marker={"color": PALETTE[i % len(PALETTE)]},
                hovertemplate="%{y}: %{x}<extra>" + str(col) + "</extra>",
            )
        )
    layout = theme()
    layout.update(
        meta={"title": title},
        title=None,
        legend={**layout["legend"], "title": {"text": legend_title}},
        showlegend=len(stages.columns) > 1,
        height=140 + 60 * len(stages.index),
    )
    _chart_note(layout, note)
    fig.update_layout(**layout)
    return fig
