"""Main products of the demo's sample firms (示例) — plain constants, no Django.

The firms are fictional (``示例·…``) and so are their products: each list says what such a firm
would make, for the enterprise profile and for the supply relation of the target score (以商招商:
a candidate that makes a material of a local chain leader's product). No revenue share is given —
an invented share would be an invented figure — so the score treats the shares as unknown. Product
names are those of the 2021 chain knowledge graph where it has them, so the product → material
relations of the graph apply.

The four real companies of the source article get no products here: their products, where known,
come from the registry's real data with its source.
"""

SOURCE = "示例：演示用主营产品，非真实企业数据"

SAMPLE_PRODUCTS: dict[str, tuple[str, ...]] = {
    "ent-nev-oem-a": ("汽车", "新能源汽车", "纯电动汽车"),
    "ent-nev-oem-b": ("汽车", "乘用车"),
    "ent-nev-special": ("专用车", "冷藏车"),
    "ent-nev-battery": ("锂离子电池", "电池包"),
    "ent-nev-parts-a": ("汽车零部件", "底盘"),
    "ent-nev-parts-b": ("汽车内饰件",),
    "ent-nev-casting": ("铝合金压铸件",),
    "ent-nev-charging": ("充电桩",),
    "ent-nev-dealer": ("整车销售", "维修保养"),
    "ent-x-chip": ("MCU", "汽车芯片"),
    "ent-x-cathode": ("磷酸铁锂", "正极材料"),
    "ent-x-edrive": ("电驱总成", "驱动电机"),
    "ent-x-adas": ("域控制器", "自动驾驶"),
    "ent-x-recycle": ("电池回收",),
    "ent-ge-steel": ("塔筒", "单桩"),
    "ent-ge-storage": ("储能电池", "储能集装箱"),
    "ent-ge-om": ("风机运维",),
    "ent-x-bearing": ("主轴轴承", "变桨轴承"),
    "ent-x-blade": ("风电叶片",),
    "ent-x-cable": ("海底电缆",),
    "ent-x-pv": ("光伏组件", "电池片"),
    "ent-x-inverter": ("光伏逆变器", "储能逆变器"),
    "ent-mar-seafood-a": ("冷冻水产品", "鱼糜制品"),
    "ent-mar-seafood-b": ("海参", "海参加工品"),
    "ent-mar-ranch": ("海洋牧场", "贝类"),
    "ent-mar-cold": ("冷库", "冷链物流服务"),
    "ent-mar-tourism": ("海岛旅游",),
    "ent-mar-boat": ("游艇",),
    "ent-x-biomed": ("海洋创新药",),
    "ent-x-offshore": ("海洋平台", "导管架"),
    "ent-tex-knit": ("针织服装", "服装"),
    "ent-tex-kids-a": ("童装",),
    "ent-tex-kids-b": ("婴幼儿服装",),
    "ent-tex-dye": ("染色", "印染"),
    "ent-tex-fabric": ("针织面料",),
    "ent-tex-home": ("床品", "毛巾"),
    "ent-tex-market": ("服装批发",),
    "ent-tex-ecom": ("网络零售",),
    "ent-x-fiber": ("莱赛尔纤维",),
    "ent-x-design": ("服装设计",),
    "ent-it-soft": ("工业软件",),
    "ent-it-iot": ("物联网平台", "车联网"),
    "ent-it-terminal": ("智能车载终端",),
    "ent-it-pcb": ("印制电路板",),
    "ent-x-ic": ("封装测试", "功率半导体"),
    "ent-x-display": ("显示模组",),
    "ent-x-datacenter": ("数据中心", "云服务"),
    "ent-log-park": ("通用仓储", "仓配一体"),
    "ent-log-scm": ("供应链管理",),
    "ent-x-crossborder": ("跨境电商",),
    "ent-x-sorting": ("智能分拣", "输送线"),
    "ent-se-robot": ("工业机器人",),
    "ent-x-uav": ("无人机",),
    "ent-x-composite": ("碳纤维", "碳纤维复合材料"),
}
