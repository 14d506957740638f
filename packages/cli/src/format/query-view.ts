// The views every query tool (condor_q, condor_history, condor_status) shares.
import type { ClassAd, EvalContext } from '@tinycondor/shared/classad/index';
import type { QueryArgs } from '../query-args.js';
import { formatAutoFormat, type RenameCell } from './autoformat.js';
import { formatJson, formatJsonLines } from './json.js';
import { formatLong, formatNewSyntax } from './long.js';
import { formatXml } from './xml.js';
import { renderPrintfColumn } from './printf-format.js';
import { dagNodeCell, dagOrder, linkRows } from './queue-rows.js';

/** queue.cpp's name_column_index: the column format_name_column_for_dag_nodes rewrites, whatever it shows. */
const NAME_COLUMN = 2;
/** name_column_width: only initOutputMask widens it, and it does not run for -af or -format. */
const NAME_COLUMN_WIDTH = 14;

/**
 * condor_q -dag with -af or -format (print_results with children under parents): each DAG node job under
 * its DAGMan job, and the third column of a node job, where its value is a string, `|-` and that value.
 */
function dagRows(ads: ClassAd[]): { ads: ClassAd[]; rename: RenameCell } {
  const order = dagOrder(linkRows(ads, false));
  return {
    ads: order.map((row) => row.job),
    rename: (i, column, text) => (column === NAME_COLUMN && order[i].dagCluster > 0 ? dagNodeCell(order[i], text, NAME_COLUMN_WIDTH) : text),
  };
}

/**
 * -af, -format, -json, -xml and -long of the ads, expressions evaluated with `context` (the tool's userMap() maps);
 * undefined for the tool's own views. `dag`: condor_q -dag, which nests the -af and -format rows.
 */
export function commonView(query: Pick<QueryArgs, 'view' | 'attrs' | 'af' | 'formats' | 'nosort' | 'projection'>, ads: ClassAd[], context?: EvalContext, dag = false): string | undefined {
  // -long:nosort: each ad's own order; a projection still sorts all forms but long (append_long_ad, sGetAdAttrs).
  const sorted = query.nosort !== true || (query.projection !== undefined && query.view !== 'long');
  switch (query.view) {
    case 'af': {
      if (!dag) return formatAutoFormat(ads, query.attrs, query.af, context);
      const rows = dagRows(ads);
      return formatAutoFormat(rows.ads, query.attrs, query.af, context, rows.rename);
    }
    case 'format': {
      const rows = dag ? dagRows(ads) : { ads, rename: (_row: number, _column: number, text: string) => text };
      // As AttrListPrintMask: the columns of each ad one after the other, with no separator of their own.
      return rows.ads.map((ad, i) => query.formats.map((column, c) => renderPrintfColumn(ad, column, context, (text) => rows.rename(i, c, text))).join('')).join('');
    }
    case 'json':
      return formatJson(ads, sorted);
    case 'long':
      return formatLong(ads, sorted);
    case 'xml':
      return formatXml(ads, sorted);
    case 'jsonl':
      return formatJsonLines(ads, sorted);
    case 'new':
    case 'newl':
      return formatNewSyntax(ads, query.view === 'newl', sorted);
    default:
      return undefined;
  }
}

/**
 * condor_q and condor_history -attributes X,Y: the query's projection, so -long, -json, -jsonl and -xml show
 * only those of the listed attributes a job has (the table views fetch what they show anyway).
 */
export function projected(ads: ClassAd[], projection: string[] | undefined): ClassAd[] {
  if (projection === undefined) return ads;
  const wanted = new Set(projection.map((name) => name.toLowerCase()));
  return ads.map((ad) => {
    const copy = ad.clone();
    for (const name of copy.names()) if (!wanted.has(name.toLowerCase())) copy.delete(name);
    return copy;
  });
}
