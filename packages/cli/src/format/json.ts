// -json: a JSON array with one object per ad, laid out as HTCondor's ClassAdJsonUnParser and
// CondorClassAdListWriter write it: `[`, the ads separated by a `,` line, then `]`; -jsonl: one ad per line,
// as the unparser's one-line form writes it.
import { toHTCondorJson, type ClassAd } from './classad.js';
import { compareAttrNames } from './text.js';

const INDENT = '  ';

function jsonText(value: unknown, indent: string): string {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const inner = indent + INDENT;
    return `[\n${value.map((item) => inner + jsonText(item, inner)).join(',\n')}\n${indent}]`;
  }
  if (value !== null && typeof value === 'object') return objectText(value as Record<string, unknown>, indent);
  return JSON.stringify(value) ?? 'null';
}

function objectText(obj: Record<string, unknown>, indent: string, sorted = true): string {
  const names = sorted ? Object.keys(obj).sort(compareAttrNames) : Object.keys(obj);
  if (names.length === 0) return '{}';
  const inner = indent + INDENT;
  const members = names.map((name) => `${inner}${JSON.stringify(name)}: ${jsonText(obj[name], inner)}`);
  return `{\n${members.join(',\n')}\n${indent}}`;
}

/**
 * Empty output for no ads, as condor_q -json prints nothing then. `sorted` false (-long:nosort): each ad's
 * attributes in its own order.
 */
export function formatJson(ads: ClassAd[], sorted = true): string {
  const objects = ads.filter((ad) => ad.names().length > 0);
  if (objects.length === 0) return '';
  return '[\n' + objects.map((ad) => objectText(toHTCondorJson(ad, sorted), '', sorted) + '\n').join(',\n') + ']\n';
}

function oneLineText(value: unknown, sorted = true): string {
  if (Array.isArray(value)) return `[${value.map((item) => oneLineText(item)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    const names = sorted ? Object.keys(obj).sort(compareAttrNames) : Object.keys(obj);
    return `{${names.map((name) => `${JSON.stringify(name)}: ${oneLineText(obj[name])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** condor_history -jsonl, condor_q -long:jsonl: each ad an object on a line of its own (ClassAdJsonUnParser with oneline). */
export function formatJsonLines(ads: ClassAd[], sorted = true): string {
  return ads.filter((ad) => ad.names().length > 0).map((ad) => `${oneLineText(toHTCondorJson(ad, sorted), sorted)}\n`).join('');
}
