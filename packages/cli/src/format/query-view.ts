// The views every query tool (condor_q, condor_history, condor_status) shares.
import type { ClassAd, EvalContext } from '@tinycondor/shared/classad/index';
import type { QueryArgs } from '../query-args.js';
import { formatAutoFormat } from './autoformat.js';
import { formatJson } from './json.js';
import { formatLong } from './long.js';
import { renderPrintfColumn } from './printf-format.js';

/** -af, -format, -json and -long of the ads, expressions evaluated with `context` (the tool's userMap() maps); undefined for the tool's own views. */
export function commonView(query: Pick<QueryArgs, 'view' | 'attrs' | 'af' | 'formats'>, ads: ClassAd[], context?: EvalContext): string | undefined {
  switch (query.view) {
    case 'af':
      return formatAutoFormat(ads, query.attrs, query.af, context);
    case 'format':
      // As AttrListPrintMask: the columns of each ad one after the other, with no separator of their own.
      return ads.map((ad) => query.formats.map((column) => renderPrintfColumn(ad, column, context)).join('')).join('');
    case 'json':
      return formatJson(ads);
    case 'long':
      return formatLong(ads);
    default:
      return undefined;
  }
}
