"""A recording as one self-contained HTML page: inline SVG drawn here, a few lines of inline JS, no network.

Everything is drawn on one virtual-time axis (x), so a step, a pod turning Ready, an event and a
Deployment's pod count line up vertically. The drawing is done in Python so the page shows without
JavaScript; the script only fills the pod panel (the scheduler's filter table and scores) on a click.
"""

from __future__ import annotations

import bisect
import json
import math
from html import escape
from typing import Any

from kspec.durations import format_duration
from kspec.report.recorder import Recording

LABEL_W = 300  # the label column
PLOT_W = 900
ROW_H = 18
#: up to this many nodes, every node gets a lane, pods or not
EMPTY_LANES = 20
WIDTH = LABEL_W + PLOT_W + 20
#: pod bar colours by state (phase, ready, terminating)
COLOURS = {"Pending": "#f2c94c", "unscheduled": "#bdbdbd", "Running": "#f2994a", "ready": "#27ae60",
           "Succeeded": "#2f80ed", "Failed": "#eb5757", "Unknown": "#9b51e0", "terminating": "#828282"}
LEGEND = [("unscheduled", "Pending, no node"), ("Pending", "Pending on a node"), ("Running", "Running, not ready"),
          ("ready", "Running and Ready"), ("Succeeded", "Succeeded"), ("Failed", "Failed"),
          ("terminating", "terminating")]

CSS = """
body{font:13px/1.4 system-ui,sans-serif;margin:16px;color:#222}
h1{font-size:18px;margin:0 0 4px} h2{font-size:15px;margin:18px 0 6px;border-bottom:1px solid #ddd}
.outcome{padding:1px 8px;border-radius:8px;color:#fff;font-weight:600}
.passed{background:#27ae60}.failed{background:#eb5757}.skipped{background:#999}
table{border-collapse:collapse;font-size:12px} td,th{border:1px solid #ddd;padding:2px 6px;text-align:left}
tr.Warning td{color:#b00}
svg text{font:11px system-ui,sans-serif} .pod{cursor:pointer}
#pod-panel{position:sticky;bottom:0;background:#fafafa;border:1px solid #ccc;padding:8px;min-height:2em;
max-height:40vh;overflow:auto}
.legend span{display:inline-block;margin-right:12px} .legend i{display:inline-block;width:12px;height:10px;
margin-right:4px;vertical-align:middle}
"""

SCRIPT = """
(function(){
  var data = JSON.parse(document.getElementById('kspec-data').textContent);
  var panel = document.getElementById('pod-panel');
  function esc(s){ return String(s).replace(/[&<>"]/g, function(c){
    return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;'}[c]; }); }
  function show(pod){
    var attempts = data.attempts[pod] || [];
    var html = '<b>pod ' + esc(pod) + '</b>';
    if (!attempts.length){ html += ': no scheduling attempt recorded'; }
    attempts.slice().reverse().forEach(function(a){
      html += '<div class="attempt"><p>attempt at t=' + (a.t/1000) + 's (profile ' + esc(a.profile) + ', '
        + a.num_nodes + ' nodes): ' + (a.node ? 'bound to <b>' + esc(a.node) + '</b>' : esc(a.message || 'no node'))
        + (a.pre_filter ? '<br>PreFilter ' + esc(a.pre_filter) : '') + '</p>';
      if (a.rows.length){
        html += '<table class="filter-table"><tr><th>node</th><th>result</th><th>filtered by</th><th>reason</th>';
        a.plugins.forEach(function(p){ html += '<th>' + esc(p) + '</th>'; });
        html += '<th>total</th></tr>';
        a.rows.forEach(function(r){
          html += '<tr><td>' + esc(r.node) + '</td><td>' + esc(r.result) + '</td><td>' + esc(r.plugin || '')
            + '</td><td>' + esc(r.reason || '') + '</td>';
          a.plugins.forEach(function(p){ html += '<td>' + (r.scores && p in r.scores ? r.scores[p] : '') + '</td>'; });
          html += '<td>' + (r.total === null || r.total === undefined ? '' : r.total) + '</td></tr>';
        });
        html += '</table>';
      }
      html += '</div>';
    });
    panel.innerHTML = html;
  }
  document.querySelectorAll('[data-pod]').forEach(function(el){
    el.addEventListener('click', function(){ show(el.getAttribute('data-pod')); });
  });
})();
"""


class Axis:
    """Sequence numbers (and virtual times) to x pixels.

    A simulated cluster does much at one virtual instant (a whole rollout may take no virtual time), so
    the axis gives every recorded change one unit of width, in order, and adds width where virtual time
    passes (growing with its logarithm, so an hour's wait does not squeeze the seconds before it).
    Tick labels are the virtual times.
    """

    def __init__(self, moments: list[list[int]], end_seq: int = 0, end_ms: int = 0) -> None:
        pts = sorted((int(seq), int(t)) for seq, t in moments)
        if not pts or pts[-1][0] < end_seq:
            pts.append((end_seq, max(end_ms, pts[-1][1] if pts else 0)))
        self.seqs = [seq for seq, _ in pts]
        self.times = [t for _, t in pts]
        steps = [0.0]
        waits = [0.0]
        for i in range(1, len(pts)):
            steps.append(steps[-1] + 1)
            waits.append(waits[-1] + math.log10(1 + max(pts[i][1] - pts[i - 1][1], 0) / 10))
        # time passing takes about as much room as the changes do (when any time passes at all)
        weight = steps[-1] / waits[-1] if waits[-1] else 0.0
        self.units = [a + weight * b for a, b in zip(steps, waits, strict=True)]
        self.total = self.units[-1] or 1.0
        self.end_ms = self.times[-1]

    def x(self, seq: int | None) -> float:
        """The x of a sequence number (the end when None)."""
        if seq is None:
            return float(LABEL_W + PLOT_W)
        i = bisect.bisect_left(self.seqs, seq)
        u = self.units[min(i, len(self.units) - 1)]
        return round(LABEL_W + PLOT_W * u / self.total, 1)

    def x_time(self, t: int) -> float:
        """The x of the first change at or after virtual time t (etcd's elections carry times only)."""
        i = bisect.bisect_left(self.times, t)
        if i >= len(self.times):
            return float(LABEL_W + PLOT_W)
        return self.x(self.seqs[i])

    def ticks(self) -> list[tuple[float, int]]:
        """(x, virtual time) where time moves on, far enough apart to read."""
        out: list[tuple[float, int]] = []
        previous = None
        for seq, t in zip(self.seqs, self.times, strict=True):
            if t == previous:
                continue
            previous = t
            x = self.x(seq)
            if not out or x - out[-1][0] >= 50:
                out.append((x, t))
        return out


def fmt_ms(t: int) -> str:
    """A virtual time as Go prints a duration (``2m8.368s``), as the failure report does."""
    return format_duration(int(t))


def _svg(height: int, body: list[str], axis: Axis, cls: str) -> str:
    grid = [f'<line x1="{x}" y1="0" x2="{x}" y2="{height - 14}" stroke="#eee"/>'
            f'<text x="{x}" y="{height - 2}" text-anchor="middle" fill="#777">{fmt_ms(t)}</text>'
            for x, t in axis.ticks()]
    return (f'<svg class="{cls}" width="{WIDTH}" height="{height}" '
            f'viewBox="0 0 {WIDTH} {height}">{"".join(grid)}{"".join(body)}</svg>')


def _label(y: float, text: str, indent: int = 4, bold: bool = False) -> str:
    short = text if len(text) <= 48 else text[:47] + "…"
    weight = ' font-weight="bold"' if bold else ""
    return f'<text x="{indent}" y="{y + 12}"{weight}><title>{escape(text)}</title>{escape(short)}</text>'


def steps_svg(rec: Recording, axis: Axis) -> str:
    body = []
    for i, s in enumerate(rec.steps):
        y = 4 + i * ROW_H
        colour = {"passed": "#27ae60", "failed": "#eb5757"}.get(s.status, "#999")
        x0, x1 = axis.x(s.start_seq), axis.x(s.end_seq)
        body.append(f'<g class="step {escape(s.status)}">{_label(y, f"{s.keyword} {s.text}")}'
                    f'<rect x="{x0}" y="{y + 3}" width="{max(x1 - x0, 2)}" height="{ROW_H - 6}" fill="{colour}">'
                    f'<title>line {s.line}: {escape(s.keyword)} {escape(s.text)} — {fmt_ms(s.start_ms)} to '
                    f'{fmt_ms(s.end_ms or 0)} ({escape(s.status)})</title></rect></g>')
    return _svg(8 + len(rec.steps) * ROW_H + 16, body, axis, "steps")


def _state_colour(phase: str, ready: bool, node: str, terminating: bool) -> str:
    if terminating:
        return COLOURS["terminating"]
    if phase == "Running" and ready:
        return COLOURS["ready"]
    if phase == "Pending" and not node:
        return COLOURS["unscheduled"]
    return COLOURS.get(phase, COLOURS["Unknown"])


def pods_svg(rec: Recording, axis: Axis) -> str:
    """One lane per node (and one for pods no node took), one row per pod, its bar coloured by state."""
    lanes: dict[str, list[str]] = {n: [] for n in rec.nodes}
    for key, pod in rec.pods.items():
        nodes = [s[4] for s in pod["states"] if s[4]]
        lanes.setdefault(nodes[-1] if nodes else "", []).append(key)
    body: list[str] = []
    y = 4
    # a big cluster's idle nodes would push its pods off the page: past a few, only nodes with pods get a lane
    shown = sorted(n for n in lanes if n and (lanes[n] or len(rec.nodes) <= EMPTY_LANES))
    hidden = sum(1 for n in lanes if n and n not in shown)
    if hidden:
        body.append(_label(y, f"{hidden} nodes without pods not drawn"))
        y += ROW_H
    for lane in [*shown, *([""] if lanes.get("") else [])]:
        body.append(f'<g class="node-lane" data-node="{escape(lane)}">'
                    + _label(y, f"node {lane}" if lane else "not scheduled", bold=True) + "</g>")
        y += ROW_H
        for key in sorted(lanes[lane], key=lambda k: (rec.pods[k]["created_ms"], k)):
            pod = rec.pods[key]
            end = pod["deleted_seq"]
            segs = []
            states = pod["states"]
            for i, (t, seq, phase, ready, node, terminating) in enumerate(states):
                x0, x1 = axis.x(seq), axis.x(states[i + 1][1] if i + 1 < len(states) else end)
                state = f"{phase}{', Ready' if ready else ''}{', on ' + node if node else ''}" \
                        f"{', terminating' if terminating else ''}"
                segs.append(f'<rect class="seg" x="{x0}" y="{y + 3}" width="{max(x1 - x0, 1.5)}" height="{ROW_H - 6}" '
                            f'fill="{_state_colour(phase, ready, node, terminating)}"><title>{escape(key)}: '
                            f'{escape(state)} from {fmt_ms(t)}</title></rect>')
            body.append(f'<g class="pod" data-pod="{escape(key.split("#")[0])}">{_label(y, key, indent=16)}'
                        f'{"".join(segs)}</g>')
            y += ROW_H
    return _svg(y + 20, body, axis, "pods")


def events_svg(rec: Recording, axis: Axis) -> str:
    body = [_label(4, f"{len(rec.events)} events")]
    for e in rec.events:
        x = axis.x(e["seq"])
        colour = "#eb5757" if e["type"] == "Warning" else "#2f80ed"
        body.append(f'<line class="event-tick" x1="{x}" y1="6" x2="{x}" y2="22" stroke="{colour}" stroke-width="1.5">'
                    f'<title>{fmt_ms(e["t"])} {escape(e["reason"])} {escape(e["object"])}: '
                    f'{escape(e["message"])}</title></line>')
    return _svg(44, body, axis, "events")


def deployment_svg(key: str, samples: list[list[int]], axis: Axis) -> str:
    """Pods (solid) and available pods (green) against maxSurge's ceiling and maxUnavailable's floor (dashed)."""
    height, top, plot_h = 150, 8, 110
    peak = max(max(s[2], s[3], s[5]) for s in samples) or 1

    def y(v: float) -> float:
        return round(top + plot_h - plot_h * v / peak, 1)

    def path(col: int) -> str:
        points = []
        for i, s in enumerate(samples):
            x1 = axis.x(samples[i + 1][1] if i + 1 < len(samples) else None)
            points += [f"{axis.x(s[1])},{y(s[col])}", f"{x1},{y(s[col])}"]
        return "M" + " L".join(points)

    last = samples[-1]
    body = [_label(top, f"deployment {key}", bold=True),
            _label(top + 18, f"replicas {last[4]}: at most {last[5]} pods"),
            _label(top + 36, f"at least {last[6]} available"),
            f'<line x1="{LABEL_W}" y1="{y(0)}" x2="{LABEL_W + PLOT_W}" y2="{y(0)}" stroke="#999"/>',
            f'<path class="bound max-surge" d="{path(5)}" fill="none" stroke="#eb5757" stroke-dasharray="5,3">'
            f"<title>replicas + maxSurge</title></path>",
            f'<path class="bound max-unavailable" d="{path(6)}" fill="none" stroke="#9b51e0" '
            f'stroke-dasharray="5,3"><title>replicas - maxUnavailable</title></path>',
            f'<path class="count pods-count" d="{path(2)}" fill="none" stroke="#333" stroke-width="2">'
            f"<title>pods</title></path>",
            f'<path class="count available-count" d="{path(3)}" fill="none" stroke="#27ae60" stroke-width="2">'
            f"<title>available (Ready) pods</title></path>"]
    for v in sorted({0, peak, last[5], last[6]}):
        body.append(f'<text x="{LABEL_W - 4}" y="{y(v) + 4}" text-anchor="end" fill="#777">{v}</text>')
    return _svg(height, body, axis, "deployment")


def etcd_svg(rec: Recording, axis: Axis) -> str:
    """Who led in which term: one row per member, a bar from its election to the next one."""
    members = rec.etcd_members or sorted({m for _, m, _ in rec.etcd_leaders})
    body = []
    for i, member in enumerate(members):
        y = 4 + i * ROW_H
        body.append(_label(y, member))
        for j, (term, name, at) in enumerate(rec.etcd_leaders):
            if name != member:
                continue
            x0 = axis.x_time(at)
            x1 = axis.x_time(rec.etcd_leaders[j + 1][2]) if j + 1 < len(rec.etcd_leaders) else axis.x(None)
            body.append(f'<g class="etcd-term"><rect x="{x0}" y="{y + 3}" width="{max(x1 - x0, 2)}" '
                        f'height="{ROW_H - 6}" fill="#56ccf2"><title>{escape(name)} leads term {term} from '
                        f'{fmt_ms(at)}</title></rect><text x="{x0 + 3}" y="{y + 13}">term {term}</text></g>')
    return _svg(8 + len(members) * ROW_H + 16, body, axis, "etcd")


def render(rec: Recording) -> str:
    """The scenario's page."""
    axis = Axis(rec.moments, rec.end_seq, rec.end_ms)
    outcome = rec.outcome or "unknown"
    parts = [f"<h1>{escape(rec.scenario or rec.nodeid)}</h1>",
             f'<p>{escape(rec.feature)} · <code>{escape(rec.nodeid)}</code> · '
             f'<span class="outcome {escape(outcome)}">{escape(outcome)}</span> · ended at t={fmt_ms(rec.end_ms)} '
             f'(virtual) · <a href="index.html">all scenarios</a></p>',
             '<p class="axis-note">The horizontal axis is the scenario\'s changes in the order they happened, one '
             "unit each, widened where virtual time passes; its labels are virtual times (much happens at one "
             "instant). Hover a bar or tick for details.</p>",
             '<h2 id="steps">Steps</h2>', steps_svg(rec, axis)]
    parts += ['<h2 id="pods">Pods by node</h2><p class="legend">'
              + "".join(f'<span><i style="background:{COLOURS[k]}"></i>{escape(v)}</span>' for k, v in LEGEND)
              + " · click a pod for the scheduler's filter table and scores</p>",
              pods_svg(rec, axis) if rec.pods else "<p>no pods</p>"]
    if rec.deployments:
        parts.append('<h2 id="deployments">Deployments</h2>')
        parts += [deployment_svg(k, d["samples"], axis) for k, d in sorted(rec.deployments.items())
                  if d["samples"]]
    if rec.etcd_leaders:
        parts += ['<h2 id="etcd">etcd leaders and terms</h2>', etcd_svg(rec, axis)]
    parts += ['<h2 id="events">Events</h2>', events_svg(rec, axis), _events_table(rec)]
    parts.append('<div id="pod-panel">click a pod bar to see its scheduling attempts</div>')
    # no "<" at all inside the script element ("</script>", "<!--" would end or confuse it)
    data = json.dumps({"attempts": rec.attempts}, sort_keys=True).replace("<", "\\u003c")
    return (f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{escape(rec.scenario or rec.nodeid)}'
            f' — kspec timeline</title><style>{CSS}</style></head><body>{"".join(parts)}'
            f'<script type="application/json" id="kspec-data">{data}</script><script>{SCRIPT}</script>'
            "</body></html>\n")


def _events_table(rec: Recording) -> str:
    if not rec.events:
        return "<p>no events recorded</p>"
    rows = "".join(f'<tr class="{escape(e["type"])}"><td>{fmt_ms(e["t"])}</td><td>{escape(e["namespace"])}</td>'
                   f'<td>{escape(e["type"])}</td><td>{escape(e["reason"])}</td><td>{escape(e["object"])}</td>'
                   f'<td>{escape(e["message"])}</td></tr>' for e in rec.events)
    return ('<table class="events"><tr><th>time</th><th>namespace</th><th>type</th><th>reason</th><th>object</th>'
            f"<th>message</th></tr>{rows}</table>")


def render_index(entries: list[dict[str, Any]]) -> str:
    """The list of scenario pages, failures first."""
    order = sorted(entries, key=lambda e: (e.get("outcome") != "failed", e.get("nodeid", "")))
    rows = "".join(f'<tr><td><span class="outcome {escape(e.get("outcome", ""))}">{escape(e.get("outcome", ""))}'
                   f'</span></td><td><a href="{escape(e["page"])}">{escape(e.get("nodeid", ""))}</a></td>'
                   f'<td>{fmt_ms(int(e.get("end_ms", 0)))}</td><td>{int(e.get("pods", 0))}</td></tr>' for e in order)
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>kspec timeline report</title>'
            f"<style>{CSS}</style></head><body><h1>kspec timeline report</h1><p>{len(entries)} scenarios</p>"
            "<table><tr><th>outcome</th><th>scenario</th><th>virtual time</th><th>pods</th></tr>"
            f"{rows}</table></body></html>\n")
