"""The unit–item graph: who leads what, who helps whom, who carries the most, who works together.

:func:`build_graph` makes a bipartite :mod:`networkx` graph:

* unit nodes — ``kind="unit"``, ``vague`` (True for names that stand for no definite set of units:
  "各有关单位", "相关部门", "…等有关单位"), ``collective`` and, with ``expand``, ``via`` (the
  collective a member came from);
* item nodes — ``kind="item"``, ``number``, ``category_no``, ``category``, ``content``, ``label``;
  the node id is the item id ("2007-015"), a unit's node id is its name;
* edges — ``role="lead"`` or ``role="participant"`` (a unit listed both ways on an item leads it).

Two views: the unit names as the plan writes them (default), or with ``expand=True`` the concrete
units of :func:`tracker.assignments.assign` (collectives replaced by their members; collectives that
cannot be expanded left out).

:func:`graph_stats` reports the load per unit (lead / participant), the units that only ever
participate, the items with several leads, the pairs of units sharing the most items and the
centrality of each unit. Pairs and centrality are computed on the *unit–unit projection* (two units
are linked when they share an item; weight = number of shared items), leaving out vague names,
which would otherwise link everyone to everyone. Degree centrality is networkx's normalised degree
(partners / (units − 1)); betweenness is unweighted and normalised.

:func:`draw_graph` draws a layered picture that stays readable at the size of the Guangzhou plan
(54 items, ~70 units): items on the left, grouped under their category headings and coloured by
category; units on the right, sorted by load, each labelled with its counts and sized by load;
lead edges solid and dark, participant edges thin and light. Vague names are listed under the
units without edges (they would add dozens of lines that say nothing).
"""

from __future__ import annotations

import re
from pathlib import Path

from tracker.model import LEAD, PARTICIPANT, Plan

FORMATS = ("png", "svg", "graphml", "gexf", "json")
_VAGUE = re.compile(r"有关|相关|其他|其它")


def is_vague(name: str) -> bool:
    """A name that stands for no definite set of units: 各有关单位, 相关部门, 有关单位, 其他部门 …"""
    return bool(_VAGUE.search(name))


def build_graph(plan: Plan, registry=None, expand: bool = False):
    """The bipartite unit–item graph of ``plan`` (see the module docstring)."""
    import networkx as nx

    from tracker.units import is_collective

    G = nx.Graph(plan=plan.name, year=plan.year, version=plan.version, expanded=expand)
    via: dict[str, str] = {}
    if expand:
        from tracker.assignments import assign

        a = assign(plan, registry)
        via = dict(a.via)
        roles_by_item = {it.id: [(u, LEAD) for u in a.leads.get(it.id, [])]
                         + [(u, PARTICIPANT) for u in a.participants.get(it.id, [])] for it in plan.items}
        G.graph["unexpandable"] = "、".join(a.unexpandable)
    else:
        roles_by_item = {it.id: [(u, LEAD) for u in it.lead] + [(u, PARTICIPANT) for u in it.participants]
                         for it in plan.items}
    for it in plan.items:
        G.add_node(it.id, kind="item", number=it.number, category_no=it.category_no or "",
                   category=it.category or "", content=it.content, label=f"{it.number}. {it.content}",
                   mandatory=bool(it.mandatory))
        for unit, role in roles_by_item[it.id]:
            if unit not in G:
                G.add_node(unit, kind="unit", label=unit, vague=is_vague(unit),
                           collective=is_collective(unit), via=via.get(unit, ""))
            if G.has_edge(unit, it.id):
                if role == LEAD:
                    G.edges[unit, it.id]["role"] = LEAD
                continue
            G.add_edge(unit, it.id, role=role)
    return G


def units_of(G) -> list[str]:
    return [n for n, d in G.nodes(data=True) if d["kind"] == "unit"]


def items_of(G) -> list[str]:
    return [n for n, d in G.nodes(data=True) if d["kind"] == "item"]


def load(G) -> list[dict]:
    """Per unit: items led, items joined, total; heaviest first (ties by name)."""
    out = []
    for u in units_of(G):
        roles = [d["role"] for _, _, d in G.edges(u, data=True)]
        out.append({"unit": u, "lead": roles.count(LEAD), "participant": roles.count(PARTICIPANT),
                    "total": len(roles), "vague": G.nodes[u]["vague"]})
    out.sort(key=lambda r: (-r["total"], -r["lead"], r["unit"]))
    return out


def projection(G):
    """The unit–unit graph: two (non-vague) units linked when they share an item.

    Edge attributes: ``weight`` (shared items) and ``items`` (their numbers, ascending)."""
    import networkx as nx

    P = nx.Graph()
    units = [u for u in units_of(G) if not G.nodes[u]["vague"]]
    P.add_nodes_from(units)
    for item in items_of(G):
        members = sorted(u for u in G.neighbors(item) if not G.nodes[u]["vague"])
        for i, a in enumerate(members):
            for b in members[i + 1:]:
                if P.has_edge(a, b):
                    P.edges[a, b]["weight"] += 1
                    P.edges[a, b]["items"].append(G.nodes[item]["number"])
                else:
                    P.add_edge(a, b, weight=1, items=[G.nodes[item]["number"]])
    for _, _, d in P.edges(data=True):
        d["items"].sort()
    return P


def graph_stats(G, top: int = 10) -> dict:
    """The figures of ``tracker graph stats`` as a JSON-ready dict (see the module docstring)."""
    import networkx as nx

    ld = load(G)
    P = projection(G)
    pairs = sorted(((d["weight"], *sorted((a, b)), d["items"]) for a, b, d in P.edges(data=True)),
                   key=lambda t: (-t[0], t[1], t[2]))
    degree = nx.degree_centrality(P) if len(P) > 1 else {u: 0.0 for u in P}
    between = nx.betweenness_centrality(P, normalized=True) if len(P) > 2 else {u: 0.0 for u in P}
    centrality = [{"unit": u, "partners": P.degree(u), "shared_items": int(P.degree(u, weight="weight")),
                   "degree": round(degree[u], 4), "betweenness": round(between[u], 4)} for u in P]
    centrality.sort(key=lambda r: (-r["betweenness"], -r["degree"], r["unit"]))
    multi = []
    for item in items_of(G):
        leads = [u for u in G.neighbors(item) if G.edges[u, item]["role"] == LEAD]
        if len(leads) > 1:
            nd = G.nodes[item]
            multi.append({"item": item, "number": nd["number"], "content": nd["content"], "leads": leads})
    multi.sort(key=lambda r: r["number"])
    roles = [d["role"] for _, _, d in G.edges(data=True)]
    return {
        "plan": {"name": G.graph.get("plan"), "year": G.graph.get("year"), "version": G.graph.get("version")},
        "expanded": bool(G.graph.get("expanded")),
        "nodes": {"units": len(units_of(G)), "items": len(items_of(G))},
        "edges": {"lead": roles.count(LEAD), "participant": roles.count(PARTICIPANT)},
        "load": ld,
        "participant_only": [r["unit"] for r in ld if r["lead"] == 0 and not r["vague"]],
        "vague_units": [r["unit"] for r in ld if r["vague"]],
        "multi_lead_items": multi,
        "top_pairs": [{"units": [a, b], "shared": w, "items": its} for w, a, b, its in pairs[:top]],
        "centrality": centrality,
    }


def format_stats(st: dict, top: int = 10) -> str:
    """A readable Chinese summary of :func:`graph_stats`."""
    p = st["plan"]
    name = p["name"] or ""
    if p["year"] and not name.startswith(str(p["year"])):
        name = f"{p['year']}年{name}"
    lines = [f"{name} (第 {p['version']} 版) 单位—任务关系"
             + (" (集合单位已展开为成员)" if st["expanded"] else ""),
             f"单位 {st['nodes']['units']} 个, 任务 {st['nodes']['items']} 项; 牵头关系 {st['edges']['lead']} 条, "
             f"参与关系 {st['edges']['participant']} 条", "", f"任务最多的单位 (前 {top}):"]
    for r in st["load"][:top]:
        lines.append(f"  {r['unit']}: 牵头 {r['lead']}, 参与 {r['participant']}, 共 {r['total']}")
    lines += ["", f"只参与、不牵头的单位 ({len(st['participant_only'])}): " + ("、".join(st["participant_only"]) or "无")]
    if st["vague_units"]:
        lines.append("泛指单位 (不计入合作与中心度): " + "、".join(st["vague_units"]))
    lines += ["", f"多个牵头单位的任务 ({len(st['multi_lead_items'])}):"]
    for m in st["multi_lead_items"]:
        lines.append(f"  {m['number']:>3}. {_short(m['content'])}  牵头: {'、'.join(m['leads'])}")
    lines += ["", "共同承担任务最多的单位组合:"]
    for pr in st["top_pairs"][:top]:
        lines.append(f"  {pr['units'][0]} — {pr['units'][1]}: {pr['shared']} 项 (序号 "
                     f"{', '.join(map(str, pr['items']))})")
    lines += ["", "中心度 (按介数排序; 度中心度 = 合作单位数 / (单位数 − 1)):"]
    for c in st["centrality"][:top]:
        lines.append(f"  {c['unit']}: 合作单位 {c['partners']}, 度中心度 {c['degree']:.3f}, "
                     f"介数中心度 {c['betweenness']:.3f}")
    return "\n".join(lines)


def _short(s: str, n: int = 26) -> str:
    return s if len(s) <= n else s[: n - 1] + "…"


# -- files -----------------------------------------------------------------------------------------
def write_graph(G, path: Path, fmt: str, config: dict | None = None, title: str | None = None) -> Path:
    """Write the graph as png/svg (a picture), graphml, gexf or json (node-link data)."""

    import networkx as nx

    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fmt in ("png", "svg"):
        return draw_graph(G, path, config=config, title=title, fmt=fmt)
    if fmt == "graphml":
        nx.write_graphml(G, str(path))
    elif fmt == "gexf":
        nx.write_gexf(G, str(path))
    elif fmt == "json":
        data = nx.node_link_data(G, edges="edges") if _has_edges_kw() else nx.node_link_data(G)
        from tracker.jsonout import dumps

        path.write_text(dumps(data, indent=1), encoding="utf-8")
    else:
        raise ValueError(fmt)
    return path


def _has_edges_kw() -> bool:
    import inspect

    import networkx as nx

    return "edges" in inspect.signature(nx.node_link_data).parameters


# -- picture ---------------------------------------------------------------------------------------
ROW = 0.25  # inches per row of labels
#: Category colours: dark enough for text on white, distinct side by side.
PALETTE = ("#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf",
           "#7f7f7f", "#bcbd22", "#393b79", "#637939", "#843c39", "#7b4173")


def layered_layout(G) -> dict:
    """Positions and rows for the layered picture.

    Returns {"items": [(node, y)], "headers": [(category label, y, colour index)], "units":
    [(node, y)], "vague": [node], "rows": n}: y counts rows from the top (0 = first row)."""
    items = sorted(items_of(G), key=lambda n: G.nodes[n]["number"])
    cats: list[tuple[str, str]] = []
    for n in items:
        key = (G.nodes[n]["category_no"], G.nodes[n]["category"])
        if key not in cats:
            cats.append(key)
    # keep the plan order of categories (by their first item), items by number within
    cat_index = {c: i for i, c in enumerate(cats)}
    items.sort(key=lambda n: (cat_index[(G.nodes[n]["category_no"], G.nodes[n]["category"])],
                              G.nodes[n]["number"]))
    left, headers, y, last = [], [], 0.0, None
    for n in items:
        key = (G.nodes[n]["category_no"], G.nodes[n]["category"])
        if key != last:
            if last is not None:
                y += 0.4
            if key[0] or key[1]:
                headers.append((f"{key[0]}、{key[1]}" if key[0] else key[1], y, cat_index[key]))
                y += 1
            last = key
        left.append((n, y))
        y += 1
    ld = load(G)
    real = [r["unit"] for r in ld if not r["vague"]]
    vague = [r["unit"] for r in ld if r["vague"]]
    rows = max(y, len(real) + (len(vague) + 1 if vague else 0))
    # spread the units over the same height as the items when there are fewer of them
    step = max(1.0, (y - 1) / max(len(real) - 1, 1)) if len(real) < y else 1.0
    step = min(step, 1.6)
    right = [(u, i * step) for i, u in enumerate(real)]
    if len(real) > y > 1:  # more units than item rows: spread the items instead
        k = min(1.6, (len(real) - 1) / (y - 1))
        left = [(n, yy * k) for n, yy in left]
        headers = [(lab, yy * k, ci) for lab, yy, ci in headers]
    return {"items": left, "headers": headers, "units": right, "vague": vague, "rows": rows,
            "categories": cats}


def draw_graph(G, path: Path, config: dict | None = None, title: str | None = None,
               fmt: str | None = None) -> Path:
    """Draw the layered unit–item picture to ``path`` as ``fmt`` ("png" or "svg"; default: the
    suffix of ``path``); matplotlib's font warnings stay off the terminal."""
    import matplotlib

    from tracker.fonts import quiet_matplotlib, rc_params, setup_matplotlib

    matplotlib.use("Agg")
    with quiet_matplotlib(), matplotlib.rc_context(rc_params(setup_matplotlib(config))):
        return _draw_graph(G, path, config, title, fmt)


def _draw_graph(G, path: Path, config: dict | None, title: str | None, fmt: str | None) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D

    lay = layered_layout(G)
    ld = {r["unit"]: r for r in load(G)}
    n_rows = lay["rows"] + 4
    height = max(6.0, n_rows * ROW + 1.5)
    fig, ax = plt.subplots(figsize=(18, height))
    try:
        ax.set_xlim(-0.85, 1.8)
        ax.set_ylim(n_rows, -2.5)
        ax.axis("off")
        def color(i):
            return PALETTE[i % len(PALETTE)]

        def cat_color(node):
            key = (G.nodes[node]["category_no"], G.nodes[node]["category"])
            return color(lay["categories"].index(key))

        ypos = {n: y for n, y in lay["items"]}
        ypos.update({u: y for u, y in lay["units"]})
        XI, XU = 0.0, 1.0
        # edges: participants first (underneath), then leads
        for role in (PARTICIPANT, LEAD):
            for u, v, d in G.edges(data=True):
                if d["role"] != role:
                    continue
                unit, item = (u, v) if G.nodes[u]["kind"] == "unit" else (v, u)
                if unit not in ypos:
                    continue  # vague names: listed, not drawn
                c = cat_color(item)
                if role == LEAD:
                    ax.plot([XI, XU], [ypos[item], ypos[unit]], color=c, lw=1.3, alpha=0.85, zorder=2)
                else:
                    ax.plot([XI, XU], [ypos[item], ypos[unit]], color=c, lw=0.8, alpha=0.45,
                            ls=(0, (3, 2)), zorder=1)
        # items
        for n, y in lay["items"]:
            nd = G.nodes[n]
            ax.scatter([XI], [y], s=40, color=cat_color(n), edgecolors="black", linewidths=0.4, zorder=3,
                       marker="s")
            ax.text(XI - 0.02, y, _short(f"{nd['number']}. {nd['content']}", 30), ha="right", va="center",
                    fontsize=8.5)
        for label, y, ci in lay["headers"]:
            ax.text(XI + 0.01, y, _short(label, 36), ha="right", va="center", fontsize=10, color=color(ci))
        # units, sized by load
        top_total = max([r["total"] for r in ld.values() if not r["vague"]] or [1])
        for u, y in lay["units"]:
            r = ld[u]
            size = 30 + 320 * r["total"] / top_total
            face = "#3b5b92" if r["lead"] else "#c9d3e6"
            ax.scatter([XU], [y], s=size, color=face, edgecolors="black", linewidths=0.4, zorder=3)
            ax.text(XU + 0.03, y, f"{u}", ha="left", va="center", fontsize=9 if r["lead"] >= 3 else 8.5)
            ax.text(XU + 0.52, y, f"牵头 {r['lead']:>2} · 参与 {r['participant']:>2}", ha="left", va="center",
                    fontsize=8, color="#444444")
        if lay["vague"]:
            y = (lay["units"][-1][1] if lay["units"] else 0) + 1.5
            text = "泛指单位 (连线从略): " + "; ".join(
                f"{u} 牵头 {ld[u]['lead']} 参与 {ld[u]['participant']}" for u in lay["vague"])
            ax.text(XU - 0.05, y, _wrap(text, 44), ha="left", va="top", fontsize=8, color="#666666")
        ax.text(XI, -1.2, "任务 (按类别分组)", ha="right", va="center", fontsize=12)
        ax.text(XU + 0.03, -1.2, "单位 (按任务数排序, 圆点大小 = 任务数)", ha="left", va="center", fontsize=12)
        ax.set_title(title or default_title(G), fontsize=16, pad=28)
        handles = [Line2D([], [], color="#333333", lw=1.6, label="牵头"),
                   Line2D([], [], color="#333333", lw=0.8, ls=(0, (3, 2)), alpha=0.6, label="参与"),
                   Line2D([], [], marker="o", ls="", markerfacecolor="#3b5b92", markeredgecolor="black",
                          label="有牵头任务的单位"),
                   Line2D([], [], marker="o", ls="", markerfacecolor="#c9d3e6", markeredgecolor="black",
                          label="只参与的单位")]
        ax.legend(handles=handles, loc="lower center", fontsize=10, frameon=False, ncol=4,
                  bbox_to_anchor=(0.5, 1.0))
        fig.tight_layout()
        fig.savefig(str(path), dpi=110, format=fmt or Path(path).suffix.lstrip(".").lower() or "png")
    finally:
        plt.close(fig)
    return Path(path)


def default_title(G) -> str:
    p = G.graph
    name = str(p.get("plan") or "")
    year = p.get("year")
    if year and not name.startswith(str(year)):
        name = f"{year}年{name}"
    return f"{name} — 单位与任务关系图"


def _wrap(text: str, width: int) -> str:
    return "\n".join(text[i:i + width] for i in range(0, len(text), width))
