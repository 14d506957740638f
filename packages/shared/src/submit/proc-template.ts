// The procs of one queue statement as overlays, rebuilt only where they differ from the statement's first proc.
import type { ClassAd } from '../classad/index.js';
import type { ClusterAd, ProcOverlay } from '../cluster-ad.js';
import { buildJobAdSections, composeSections, PROC_ID_READ, type SectionOutput } from './jobad.js';
import { MacroExpander } from './macros.js';
import { definedValue, procInput, type ExpandedValues, type MacroValues, type QueueScope } from './proc-input.js';

/** Position of an attribute in a proc's ad: the section that first set it, then its place there. */
const SECTION_STRIDE = 1_000_000;

interface Writer {
  section: number;
  rank: number;
  name: string;
  source: string;
}

/**
 * Whether a definition's expansion can differ between the procs of a queue statement: it looks up a
 * per-proc macro, directly or through other macros. Expansion is deterministic in the values it looks up,
 * so a definition that looks up none of them expands alike for every proc. One that fails to expand
 * counts as per-proc: each proc then expands it, and fails, as it would have.
 */
export function dependsOnProc(scope: QueueScope, live: MacroValues, key: string): boolean {
  if (scope.loopVars.has(key)) return true;
  const definition = scope.definitions.get(key);
  if (definition === undefined) return false;
  const looked = new Set<string>();
  const expander = new MacroExpander({
    lookup: (name) => {
      looked.add(name);
      return live.get(name) ?? definedValue(scope.definitions, name);
    },
    env: scope.ctx.env,
    cwd: scope.ctx.submitDir,
    evalContext: scope.ctx.evalContext,
  });
  try {
    expander.expand(definition.value, definition.pos);
  } catch {
    return true;
  }
  if (expander.usedRandom) return true;
  for (const name of looked) if (scope.perProcNames.has(name)) return true;
  return false;
}

/**
 * Built from a queue statement's first proc (whole, as buildJobAd builds it). Each further proc reruns
 * only the builder's sections that read a value differing per proc (the proc id, a command that expands a
 * per-proc macro), and its overlay over the cluster ad is derived from those sections' attributes and
 * the first proc's others: the same overlay, in the same order, as the proc's whole ad gives.
 */
export class ProcTemplate {
  /** The first proc's whole ad. */
  readonly ad: ClassAd;
  private readonly dynamic: number[] = [];
  private readonly withCustom: boolean;
  private readonly staticValues = new Map<string, string>();
  /** The static values, for a further proc: what it expands itself is its own. */
  private readonly known: ExpandedValues = { get: (key) => this.staticValues.get(key), set: () => undefined };
  /** Per attribute (lower-case), the first and the last of the static sections that set it. */
  private readonly staticFirst = new Map<string, Writer>();
  private readonly staticLast = new Map<string, Writer>();
  /** Attributes the first proc's rerun sections set. */
  private readonly dynamicKeys = new Set<string>();
  /** The first proc's differences from the cluster ad in attributes only static sections set. */
  private readonly staticDiffs: { key: string; writer: Writer }[] = [];
  private readonly staticMissing: { key: string; name: string; index: number }[] = [];
  private cluster: ClusterAd | undefined;

  constructor(
    private readonly scope: QueueScope,
    live: MacroValues,
    procId: number,
  ) {
    const expanded = new Map<string, string>();
    const sections = buildJobAdSections(procInput(scope, live, procId, expanded)) as SectionOutput[];
    this.ad = composeSections(sections);
    const perProc = new Map<string, boolean>();
    const isPerProc = (key: string): boolean => {
      let answer = perProc.get(key);
      if (answer === undefined) {
        answer = key === PROC_ID_READ || dependsOnProc(scope, live, key);
        perProc.set(key, answer);
      }
      return answer;
    };
    sections.forEach((section, index) => {
      if (section.reads.some(isPerProc)) this.dynamic.push(index);
    });
    this.withCustom = this.dynamic.includes(sections.length - 1);
    for (const [key, value] of expanded) if (!isPerProc(key)) this.staticValues.set(key, value);
    sections.forEach((section, index) => {
      const isDynamic = this.dynamic.includes(index);
      writersOf(section, index, (key, writer) => {
        if (isDynamic) {
          this.dynamicKeys.add(key);
          return;
        }
        if (!this.staticFirst.has(key)) this.staticFirst.set(key, writer);
        this.staticLast.set(key, writer);
      });
    });
  }

  /** Compares with `cluster` from now on (the first proc's ad of the submission). */
  setCluster(cluster: ClusterAd): void {
    this.cluster = cluster;
    for (const [key, last] of this.staticLast) {
      if (this.dynamicKeys.has(key)) continue;
      const writer = { ...last, ...pick(this.staticFirst.get(key) as Writer) };
      if (cluster.attribute(key)?.source !== writer.source) this.staticDiffs.push({ key, writer });
    }
    for (const attribute of cluster.entries()) {
      if (!this.dynamicKeys.has(attribute.key) && !this.staticLast.has(attribute.key)) this.staticMissing.push(attribute);
    }
  }

  /** The overlay of a further proc of the statement (never the first one: that is `ad`). */
  overlay(live: MacroValues, procId: number): ProcOverlay {
    const cluster = this.cluster as ClusterAd;
    const sections = buildJobAdSections(procInput(this.scope, live, procId, this.known, this.withCustom), this.dynamic);
    const rerun = new Map<string, { first: Writer; last: Writer }>();
    for (const index of this.dynamic) {
      writersOf(sections[index] as SectionOutput, index, (key, writer) => {
        const seen = rerun.get(key);
        if (seen) seen.last = writer;
        else rerun.set(key, { first: writer, last: writer });
      });
    }
    const present: Writer[] = [];
    const missing: { name: string; index: number }[] = [];
    const isRerun = (key: string) => this.dynamicKeys.has(key) || rerun.has(key);
    for (const { key, writer } of this.staticDiffs) if (!isRerun(key)) present.push(writer);
    for (const attribute of this.staticMissing) if (!isRerun(attribute.key)) missing.push(attribute);
    const settle = (key: string) => {
      const fixed = this.staticLast.get(key);
      const mine = rerun.get(key);
      const last = !mine || (fixed && fixed.section > mine.last.section) ? fixed : mine.last;
      const base = cluster.attribute(key);
      if (last === undefined) {
        if (base) missing.push(base);
        return;
      }
      if (base?.source === last.source) return;
      const firstFixed = this.staticFirst.get(key);
      const first = !mine || (firstFixed && firstFixed.rank < mine.first.rank) ? (firstFixed as Writer) : mine.first;
      present.push({ ...first, source: last.source });
    };
    for (const key of this.dynamicKeys) settle(key);
    for (const key of rerun.keys()) if (!this.dynamicKeys.has(key)) settle(key);
    present.sort((a, b) => a.rank - b.rank);
    missing.sort((a, b) => a.index - b.index);
    const overlay: ProcOverlay = {};
    for (const { name, source } of present) overlay[name] = source;
    for (const { name } of missing) overlay[name] = null;
    return overlay;
  }
}

/** Where an attribute was first set: its name's spelling and position. */
function pick(writer: Writer): Pick<Writer, 'rank' | 'name'> {
  return { rank: writer.rank, name: writer.name };
}

function writersOf(section: SectionOutput, index: number, visit: (key: string, writer: Writer) => void): void {
  let place = 0;
  for (const [name, source] of Object.entries(section.ad.toJSON())) {
    visit(name.toLowerCase(), { section: index, rank: index * SECTION_STRIDE + place++, name, source });
  }
}
