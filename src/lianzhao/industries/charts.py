"""Plain dicts for the industry charts; templates pass them through ``json_script`` and small
static scripts draw them with ECharts. No user text is ever inserted as HTML by the scripts."""

from __future__ import annotations

from lianzhao.industries.choices import ChainPosition, IndustryKind

POSITION_COLUMN = {ChainPosition.UPSTREAM: 0, ChainPosition.MIDSTREAM: 1, ChainPosition.DOWNSTREAM: 2}


def chain_map(nodes, local_counts: dict[int, int], leader_counts: dict[int, int]) -> dict:
    """Chain map: nodes in three columns (upstream, midstream, downstream) with parent edges.

    ``local_counts[node_id]`` is the number of local enterprises mapped to the node; the chart
    colours nodes by it (0 = no local presence).
    """
    rows = {0: 0, 1: 0, 2: 0}
    out_nodes, links = [], []
    for node in nodes:
        column = POSITION_COLUMN[node.position]
        out_nodes.append({
            "id": str(node.pk),
            "name": node.name,
            "position": ChainPosition(node.position).label,
            "x": column * 320,
            "y": rows[column] * 70,
            "local": local_counts.get(node.pk, 0),
            "leaders": leader_counts.get(node.pk, 0),
            "codes": list(node.gbt_codes),
        })
        rows[column] += 1
        if node.parent_id:
            links.append({"source": str(node.parent_id), "target": str(node.pk)})
    return {
        "nodes": out_nodes,
        "links": links,
        "columns": [ChainPosition(p).label for p in POSITION_COLUMN],
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
