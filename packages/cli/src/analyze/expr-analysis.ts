// The clause analysis behind condor_q -better-analyze, as HTCondor's expr_analyze.cpp does it: split an
// expression (a job's Requirements, a slot's) into its numbered clauses, fold the clauses that do not
// depend on the other ad, count how many target ads each remaining clause matches, and drop the clauses
// whose count another clause already explains.
import { ClassAd, childExprs, isTrue, unparse, type Expr } from '@tinycondor/shared/classad/index';

/** expr_analyze.cpp's AnalSubExpr::logic_op: 0 none, 1 !, 2 ||, 3 &&, 4 ?: */
type LogicOp = 0 | 1 | 2 | 3 | 4;

interface Clause {
  expr: Expr;
  /** Nesting depth in parentheses. */
  depth: number;
  logicOp: LogicOp;
  left: number;
  right: number;
  grip: number;
  /** The clause this one reduces to exactly (-1: none). */
  effective: number;
  label: string;
  unparsed: string;
  /** How many target ads the clause is true against. */
  matched: number;
  /** How many of those are drain-simulation overlays (DrainedAnalysisMatchDescriminator's second column). */
  drained: number;
  /** For a constant clause: 1 true, 0 otherwise; -1 unset. */
  hardValue: number;
  constant: boolean;
  /** The clause depends on the time (time(), CurrentTime). */
  variable: boolean;
  /** Irrelevant to the result: pruned. */
  dontCare: boolean;
}

const COMPARISONS = new Set(['<', '<=', '!=', '==', '>=', '>', '=?=', '=!=']);

function newClause(expr: Expr, label: string, depth: number, logicOp: LogicOp): Clause {
  return { expr, depth, logicOp, left: -1, right: -1, grip: -1, effective: -1, label, unparsed: '', matched: 0, drained: 0, hardValue: -1, constant: false, variable: false, dontCare: false };
}

/** AnalSubExpr::MakeLabel: the label of a logic clause, in terms of its operands' step numbers. */
function makeLabel(c: Clause): string | undefined {
  if (c.logicOp === 0) return undefined;
  if (c.logicOp === 1) return c.left < 0 ? undefined : ` ! [${c.left}]`;
  if (c.logicOp === 4) return `[${c.left}] ? [${c.right}] : [${c.grip}]`;
  return `[${c.left}] ${c.logicOp === 2 ? '||' : '&&'} [${c.right}]`;
}

/** AnalSubExpr::Label */
function labelOf(c: Clause): string {
  if (c.label === '') {
    const made = makeLabel(c);
    if (made !== undefined) c.label = made;
    else return c.unparsed !== '' ? c.unparsed : 'empty';
  }
  return c.label;
}

/** AnalSubExpr::StepLabel: `[N]` padded, cut to width + 2 characters. */
export function stepLabel(index: number, width: number): string {
  return `[${index}]      `.slice(0, width + 2);
}

/**
 * AnalyzeThisSubExpr: walks the tree in evaluation order and appends a clause for each comparison, each
 * logic operator and each operand of a logic operator; parentheses pass through. Returns the clause index
 * this node evaluates as (-1: none) and whether it depends on the time.
 */
function splitClauses(ad: ClassAd, expr: Expr, inline: ReadonlySet<string> | undefined, clauses: Clause[], mustStore: boolean, depth: number): { index: number; variable: boolean } {
  let pushIt = mustStore;
  let evaluateLogical = false;
  let childDepth = depth;
  let logicOp: LogicOp = 0;
  let label = '';
  let variable = false;
  let children: Expr[] = [];
  let unaryLike = false;
  switch (expr.kind) {
    case 'literal':
      label = unparse(expr);
      break;
    case 'attr':
      if (expr.scope === undefined && expr.name.toLowerCase() === 'currenttime') variable = true;
      if (expr.scope === undefined && inline?.has(expr.name.toLowerCase())) {
        const inlined = ad.get(expr.name);
        if (inlined) {
          children = [inlined];
          unaryLike = true;
          inline = undefined;
        }
      }
      break;
    case 'binary':
      children = [expr.left, expr.right];
      if (COMPARISONS.has(expr.op)) pushIt = true;
      else if (expr.op === '&&' || expr.op === '||') {
        evaluateLogical = true;
        logicOp = expr.op === '||' ? 2 : 3;
        pushIt = true;
      }
      break;
    case 'unary':
      children = [expr.operand];
      unaryLike = true;
      if (expr.op === '!') {
        evaluateLogical = true;
        logicOp = 1;
        pushIt = true;
      }
      break;
    case 'paren':
      children = [expr.inner];
      unaryLike = true;
      pushIt = false;
      evaluateLogical = true;
      childDepth += 1;
      break;
    case 'cond':
      children = [expr.test, expr.then, expr.otherwise];
      break;
    case 'subscript':
      children = [expr.base, expr.index];
      break;
    case 'elvis':
      // AnalyzeThisSubExpr: a ?: is a clause only where the caller must store one, as any other operator.
      children = [expr.left, expr.right];
      break;
    case 'call':
      if (expr.args.length === 0 && expr.name.toLowerCase() === 'time') variable = true;
      label = mustStore ? unparse(expr) : `${expr.name}()`;
      break;
    default:
      break;
  }
  const indices = children.map((child) => {
    const result = splitClauses(ad, child, inline, clauses, evaluateLogical, childDepth);
    variable ||= result.variable;
    return result.index;
  });
  const [left = -1, right = -1, grip = -1] = indices;
  let index = -1;
  if (pushIt) {
    if (unaryLike && left >= 0) {
      index = left;
      // The unary ! re-targets the clause just made to evaluate at the ! rather than one level down.
      if (index === clauses.length - 1 && logicOp === 1) {
        const last = clauses[index];
        last.expr = expr;
        last.logicOp = 1;
        last.depth = depth;
        if (last.label !== '') last.label = `! ${last.label}`;
      }
    } else {
      index = clauses.length;
      const clause = newClause(expr, label, depth, logicOp);
      clause.variable = variable;
      clause.left = left;
      clause.right = right;
      clause.grip = grip;
      clauses.push(clause);
    }
  } else if (unaryLike) {
    index = left;
  }
  return { index, variable };
}

/**
 * The attributes an expression refers to in the ad itself (MY.x, or a bare name the ad has, followed into
 * its own expression) and in the other ad (TARGET.x, or a bare name the ad lacks), as GetExprReferences.
 */
export function references(ad: ClassAd, expr: Expr): { mine: Set<string>; target: Set<string> } {
  const mine = new Map<string, string>();
  const target = new Map<string, string>();
  const walk = (e: Expr): void => {
    if (e.kind !== 'attr') {
      childExprs(e).forEach(walk);
      return;
    }
    const key = e.name.toLowerCase();
    if (e.scope === 'TARGET' || (e.scope === undefined && !ad.has(e.name))) {
      if (!target.has(key)) target.set(key, e.name);
    } else if (!mine.has(key)) {
      mine.set(key, ad.names().find((n) => n.toLowerCase() === key) ?? e.name);
      const own = ad.get(e.name);
      if (own) walk(own);
    }
  };
  walk(expr);
  return { mine: new Set(mine.values()), target: new Set(target.values()) };
}

/** Case-insensitive order, as classad::References (a set with CaseIgnLTStr). */
export function sortedNames(names: Iterable<string>): string[] {
  return [...names].sort((a, b) => {
    const x = a.toLowerCase();
    const y = b.toLowerCase();
    return x < y ? -1 : x > y ? 1 : 0;
  });
}

/** The lower-cased inline set less the analysed attribute itself (adjust_inline_attrs, HTCONDOR-2629). */
function inlineSet(inlineAttrs: readonly string[], attribute: string): Set<string> {
  const set = new Set(inlineAttrs.map((a) => a.toLowerCase()));
  set.delete(attribute.toLowerCase());
  return set;
}

/**
 * PrintNumberedExprTreeClauses: one line per clause, `    [N]    : clause`, a logic clause in terms of its
 * operands' numbers.
 */
export function numberedClauses(ad: ClassAd, expr: Expr, attribute: string, inlineAttrs: readonly string[] = []): string {
  const clauses: Clause[] = [];
  splitClauses(ad, expr, inlineSet(inlineAttrs, attribute), clauses, true, 0);
  return clauses
    .map((c, i) => {
      const clause = makeLabel(c) ?? (c.left < 0 ? unparse(c.expr) : `[${c.left}] ${unparse(c.expr)}`);
      return `    ${stepLabel(i, 4)} : ${clause}\n`;
    })
    .join('');
}

const TRUTHY = ['?', 'F', 'T', '', 'u', 'e', '?', 'f', 't', 's'];

/** AnalyzePropagateConstants: fold logic clauses whose operands do not depend on the other ad. */
function propagateConstants(subs: Clause[]): void {
  for (let ix = 0; ix < subs.length; ix++) {
    const sub = subs[ix];
    let effective = -1;
    let irrelevant = -1;
    let softIrrelevant = false;
    if (sub.logicOp !== 0) {
      const hard = (i: number): [number, boolean] => (i >= 0 && subs[i].constant ? [subs[i].hardValue, subs[i].variable] : [2, false]);
      const [hl, sl] = hard(sub.left);
      const [hr, sr] = hard(sub.right);
      const [hg, sg] = hard(sub.grip);
      const mark = (h: number, soft: boolean): string => TRUTHY[h + 1 + (soft ? 6 : 0)];
      switch (sub.logicOp) {
        case 1:
          if (sub.label === '' && sub.left >= 0) sub.label = ` ! [${sub.left}]${mark(hl, sl)}`;
          break;
        case 2:
          if (hl === 1 || hr === 1) {
            sub.constant = true;
            sub.hardValue = 1;
            sub.variable = sl && sr;
            if (hl === 1) {
              sub.effective = effective = sub.left;
              irrelevant = sub.right;
              softIrrelevant = sl && (hr !== 0 || sr);
            } else {
              sub.effective = effective = sub.right;
              irrelevant = sub.left;
              softIrrelevant = sr && (hl !== 0 || sl);
            }
          } else if (hl === 0 && hr === 0) {
            sub.constant = true;
            sub.variable = sl || sr;
            sub.hardValue = 0;
          } else if (hl === 0) {
            sub.effective = effective = sub.right;
            irrelevant = sub.left;
            softIrrelevant = sl;
          } else if (hr === 0) {
            sub.effective = effective = sub.left;
            irrelevant = sub.right;
            softIrrelevant = sr;
          }
          sub.label = `[${sub.left}]${mark(hl, sl)} || [${sub.right}]${mark(hr, sr)}`;
          break;
        case 3:
          if (hl === 0 || hr === 0) {
            sub.constant = true;
            sub.variable = sl || sr;
            sub.hardValue = 0;
            if (hl === 0) {
              sub.effective = effective = sub.left;
              irrelevant = sub.right;
              softIrrelevant = sl;
            } else {
              sub.effective = effective = sub.right;
              irrelevant = sub.left;
              softIrrelevant = sr;
            }
          } else if (hl === 1 && hr === 1) {
            sub.constant = true;
            sub.variable = sl || sr;
            sub.hardValue = 1;
          } else if (hl === 1) {
            sub.effective = effective = sub.right;
          } else if (hr === 1) {
            sub.effective = effective = sub.left;
          }
          sub.label = `[${sub.left}]${mark(hl, sl)} && [${sub.right}]${mark(hr, sr)}`;
          break;
        case 4:
          if (hl === 0 || hl === 1) {
            effective = hl === 1 ? sub.right : sub.grip;
            sub.effective = effective;
            if (effective >= 0 && subs[effective].constant) {
              sub.constant = true;
              sub.variable = sl;
              sub.hardValue = subs[effective].hardValue;
            }
            irrelevant = hl === 1 ? sub.grip : sub.right;
            softIrrelevant = sl;
          }
          sub.label = `[${sub.left}]${mark(hl, sl)} ? [${sub.right}]${mark(hr, sr)} : [${sub.grip}]${mark(hg, sg)}`;
          break;
      }
    }
    if (effective >= 0) {
      if (irrelevant < 0) {
        if (effective === sub.left) irrelevant = sub.right;
        if (effective === sub.right) irrelevant = sub.left;
        if (sub.variable) softIrrelevant = true;
      }
      while (subs[effective].effective >= 0) {
        effective = subs[effective].effective;
        sub.effective = effective;
      }
    }
    if (irrelevant >= 0 && !softIrrelevant) markPruned(subs, irrelevant);
  }
}

export interface ClauseAnalysis {
  /** The `Step  Matched  Condition` table, heading included. */
  table: string;
  /** The clauses the table shows, with their counts (for tests and callers that word their own advice). */
  rows: { step: number; condition: string; matched: number | 'always' | 'never' | 'now' | 'not now' }[];
}

/**
 * AnalyzeRequirementsForEachTarget: the clauses of `attribute` in `request`, each with the number of
 * `targets` it is true against, reduced to the clauses that decide the result. `targetType` names the
 * targets in the heading (Slot, Job). `showAll` (-analyze:noprune, detail_show_all_subexprs) lists every
 * clause, ` * ` before those that decide. With `drained` (the targets that are drain-simulation overlays of
 * partitionable slots), the counts are in two columns, `Slots Matched` and `If Drained`, as
 * jobmatch.cpp's DrainedAnalysisMatchDescriminator prints them; the pruning goes by their sum.
 */
export function analyzeForEachTarget(
  request: ClassAd,
  expr: Expr,
  attribute: string,
  targets: readonly ClassAd[],
  targetType: string,
  opts: { inlineAttrs?: readonly string[]; showAll?: boolean; drained?: ReadonlySet<ClassAd> } = {},
): ClauseAnalysis {
  const inlineAttrs = opts.inlineAttrs ?? [];
  const subs: Clause[] = [];
  splitClauses(request, expr, inlineSet(inlineAttrs, attribute), subs, true, 0);

  for (const sub of subs) {
    sub.unparsed = unparse(sub.expr);
    sub.constant = references(request, sub.expr).target.size === 0;
    if (sub.constant) sub.hardValue = isTrue(request.evaluateExpr(sub.expr)) ? 1 : 0;
  }
  propagateConstants(subs);

  // Propagate effectives back up the chain.
  for (const sub of subs) {
    let changed = false;
    for (const side of ['left', 'right', 'grip'] as const) {
      const j = sub[side];
      if (j >= 0 && subs[j].effective >= 0) {
        sub[side] = subs[j].effective;
        changed = true;
      }
    }
    if (changed) sub.label = '';
  }

  const all = targets.length;
  const follow = (i: number): number => {
    let e = i;
    while (subs[e].effective >= 0) e = subs[e].effective;
    return e;
  };
  for (let ix = 0; ix < subs.length; ix++) {
    const sub = subs[ix];
    if (sub.effective >= 0 || sub.dontCare || sub.constant) continue;
    sub.matched = 0;
    sub.drained = 0;
    const { left, right } = sub;
    const logical = left >= 0 && right >= 0 && sub.logicOp !== 0;
    // Short-circuit: an && with an operand that matches nothing, an || with one that matches all or none.
    if (logical) {
      let effective = -1;
      let prune = -1;
      if (sub.logicOp === 3) {
        if (subs[left].matched === 0) effective = left;
        else if (subs[right].matched === 0) effective = right;
      } else if (sub.logicOp === 2) {
        const l = subs[left].matched;
        const r = subs[right].matched;
        if (l === all) [effective, prune] = [left, right];
        else if (r === all) [effective, prune] = [right, left];
        else if (l === 0 && r !== 0) [effective, prune] = [right, left];
        else if (l !== 0 && r === 0) [effective, prune] = [left, right];
      }
      if (prune >= 0) markPruned(subs, prune);
      if (effective >= 0) sub.effective = follow(effective);
      else retarget(subs, sub);
    }
    for (const target of targets) {
      if (!isTrue(request.evaluateExpr(sub.expr, target))) continue;
      sub.matched++;
      if (opts.drained?.has(target)) sub.drained++;
    }
    // Did one operand of an && decide the result?
    if (logical) {
      let effective = -1;
      if (sub.logicOp === 3) {
        if (subs[left].matched === sub.matched) {
          effective = left;
          if (subs[right].matched > sub.matched) subs[right].dontCare = true;
        } else if (subs[right].matched === sub.matched) {
          effective = right;
          if (subs[left].matched > sub.matched) subs[left].dontCare = true;
        }
      }
      if (effective >= 0) {
        sub.effective = follow(effective);
        sub.label = '';
      } else retarget(subs, sub);
    }
  }

  const rows: ClauseAnalysis['rows'] = [];
  // The heading as the DefaultAnalysisMatchDescriminator writes it: 7 spaces and `%5ss`, then
  // `Step  ` + ` Matched ` + ` Condition`, and `----- ` + `---------` + ` ---------`.
  const margin = opts.showAll ? '   ' : '';
  const drained = opts.drained;
  let table = drained
    ? `${margin}         Slots      If    \n${margin}Step   Matched   Drained  Condition\n${margin}----- --------- --------- ---------\n`
    : `${margin}       ${targetType.padStart(5)}s\n${margin}Step   Matched  Condition\n${margin}----- --------- ---------\n`;
  for (let ix = 0; ix < subs.length; ix++) {
    const sub = subs[ix];
    const pruned = sub.effective >= 0 || sub.dontCare;
    if (pruned && !opts.showAll) continue;
    const prefix = opts.showAll ? (pruned ? '   ' : ' * ') : '';
    const condition = labelOf(sub);
    if (sub.constant) {
      const word = sub.hardValue === 1 ? (sub.variable ? 'now' : 'always') : sub.variable ? 'not now' : 'never';
      table += `${prefix}${stepLabel(ix, 3)} ${word.padStart(9)}  ${condition}\n`;
      if (!pruned) rows.push({ step: ix, condition, matched: word });
      continue;
    }
    const counts = drained ? `${String(sub.matched - sub.drained).padStart(9)} ${String(sub.drained).padStart(9)}` : String(sub.matched).padStart(9);
    table += `${prefix}${stepLabel(ix, 3)} ${counts}  ${condition}\n`;
    if (!pruned) rows.push({ step: ix, condition, matched: sub.matched });
  }
  return { table, rows };
}

/** MarkIrrelevant: the clause and its operands no longer matter. */
function markPruned(subs: Clause[], index: number): void {
  if (index < 0) return;
  subs[index].dontCare = true;
  markPruned(subs, subs[index].left);
  markPruned(subs, subs[index].right);
  markPruned(subs, subs[index].grip);
}

/** A logic clause whose operands reduced to other clauses now names those. */
function retarget(subs: Clause[], sub: Clause): void {
  if (subs[sub.left].effective >= 0) {
    sub.left = subs[sub.left].effective;
    sub.label = '';
  }
  if (subs[sub.right].effective >= 0) {
    sub.right = subs[sub.right].effective;
    sub.label = '';
  }
}

/**
 * PrettyPrintExprTree: the expression's text with a line break after the last `&&` or `||` before the line
 * would reach `width`, each new line indented to the parenthesis depth there; the caller has printed the
 * first line's `indent`. Like HTCondor's, it appends to `buffer` and then wraps the whole buffer from its
 * start, counting what was there before as part of the first line.
 */
export function prettyPrint(expr: Expr, indent: number, width: number, buffer = ''): string {
  let text = buffer + unparse(expr);
  if (indent > width) indent = Math.trunc((width * 2) / 3);
  let lastAnd = 0;
  let lineStart = 0;
  let indentAtLastAnd = indent;
  let pos = indent;
  let wasAnd = false;
  let prev = '';
  for (let it = 0; it < text.length; it++) {
    const ch = text[it];
    let isAnd = false;
    if ((ch === '&' || ch === '|') && prev === ch) isAnd = true;
    else if (ch === '(') indent += 2;
    else if (ch === ')') indent -= 2;
    if (pos >= width && lastAnd !== lineStart) {
      text = `${text.slice(0, lastAnd)}\n${text.slice(lastAnd + 1)}`;
      lineStart = lastAnd + 1;
      lastAnd = lineStart;
      pos = 0;
      if (indentAtLastAnd > 0) {
        text = `${text.slice(0, lineStart)}${' '.repeat(indentAtLastAnd)}${text.slice(lineStart)}`;
        it += indentAtLastAnd;
        pos = it - lineStart;
      }
      indentAtLastAnd = indent;
    }
    if (wasAnd) {
      lastAnd = it;
      indentAtLastAnd = indent;
    }
    prev = ch;
    pos++;
    wasAnd = isAnd;
  }
  return text;
}
