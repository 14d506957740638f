import { ClassAd, plainLiteral, type Expr, type Value } from './classad/index.js';

/**
 * A proc's ad as stored over its cluster's ad: the attributes whose text differs from the cluster's, and
 * null for a cluster attribute the proc does not have. HTCondor's schedd likewise keeps one cluster ad
 * and proc ads holding only what differs, so 100 000 procs of one submit file cost little more than one.
 */
export type ProcOverlay = Record<string, string | null>;

interface BaseAttribute {
  name: string;
  key: string;
  source: string;
  expr: Expr;
  /** Position in the cluster ad. */
  index: number;
  /** The last overlayOf call whose ad had the attribute. */
  seenInCall: number;
}

/** An attribute of the cluster ad evaluated there, with every attribute (lower-case) the evaluation looked up. */
export interface ClusterEvaluation {
  value: Value;
  reads: ReadonlySet<string>;
}

/** An ad that notes the names evaluation looks up in it (the evaluator reads attributes only through get). */
class RecordingAd extends ClassAd {
  reads = new Set<string>();

  override get(name: string): Expr | undefined {
    this.reads.add(name.toLowerCase());
    return super.get(name);
  }
}

/** The attributes shared by the procs of a cluster, parsed once. */
export class ClusterAd {
  private readonly attributes: BaseAttribute[];
  private readonly byKey: Map<string, BaseAttribute>;
  private readonly byName: Map<string, BaseAttribute>;
  private overlayCalls = 0;
  private readonly parsed: ClassAd;
  private recording: RecordingAd | undefined;
  private readonly evaluations = new Map<string, ClusterEvaluation>();

  /** Throws ClassAdParseError (naming the attribute) when an expression does not parse. */
  constructor(readonly stored: Readonly<Record<string, string>>) {
    const parsed = ClassAd.fromJSON({ ...stored });
    this.parsed = parsed;
    this.attributes = Object.entries(stored).map(([name, source], index) => ({ name, key: name.toLowerCase(), source, expr: parsed.get(name) as Expr, index, seenInCall: 0 }));
    this.byKey = new Map(this.attributes.map((a) => [a.key, a]));
    this.byName = new Map(this.attributes.map((a) => [a.name, a]));
  }

  static readonly EMPTY = new ClusterAd({});

  /** What `ad` (in storage form) holds that this cluster ad does not. */
  overlayOf(ad: Readonly<Record<string, string>>): ProcOverlay {
    const overlay: ProcOverlay = {};
    // Which cluster attributes the ad has: marked with this call's number rather than collected in a set (hot: each job state change).
    const call = ++this.overlayCalls;
    for (const [name, source] of Object.entries(ad)) {
      const attribute = this.byName.get(name) ?? this.byKey.get(name.toLowerCase());
      if (attribute === undefined) {
        overlay[name] = source;
        continue;
      }
      attribute.seenInCall = call;
      if (attribute.source !== source) overlay[name] = source;
    }
    for (const attribute of this.attributes) if (attribute.seenInCall !== call) overlay[attribute.name] = null;
    return overlay;
  }

  get(name: string): Expr | undefined {
    return this.parsed.get(name);
  }

  /** The attribute by lower-case name, with its source and position. */
  attribute(key: string): Readonly<{ name: string; source: string; index: number }> | undefined {
    return this.byKey.get(key);
  }

  /** Every attribute in order. */
  entries(): readonly Readonly<{ name: string; key: string; source: string; index: number }>[] {
    return this.attributes;
  }

  /** Attribute `name` evaluated in the cluster ad alone; computed once per name. */
  evaluation(name: string): ClusterEvaluation {
    const key = name.toLowerCase();
    let evaluation = this.evaluations.get(key);
    if (evaluation === undefined) {
      this.recording ??= new RecordingAd().update(this.parsed);
      this.recording.reads = new Set();
      const value = this.recording.evaluate(name);
      evaluation = { value, reads: this.recording.reads };
      this.evaluations.set(key, evaluation);
    }
    return evaluation;
  }

  /** The proc's whole ad, attributes in the cluster ad's order, then the proc's own. */
  procAd(overlay: Readonly<ProcOverlay>): ClassAd {
    const ad = this.parsed.clone();
    for (const [name, source] of Object.entries(overlay)) {
      if (source === null) {
        ad.delete(name);
        continue;
      }
      // Most of a proc's own values are plain literals (`5`, `"out.5"`): no need to parse them.
      const literal = plainLiteral(source);
      if (literal === undefined) ad.setExpr(name, source);
      else ad.insert(name, { kind: 'literal', value: literal });
    }
    return ad;
  }

  /** The proc's whole ad in storage form, without parsing anything. */
  procJSON(overlay: Readonly<ProcOverlay>): Record<string, string> {
    const own = overlayByKey(overlay);
    const out: Record<string, string> = {};
    for (const attribute of this.attributes) {
      const mine = own.get(attribute.key);
      if (mine === undefined) out[attribute.name] = attribute.source;
      else if (mine.source !== null) out[attribute.name] = mine.source;
    }
    for (const [key, { name, source }] of own) if (source !== null && !this.byKey.has(key)) out[name] = source;
    return out;
  }
}

function overlayByKey(overlay: Readonly<ProcOverlay>): Map<string, { name: string; source: string | null }> {
  const own = new Map<string, { name: string; source: string | null }>();
  for (const [name, source] of Object.entries(overlay)) own.set(name.toLowerCase(), { name, source });
  return own;
}
