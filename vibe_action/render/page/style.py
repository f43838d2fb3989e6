"""The versions page's only stylesheet, inlined in every page: light and dark, no fonts or images to fetch.

Long user-given text (branch and model names, reasons) wraps anywhere instead of widening the page, and wide
tables scroll inside their own box.
"""

CSS = """
:root{color-scheme:light dark;--fg:#1f2328;--muted:#59636e;--bg:#fff;--line:#d0d7de;--head:#f6f8fa;
--accent:#0969da;--good:#1a7f37;--bad:#cf222e;--live:#dafbe1}
@media (prefers-color-scheme:dark){:root{--fg:#e6edf3;--muted:#9198a1;--bg:#0d1117;--line:#3d444d;
--head:#151b23;--accent:#4493f8;--good:#3fb950;--bad:#f85149;--live:#12361f}}
*{box-sizing:border-box}
body{font:15px/1.5 -apple-system,"Segoe UI",Helvetica,Arial,sans-serif;color:var(--fg);background:var(--bg);
margin:0 auto;padding:24px;max-width:1100px;overflow-wrap:anywhere}
a{color:var(--accent)}
h1{font-size:1.6em;margin:0 0 4px}h2{font-size:1.25em;margin:28px 0 8px}
.muted,.note{color:var(--muted);font-size:.9em}
.scroll{overflow-x:auto;max-width:100%}
table{border-collapse:collapse;margin:8px 0}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:var(--head);white-space:nowrap;overflow-wrap:normal}td code{white-space:nowrap}
td.num{text-align:right;white-space:nowrap}
tr.live td{background:var(--live)}
.badge{display:inline-block;border:1px solid var(--line);border-radius:10px;padding:0 8px;font-size:.85em;
white-space:nowrap}
.badge.live{background:var(--good);color:#fff;border-color:var(--good);font-weight:600}
.badge.failed,.badge.unconfirmed{color:var(--bad);border-color:var(--bad)}
.up{color:var(--good)}.down{color:var(--bad)}
.callout{border:2px solid var(--good);border-radius:8px;padding:8px 16px;margin:12px 0}
figure{margin:16px 0}figcaption{font-weight:600}
.chart{width:100%;max-width:640px;height:auto;color:var(--fg)}
.chart .axis{stroke:var(--line)}.chart .tick,.chart .floor-label{fill:var(--muted);font-size:11px}
.chart .line{fill:none;stroke:var(--accent);stroke-width:2}
.chart .pt{fill:var(--accent)}.chart .pt.live{fill:var(--good);stroke:var(--fg);stroke-width:1.5}
.chart .floor{stroke:var(--bad);stroke-dasharray:6 4}
details{margin:4px 0 12px}
code{font-family:ui-monospace,Menlo,monospace;font-size:.9em}
"""
