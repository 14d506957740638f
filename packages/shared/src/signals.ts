import os from 'node:os';

const SIGNALS = os.constants.signals as Record<string, number>;

/** A signal given as a name (`SIGTERM`, `TERM`) or a number, as submit files write them. */
export function signalNumber(value: string | number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value === 'number') return Number.isInteger(value) && value > 0 && value < 65 ? value : fallback;
  const text = value.trim().toUpperCase();
  if (/^\d+$/.test(text)) return signalNumber(Number(text), fallback);
  return SIGNALS[text.startsWith('SIG') ? text : `SIG${text}`] ?? fallback;
}

export function signalName(signal: number): string {
  return Object.keys(SIGNALS).find((name) => SIGNALS[name] === signal) ?? String(signal);
}
