import { parseExpr, unparse, unparseNewSyntax, type ClassAd } from '@tinycondor/shared/classad/index';
import { matchesAnyPattern } from '@tinycondor/shared/chirp/access';

/**
 * A run's set_job_attr_delayed updates, held until the next update to the schedd (JICShadow's
 * m_delayed_updates and m_delayed_update_attrs): only attributes matching the patterns, and at most
 * `maxAttrs` distinct names over the run, even after earlier updates went out.
 */
export class DelayedUpdates {
  /** Every name ever recorded, compared with case as std::find compares them. */
  private readonly names = new Set<string>();
  /** Pending updates by lower-cased name (a ClassAd's lookup): the name as last given and its expression text. */
  private pending = new Map<string, { name: string; expr: string }>();

  constructor(
    private readonly patterns: readonly string[],
    private readonly maxAttrs: number,
  ) {}

  /** recordDelayedUpdate: false when the name does not match the patterns or one name too many was given. */
  record(name: string, expr: string): boolean {
    if (!matchesAnyPattern(this.patterns, name)) return false;
    if (!this.names.has(name)) {
      if (this.names.size >= this.maxAttrs) return false;
      this.names.add(name);
    }
    this.pending.set(name.toLowerCase(), { name, expr });
    return true;
  }

  /**
   * getDelayedUpdate: the pending update, else the attribute of the job ad the run started with, as
   * io_proxy_handler.cpp's plain ClassAdUnParser writes it (new ClassAd syntax).
   */
  lookup(name: string, jobAd: ClassAd): string | undefined {
    const pending = this.pending.get(name.toLowerCase())?.expr;
    const expr = pending === undefined ? jobAd.get(name) : parseExpr(pending);
    return expr === undefined ? undefined : unparseNewSyntax(expr);
  }

  /** The pending updates (attribute → expression text), cleared: they go out with this update. */
  take(): Record<string, string> | undefined {
    if (this.pending.size === 0) return undefined;
    const attributes = Object.fromEntries([...this.pending.values()].map(({ name, expr }) => [name, expr]));
    this.pending = new Map();
    return attributes;
  }
}

/** The expression text a delayed update keeps (ParseExpression then the unparser), or undefined if it does not parse. */
export function delayedExpression(source: string): string | undefined {
  try {
    return unparse(parseExpr(source));
  } catch {
    return undefined;
  }
}
