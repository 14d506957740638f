import type { JobEvents } from './api.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 600;
const HEIGHT = 70;
const RUN_Y = 18;
const RUN_HEIGHT = 18;
const MARK_Y = 48;

function svg<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>, className?: string): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) el.setAttribute(name, String(value));
  if (className) el.setAttribute('class', className);
  return el;
}

/** Runs as bars (coloured by how they ended) and checkpoints, evictions, holds and releases as marks. */
export function timelineChart(timeline: JobEvents['timeline'], now: number): SVGSVGElement {
  const times = [...timeline.marks.map((m) => m.time), ...timeline.runs.flatMap((r) => [r.start, r.end ?? now])];
  // Loops, not Math.min(...times): a long-lived job's marks can outgrow a call's arguments.
  let start = times.length > 0 ? Infinity : now;
  let end = now;
  for (const time of times) {
    start = Math.min(start, time);
    end = Math.max(end, time);
  }
  end = Math.max(end, start + 1);
  const x = (t: number) => 8 + ((t - start) / (end - start)) * (WIDTH - 16);
  const chart = svg('svg', { viewBox: `0 0 ${WIDTH} ${HEIGHT}`, role: 'img', 'aria-label': 'job timeline' }, 'timeline');
  chart.append(svg('line', { x1: 8, x2: WIDTH - 8, y1: RUN_Y + RUN_HEIGHT / 2, y2: RUN_Y + RUN_HEIGHT / 2, stroke: '#c9d0d8' }));
  for (const run of timeline.runs) {
    const rect = svg('rect', { x: x(run.start), y: RUN_Y, width: Math.max(2, x(run.end ?? now) - x(run.start)), height: RUN_HEIGHT, rx: 2 }, `run-${run.outcome}`);
    rect.append(svg('title', {}));
    (rect.firstChild as SVGTitleElement).textContent = `run ${new Date(run.start * 1000).toLocaleTimeString()}–${run.end ? new Date(run.end * 1000).toLocaleTimeString() : 'now'}: ${run.outcome}`;
    chart.append(rect);
  }
  for (const mark of timeline.marks) {
    const cx = x(mark.time);
    const shape =
      mark.kind === 'checkpoint'
        ? svg('polygon', { points: `${cx},${MARK_Y - 5} ${cx + 5},${MARK_Y} ${cx},${MARK_Y + 5} ${cx - 5},${MARK_Y}` }, 'mark-checkpoint')
        : svg('circle', { cx, cy: MARK_Y, r: 4 }, `mark-${mark.kind}`);
    shape.append(svg('title', {}));
    (shape.firstChild as SVGTitleElement).textContent = `${mark.kind} at ${new Date(mark.time * 1000).toLocaleTimeString()}`;
    chart.append(shape);
  }
  const label = svg('text', { x: 8, y: 12 });
  label.textContent = `${timeline.runs.length} run(s), ${timeline.marks.filter((m) => m.kind === 'checkpoint').length} checkpoint(s), ${timeline.marks.filter((m) => m.kind === 'evicted').length} eviction(s)`;
  chart.append(label);
  const legend = svg('text', { x: 8, y: HEIGHT - 4 });
  legend.textContent = '◆ checkpoint  ● evicted (orange) / held (red) / released (blue)';
  chart.append(legend);
  return chart;
}
