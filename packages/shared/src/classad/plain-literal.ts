import type { ScalarValue } from './value.js';

/** Texts the lexer reads as exactly one literal: a small non-negative int, a string without escapes. */
const PLAIN_INT = /^(?:0|[1-9]\d{0,14})$/;
const PLAIN_STRING = /^"[^"\\]*"$/;

/**
 * The literal `source` denotes when it is one of the plain forms (most attribute texts of a job: `5`,
 * `"out.5"`), without parsing it; undefined for anything else.
 */
export function plainLiteral(source: string): ScalarValue | undefined {
  if (source.charCodeAt(0) === 0x22) return PLAIN_STRING.test(source) ? { type: 'string', value: source.slice(1, -1) } : undefined;
  return PLAIN_INT.test(source) ? { type: 'int', value: Number(source) } : undefined;
}
