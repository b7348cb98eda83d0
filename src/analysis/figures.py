"""Plotly theme and chart builders.

Charts are built from *disclosed* tables only (see :mod:`analysis.disclosure`): a suppressed
cell has no value, so it cannot reach a figure, and no figure ever receives respondent-level
data. :func:`to_html` turns a figure into a deterministic ``<div>`` (fixed id, no random
parts) so the same input gives the same report bytes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

#: KIS-like palette: calm blues and teal with one warm accent.
PALETTE = ("#1f4e79", "#2e86ab", "#7fb7be", "#f2a541", "#c8553d", "#5c6b73", "#a3c4bc", "#d9d9d9")
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
    if note:
        layout["annotations"] = [
            {
                "text": note,
                "xref": "paper",
                "yref": "paper",
                "x": 0,
                "y": -0.18,
                "showarrow": False,
                "font": {"size": 12, "color": "#5c6b73"},
                "xanchor": "left",
            }
        ]
        layout["margin"] = {**layout["margin"], "b": 60}
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


def to_html(fig: go.Figure, div_id: str) -> str:
    """A deterministic ``<div>`` + ``<script>`` for a figure; plotly.js is included once per page."""
    spec = fig.to_plotly_json()
    data = json.dumps(spec.get("data", []), sort_keys=True, default=_json_default, ensure_ascii=False)
    layout = json.dumps(spec.get("layout", {}), sort_keys=True, default=_json_default, ensure_ascii=False)
    config = json.dumps({"displaylogo": False, "responsive": True, "displayModeBar": False}, sort_keys=True)
    return (
        f'<div id="{div_id}" class="figuur" role="img"></div>\n'
        f'<script>Plotly.newPlot("{div_id}", {data}, {layout}, {config});</script>'
    )


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
