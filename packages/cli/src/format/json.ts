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

function objectText(obj: Record<string, unknown>, indent: string): string {
  const names = Object.keys(obj).sort(compareAttrNames);
  if (names.length === 0) return '{}';
  const inner = indent + INDENT;
  const members = names.map((name) => `${inner}${JSON.stringify(name)}: ${jsonText(obj[name], inner)}`);
  return `{\n${members.join(',\n')}\n${indent}}`;
}

/** Empty output for no ads, as condor_q -json prints nothing then. */
export function formatJson(ads: ClassAd[]): string {
  if (ads.length === 0) return '';
  return '[\n' + ads.map((ad) => objectText(toHTCondorJson(ad), '') + '\n').join(',\n') + ']\n';
}

function oneLineText(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(oneLineText).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    return `{${Object.keys(obj).sort(compareAttrNames).map((name) => `${JSON.stringify(name)}: ${oneLineText(obj[name])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** condor_history -jsonl: each ad an object on a line of its own (ClassAdJsonUnParser with oneline). */
export function formatJsonLines(ads: ClassAd[]): string {
  return ads.map((ad) => `${oneLineText(toHTCondorJson(ad))}\n`).join('');
}
