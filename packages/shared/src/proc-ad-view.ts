import { boolOf, intOf, plainLiteral, stringOf, UNDEFINED, type ClassAd, type Expr, type Value } from './classad/index.js';
import type { ClusterAd, ProcOverlay } from './cluster-ad.js';

/** What the schedd reads of a job ad it admits: a whole ClassAd or a ProcAdView. */
export type AdReader = Pick<ClassAd, 'get' | 'has' | 'getInt' | 'getString' | 'getBool' | 'evaluate'>;

/**
 * A proc's ad (its cluster ad under its overlay) read without building it. An attribute the overlay does not
 * set, whose evaluation in the cluster ad looked up nothing the overlay changes, has its value there; an
 * attribute the overlay sets to a plain literal is that literal. Anything else is read from the whole ad,
 * built once. Construction checks that the overlay parses (throwing ClassAdParseError, as procAd does).
 */
export class ProcAdView implements AdReader {
  readonly #own = new Map<string, string | null>();
  #ad: ClassAd | undefined;

  constructor(
    private readonly cluster: ClusterAd,
    readonly overlay: Readonly<ProcOverlay>,
  ) {
    let plain = true;
    for (const name in overlay) {
      const source = overlay[name];
      this.#own.set(name.toLowerCase(), source);
      if (source !== null && plainLiteral(source) === undefined) plain = false;
    }
    if (!plain) this.ad();
  }

  /** The whole ad, built on first use. */
  ad(): ClassAd {
    this.#ad ??= this.cluster.procAd(this.overlay);
    return this.#ad;
  }

  get(name: string): Expr | undefined {
    const own = this.#own.get(name.toLowerCase());
    if (own === undefined) return this.cluster.get(name);
    return own === null ? undefined : this.ad().get(name);
  }

  has(name: string): boolean {
    const own = this.#own.get(name.toLowerCase());
    return own === undefined ? this.cluster.get(name) !== undefined : own !== null;
  }

  evaluate(name: string): Value {
    if (this.#ad !== undefined) return this.#ad.evaluate(name);
    const own = this.#own.get(name.toLowerCase());
    if (own === null) return UNDEFINED;
    if (own !== undefined) return plainLiteral(own) ?? this.ad().evaluate(name);
    const { value, reads } = this.cluster.evaluation(name);
    for (const read of reads) if (this.#own.has(read)) return this.ad().evaluate(name);
    return value;
  }

  getInt(name: string): number | undefined {
    return intOf(this.evaluate(name));
  }

  getString(name: string): string | undefined {
    return stringOf(this.evaluate(name));
  }

  getBool(name: string): boolean | undefined {
    return boolOf(this.evaluate(name));
  }
}
