// -af / -autoformat: attribute values (or expressions), one ad per line, shaped by the letters after
// `-af:` as HTCondor's parse_autoformat_args reads them (src/condor_utils/ad_printmask.cpp).
import { formatValueForAf, oldSyntaxToStorage, unparseValue, type ClassAd, type EvalContext, type Value } from './classad.js';
import { alignLeft, maxOf } from './text.js';

/** What the letters after `-af:` ask for. */
export interface AutoFormatOptions {
  /** h: a heading line, every column aligned to its widest cell. */
  headings: boolean;
  /** j: the job id (ClusterId.ProcId) as the first column. */
  jobId: boolean;
  /** l: each value labelled `Attr = value`. */
  label: boolean;
  /** V: values as ClassAd literals (strings quoted). */
  capV: boolean;
  /** r, o: attributes' expressions as written, not evaluated. */
  raw: boolean;
  /** Printed before each row (g: a blank line between ads), before each column but the first, and after each but the last. */
  rowPrefix: string;
  colPrefix: string;
  colSuffix: string;
}

export const DEFAULT_AUTOFORMAT: AutoFormatOptions = { headings: false, jobId: false, label: false, capV: false, raw: false, rowPrefix: '', colPrefix: ' ', colSuffix: '' };

/**
 * The options of `-af:<letters>`: `,` and `n` end each column but the last with a comma or a newline,
 * `t` separates columns with a tab, `g` puts a newline before each ad and nothing between columns, `l`, `V`,
 * `r`/`o`, `h` and `j` as in AutoFormatOptions; other letters are ignored, as HTCondor ignores them.
 * `T` and `Y` (times and dates) are refused: tinycondor does not format them as HTCondor does yet.
 */
export function parseAutoFormatLetters(letters: string): AutoFormatOptions {
  const options = { ...DEFAULT_AUTOFORMAT };
  for (const letter of letters) {
    switch (letter) {
      case ',':
        options.colSuffix = ',';
        break;
      case 'n':
        options.colSuffix = '\n';
        break;
      case 'g':
        options.colPrefix = '';
        options.rowPrefix = '\n';
        break;
      case 't':
        options.colPrefix = '\t';
        break;
      case 'l':
        options.label = true;
        break;
      case 'V':
        options.capV = true;
        break;
      case 'r':
      case 'o':
        options.raw = true;
        break;
      case 'h':
        options.headings = true;
        break;
      case 'j':
        options.jobId = true;
        break;
      case 'T':
      case 'Y':
        throw new RangeError(`-af:${letter} (values as ${letter === 'T' ? 'times' : 'dates'}) is not implemented by tinycondor yet`);
    }
  }
  return options;
}

/** Rewrites a cell whose value is a string (condor_q -dag's name column); `column` counts the job id column. */
export type RenameCell = (row: number, column: number, text: string) => string;

/**
 * The value of one -af argument: an attribute of the ad, or else an expression evaluated against it.
 * `rename` rewrites the value when it is a string, as condor_q rewrites a rendered string value: raw
 * (unparsed) text always is one.
 */
function valueText(ad: ClassAd, attrOrExpr: string, options: AutoFormatOptions, context: EvalContext | undefined, rename: (text: string) => string): string {
  // ad_printmask.cpp: raw text and -af:V values in old ClassAd syntax (SetOldClassAd(true, true)).
  if (options.raw) return rename(ad.getOldSource(attrOrExpr) ?? (ad.has(attrOrExpr) ? 'undefined' : attrOrExpr));
  const value = ad.has(attrOrExpr) ? ad.evaluate(attrOrExpr, undefined, context) : ad.evaluateExpr(oldSyntaxToStorage(attrOrExpr), undefined, context);
  const shown: Value = value.type === 'string' ? { type: 'string', value: rename(value.value) } : value;
  return options.capV ? unparseValue(shown, 'old') : formatValueForAf(shown);
}

/** The JOB_ID column: ClusterId.ProcId. */
function jobIdText(ad: ClassAd): string {
  return `${ad.getInt('ClusterId') ?? 'undefined'}.${ad.getInt('ProcId') ?? 'undefined'}`;
}

/**
 * condor_q/condor_history/condor_status -af. With headings (-af:h) each column is left-aligned to its widest
 * value or heading, the last one included, under a heading line of the arguments (` ID` for the job id).
 * `rename` (condor_q -dag) rewrites string cells after the widths were taken: as condor_q's display pass,
 * a longer cell widens its column from its row on.
 */
export function formatAutoFormat(ads: ClassAd[], attrs: string[], options: AutoFormatOptions = DEFAULT_AUTOFORMAT, context?: EvalContext, rename?: RenameCell): string {
  const headings = [...(options.jobId ? [' ID'] : []), ...attrs];
  const labels = [...(options.jobId ? ['ID'] : []), ...attrs];
  const cellsOf = (ad: ClassAd, row: number, renamed: boolean): string[] => {
    const inColumn = (column: number) => (text: string) => (renamed && rename ? rename(row, column, text) : text);
    const offset = options.jobId ? 1 : 0;
    const cells = attrs.map((attr, i) => valueText(ad, attr, options, context, inColumn(offset + i)));
    if (options.jobId) cells.unshift(inColumn(0)(jobIdText(ad)));
    return options.label ? cells.map((cell, i) => `${labels[i]} = ${cell}`) : cells;
  };
  const rows = ads.map((ad, row) => cellsOf(ad, row, false));
  const widths = headings.map((heading, i) => maxOf(rows, (cells) => cells[i].length, heading.length));
  const line = (cells: readonly string[]): string => {
    let text = options.rowPrefix;
    cells.forEach((cell, i) => {
      if (i > 0) text += options.colPrefix;
      widths[i] = Math.max(widths[i], cell.length);
      text += options.headings ? alignLeft(cell, widths[i]) : cell;
      if (i < cells.length - 1) text += options.colSuffix;
    });
    return `${text}\n`;
  };
  const shown = rename === undefined ? rows : ads.map((ad, row) => cellsOf(ad, row, true));
  return (options.headings ? line(headings) : '') + shown.map(line).join('');
}
