// -af / -autoformat: attribute values (or expressions), one ad per line, shaped by the letters after
// `-af:` as HTCondor's parse_autoformat_args reads them (src/condor_utils/ad_printmask.cpp).
import { formatValueForAf, unparseValue, type ClassAd, type EvalContext } from './classad.js';
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

/** The value of one -af argument: an attribute of the ad, or else an expression evaluated against it. */
function valueText(ad: ClassAd, attrOrExpr: string, options: AutoFormatOptions, context: EvalContext | undefined): string {
  if (options.raw) return ad.getSource(attrOrExpr) ?? (ad.has(attrOrExpr) ? 'undefined' : attrOrExpr);
  const value = ad.has(attrOrExpr) ? ad.evaluate(attrOrExpr, undefined, context) : ad.evaluateExpr(attrOrExpr, undefined, context);
  return options.capV ? unparseValue(value) : formatValueForAf(value);
}

/** The JOB_ID column: ClusterId.ProcId. */
function jobIdText(ad: ClassAd): string {
  return `${ad.getInt('ClusterId') ?? 'undefined'}.${ad.getInt('ProcId') ?? 'undefined'}`;
}

/**
 * condor_q/condor_history/condor_status -af. With headings (-af:h) each column is left-aligned to its widest
 * value or heading, the last one included, under a heading line of the arguments (` ID` for the job id).
 */
export function formatAutoFormat(ads: ClassAd[], attrs: string[], options: AutoFormatOptions = DEFAULT_AUTOFORMAT, context?: EvalContext): string {
  const headings = [...(options.jobId ? [' ID'] : []), ...attrs];
  const labels = [...(options.jobId ? ['ID'] : []), ...attrs];
  const rows = ads.map((ad) =>
    [...(options.jobId ? [jobIdText(ad)] : []), ...attrs.map((attr) => valueText(ad, attr, options, context))].map((cell, i) => (options.label ? `${labels[i]} = ${cell}` : cell)),
  );
  const widths = headings.map((heading, i) => maxOf(rows, (cells) => cells[i].length, heading.length));
  const line = (cells: readonly string[]): string => {
    let text = options.rowPrefix;
    cells.forEach((cell, i) => {
      if (i > 0) text += options.colPrefix;
      text += options.headings ? alignLeft(cell, widths[i]) : cell;
      if (i < cells.length - 1) text += options.colSuffix;
    });
    return `${text}\n`;
  };
  return (options.headings ? line(headings) : '') + rows.map(line).join('');
}
