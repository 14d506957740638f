// How the startd rounds a job's requests when it carves a dynamic slot for it (Resource.cpp create_dslot):
// MODIFY_REQUEST_EXPR_REQUESTCPUS, -DISK and -MEMORY, each evaluated with MY the job and TARGET the
// partitionable slot, give the RequestCpus, RequestDisk and RequestMemory the slot is sized by; unless
// MUST_MODIFY_REQUEST_EXPRS (a boolean, or an expression evaluated the same way) is true, a job that the
// modified requests no longer fit gets a slot of its requests as they were.
import { parseExpr, type ClassAd, type Expr } from './classad/index.js';

/** string_is_boolean_param's literal forms. */
const BOOLEAN_WORD = /^(true|1|false|0)\s*$/i;

/** The request attributes, in the order create_dslot modifies them (each sees the ones before it modified). */
export const MODIFIED_REQUESTS = ['RequestCpus', 'RequestDisk', 'RequestMemory'] as const;
export type ModifiedRequest = (typeof MODIFIED_REQUESTS)[number];

/**
 * The startd's knobs as configured, texts as the config gives them: '' for a knob set empty, which modifies
 * nothing (param() is NULL). The startd sends them to the schedd, which carves the dynamic slots.
 */
export interface RequestModifiers {
  RequestCpus: string;
  RequestDisk: string;
  RequestMemory: string;
  /** MUST_MODIFY_REQUEST_EXPRS; '' for its default, false. */
  mustModify: string;
}

/**
 * param_info.in's defaults. MODIFY_REQUEST_EXPR_REQUESTDISK's is `quantize(RequestDisk - $(CATALOG_SPACE),
 * {Target.DiskQuantum?:1024})` with CATALOG_SPACE (and the SUM_OF_CATALOGS it uses) written out: a job without
 * data-reuse catalogs has none of their space taken off.
 */
export const DEFAULT_REQUEST_MODIFIERS: Readonly<RequestModifiers> = {
  RequestCpus: 'quantize(RequestCpus,{1})',
  RequestDisk:
    'quantize(RequestDisk - ifthenelse(MappingMethod ?: "" != "Copy", ifthenelse(RequestedCatalogs is undefined || catalogs is undefined, 0, ' +
    'sum(evalInEachContext(member(CatalogID, RequestedCatalogIDs) ? CatalogSize : 0, catalogs))), 0),{Target.DiskQuantum?:1024})',
  RequestMemory: 'quantize(RequestMemory,{128})',
  mustModify: '',
};

/** The knob each request's modifier is read from. */
export function modifierKnob(request: ModifiedRequest): string {
  return `MODIFY_REQUEST_EXPR_${request.toUpperCase()}`;
}

/**
 * The modifiers a startd's configuration sets (`knob`: a knob's expanded value, undefined when unset), HTCondor's
 * defaults for those it does not. A modifier that does not parse modifies nothing, as in HTCondor, which says
 * nothing of it; here `warnings` say so.
 */
export function requestModifiersFromConfig(knob: (name: string) => string | undefined): { modifiers: RequestModifiers; warnings: string[] } {
  const warnings: string[] = [];
  const modifiers = { ...DEFAULT_REQUEST_MODIFIERS };
  for (const request of MODIFIED_REQUESTS) {
    const text = knob(modifierKnob(request));
    if (text === undefined) continue;
    modifiers[request] = text.trim();
    if (modifiers[request] !== '' && parsedModifier(modifiers[request]) === undefined) {
      warnings.push(`${modifierKnob(request)} = ${modifiers[request]} is not a ClassAd expression: a dynamic slot's ${request} is the job's, unmodified`);
    }
  }
  const must = knob('MUST_MODIFY_REQUEST_EXPRS')?.trim() ?? '';
  modifiers.mustModify = must;
  if (must !== '' && !BOOLEAN_WORD.test(must) && parsedModifier(must) === undefined) {
    warnings.push(`MUST_MODIFY_REQUEST_EXPRS in the condor configuration  is not a valid boolean ("${must}").  Please set it to True or False (default is False)`);
  }
  return { modifiers, warnings };
}

const parsedTexts = new Map<string, Expr | undefined>();

/** The expression of a modifier's text (ParseClassAdRvalExpr), parsed once; undefined when it does not parse. */
function parsedModifier(text: string): Expr | undefined {
  if (parsedTexts.has(text)) return parsedTexts.get(text);
  let expr: Expr | undefined;
  try {
    expr = parseExpr(text);
  } catch {
    expr = undefined;
  }
  if (parsedTexts.size > 64) parsedTexts.clear();
  parsedTexts.set(text, expr);
  return expr;
}

/**
 * A copy of the job's ad with its requests modified as create_dslot modifies them: each modifier that evaluates
 * (MY the job as modified so far, TARGET the slot) to a number (EvalExprToNumber; a boolean is 0 or 1, a real
 * truncated) sets its request to that int; one that does not, leaves the request as it is.
 */
export function modifiedRequests(job: ClassAd, slotAd: ClassAd, modifiers: RequestModifiers): ClassAd {
  const modified = job.clone();
  for (const request of MODIFIED_REQUESTS) {
    const expr = modifiers[request] === '' ? undefined : parsedModifier(modifiers[request]);
    if (expr === undefined) continue;
    const value = modified.evaluateExpr(expr, slotAd);
    if (value.type === 'int' || value.type === 'real') {
      if (Number.isFinite(value.value)) modified.set(request, Math.trunc(value.value));
    } else if (value.type === 'bool') {
      modified.set(request, value.value ? 1 : 0);
    }
  }
  return modified;
}

/**
 * MUST_MODIFY_REQUEST_EXPRS as param_boolean reads it for create_dslot: true/false/1/0, else an expression
 * evaluated with MY the job and TARGET the slot; unset, empty or no boolean: false.
 */
export function mustModifyRequests(job: ClassAd, slotAd: ClassAd, modifiers: RequestModifiers): boolean {
  const text = modifiers.mustModify;
  if (text === '') return false;
  const word = BOOLEAN_WORD.exec(text);
  if (word) return /^(true|1)$/i.test(word[1]!);
  const expr = parsedModifier(text);
  if (expr === undefined) return false;
  const value = job.evaluateExpr(expr, slotAd);
  if (value.type === 'bool') return value.value;
  if (value.type === 'int' || value.type === 'real') return value.value !== 0;
  return false;
}
