import fs from 'node:fs';
import os from 'node:os';
import { ClassAd, isTrue, parseExpr, parseOldExpr, ClassAdParseError, quoteString, type Expr } from '@tinycondor/shared/classad/index';
import { takeAnalyzeArgs, type AnalyzeArgs } from '../analyze/analyze-args.js';
import { references } from '../analyze/expr-analysis.js';
import { analyzeJob, jobSummaryText } from '../analyze/job-analysis.js';
import { SlotAds } from '../analyze/slot-ads.js';
import { reverseAnalysis } from '../analyze/slot-analysis.js';
import { sortByJobId } from '../format/queue-frame.js';
import { CliError, type Command, type CommandIo } from '../cli-error.js';
import {
  countJobs,
  formatHistory,
  historyFit,
  formatQueueBatch,
  formatQueueDag,
  formatQueueHeld,
  formatQueueRun,
  formatQueueNoBatch,
  formatTotals,
  rowFit,
  summarizeSinful,
  type NoBatchOptions,
  type QueueViewContext,
  type QueueViewOptions,
  type RowFit,
} from '../format/index.js';
import { loadPoolConfig, onlyMyJobsByDefault, type PoolConfig } from '../pool-config.js';
import { toolEvalContext } from '../tool-user-maps.js';
import { readLongAds, readUserlogAds, selectAds } from '../ads-file.js';
import { commonView, projected } from '../format/query-view.js';
import { FACTORY_CONSTRAINT, formatQueueFactory, formatQueueHoldCodes, formatQueueIdle, formatQueueIo } from '../format/queue-views.js';
import { formatHistoryPrintFormat, formatPrintFormat, parsePrintFormat, type PrintFormat } from '../format/print-format.js';
import { buildConstraint, parseQueryArgs, scanCountedConstraint, scanLimitOf, type QueryArgs } from '../query-args.js';
import { connectSchedd } from '../schedd-connection.js';
import type { AdsReply, QueueSummary } from '@tinycondor/shared/rest-schemas';
import { aggregateJobs, projectionOf, significantAttrs } from '../job-aggregation.js';
import { condorVersionText } from './condor-version.js';
import { epochHistory, takeEpochOptions } from './epoch-history.js';
import { checkExtract, checkHistoryDirectory, historyFromFiles, historySetEmpty, historyUnset, localHistoryFiles, openExtractFile, remoteHistoryUnset, writeExtracted } from './history-files.js';
import type { HistoryRecord } from '../ads-file.js';

const Q_USAGE =
  'Usage: condor_q [-jobads <file> | -userlog <file>] [-autocluster | -group-by] [-stream-results] [-nobatch | -batch | -hold[:<codes>] | -hold-codes[:<codes>] | -run | -idle | -io | -af <attr>... | -format <fmt> <attr>... | -print-format <file> | -json | -xml | -long | -totals | -analyze[:summary,reverse] | -better-analyze[:summary,reverse] | -reverse-analyze [-machine <name>] [-mconstraint <expr>] [-slotads <file>] [-verbose]] [-dag] [-factory[:clusters_only,late_materialize]] [-wide[:<width>]] [-cputime] [-currentrun | -cumulative-time] [-attributes <attr>,...] [-limit <num>] [-constraint <expr>] [-submitter <name> | -name <schedd>] [-pool <host>] [-global] [-allusers] [-expert] [<cluster> | <cluster>.<proc> | <owner>]...';
const HISTORY_USAGE =
  'Usage: condor_history [-file <file> | -search <path> | -local | -schedd | -startd | -epochs[:d] | -transfer-history[:ioc] | -userlog <file>] [-directory] [-name <schedd>] [-pool <host>] [-af <attr>... | -format <fmt> <attr>... | -print-format <file> | -json | -jsonl | -xml | -long] [-attributes <attr,...>] [-wide[:<width>]] [-constraint <expr>] [-limit <n>] [-scanlimit <n>] [-backwards | -forwards] [-since <job-id | expr>] [-completedsince <time>] [-extract <file>] [-help] [<cluster> | <cluster>.<proc> | <owner>]...';

/**
 * Like HTCondor since 8.6: condor_q asks for only your own jobs (the MyJobs query) unless -allusers, or ids,
 * owners or submitters were named, or CONDOR_Q_ONLY_MY_JOBS is false.
 */
function myJobsQuery(query: QueryArgs, pool: PoolConfig, io: CommandIo): boolean {
  return !(query.allUsers || query.owners.length > 0 || query.jobs.length > 0 || query.submitters.length > 0) && onlyMyJobsByDefault(pool, io.stderr);
}

async function fetchAds(
  io: CommandIo,
  from: 'jobs' | 'history',
  query: QueryArgs,
  { dagNodes = false, clusterAds, summaryOnly = false }: { dagNodes?: boolean; clusterAds?: 'include' | 'only'; summaryOnly?: boolean } = {},
): Promise<{ ads: ClassAd[]; context: QueueViewContext; summary?: QueueSummary }> {
  if (from === 'jobs' && query.jobadsFile !== undefined) return adsFromFile(query.jobadsFile, query, dagNodes);
  if (query.userlogFile !== undefined) return from === 'jobs' ? adsFromUserlog(query.userlogFile, query, dagNodes) : historyFromUserlog(query.userlogFile, query);
  const pool = loadPoolConfig(io.env, io.stderr);
  const api = connectSchedd(pool);
  const currentUser = os.userInfo().username;
  const selection = { constraint: buildConstraint(query, { dagNodes }), limit: query.limit };
  const { ads, summary }: { ads: AdsReply['ads']; summary?: QueueSummary } =
    from === 'history'
      ? await api.history({ ...selection, since: query.since, forwards: query.forwards, scanLimit: scanLimitOf(query), scanCounted: scanCountedConstraint(query) })
      : await api.jobs({ ...selection, clusterAds, myJobs: myJobsQuery(query, pool, io) ? currentUser : undefined, summaryOnly });
  const url = new URL(api.baseUrl);
  return {
    ads: ads.map((stored) => ClassAd.fromJSON(stored)),
    context: {
      scheddName: pool.value('SCHEDD_NAME') ?? url.hostname,
      scheddAddress: `<${url.hostname}:${url.port}?addrs=${url.hostname}-${url.port}>`,
      now: new Date(),
      currentUser,
    },
    summary,
  };
}

/** condor_q -jobads: the ads of a file, selected as the schedd would select them. */
function adsFromFile(file: string, query: QueryArgs, dagNodes: boolean): { ads: ClassAd[]; context: QueueViewContext } {
  return {
    ads: selectAds(readLongAds(file), buildConstraint(query, { dagNodes }), query.limit),
    context: { scheddName: '', scheddAddress: '', now: new Date(), currentUser: os.userInfo().username, sourceLabel: `Jobads: ${file}` },
  };
}

/**
 * condor_q -userlog: the jobs of a job event log as userlog_to_classads rebuilds them (owned by the user
 * reading the log), selected by the query's constraint.
 */
function adsFromUserlog(file: string, query: QueryArgs, dagNodes: boolean): { ads: ClassAd[]; context: QueueViewContext } {
  const now = new Date();
  const currentUser = os.userInfo().username;
  const ads = readUserlogAds(file, query.jobs, { owner: currentUser, now });
  return {
    ads: selectAds(ads, buildConstraint(query, { dagNodes }), query.limit),
    context: { scheddName: '', scheddAddress: '', now, currentUser, sourceLabel: `Userlog: ${file}` },
  };
}

/**
 * condor_history -userlog (readHistoryFromSingleFile): every job of the log userlog_to_classads rebuilds
 * that the ids, owners and -constraint select, in job-id order; -limit, -since and -backwards do not apply
 * (printJobAds prints them all).
 */
function historyFromUserlog(file: string, query: QueryArgs): { ads: ClassAd[]; context: QueueViewContext } {
  const now = new Date();
  const currentUser = os.userInfo().username;
  const ads = readUserlogAds(file, [], { owner: currentUser, now }, 'condor_history');
  return {
    ads: selectAds(ads, buildConstraint(query), undefined),
    context: { scheddName: '', scheddAddress: '', now, currentUser, sourceLabel: `Userlog: ${file}` },
  };
}

/**
 * The totals lines' counts from the schedd's summary: the query's, and the user's it chose when it showed
 * only one user's jobs (MyName), else the all-users line alone (standard_summary2). A file's jobs have none.
 */
function summaryTotals(summary: QueueSummary | undefined): Pick<QueueViewOptions, 'allUsers' | 'queryTotals' | 'myName' | 'myTotals' | 'allUsersTotals'> {
  if (summary === undefined) return { allUsers: true };
  return { allUsers: summary.myName === undefined, queryTotals: summary.query, myName: summary.myName, myTotals: summary.my, allUsersTotals: summary.allUsers };
}

/**
 * The width the analysis wraps expressions to (print_jobs_analysis): 80, or after -wide the display width
 * (getDisplayWidth: -wide:N's, the console's, else 80).
 */
function analysisWidth(query: QueryArgs, consoleColumns: number | undefined): number {
  if (!query.wide) return 80;
  if (query.wideWidth !== undefined && query.wideWidth > 0) return query.wideWidth;
  return consoleColumns !== undefined && consoleColumns > 0 ? consoleColumns : 80;
}

/** A slot constraint, parsed, or HTCondor's error for it. */
function slotConstraintExpr(constraint: string): Expr {
  try {
    return parseExpr(constraint);
  } catch (err) {
    if (err instanceof ClassAdParseError) throw new CliError(`Error: ${constraint} is not a valid constraint`);
    throw err;
  }
}

/**
 * The slots the analysis matches against (setupAnalysis): those of -slotads' file or of the pool, that
 * -mconstraint holds for and -machine names. From the pool, the dynamic slots are left out unless the
 * name has an @ (likely one slot) or the constraint is about slot types. A claimed slot's ad carries the
 * RemoteUser of the job it runs, as a HTCondor slot ad does.
 */
async function analysisSlots(io: CommandIo, analyze: AnalyzeArgs): Promise<{ slots: ClassAd[]; singleMachine?: string }> {
  let machine = analyze.machine;
  let constraint = analyze.slotConstraint;
  // A -mconstraint that is a slot or machine name stands for -machine (is_slot_name: only name characters,
  // and an @ or more than one dot).
  const isSlotName = (text: string): boolean => /^[A-Za-z0-9@_.-]+$/.test(text) && (text.includes('@') || text.split('.').length > 2);
  if (constraint !== undefined && machine === undefined && isSlotName(constraint)) {
    machine = constraint;
    constraint = undefined;
  }
  const expr = constraint === undefined ? undefined : slotConstraintExpr(constraint);
  const selected = (slot: ClassAd): boolean =>
    (expr === undefined || isTrue(slot.evaluateExpr(expr))) && (machine === undefined || slot.getString('Name') === machine || slot.getString('Machine') === machine);
  const singleMachine = machine !== undefined && constraint === undefined ? machine : undefined;
  if (analyze.slotadsFile !== undefined) return { slots: readLongAds(analyze.slotadsFile, 'slot ads file').filter(selected), singleMachine };

  const api = connectSchedd(loadPoolConfig(io.env, io.stderr));
  const aboutSlotTypes = expr !== undefined && [...references(new ClassAd(), expr).target].some((name) => /^(PartitionableSlot|DynamicSlot|SlotType|DSlotId)$/i.test(name));
  const keepDynamic = machine?.includes('@') === true || aboutSlotTypes;
  const slots = (await api.status()).ads.map((stored) => ClassAd.fromJSON(stored)).filter((slot) => selected(slot) && (keepDynamic || slot.getBool('DynamicSlot') !== true));
  return { slots, singleMachine };
}

/**
 * condor_q -analyze / -better-analyze (print_jobs_analysis): why each selected job does (not) match the
 * pool's slots; with -reverse, why each slot does (not) match the jobs; with `summary`, a line for each.
 */
async function analyzeQueue(io: CommandIo, analyze: AnalyzeArgs, jobs: ClassAd[], context: QueueViewContext, width: number): Promise<string> {
  const { slots, singleMachine } = await analysisSlots(io, analyze);
  let out = `\n\n-- ${context.sourceLabel ?? `Schedd: ${context.scheddName} : ${summarizeSinful(context.scheddAddress)}`}\n`;
  const sorted = sortByJobId(jobs);
  if (analyze.reverse) return out + reverseAnalysis(slots, sorted, { better: analyze.better, summary: analyze.summary, verbose: analyze.verbose, noprune: analyze.noprune, width });
  if (analyze.summary) return out + jobSummaryText(sorted, slots, { verbose: analyze.verbose, singleMachine });
  const opts = { better: analyze.better, verbose: analyze.verbose, singleMachine: singleMachine !== undefined, width, noprune: analyze.noprune };
  const ads = new SlotAds(slots);
  for (const job of sorted) out += analyzeJob(job, ads, opts, context.now);
  return out;
}

/** condor_q: the jobs in the queue, by default only the current user's, as HTCondor shows them. */
export const condorQ: Command = async (args, io) => {
  const analyze = takeAnalyzeArgs(args);
  const query = parseQueryArgs(analyze.rest, Q_USAGE, { queueViews: true });
  if (query.info !== undefined) {
    io.stdout(query.info === 'help' ? `${Q_USAGE}\n` : condorVersionText());
    return 0;
  }
  for (const warning of query.warnings) io.stderr(`${warning}\n`);
  const clusterAds = query.factory === undefined ? undefined : factoryQuery(query, analyze.analyze);
  // -better-analyze prints its analysis, streamed or not (show_schedd_queue).
  if (query.streamResults && !analyze.analyze && !streamedAsFetched(query)) {
    throw new CliError(`condor_q: -stream-results with the ${query.view === 'af' ? '-af:h' : query.view} view is not supported by tinycondor (its columns are sized to all the jobs)`);
  }
  const printFormat = query.printFormatFile === undefined ? undefined : readPrintFormat(query.printFormatFile, io);
  if (printFormat?.where !== undefined) query.constraints.push(printFormat.where);
  const fromFile = query.jobadsFile !== undefined || query.userlogFile !== undefined;
  // Batch output is the default of the table views; -run, -hold and -factory turn it off (queue.cpp).
  const batch = !analyze.analyze && (query.view === 'default' || query.view === 'batch') && clusterAds === undefined;
  if (!fromFile) {
    const located = await locateSchedd(io, query);
    if (located === 'none') {
      io.stderr('Error: Collector has no record of schedd/submitter\n');
      return 1;
    }
    if (located === 'empty') {
      io.stdout('All queues are empty\n');
      return 0;
    }
  }
  const labels = fromFile || query.submitters.length === 0 ? [undefined] : await submitterLabels(io, query.submitters);
  if (labels.length === 0) {
    io.stderr('Error: Collector has no record of schedd/submitter\n');
    return 1;
  }
  if (query.aggregate !== undefined) {
    if (fromFile) throw new CliError(`condor_q: -${query.aggregate} with -jobads or -userlog is not supported by tinycondor`);
    io.stdout(await aggregateQueue(io, query, printFormat));
    return 0;
  }
  // The schedd selects the jobs (its my-jobs clause, -limit) and counts them; a file's jobs are all shown
  // (show_file_queue asks no schedd for "my jobs").
  const summaryOnly = query.view === 'totals' && !analyze.analyze;
  const { ads: shown, context, summary } = await fetchAds(io, 'jobs', query, { dagNodes: query.dag || batch, clusterAds, summaryOnly });
  if (analyze.analyze) {
    io.stdout(await analyzeQueue(io, analyze, shown, context, analysisWidth(query, io.stdoutColumns?.())));
    return 0;
  }
  const fit = rowFit(query.wide, query.wideWidth, io.stdoutColumns?.());
  const opts = { ...summaryTotals(summary), fit, fromFile, cpuTime: query.cpuTime, cumulativeTime: query.cumulativeTime };
  // One queue per submitter found, each under its own label, as show_schedd_queue runs once per submitter ad.
  for (const label of labels) {
    const labelled = label === undefined ? context : { ...context, sourceLabel: label };
    io.stdout(
      printFormat !== undefined
        ? formatPrintFormat(printFormat, shown, labelled, { ...opts, context: toolEvalContext('TOOL', io), dag: query.dag })
        : query.factory !== undefined && FACTORY_TABLE_VIEWS.has(query.view)
          ? formatQueueFactory(shown, labelled, fit)
          : queueView(query, shown, labelled, opts, io),
    );
  }
  return 0;
};

/** The views -factory shows its own table in (initOutputMask's QDO_Factory: no other table was asked for). */
const FACTORY_TABLE_VIEWS: ReadonlySet<QueryArgs['view']> = new Set(['default', 'nobatch']);

/**
 * condor_q -factory (queue.cpp): the cluster ads the schedd is asked for with the jobs (IncludeClusterAd), and
 * the constraints that select them. Its own table selects the factories' cluster ads (jobFactory_PrintFormat's
 * WHERE); -af, -format, -print-format and the ad forms select cluster ads (clusters_only: ProcId is undefined)
 * and ads of factories (late_materialize: JobMaterializeDigestFile isnt undefined, which a factory's procs have
 * from their cluster ad). -batch and -totals show what they show without it (no cluster ads are fetched).
 */
function factoryQuery(query: QueryArgs, analyzing: boolean): 'include' | 'only' | undefined {
  const bits = query.factory ?? 0;
  if (analyzing || query.aggregate !== undefined || query.dag || ['run', 'hold', 'holdcodes', 'idle', 'io'].includes(query.view)) {
    const other = analyzing ? '-analyze' : query.aggregate !== undefined ? `-${query.aggregate}` : query.dag ? '-dag' : `-${query.view}`;
    throw new CliError(`condor_q: -factory with ${other} is not supported by tinycondor`);
  }
  if (query.view === 'batch' || query.view === 'totals') return undefined;
  if (FACTORY_TABLE_VIEWS.has(query.view)) {
    query.constraints.push(FACTORY_CONSTRAINT);
    return 'only';
  }
  if (bits & 1) query.constraints.push('ProcId is undefined');
  if (bits & 2) query.constraints.push('JobMaterializeDigestFile isnt undefined');
  return bits & 1 ? 'only' : 'include';
}

/**
 * condor_q -autocluster and -group-by (show_schedd_queue with fetch_DefaultAutoCluster or fetch_GroupBy): one
 * ad per group of jobs with the same significant attributes, from every user's jobs. -group-by groups the jobs
 * the query selects by the attributes shown; -autocluster groups all jobs by the default autocluster's
 * attributes. The query's constraint then selects the group ads too, and -limit counts groups. -autocluster
 * shows them in its own table (autoclusterNormal_PrintFormat), or as -af, -format, -long... show them.
 */
async function aggregateQueue(io: CommandIo, query: QueryArgs, printFormat: PrintFormat | undefined): Promise<string> {
  const table = query.view === 'default' || query.view === 'nobatch';
  if (!table && !GROUP_VIEWS.has(query.view)) {
    throw new CliError(`condor_q: -${query.aggregate} with the ${query.view} view is not supported by tinycondor`);
  }
  if (table && query.aggregate === 'group-by') throw new CliError('condor_q: -group-by is supported by tinycondor with -af, -format, -print-format or -long (the groups\' attributes) only');
  const autocluster = query.aggregate === 'autocluster';
  const everyone = { ...query, allUsers: true, limit: undefined };
  const { ads, context } = await fetchAds(io, 'jobs', autocluster ? { ...everyone, constraints: [], jobs: [], owners: [], submitters: [] } : everyone);
  const constraintText = buildConstraint(query);
  const pool = loadPoolConfig(io.env, io.stderr);
  const sigAttrs = autocluster
    ? significantAttrs(pool.value('SIGNIFICANT_ATTRIBUTES'), (await connectSchedd(pool).status()).ads.map((stored) => ClassAd.fromJSON(stored)))
    : projectionOf([...query.attrs, ...query.formats.map((f) => f.attr), ...(printFormat?.columns.map((c) => c.expr) ?? [])], query.projection ?? []);
  const evalContext = toolEvalContext('TOOL', io);
  const groups = aggregateJobs(ads, sigAttrs, {
    idAttr: autocluster ? 'AutoClusterId' : 'Id',
    constraint: constraintText === undefined ? undefined : parseExpr(constraintText),
    limit: query.limit,
    context: evalContext,
  });
  const format = printFormat ?? (table ? parsePrintFormat(AUTOCLUSTER_PRINT_FORMAT).format : undefined);
  const viewOpts = { allUsers: true, allUsersTotals: countJobs([]), fit: rowFit(query.wide, query.wideWidth, io.stdoutColumns?.()), context: evalContext };
  // The group ads hold only the attributes grouped by: append_long_ad projects none of them out.
  return format !== undefined ? formatPrintFormat(format, groups, context, viewOpts) : commonView(query, groups, evalContext)!;
}

/**
 * condor_q -stream-results (streaming_print_job): each ad printed as it comes, the header before the first.
 * The job-id order is the schedd's, so the ad forms, -af without headings, -format and -totals print what
 * they print unstreamed; the tables (and -af:h) would keep the header's column widths, which tinycondor's
 * tables do not do.
 */
function streamedAsFetched(query: QueryArgs): boolean {
  if (query.view === 'af') return !query.af.headings;
  return ['format', 'totals', 'long', 'json', 'jsonl', 'xml', 'new', 'newl'].includes(query.view);
}

/** The views of group ads besides -autocluster's table: those that show any ad. */
const GROUP_VIEWS: ReadonlySet<QueryArgs['view']> = new Set(['af', 'format', 'printformat', 'long', 'json', 'jsonl', 'xml', 'new', 'newl']);

/** queue.cpp's autoclusterNormal_PrintFormat. */
const AUTOCLUSTER_PRINT_FORMAT = `SELECT
   AutoClusterId AS '   ID'    WIDTH 5 PRINTF %5d
   JobCount      AS COUNT      WIDTH 5 PRINTF %5d
   JobUniverse   AS UNIVERSE   WIDTH -8 PRINTAS JOB_UNIVERSE OR ??
   RequestCPUs   AS CPUS       WIDTH 4 PRINTF %4d OR ??
   RequestMemory AS MEMORY     WIDTH 6 PRINTF %6d OR ??
   RequestDisk   AS '    DISK' WIDTH 8 PRINTF %8d OR ??
   Requirements  AS REQUIREMENTS PRINTF %r
SUMMARY NONE
`;

/** set_print_mask_from_stream: the file (`-`: stdin) parsed, its messages on stderr as HTCondor prints them. */
function readPrintFormat(file: string, io: CommandIo): PrintFormat {
  let text: string;
  try {
    text = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch {
    throw new CliError(`Can't open select file: ${file}\nError: invalid select file ${file}`);
  }
  const { format, messages } = parsePrintFormat(text);
  for (const message of messages) io.stderr(`${message}\n`);
  if (format.unique) io.stderr('Warning: Unknown header argument UNIQUE for SELECT\n');
  return format;
}

/**
 * condor_history -print-format FILE (history.cpp set_print_mask_from_stream): its messages on stderr, then
 * "cannot execute" when the file cannot be read, its WHERE does not parse, or it asks for UNIQUE.
 */
function readHistoryPrintFormat(file: string, io: CommandIo): PrintFormat {
  const fail = (message: string): CliError => new CliError(`${message}Error: cannot execute print-format file ${file}`);
  let text: string;
  try {
    text = fs.readFileSync(file === '-' ? 0 : file, 'utf8');
  } catch {
    throw fail(`Can't open select file: ${file}\n`);
  }
  const { format, messages } = parsePrintFormat(text);
  let errors = '';
  if (format.where !== undefined) {
    try {
      parseOldExpr(format.where);
    } catch {
      errors += `WHERE expression is not valid: ${format.where}\n`;
    }
  }
  if (format.unique) errors += 'UNIQUE aggregation is not supported.\n';
  for (const message of messages) io.stderr(`${message}\n`);
  if (errors !== '') throw fail(errors);
  return format;
}

/** The width condor_history -print-format rows are cut to (getDisplayWidth()-1), or 0 (not cut). */
function historyPrintFormatWidth(cut: QueryArgs['printFormatCut'], consoleColumns: number | undefined): number {
  if (cut === undefined || cut === 'none') return 0;
  const width = cut > 0 ? cut : consoleColumns !== undefined && consoleColumns > 0 ? consoleColumns : 80;
  return width - 1;
}

/** The text of condor_q's view of `shown` (the jobs the query selected). */
function queueView(query: QueryArgs, shown: ClassAd[], context: QueueViewContext, opts: QueueViewOptions & NoBatchOptions & { fit: RowFit }, io: CommandIo): string {
  const fit = opts.fit;
  return (
    commonView(query, projected(shown, query.projection), toolEvalContext('TOOL', io), query.dag) ??
    (query.view === 'totals'
      ? formatTotals(shown, context, opts)
      : query.view === 'holdcodes'
        ? formatQueueHoldCodes(shown, context, opts)
        : query.view === 'io'
        ? formatQueueIo(shown, context, opts)
        : query.view === 'hold'
        ? formatQueueHeld(shown, context, { ...opts, dag: query.dag })
        : query.dag && (query.view === 'run' || query.view === 'idle' || query.view === 'nobatch')
        ? formatQueueDag(shown, context, opts, io.stderr)
        : query.view === 'idle'
        ? formatQueueIdle(shown, context, fit)
        : query.view === 'run'
        ? formatQueueRun(shown, context, fit, opts)
        : query.view === 'nobatch'
        ? formatQueueNoBatch(shown, context, opts)
        : formatQueueBatch(shown, context, { ...opts, dag: query.dag, partialClusters: query.jobs.some((j) => j.proc !== undefined), zeroChar: query.batchZeroChar }))
  );
}

/**
 * condor_q -pool, -name and -global against the one schedd (queue.cpp main): -pool must name this pool
 * (its SCHEDD_HOST), else it is refused; -name another schedd is one the collector has no record of;
 * -global finds the schedd only when it has jobs (the collector query's TotalJobAds > 0...).
 */
async function locateSchedd(io: CommandIo, query: QueryArgs): Promise<'found' | 'none' | 'empty'> {
  if (query.pool === undefined && query.scheddName === undefined && !query.global) return 'found';
  const pool = loadPoolConfig(io.env, io.stderr);
  if (query.pool !== undefined) {
    const host = query.pool.replace(/^<|>$/g, '').replace(/:\d+.*$/, '').toLowerCase();
    if (host !== (pool.value('SCHEDD_HOST') ?? '').toLowerCase()) {
      throw new CliError(`condor_q: -pool ${query.pool} is not supported by tinycondor: it has one schedd, the one CONDOR_CONFIG names`);
    }
  }
  if (query.scheddName !== undefined && query.scheddName.toLowerCase() !== (pool.value('SCHEDD_NAME') ?? '').toLowerCase()) return 'none';
  if (query.global) {
    const { totals } = await connectSchedd(pool).totals();
    if (totals.every((row) => row.count === 0)) return 'empty';
  }
  return 'found';
}

/**
 * condor_q -submitter NAME (NAME@UID_DOMAIN when it names no domain): the labels of the submitters the
 * schedd has jobs of, `Submitter: NAME : <address> : machine`. A submitter ad is AccountingGroup (else
 * Owner) @ UID_DOMAIN of a job in the queue; a name none has is one the collector has no record of.
 */
async function submitterLabels(io: CommandIo, submitters: string[]): Promise<string[]> {
  const pool = loadPoolConfig(io.env, io.stderr);
  const api = connectSchedd(pool);
  const uidDomain = pool.value('UID_DOMAIN') ?? '';
  const url = new URL(api.baseUrl);
  const address = summarizeSinful(`<${url.hostname}:${url.port}?addrs=${url.hostname}-${url.port}>`);
  const machine = pool.value('SCHEDD_HOST') ?? url.hostname;
  const labels: string[] = [];
  for (const given of submitters) {
    const name = given.includes('@') ? given : `${given}@${uidDomain}`;
    const at = name.lastIndexOf('@');
    if (name.slice(at + 1) !== uidDomain) continue;
    const found = await api.jobs({ constraint: `(AccountingGroup ?: Owner) == ${quoteString(name.slice(0, at))}`, limit: 1 });
    if (found.ads.length > 0 && !labels.some((label) => label.startsWith(`Submitter: ${name} : `))) labels.push(`Submitter: ${name} : ${address} : ${machine}`);
  }
  return labels;
}

/**
 * condor_history -name/-pool (history.cpp readHistoryRemote): this pool's schedd (SCHEDD_NAME, SCHEDD_HOST)
 * is the one there is; another cannot be located.
 */
function locateHistorySchedd(pool: PoolConfig, query: QueryArgs): void {
  const nameFound = query.scheddName === undefined || query.scheddName.toLowerCase() === (pool.value('SCHEDD_NAME') ?? '').toLowerCase();
  const poolHost = query.pool?.replace(/^<|>$/g, '').replace(/:\d+.*$/, '').toLowerCase();
  const poolFound = poolHost === undefined || poolHost === (pool.value('SCHEDD_HOST') ?? '').toLowerCase();
  if (!nameFound || !poolFound) throw new CliError(`Unable to locate remote schedd (name=${query.scheddName ?? ''}, pool=${query.pool ?? ''}).`);
}

/** condor_history: jobs that have left the queue, newest first. */
export const condorHistory: Command = async (args, io) => {
  const { source, rest, directory, startd } = takeEpochOptions(args);
  const query = parseQueryArgs(rest, HISTORY_USAGE, { historyScan: true });
  if (query.info === 'help') {
    io.stdout(`${HISTORY_USAGE}\n`);
    return 0;
  }
  // -file, -search and -userlog read no configuration: they work without a pool.
  let loaded: PoolConfig | undefined;
  const pool = (): PoolConfig => (loaded ??= loadPoolConfig(io.env, io.stderr));
  if (query.historyRemote === true && query.searchPath !== undefined) throw new CliError('condor_history: -search reads the files here: it cannot be used with -name or -pool, which ask the schedd');
  // A -userlog is read as a user log whichever record source -epochs or -transfer-history chose (history.cpp).
  if (source !== undefined && query.userlogFile === undefined) {
    if (query.extractFile !== undefined) throw new CliError('condor_history: -extract of -epochs or -transfer-history records is not supported by tinycondor');
    if (query.printFormatFile !== undefined) throw new CliError('condor_history: -print-format with -epochs or -transfer-history is not supported by tinycondor');
    if (query.historyRemote === true) locateHistorySchedd(pool(), query);
    return epochHistory(io, pool(), source, query);
  }
  const printFormat = query.printFormatFile === undefined ? undefined : readHistoryPrintFormat(query.printFormatFile, io);
  if (printFormat?.where !== undefined) query.constraints.push(printFormat.where);
  // set_print_mask_from_stream sets the projection to what the columns refer to: -long and the other forms show those.
  if (printFormat !== undefined && query.printFormatProjects) query.projection = projectionOf(printFormat.columns.map((c) => c.expr));
  // -startd -name/-pool asks a remote startd for its history (GET_HISTORY), which tinycondor's startds do not serve.
  if (startd && query.historyRemote === true) throw new CliError('condor_history: -startd with -name or -pool is not supported by tinycondor: its startds answer no history queries; run it where the startd runs');
  // -directory without -epochs: readHistoryFromDirectory finds no per-job files of the job history to read.
  const fromDirectory = directory && query.historyRemote !== true && query.historyFile === undefined && query.userlogFile === undefined;
  if (fromDirectory) checkHistoryDirectory(query.searchPath);
  const files = fromDirectory ? { files: [], label: query.searchPath as string } : query.historyRemote === true || query.userlogFile !== undefined ? undefined : localHistoryFiles(pool, query, startd);
  checkExtract(query, query.historyRemote !== true);
  const extractFd = query.extractFile === undefined ? undefined : openExtractFile(query.extractFile);
  let fetched: { ads: ClassAd[]; context: QueueViewContext; records?: Map<ClassAd, HistoryRecord> };
  if (files !== undefined) fetched = historyFromFiles(files.files, files.label, query);
  else {
    if (query.historyRemote === true) locateHistorySchedd(pool(), query);
    // HISTORY set empty: the schedd keeps none; history.cpp reading the files here, or the schedd's helper, says so.
    if (historySetEmpty(pool())) throw query.historyRemote === true ? remoteHistoryUnset() : historyUnset();
    fetched = await fetchAds(io, 'history', query);
  }
  const { ads, context } = fetched;
  io.stdout(
    commonView(query, projected(ads, query.projection), toolEvalContext('TOOL', io)) ??
      (printFormat !== undefined && query.view === 'printformat'
        ? formatHistoryPrintFormat(printFormat, ads, { now: context.now, overallWidth: historyPrintFormatWidth(query.printFormatCut, io.stdoutColumns?.()), context: toolEvalContext('TOOL', io) })
        : formatHistory(ads, context, historyFit(query.wide, query.wideWidth, io.stdoutColumns?.()))),
  );
  // printJobAds copies nothing from a -userlog: the file is left empty.
  if (extractFd !== undefined) io.stdout(writeExtracted(extractFd, query.extractFile as string, fetched.records === undefined ? [] : ads, fetched.records ?? new Map(), query.forwards));
  return 0;
};
