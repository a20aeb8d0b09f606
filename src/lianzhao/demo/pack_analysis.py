"""The Jimo demo's analysis pack beside its regional base: one hybrid-table override and the node
shares an analyst would set. Plain constants only (no Django, no data from the reference folder).

Every number here is **示例 (illustrative)**: an assumption stated with its reasoning, not a
statistic, never attached to a company. A bureau replaces them with its own (分析 › 混合表 /
节点份额), each with a source, date and author.
"""

#: Who "set" the demo's figures (shown as the author of the sample rows).
AUTHOR = "示例数据"
AS_OF = "2025-03-28"

#: A GRIT-style column override for 079 汽车整车: the purchases of a new-energy vehicle assembly
#: plant per 元 of output. Four cells are set; every other input of the national 2020 table's
#: vehicle column is scaled by one factor so that the column's intermediate input total stays
#: the national one (``rest="scale"``; value added unchanged). It describes the new-energy fifth
#: of the district's vehicle output (``weight``), not all of it.
NEV_COLUMN = {
    "sector": "079",
    "rest": "scale",
    "coefficients": {"087": 0.30, "084": 0.06, "085": 0.05, "094": 0.03},
    # The share of the district's 汽车整车 output made by new-energy vehicle plants: the structure
    # above is theirs; the other four fifths keep the national column.
    "weight": 0.2,
    "label": "示例：新能源整车厂采购结构（079 汽车整车）",
    "source": (
        "示例（说明性假设，非统计数据）：按新能源整车厂每元产出外购电池 0.30 元（087 电池）、驱动电机 0.06 元"
        "（084 电机）、电机控制器等 0.05 元（085 输配电及控制设备）、芯片等 0.03 元（094 电子元器件）设定，其余投入按 "
        "2020 年全国表汽车整车列等比例缩减、中间投入合计不变。依据为行业报道中常见的成本构成区间（动力电池约占整车成本 "
        "30%–40%，电机、电控各约 5%–12%）；未找到可离线引用的官方统计。即墨区 2024 年新能源车占整车产量 20% 以上"
        "（即墨区 2025-03-28 工作会议报道），本示例按新能源车占区内整车产出 20% 加权：五分之一的产出按上述结构，"
        "其余五分之四保持全国表汽车整车列的结构。"
    ),
}

#: Node shares set by the demo's analyst: (node key, IO sector, share, note). Where the GB/T
#: 小类 rule gives two different nodes the same share of the same sector (the table cannot tell
#: them apart), an analyst states how much of the sector each node is. All illustrative.
NODE_SHARES = [
    ("nev-battery", "087", 0.80, "示例假设：锂离子电池约占电池制造产出的八成（未核实统计）"),
    ("nev-vehicle", "079", 0.40, "示例：新能源车约占全国汽车产量四成（中国汽车工业协会 2024 年产销数据的量级，需核对）"),
    ("nev-special", "079", 0.05, "示例假设：改装汽车约占整车制造的 5%"),
    ("nev-motor", "084", 0.10, "示例假设：车用驱动电机约占电机制造的一成"),
    ("green_energy-generator", "084", 0.06, "示例假设：风力发电机约占电机制造的 6%"),
    ("green_energy-wind-farm", "100", 0.08, "示例假设：风电约占电力、热力生产和供应的 8%"),
    ("green_energy-pv-plant", "100", 0.05, "示例假设：光伏发电约占电力、热力生产和供应的 5%"),
    ("green_energy-om", "099", 0.15, "示例假设：电气设备修理约占金属制品、机械和设备修理的 15%"),
    ("marine-ship-repair", "099", 0.08, "示例假设：船舶修理约占金属制品、机械和设备修理的 8%"),
    ("marine-aquaculture", "004", 0.45, "示例假设：海水养殖约占渔产品的 45%"),
    ("marine-fishing", "004", 0.25, "示例假设：海洋捕捞约占渔产品的 25%"),
    ("marine-ship-parts", "082", 0.15, "示例假设：船用配套设备约占船舶及相关装置的 15%"),
    ("marine-offshore", "082", 0.10, "示例假设：海洋工程装备约占船舶及相关装置的 10%"),
    ("marine-services", "137", 0.03, "示例假设：海洋环境与技术服务约占专业技术服务的 3%"),
    ("textile-testing", "137", 0.08, "示例假设：检测认证约占专业技术服务的 8%"),
    ("textile-machinery", "078", 0.04, "示例假设：纺织与缝制机械约占其他专用设备的 4%"),
    ("ngit-equipment", "078", 0.06, "示例假设：电子专用设备约占其他专用设备的 6%"),
    ("textile-weaving", "027", 0.40, "示例假设：机织面料约占棉、化纤纺织及印染精加工的 40%"),
    ("textile-weaving", "030", 0.40, "示例假设：针织面料约占针织或钩针编织及其制品的 40%"),
    ("textile-dyeing", "027", 0.15, "示例假设：印染精加工约占棉、化纤纺织及印染精加工的 15%"),
    ("textile-dyeing", "030", 0.10, "示例假设：针织物染整约占针织或钩针编织及其制品的 10%"),
    ("ngit-materials", "094", 0.04, "示例假设：电子专用材料约占电子元器件的 4%"),
    ("ngit-display", "094", 0.12, "示例假设：显示器件约占电子元器件的 12%"),
    ("ngit-optoelectronics", "094", 0.06, "示例假设：光电子器件约占电子元器件的 6%"),
]


def node_share_maps(chain_keys) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, str]]]:
    """``(fixed, notes)`` for :func:`lianzhao.econ.chain_inputs.chain_node_inputs`, restricted to the
    nodes of one chain (``chain_keys``)."""
    keys = set(chain_keys)
    fixed: dict[str, dict[str, float]] = {}
    notes: dict[str, dict[str, str]] = {}
    for key, sector, share, note in NODE_SHARES:
        if key in keys:
            fixed.setdefault(key, {})[sector] = share
            notes.setdefault(key, {})[sector] = note
    return fixed, notes
