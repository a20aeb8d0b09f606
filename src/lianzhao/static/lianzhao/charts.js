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

  // Every word a chart prints comes from the page (json_script "chart-labels", translated on the
  // server into the reader's language): nothing here is Chinese or English.
  var L = {};
  function t(key) { return L[key] == null ? key : L[key]; }
  function loadLabels() {
    var el = document.getElementById("chart-labels");
    if (el) { L = JSON.parse(el.textContent); }
  }

  // The chain layout's column headings (upstream, midstream, downstream), a third of the width each.
  function columnTitles(columns) {
    return columns.map(function (c, i) {
      return { text: c, left: (8 + i * 33) + "%", top: 0, textStyle: { fontSize: 13, color: "#555" } };
    });
  }

  var builders = {
    funnel: function (data) {
      var items = data.funnel.map(function (d) { return { name: d.stage, value: d.count }; });
      return {
        tooltip: { trigger: "item", formatter: function (p) { return esc(p.name) + t("colon") + esc(p.value) + t("unit_projects"); } },
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
          return esc(row.name) + "<br>" + esc(row.amount.toFixed(2)) + t("unit_yi") + t("comma") + esc(row.count) +
            t("unit_projects");
        } },
        xAxis: { type: "value", name: t("yi") },
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
        title: columnTitles(data.columns),
        tooltip: { formatter: function (p) {
          if (p.dataType !== "node") { return ""; }
          var n = p.data.raw;
          return "<b>" + esc(n.name) + "</b>" + t("open") + esc(n.position) + t("close") + "<br>" + t("local_firms") +
            esc(n.local) + (n.leaders ? t("comma") + t("chain_leaders") + esc(n.leaders) : "") + "<br>" + t("gbt_codes") +
            esc(n.codes.join(t("list_sep")));
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
        title: columnTitles(data.columns),
        tooltip: { formatter: function (p) {
          if (p.dataType !== "node") { return ""; }
          var n = p.data.raw;
          return "<b>" + esc(n.name) + "</b>" + t("open") + esc(n.label) + t("close") + "<br>" + t("local_demand") +
            esc(n.demand) + t("unit_yi") + t("comma") + t("leakage") + esc(n.leakage) + t("unit_yi") + "<br>" + esc(n.reason);
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
            return esc(l.source) + " → " + esc(l.target) + t("colon") + esc(l.value) + t("unit_yi") +
              (l.named ? t("named_in_report") : "");
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
            return esc(l.label) + t("colon") + esc(l.note) + "<br><small>" + esc(l.citation) + "</small>";
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
        legend: { top: 0, data: [t("signed_rate"), t("production_rate")] },
        grid: { left: 130, right: 30, top: 30, bottom: 24 },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: function (ps) {
          var row = rows[ps[0].dataIndex];
          return esc(row.name) + t("open") + t("leads") + esc(row.leads) + t("unit_projects") + t("close") + "<br>" +
            t("signed_rate") + " " + esc(row.signed_rate) + "%<br>" + t("production_rate") + " " + esc(row.production_rate) + "%";
        } },
        xAxis: { type: "value", name: "%", max: 100 },
        yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }) },
        series: [
          { name: t("signed_rate"), type: "bar", data: rows.map(function (r) { return r.signed_rate; }), itemStyle: { color: "#2f6fb5" } },
          { name: t("production_rate"), type: "bar", data: rows.map(function (r) { return r.production_rate; }), itemStyle: { color: "#15803d" } },
        ],
      };
    },
    months: function (data) {
      var rows = data.months || [];
      return {
        legend: { top: 0, data: [t("signed_total"), t("funds_total")] },
        grid: { left: 50, right: 16, top: 30, bottom: 40 },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, formatter: function (ps) {
          var row = rows[ps[0].dataIndex];
          return esc(row.name) + "<br>" + t("signed_total") + t("colon") + esc(row.signed.toFixed(2)) + t("unit_yi") +
            "<br>" + t("funds_total") + t("colon") + esc(row.funds.toFixed(2)) + t("unit_yi");
        } },
        // Level labels; on a narrow screen ECharts leaves out the ones that would overlap.
        xAxis: { type: "category", data: rows.map(function (r) { return r.name; }), axisLabel: { hideOverlap: true } },
        yAxis: { type: "value", name: t("yi") },
        series: [
          { name: t("signed_total"), type: "bar", data: rows.map(function (r) { return r.signed; }), itemStyle: { color: "#2f6fb5" } },
          { name: t("funds_total"), type: "bar", data: rows.map(function (r) { return r.funds; }), itemStyle: { color: "#15803d" } },
        ],
      };
    },
  };

  function draw(root) {
    if (typeof echarts === "undefined") { return; }
    loadLabels();
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
