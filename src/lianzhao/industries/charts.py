"""Plain dicts for the industry charts; templates pass them through ``json_script`` and small
static scripts draw them with ECharts. No user text is ever inserted as HTML by the scripts."""

from __future__ import annotations

from dataclasses import dataclass

from lianzhao.industries.choices import ChainPosition, IndustryKind

POSITION_COLUMN = {ChainPosition.UPSTREAM: 0, ChainPosition.MIDSTREAM: 1, ChainPosition.DOWNSTREAM: 2}
#: Distance between columns and between rows of a chain map, in chart units (ECharts places the nodes
#: at these coordinates as given; the gap report's printed map uses the same units).
COLUMN_GAP, ROW_GAP = 320, 70


@dataclass(frozen=True)
class ChainLayout:
    """Where each node of a chain map goes: ``positions[node_id] = (x, y)``; ``links`` are
    (parent id, child id) pairs; ``columns`` the position labels; ``rows`` the longest column."""

    positions: dict[int, tuple[int, int]]
    links: list[tuple[int, int]]
    columns: list[str]
    rows: int


def chain_layout(nodes) -> ChainLayout:
    """The one layout of every chain map — the industry page, the gap map and the gap report's PDF:
    upstream, midstream and downstream as three columns, each node below the previous one of its
    column in the order given, and an edge from each node's parent (when the parent is on the map)."""
    rows = dict.fromkeys(POSITION_COLUMN.values(), 0)
    positions = {}
    for node in nodes:
        column = POSITION_COLUMN[node.position]
        positions[node.pk] = (column * COLUMN_GAP, rows[column] * ROW_GAP)
        rows[column] += 1
    links = [(node.parent_id, node.pk) for node in nodes if node.parent_id in positions]
    return ChainLayout(positions=positions, links=links,
                       columns=[str(ChainPosition(p).label) for p in POSITION_COLUMN], rows=max(rows.values()))


def chain_map(nodes, local_counts: dict[int, int], leader_counts: dict[int, int]) -> dict:
    """Chain map: nodes in three columns (upstream, midstream, downstream) with parent edges.

    ``local_counts[node_id]`` is the number of local enterprises mapped to the node; the chart
    colours nodes by it (0 = no local presence).
    """
    layout = chain_layout(nodes)
    out_nodes = []
    for node in nodes:
        x, y = layout.positions[node.pk]
        out_nodes.append({
            "id": str(node.pk),
            "name": node.name,
            "position": ChainPosition(node.position).label,
            "x": x,
            "y": y,
            "local": local_counts.get(node.pk, 0),
            "leaders": leader_counts.get(node.pk, 0),
            "codes": list(node.gbt_codes),
        })
    return {
        "nodes": out_nodes,
        "links": [{"source": str(source), "target": str(target)} for source, target in layout.links],
        "columns": layout.columns,
        "max_local": max([n["local"] for n in out_nodes] or [0]),
    }


def honeycomb(industries, links) -> dict:
    """The industrial system as a graph: industries as nodes, stated synergy links as edges."""
    return {
        "nodes": [
            {"id": str(i.pk), "name": i.name, "leading": i.kind == IndustryKind.LEADING}
            for i in industries
        ],
        "links": [
            {"source": str(link.source_id), "target": str(link.target_id),
             "label": link.get_kind_display(), "note": link.note, "citation": link.citation}
            for link in links
        ],
    }
