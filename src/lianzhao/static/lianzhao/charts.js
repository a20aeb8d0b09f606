/* lianzhao charts: read the page's json_script data and draw each [data-chart] element with the
   vendored ECharts. Every string that may come from users is escaped before it reaches a tooltip. */
(function () {
  "use strict";

  function esc(value) {
    return String(value == null ? "" : value).replace(/[&<>"']/g, function (c) {
      return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c];
    });
  }

  var PALETTE = ["#b0b7c3", "#9ecae1", "#4292c6", "#08519c"];

  var builders = {
    funnel: function (data) {
      var items = data.funnel.map(function (d) { return { name: d.stage, value: d.count }; });
      return {
        tooltip: { trigger: "item", formatter: function (p) { return esc(p.name) + "：" + esc(p.value) + " 个"; } },
        series: [{
          type: "funnel", sort: "none", left: "10%", width: "80%", minSize: "8%", gap: 2,
          label: { show: true, position: "inside", formatter: function (p) { return p.name + " " + p.value; } },
          data: items,
        }],
      };
    },
    bar: function (data, el) {
      var rows = data[el.dataset.series] || [];
      return {
        grid: { left: 100, right: 24, top: 10, bottom: 24 },
        tooltip: { trigger: "item", formatter: function (p) {
          var row = rows[p.dataIndex];
          return esc(row.name) + "<br>" + esc(row.amount.toFixed(2)) + " 亿元，" + esc(row.count) + " 个项目";
        } },
        xAxis: { type: "value", name: "亿元" },
        yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }) },
        series: [{ type: "bar", data: rows.map(function (r) { return r.amount; }), itemStyle: { color: "#2f6fb5" } }],
      };
    },
    chain: function (data) {
      var max = Math.max(1, data.max_local);
      function colour(n) {
        if (!n) { return PALETTE[0]; }
        return PALETTE[Math.min(3, 1 + Math.floor((n / max) * 2.99))];
      }
      var nodes = data.nodes.map(function (n) {
        return {
          id: n.id, name: n.name, x: n.x, y: n.y, value: n.local,
          symbolSize: 18 + Math.min(26, n.local * 5),
          symbol: n.leaders ? "diamond" : "circle",
          itemStyle: { color: colour(n.local), borderColor: n.local ? "#08306b" : "#8a8f98" },
          label: { show: true, position: "right", color: "#1f2937" },
          raw: n,
        };
      });
      return {
        title: data.columns.map(function (c, i) {
          return { text: c, left: (8 + i * 33) + "%", top: 0, textStyle: { fontSize: 13, color: "#555" } };
        }),
        tooltip: { formatter: function (p) {
          if (p.dataType !== "node") { return ""; }
          var n = p.data.raw;
          return "<b>" + esc(n.name) + "</b>（" + esc(n.position) + "）<br>本地企业：" + esc(n.local) +
            (n.leaders ? "，链主：" + esc(n.leaders) : "") + "<br>行业代码：" + esc(n.codes.join("、"));
        } },
        series: [{
          type: "graph", layout: "none", roam: true, top: 40, left: 30, right: 140, bottom: 20,
          edgeSymbol: ["none", "arrow"], edgeSymbolSize: 6,
          lineStyle: { color: "#9aa3ad", curveness: 0.15 },
          data: nodes, links: data.links,
        }],
      };
    },
    gaps: function (data) {
      var nodes = data.nodes.map(function (n) {
        return {
          id: n.id, name: n.name, x: n.x, y: n.y, symbolSize: n.size,
          itemStyle: { color: n.colour, borderColor: "#343a40", borderWidth: n.local ? 2 : 0 },
          label: { show: true, position: "right", color: "#1f2937" }, raw: n,
        };
      });
      return {
        title: data.columns.map(function (c, i) {
          return { text: c, left: (8 + i * 33) + "%", top: 0, textStyle: { fontSize: 13, color: "#555" } };
        }),
        tooltip: { formatter: function (p) {
          if (p.dataType !== "node") { return ""; }
          var n = p.data.raw;
          return "<b>" + esc(n.name) + "</b>（" + esc(n.label) + "）<br>本地需求 " + esc(n.demand) + " 亿元，外溢 " +
            esc(n.leakage) + " 亿元<br>" + esc(n.reason);
        } },
        series: [{ type: "graph", layout: "none", roam: true, top: 40, left: 30, right: 160, bottom: 20,
                   edgeSymbol: ["none", "arrow"], edgeSymbolSize: 6,
                   lineStyle: { color: "#9aa3ad", curveness: 0.15 }, data: nodes, links: data.links }],
      };
    },
    synergy: function (data) {
      var max = Math.max.apply(null, [1].concat(data.links.map(function (l) { return l.value; })));
      var links = data.links.map(function (l) {
        return { source: l.source, target: l.target, raw: l,
                 lineStyle: { width: 1 + 9 * l.value / max, color: l.named ? "#e07b39" : "#9aa3ad", curveness: 0.2,
                              opacity: l.named ? 0.95 : 0.55 } };
      });
      return {
        tooltip: { formatter: function (p) {
          if (p.dataType === "edge") {
            var l = p.data.raw;
            return esc(l.source) + " → " + esc(l.target) + "：" + esc(l.value) + " 亿元" + (l.named ? "（报道所列）" : "");
          }
          return esc(p.name);
        } },
        series: [{ type: "graph", layout: "circular", roam: true, edgeSymbol: ["none", "arrow"], edgeSymbolSize: 8,
                   symbolSize: 60, itemStyle: { color: "#2f6fb5" }, label: { show: true, color: "#fff", fontSize: 11, width: 54, overflow: "break" },
                   data: data.nodes, links: links, top: 40, bottom: 40, left: 60, right: 60 }],
      };
    },
    honeycomb: function (data) {
      var nodes = data.nodes.map(function (n) {
        return {
          id: n.id, name: n.name, symbolSize: n.leading ? 78 : 56, symbol: "path://M50 0 L93 25 L93 75 L50 100 L7 75 L7 25 Z",
          itemStyle: { color: n.leading ? "#2f6fb5" : "#8fb8de" },
          label: { show: true, color: n.leading ? "#fff" : "#0b2545", fontSize: 11,
                   width: n.leading ? 56 : 44, overflow: "break", lineHeight: 13 },
        };
      });
      var links = data.links.map(function (l) {
        return { source: l.source, target: l.target, raw: l, label: { show: true, formatter: l.label, fontSize: 11 },
                 lineStyle: { width: 3, color: "#e07b39", curveness: 0.2 } };
      });
      return {
        tooltip: { formatter: function (p) {
          if (p.dataType === "edge") {
            var l = p.data.raw;
            return esc(l.label) + "：" + esc(l.note) + "<br><small>" + esc(l.citation) + "</small>";
          }
          return esc(p.name);
        } },
        series: [{ type: "graph", layout: "circular", circular: { rotateLabel: false }, roam: true,
                   edgeSymbol: ["none", "arrow"], edgeSymbolSize: 10, data: nodes, links: links,
                   top: 40, bottom: 40, left: 60, right: 60 }],
      };
    },
    rates: function (data) {
      var d = data.rates, rows = d.rows;
      return {
        legend: { top: 0, data: ["签约转化率", "投产转化率"] },
        grid: { left: 130, right: 30, top: 30, bottom: 24 },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: function (ps) {
          var row = rows[ps[0].dataIndex];
          return esc(row.name) + "（线索 " + esc(row.leads) + " 个）<br>签约转化率 " + esc(row.signed_rate) +
            "%<br>投产转化率 " + esc(row.production_rate) + "%";
        } },
        xAxis: { type: "value", name: "%", max: 100 },
        yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }) },
        series: [
          { name: "签约转化率", type: "bar", data: rows.map(function (r) { return r.signed_rate; }), itemStyle: { color: "#2f6fb5" } },
          { name: "投产转化率", type: "bar", data: rows.map(function (r) { return r.production_rate; }), itemStyle: { color: "#15803d" } },
        ],
      };
    },
  };

  function draw(root) {
    if (typeof echarts === "undefined") { return; }
    var script = document.getElementById("chart-data");
    if (!script) { return; }
    var data = JSON.parse(script.textContent);
    (root || document).querySelectorAll("[data-chart]").forEach(function (el) {
      var build = builders[el.dataset.chart];
      if (!build) { return; }
      var chart = echarts.getInstanceByDom(el);
      if (!chart) {
        chart = echarts.init(el, null, { renderer: "canvas" });
        // "drawn" means the picture is complete: set when ECharts has finished rendering, after its
        // entry animation, not when the option was handed over (the first frame is nearly empty).
        chart.on("finished", function () { el.dataset.drawn = "true"; });
      }
      delete el.dataset.drawn;
      chart.setOption(build(data, el), true);
    });
  }

  document.addEventListener("DOMContentLoaded", function () { draw(document); });
  document.addEventListener("htmx:afterSettle", function (evt) { draw(evt.target); });
  window.addEventListener("resize", function () {
    document.querySelectorAll("[data-chart]").forEach(function (el) {
      var c = typeof echarts !== "undefined" && echarts.getInstanceByDom(el);
      if (c) { c.resize(); }
    });
  });
})();
