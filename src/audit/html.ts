/**
 * `vpclab audit --html FILE`: the audit as one self-contained HTML page — inline CSS, no script, no
 * external resource (no link, image, font or URL), so it can be mailed or attached to a CI run and
 * opened offline. Sections: a summary, one per finding kind (severity, account, region, what, the
 * components involved, the fix in words and its structured fixes as AWS CLI commands rendered by
 * engine/fix-command.ts), the NAT gateways the exposure audit names as exposing nothing, the reachability matrix with one explained blocked pair per cell,
 * and the --expect results.
 *
 * Every piece of text from the account (tags, names, descriptions, ids) goes through `esc`, which
 * escapes & < > " ' — a tag value `<script>…` shows as text.
 *
 * Fidelity notes: none (vpclab's own report).
 */
import type { Finding, NatNote } from "./audit.js";
import { FINDING_KINDS } from "./audit.js";
import { fixCommand, type Fix } from "../engine/fix-command.js";
import type { MatrixResult } from "./classes.js";
import type { AssertionResult } from "./expect.js";

export function esc(text: unknown): string {
  return String(text).replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);
}

const CSS = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:80rem;padding:0 1rem;color:#1b1f24;background:#fff}
h1{font-size:1.5rem;margin:0 0 .25rem}h2{font-size:1.15rem;margin:2rem 0 .5rem;border-bottom:1px solid #d0d7de;padding-bottom:.25rem}
.meta{color:#57606a;margin:0 0 1rem}table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #d0d7de;padding:.3rem .5rem;text-align:left;vertical-align:top}th{background:#f6f8fa}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f6f8fa;padding:.05rem .25rem;border-radius:3px;word-break:break-all}
.sev{font-weight:600;text-transform:uppercase;font-size:11px;padding:.1rem .4rem;border-radius:3px;color:#fff}
.high{background:#cf222e}.medium{background:#bf8700}.low{background:#57606a}.none{color:#57606a;font-style:italic}
.ok{background:#dafbe1}.bad{background:#ffebe9}.mixed{background:#fff8c5}td.num{text-align:right;white-space:nowrap}
.pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}
`;

export interface HtmlReport {
  title: string;
  source: string;
  generatedAt: string;
  findings: Finding[];
  /** The exposure audit's NAT gateways (they expose nothing). */
  natNotes?: NatNote[];
  matrix?: MatrixResult;
  expectations?: AssertionResult[];
}

/** A fix cell: the words, then one command per structured fix (the one renderer: fixCommand). */
function fixCell(prose: string, fixes: Fix[] | undefined): string {
  return [prose ? esc(prose) : "", ...(fixes ?? []).map((f) => `<code>${esc(fixCommand(f))}</code>`)].filter(Boolean).join("<br>");
}

export function renderHtml(r: HtmlReport): string {
  const h: string[] = [];
  h.push(`<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1">`);
  h.push(`<title>${esc(r.title)}</title><style>${CSS}</style></head><body>`);
  h.push(`<h1>${esc(r.title)}</h1><p class="meta">${esc(r.source)} · ${esc(r.generatedAt)} · ${r.findings.length} finding(s)</p>`);
  // Summary.
  h.push(`<h2 id="summary">Summary</h2><table><tr><th>finding</th><th>high</th><th>medium</th><th>low</th></tr>`);
  for (const [kind, title] of FINDING_KINDS) {
    const fs = r.findings.filter((f) => f.kind === kind);
    const n = (s: string) => fs.filter((f) => f.severity === s).length;
    h.push(`<tr><td><a href="#${esc(kind)}">${esc(title)}</a></td><td class="num">${n("high")}</td><td class="num">${n("medium")}</td><td class="num">${n("low")}</td></tr>`);
  }
  h.push(`</table>`);
  for (const [kind, title] of FINDING_KINDS) {
    const fs = r.findings.filter((f) => f.kind === kind);
    h.push(`<h2 id="${esc(kind)}">${esc(title)} (${fs.length})</h2>`);
    if (kind === "internet-exposure" && r.natNotes?.length) {
      h.push(`<p class="meta">NAT gateways expose nothing (the Internet cannot open connections through them):</p><ul>`);
      for (const n of r.natNotes) h.push(`<li>${esc(n.account)} ${esc(n.region)}: ${esc(n.summary)}</li>`);
      h.push(`</ul>`);
    }
    if (fs.length === 0) {
      h.push(`<p class="none">none</p>`);
      continue;
    }
    h.push(`<table><tr><th>severity</th><th>where</th><th>finding</th><th>components</th><th>fix</th></tr>`);
    for (const f of fs) {
      h.push(
        `<tr><td><span class="sev ${esc(f.severity)}">${esc(f.severity)}</span></td><td>${esc(f.account)}<br>${esc(f.region)}</td><td>${esc(f.summary)}</td>` +
          `<td>${f.components.map((c) => `<code>${esc(c)}</code>`).join(" ")}</td><td>${fixCell(f.fix, f.fixes)}</td></tr>`,
      );
    }
    h.push(`</table>`);
  }
  if (r.matrix) {
    const m = r.matrix;
    const port = m.port ? (m.port.from === m.port.to ? `:${m.port.from}` : `:${m.port.from}-${m.port.to}`) : "";
    h.push(`<h2 id="matrix">Reachability matrix, ${esc(m.protocol + port)}</h2>`);
    h.push(`<p class="meta">${m.interfaces} interface(s); ${m.sourceClasses} source × ${m.destinationClasses} destination equivalence class(es); ${m.questions} engine question(s). A cell shows reachable / pairs.</p>`);
    const froms = [...new Set(m.cells.map((c) => c.from))];
    const tos = [...new Set(m.cells.map((c) => c.to))];
    h.push(`<table><tr><th>from \\ to</th>${tos.map((t) => `<th>${esc(t)}</th>`).join("")}</tr>`);
    for (const f of froms) {
      h.push(`<tr><th>${esc(f)}</th>`);
      for (const t of tos) {
        const c = m.cells.find((x) => x.from === f && x.to === t)!;
        const cls = c.pairs === 0 ? "" : c.unreachable === 0 ? "ok" : c.reachable === 0 ? "bad" : "mixed";
        h.push(`<td class="num ${cls}">${c.pairs === 0 ? "–" : `${c.reachable} / ${c.pairs}`}</td>`);
      }
      h.push(`</tr>`);
    }
    h.push(`</table>`);
    const blocked = m.cells.filter((c) => c.example);
    if (blocked.length) {
      h.push(`<table><tr><th>from</th><th>to</th><th>blocked</th><th>example pair</th><th>why</th><th>fix</th></tr>`);
      for (const c of blocked) {
        const e = c.example!;
        h.push(
          `<tr><td>${esc(c.from)}</td><td>${esc(c.to)}</td><td class="num">${c.unreachable} / ${c.pairs}</td><td>${esc(e.from)} → ${esc(e.to)}</td>` +
            `<td><code>${esc(e.code)}</code> ${esc(e.reason)}</td><td>${fixCell(e.fix, e.fixes)}</td></tr>`,
        );
      }
      h.push(`</table>`);
    }
  }
  if (r.expectations) {
    const ok = r.expectations.filter((x) => x.passed).length;
    h.push(`<h2 id="expectations">Expectations (${ok}/${r.expectations.length} hold)</h2><table><tr><th>result</th><th>assertion</th><th>questions</th><th>detail</th></tr>`);
    for (const x of r.expectations) {
      h.push(
        `<tr><td class="${x.passed ? "pass" : "fail"}">${x.passed ? "PASS" : "FAIL"}</td><td>${esc(x.name)}</td><td class="num">${x.checked}</td><td>${(x.detail ?? []).map((d) => esc(d)).join("<br>")}</td></tr>`,
      );
    }
    h.push(`</table>`);
  }
  h.push(`</body></html>\n`);
  return h.join("\n");
}
