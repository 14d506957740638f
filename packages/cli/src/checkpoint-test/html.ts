import { ms, seconds, type CheckpointTestReport, type RunReport } from './report.js';
import { describeEviction } from './plan.js';

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

function escape(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c]);
}

const WIDTH = 720;
const HEIGHT = 44;

/** A run's timeline as inline SVG: a bar per checkpoint's upload, a red line per eviction, its lost work shaded. */
function timeline(run: RunReport, scaleMs: number): string {
  const x = (atMs: number) => ((Math.max(0, atMs) / scaleMs) * WIDTH).toFixed(1);
  const f = run.figures;
  const parts = [`<rect x="0" y="18" width="${x(f.wallMs)}" height="8" class="run"><title>running, ${ms(f.wallMs)}</title></rect>`];
  for (const c of f.checkpoints) {
    const width = Math.max(2, (c.uploadMs / scaleMs) * WIDTH).toFixed(1);
    parts.push(`<rect x="${x(c.committedAtMs - c.uploadMs)}" y="10" width="${width}" height="24" class="ckpt"><title>checkpoint ${c.number}: ${c.bytes} B, committed at ${ms(c.committedAtMs)}, upload+commit ${ms(c.uploadMs)}</title></rect>`);
  }
  for (const e of f.evictions) {
    parts.push(`<rect x="${x(e.atMs - e.badputMs)}" y="18" width="${((e.badputMs / scaleMs) * WIDTH).toFixed(1)}" height="8" class="lost"><title>work lost ${ms(e.badputMs)}</title></rect>`);
    parts.push(`<line x1="${x(e.atMs)}" x2="${x(e.atMs)}" y1="4" y2="40" class="evict"><title>eviction at ${ms(e.atMs)}, restart took ${ms(e.restartMs)}</title></line>`);
  }
  return `<svg viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="timeline of ${escape(run.name)}">${parts.join('')}</svg>`;
}

function runSection(run: RunReport, scaleMs: number): string {
  const f = run.figures;
  const what = run.eviction ? describeEviction(run.eviction) : 'undisturbed (reference)';
  const rows = f.checkpoints
    .map((c) => `<tr><td>${c.number}</td><td>${ms(c.committedAtMs)}</td><td>${c.bytes}</td><td>${c.files}</td><td>${ms(c.uploadMs)}</td><td>${ms(c.overheadMs)}</td></tr>`)
    .join('');
  const diagnoses = run.diagnoses.map((d) => `<li><b>${escape(d.code)}</b>: ${escape(d.message)}<br><i>${escape(d.advice)}</i></li>`).join('');
  const evictions = f.evictions.map((e) => `<li>eviction at ${ms(e.atMs)}: work lost ${ms(e.badputMs)}, restart took ${ms(e.restartMs)}</li>`).join('');
  return [
    `<section class="${run.pass ? 'pass' : 'fail'}">`,
    `<h2>${run.pass ? 'PASS' : 'FAIL'} ${escape(run.name)}: ${escape(what)}</h2>`,
    `<p>job ${escape(run.jobId)}, ${ms(f.wallMs)}, ${f.executions} execution(s), ${f.checkpoints.length} checkpoint(s)</p>`,
    timeline(run, scaleMs),
    rows ? `<table><tr><th>checkpoint</th><th>committed at</th><th>bytes</th><th>files</th><th>upload+commit</th><th>exit to restart</th></tr>${rows}</table>` : '',
    evictions ? `<ul>${evictions}</ul>` : '',
    run.grace ? `<p>grace: ${escape(run.grace.message)}</p>` : '',
    diagnoses ? `<ul class="diagnoses">${diagnoses}</ul>` : '',
    '</section>',
  ].join('\n');
}

const STYLE = `body{font:14px sans-serif;margin:2em;max-width:60em}section{border-left:4px solid #888;padding-left:1em;margin:1.5em 0}
section.pass{border-color:#2a2}section.fail{border-color:#c22}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;text-align:right}
svg{display:block;margin:.5em 0}.run{fill:#9bd}.ckpt{fill:#36c}.lost{fill:#f99}.evict{stroke:#c00;stroke-width:2}.lint li,.diagnoses li{margin:.4em 0}`;

/** The report as one self-contained HTML page (no scripts, no fetches): viewable offline. */
export function formatHtml(report: CheckpointTestReport): string {
  const scaleMs = Math.max(1, ...report.runs.map((r) => r.figures.wallMs));
  const s = report.summary;
  const lint = report.lint.map((f) => `<li>${escape(report.submitFile)}:${f.line}: <b>${f.severity} ${escape(f.code)}</b>: ${escape(f.message)}<br><i>${escape(f.htcondor)}</i></li>`).join('');
  const failed = report.runs.filter((r) => !r.pass).length;
  const advice =
    s.youngIntervalSeconds === undefined
      ? 'The job never checkpointed: every eviction loses all its work.'
      : `The job checkpoints every ${seconds(s.observedIntervalSeconds)}; for an MTBF of ${seconds(report.mtbfSeconds)} the optimum interval is ${seconds(s.dalyIntervalSeconds)} (Daly; Young ${seconds(s.youngIntervalSeconds)}), from a checkpoint cost of ${ms(s.medianCheckpointMs)}.`;
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>test-checkpointing ${escape(report.submitFile)}</title><style>${STYLE}</style></head>
<body>
<h1>tinycondor test-checkpointing ${escape(report.submitFile)} (seed ${report.seed}): ${failed === 0 ? `all ${report.runs.length} runs match the reference` : `${failed} of ${report.runs.length} runs FAILED`}</h1>
<h2>Static checks</h2>
${lint ? `<ul class="lint">${lint}</ul>` : '<p>nothing found</p>'}
${report.runs.map((run) => runSection(run, scaleMs)).join('\n')}
<h2>Checkpoint cost and interval</h2>
<p>${s.checkpoints} checkpoint(s), median size ${s.medianCheckpointBytes ?? '-'} B, median upload+commit ${ms(s.medianUploadMs)}, median cost (exit to restart) ${ms(s.medianCheckpointMs)}; restart after eviction: median ${ms(s.medianRestartMs)}; work lost over all evictions: ${ms(s.totalBadputMs)}.</p>
<p>${escape(advice)}</p>
</body></html>
`;
}
