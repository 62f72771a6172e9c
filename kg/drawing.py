"""Drawing helpers shared by the plots of :mod:`kg.analysis` and :mod:`kg.camps`: short labels,
a readable layout of an alliance network, and labels pushed apart so they do not overlap.

A leaf module (networkx and numpy only; matplotlib objects are passed in), so that every plot
module can use it without importing another plot module.
"""

from __future__ import annotations

import math
from typing import Any

import networkx as nx

__all__ = ["canvas", "declutter", "network_layout", "say_nothing_to_draw", "short_label"]


def short_label(label: str, width: int = 32) -> str:
    return label if len(label) <= width else label[: width - 1].rstrip() + "…"



def network_layout(allied: nx.Graph, *, seed: int = 7) -> dict[Any, Any]:
    """Positions for the alliance plot: each connected component laid out on its own (spring,
    log-weighted so that one very frequent pair does not collapse a camp into a point, then
    Kamada-Kawai to even out distances inside dense camps), scaled by its size, and the
    components packed in rows, largest first. Deterministic for a given seed."""
    import numpy as np

    components = sorted((sorted(c) for c in nx.connected_components(allied)), key=lambda c: (-len(c), c[0]))
    placed: list[tuple[list[Any], dict[Any, Any], float]] = []
    for members in components:
        sub = nx.Graph()
        sub.add_nodes_from(members)
        for u, v, d in sorted(allied.subgraph(members).edges(data=True)):
            sub.add_edge(u, v, weight=math.log1p(d["weight"]))
        if len(members) == 1:
            local = {members[0]: np.zeros(2)}
        elif len(members) == 2:
            local = {members[0]: np.array([-0.5, 0.0]), members[1]: np.array([0.5, 0.0])}
        else:
            local = nx.spring_layout(sub, weight="weight", seed=seed, k=2.8 / len(members) ** 0.5, iterations=500)
            local = nx.kamada_kawai_layout(sub, pos=local, weight=None)
        coords = np.array([local[m] for m in members], dtype=float)
        coords -= coords.mean(axis=0)
        extent = float(np.abs(coords).max()) or 1.0
        radius = 0.5 * max(1.0, len(members)) ** 0.5
        coords *= radius / extent
        placed.append((members, dict(zip(members, coords)), radius))
    total_width = sum(2 * r + 0.6 for _, _, r in placed)
    row_width = max(2 * placed[0][2] * 1.6, total_width / max(1.0, (len(placed) / 4) ** 0.5)) if placed else 1.0
    pos: dict[Any, Any] = {}
    x = y = row_height = 0.0
    for members, local, radius in placed:
        if x > 0 and x + 2 * radius > row_width:
            x, y, row_height = 0.0, y - row_height - 0.6, 0.0
        centre = np.array([x + radius, y - radius])
        for m in members:
            pos[m] = local[m] + centre
        x += 2 * radius + 0.6
        row_height = max(row_height, 2 * radius)
    return pos



def declutter(ax: Any, texts: list[Any], anchors: list[Any], *, lift: float = 8.0, rounds: int = 400,
               radii: list[float] | None = None) -> None:
    """Move labels apart (deterministically) until their boxes overlap neither each other
    nor other labels' nodes (circles of ``radii`` pixels at ``anchors``); a label moved away
    from its node gets a thin leader line. Positions are in display pixels."""
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    to_display, to_data = ax.transData, ax.transData.inverted()
    home = [to_display.transform(a) + (0.0, lift) for a in anchors]
    where = [h.copy() for h in home]
    for text, xy in zip(texts, where):
        text.set_position(to_data.transform(xy))
    sizes = [(b.width + 4, b.height + 2) for b in (t.get_window_extent(renderer) for t in texts)]
    count = len(texts)
    for _ in range(rounds):
        shift = [[0.0, 0.0] for _ in range(count)]
        moved = False
        for i in range(count):
            for j in range(i + 1, count):
                (xi, yi), (xj, yj) = where[i], where[j]
                wi, hi = sizes[i]
                wj, hj = sizes[j]
                # texts are centred horizontally and sit on their y (va="bottom")
                overlap_x = min(xi + wi / 2, xj + wj / 2) - max(xi - wi / 2, xj - wj / 2)
                overlap_y = min(yi + hi, yj + hj) - max(yi, yj)
                if overlap_x <= 0 or overlap_y <= 0:
                    continue
                moved = True
                if overlap_y <= overlap_x:  # cheaper to separate vertically
                    step = overlap_y / 2 + 0.5
                    up = 1.0 if (yi, i) >= (yj, j) else -1.0
                    shift[i][1] += up * step
                    shift[j][1] -= up * step
                else:
                    step = overlap_x / 2 + 0.5
                    right = 1.0 if (xi, i) >= (xj, j) else -1.0
                    shift[i][0] += right * step
                    shift[j][0] -= right * step
        if radii is not None:  # nodes are fixed obstacles: only the label moves
            centres = [to_display.transform(a) for a in anchors]
            for i in range(count):
                xi, yi = where[i]
                wi, hi = sizes[i]
                for k in range(count):
                    if k == i:
                        continue
                    (cx, cy), r = centres[k], radii[k]
                    overlap_x = min(xi + wi / 2, cx + r) - max(xi - wi / 2, cx - r)
                    overlap_y = min(yi + hi, cy + r) - max(yi, cy - r)
                    if overlap_x <= 0 or overlap_y <= 0:
                        continue
                    moved = True
                    if overlap_y <= overlap_x:
                        shift[i][1] += (overlap_y + 0.5) * (1.0 if yi + hi / 2 >= cy else -1.0) / 2
                    else:
                        shift[i][0] += (overlap_x + 0.5) * (1.0 if xi >= cx else -1.0) / 2
        if not moved:
            break
        for k in range(count):
            where[k] = where[k] + shift[k]
    for text, xy, anchor, start in zip(texts, where, anchors, home):
        text.set_position(to_data.transform(xy))
        if ((xy - start) ** 2).sum() ** 0.5 > 12:
            ax.annotate("", xy=anchor, xytext=to_data.transform(xy), zorder=4,
                        arrowprops={"arrowstyle": "-", "color": "#777777", "lw": 0.6, "alpha": 0.8})


def canvas(ax: Any, size: tuple[float, float], dpi: int) -> tuple[Any, Any]:
    """The figure and axes to draw on: ``ax``'s own figure when the caller gives axes (a
    notebook composing several plots), else a new figure of ``size`` inches."""
    if ax is not None:
        return ax.figure, ax
    import matplotlib.pyplot as plt

    return plt.subplots(figsize=size, dpi=dpi)


def say_nothing_to_draw(ax: Any, message: str) -> None:
    """An empty plot that says why it is empty, instead of blank axes."""
    ax.text(0.5, 0.5, message, ha="center", va="center", fontsize=14)
    ax.set_axis_off()
