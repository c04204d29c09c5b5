// The report's only stylesheet, inline. Light, readable on paper: charts and figures never split
// across pages, the warning banner keeps its colour when printed.
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1b1f24; --muted: #57606a; --line: #d0d7de; --warn-bg: #fff4e5; --warn-line: #d4700b; --good: #1a7f37; --bad: #cf222e; }
* { box-sizing: border-box; }
body { font: 14px/1.5 -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--fg); background: #fff; margin: 0 auto; max-width: 1040px; padding: 24px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 19px; border-bottom: 1px solid var(--line); padding-bottom: 4px; margin-top: 32px; }
.subtitle { color: var(--muted); margin: 0 0 12px; }
.warning { background: var(--warn-bg); border: 1px solid var(--warn-line); border-left: 6px solid var(--warn-line); padding: 10px 14px; margin: 12px 0; border-radius: 4px; }
.banner { font-size: 15px; }
nav ol { columns: 2; margin: 8px 0; padding-left: 20px; }
nav a { color: #0550ae; }
table { border-collapse: collapse; margin: 8px 0 16px; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding-bottom: 4px; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: right; vertical-align: top; }
th[scope=col] { background: #f6f8fa; }
th[scope=row] { text-align: left; font-weight: 600; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
.chart { background: #fff; border: 1px solid var(--line); border-radius: 4px; max-width: 100%; height: auto; }
.chart .grid { stroke: #eaeef2; }
.chart .frame { fill: none; stroke: #8c959f; }
.chart .diagonal { stroke: #8c959f; stroke-dasharray: 2 3; }
.chart text { font: 11px sans-serif; fill: var(--fg); }
.chart .chart-title { font-weight: 600; font-size: 12px; }
.saliency { display: flex; flex-wrap: wrap; gap: 12px; }
.example { border: 1px solid var(--line); border-radius: 4px; padding: 8px; margin: 0; }
.panels { display: flex; gap: 8px; }
.panel { font-size: 12px; border-top: 4px solid var(--line); padding-top: 4px; }
.panel.correct { border-top-color: var(--good); }
.panel.wrong { border-top-color: var(--bad); }
.panel img { display: block; width: 160px; height: 160px; image-rendering: pixelated; }
.panel-title { font-weight: 600; }
figcaption { font-size: 12px; color: var(--muted); margin-top: 4px; }
footer { margin-top: 32px; color: var(--muted); font-size: 12px; }
@media print {
  body { max-width: none; padding: 0; font-size: 11pt; }
  nav { display: none; }
  h2 { break-after: avoid; }
  table, .chart, .example { break-inside: avoid; }
  .warning { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  a { color: inherit; text-decoration: none; }
}
`;
