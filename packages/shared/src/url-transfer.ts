// URL transfers as HTCondor's FileTransfer does them with its transfer plugins: which entries are URLs,
// which method (plugin) each needs, what a plugin says it supports (`-classad`), the files a multi-file
// plugin reads (-infile) and writes (-outfile), and the errors a failed invocation becomes.
import path from 'node:path';
import { ClassAd, ClassAdParseError, parseExpr, parseOldExpr, quoteString, unparse, type Expr } from './classad/index.js';
import { adToRecordExpr } from './classad/ast.js';
import { listedInputFiles, parseRemaps, splitFileList, STDERR_NAME, STDOUT_NAME } from './transfer-files.js';

/** condor_url.cpp IsUrl: `scheme://` followed by something; the scheme starts with a letter. */
export function isUrl(entry: string): boolean {
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\/./.test(entry);
}

/**
 * The method a URL is transferred with: getURLType(url, true), the scheme's last part after a `+`, `-`
 * or `.` (`pelican+https://` is https). Undefined for what is not a URL.
 */
export function urlMethod(url: string): string | undefined {
  if (!isUrl(url)) return undefined;
  const scheme = url.slice(0, url.indexOf('://'));
  return scheme.split(/[+.-]/).pop();
}

/** The name a downloaded URL gets in the sandbox: the URL's last path component (condor_basename). */
export function urlFileName(url: string): string {
  return url.slice(url.lastIndexOf('/') + 1);
}

/** A URL as HTCondor prints it in errors (UrlSafePrint): the query, which may hold credentials, elided. */
export function urlSafePrint(url: string): string {
  const query = url.indexOf('?');
  return query < 0 ? url : `${url.slice(0, query)}?...`;
}

/** The job's own plugins (`transfer_plugins = tar=mytar; http,https=myhttp`): methods and the plugin each names. */
export interface JobPlugin {
  methods: string[];
  /** As the job names it, relative to its submit directory; it reaches the sandbox as an input. */
  path: string;
}

/** TransferPlugins parsed as InitializeJobPlugins reads it; an entry without `=` is HTCondor's IJP error. */
export function jobPlugins(transferPlugins: string | undefined): { plugins: JobPlugin[]; errors: string[] } {
  const plugins: JobPlugin[] = [];
  const errors: string[] = [];
  for (const definition of (transferPlugins ?? '').split(';')) {
    if (definition.trim() === '') continue;
    const eq = definition.indexOf('=');
    if (eq < 0) {
      errors.push(`IJP: no '=' in TransferPlugins definition '${definition}'`);
      continue;
    }
    plugins.push({ methods: splitFileList(definition.slice(0, eq)).map((m) => m.toLowerCase()), path: definition.slice(eq + 1).trim() });
  }
  return { plugins, errors };
}

/**
 * The methods a job needs of the execute machine's plugins (SetRequirements): those of its URL inputs, its
 * output_destination and its URL output remaps, less those its own transfer_plugins supply.
 */
export function neededPluginMethods(ad: Pick<ClassAd, 'getString'>): string[] {
  const supplied = new Set(jobPlugins(ad.getString('TransferPlugins')).plugins.flatMap((p) => p.methods));
  const urls = listedInputFiles(ad).filter(isUrl);
  const destination = ad.getString('OutputDestination');
  if (destination !== undefined && isUrl(destination)) urls.push(destination);
  let remaps: Map<string, string>;
  try {
    remaps = parseRemaps(ad.getString('TransferOutputRemaps'));
  } catch {
    remaps = new Map();
  }
  urls.push(...[...remaps.values()].filter(isUrl));
  const methods: string[] = [];
  for (const url of urls) {
    const method = urlMethod(url) as string;
    if (!supplied.has(method.toLowerCase()) && !methods.includes(method)) methods.push(method);
  }
  return methods.sort();
}

/**
 * The URL an output goes to from the execution point (computeFileList), or undefined when it goes back to
 * the access point. With output_destination (a URL) every file goes under it but stdout and stderr, which
 * keep their `output`/`error` names (a URL only if those are URLs); else a transfer_output_remaps entry
 * that is a URL.
 * Throws on a malformed transfer_output_remaps.
 */
export function outputUrl(sandboxName: string, ad: Pick<ClassAd, 'getString'>): string | undefined {
  const std = sandboxName === STDOUT_NAME ? ad.getString('Out') : sandboxName === STDERR_NAME ? ad.getString('Err') : undefined;
  const destination = ad.getString('OutputDestination');
  if (std !== undefined || sandboxName === STDOUT_NAME || sandboxName === STDERR_NAME) return std !== undefined && isUrl(std) ? std : undefined;
  if (destination !== undefined && isUrl(destination)) return `${destination.endsWith('/') ? destination : `${destination}/`}${sandboxName}`;
  const remap = parseRemaps(ad.getString('TransferOutputRemaps')).get(sandboxName);
  return remap !== undefined && isUrl(remap) ? remap : undefined;
}

/** A plugin's answer to `-classad`, as InsertPluginAndMappings reads it. */
export interface PluginCapabilities {
  methods: string[];
  multipleFile: boolean;
  /** 1: one file per invocation (`plugin URL dest`); 2 and later: -infile/-outfile lists of ads. */
  protocolVersion: number;
}

/**
 * Parses `plugin -classad` output: old ClassAd lines, read in old syntax as ClassAd::Insert reads them
 * (blank lines and `#` comments skipped). Errors are HTCondor's words: a plugin without SupportedMethods is
 * ignored.
 */
export function parseCapabilities(pluginPath: string, output: string): PluginCapabilities | { error: string } {
  const ad = new ClassAd();
  for (const raw of output.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    try {
      ad.insert(line.slice(0, eq).trim(), parseOldExpr(line.slice(eq + 1).trim()));
    } catch {
      // HTCondor counts the line invalid and goes on with the others.
    }
  }
  const methods = splitFileList(ad.getString('SupportedMethods')).map((m) => m.toLowerCase());
  if (ad.size === 0 || methods.length === 0) return { error: `${pluginPath} -classad did not produce a valid classad, ignoring` };
  const multipleFile = ad.getBool('MultipleFileSupport') === true;
  let protocolVersion = ad.getInt('ProtocolVersion') ?? (multipleFile ? 2 : 1);
  if (protocolVersion < 1 || protocolVersion > 100) protocolVersion = multipleFile ? 2 : 1;
  return { methods, multipleFile, protocolVersion };
}

/** One file a plugin moves: a URL and the sandbox path it is read from or written to. */
export interface UrlTransfer {
  url: string;
  localFileName: string;
}

/** The -infile a multi-file plugin reads: one new-syntax ad per file (`[ Url = "…"; LocalFileName = "…" ]`). */
export function pluginInputFile(transfers: readonly UrlTransfer[]): string {
  return transfers.map((t) => `[ Url = ${quoteString(t.url)}; LocalFileName = ${quoteString(t.localFileName)} ]`).join('');
}

/**
 * The ads a plugin wrote to its -outfile (new syntax, one after another, as CondorClassAdFileIterator reads
 * them with Parse_new). Parsing stops at the first text that is not an ad, as HTCondor's iterator does.
 */
export function parsePluginResults(text: string): ClassAd[] {
  const ads: ClassAd[] = [];
  for (const chunk of topLevelRecords(text)) {
    let expr;
    try {
      expr = parseExpr(chunk);
    } catch (err) {
      if (err instanceof ClassAdParseError) break;
      throw err;
    }
    if (expr.kind !== 'record') break;
    const ad = new ClassAd();
    for (const entry of expr.entries) ad.insert(entry.name, entry.expr);
    ads.push(ad);
  }
  return ads;
}

/** The text of each top-level `[ … ]` in order; strings and quoted names may hold brackets. */
function topLevelRecords(text: string): string[] {
  const records: string[] = [];
  let depth = 0;
  let start = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"' || c === "'") {
      for (i++; i < text.length && text[i] !== c; i++) if (text[i] === '\\') i++;
      continue;
    }
    if (c === '[') {
      if (depth === 0) start = i;
      depth++;
    } else if (c === ']' && depth > 0) {
      depth--;
      if (depth === 0) records.push(text.slice(start, i + 1));
    } else if (depth === 0 && !/\s/.test(c)) {
      break;
    }
  }
  return records;
}

/** How a plugin invocation ended. */
export type PluginEnd = { kind: 'exit'; code: number } | { kind: 'signal'; signal: number } | { kind: 'timeout'; seconds: number } | { kind: 'exec-failed'; message: string };

/** CONDOR_HOLD_SUBCODE values FileTransfer uses for plugins (condor_holdcodes.h). */
export const PluginHoldSubCode = { ExecFailed: -1, NoResultReported: -4 } as const;

/** A failed invocation: the errors it pushed (without FileTransfer's `FILETRANSFER:1:` prefix) and the hold subcode. */
export interface PluginFailure {
  messages: string[];
  subCode: number;
  /** The URL a failed file result named: the hold reason says `using protocol <its method>`. */
  url?: string;
  /**
   * The plugin exited 0 and each file it failed came with its TransferError: only files failed, which
   * DoDownload defers for a checkpoint's URLs (its MANIFEST still goes to SPOOL, and the upload is retried
   * at the next checkpoint instead of holding the job).
   */
  filesOnly?: true;
  /** The whole hold reason, when the shadow failed the transfer (a URL it could not sign). */
  holdReason?: string;
}

const ETIME = 62;

/**
 * What InvokeMultipleFileTransferPlugin makes of an invocation: undefined when it succeeded; else its error
 * stack and the hold subcode DoDownload/DoUpload give it (exit code << 8, the signal, ETIME, or -1 when it
 * could not be run).
 */
export function judgeInvocation(pluginPath: string, end: PluginEnd, results: readonly ClassAd[] | undefined, outputFile: string): PluginFailure | undefined {
  if (end.kind === 'exec-failed') return { messages: [`FILETRANSFER: Failed to execute ${pluginPath}: ${end.message}`], subCode: PluginHoldSubCode.ExecFailed };
  const exitStatus = end.kind === 'exit' ? end.code : end.kind === 'signal' ? 0 : ETIME;
  const succeeded = end.kind === 'exit' && end.code === 0;
  const subCode = end.kind === 'timeout' ? ETIME : end.kind === 'signal' ? end.signal : exitStatus > 0 ? exitStatus << 8 : 0;
  const messages: string[] = [];
  let url: string | undefined;
  // InvokeMultiUploadPlugin's classad_contents_good: every failed result says why.
  let contentsGood = true;
  if (results === undefined) {
    messages.push(`|Error: file transfer plugin ${pluginPath} exited with code ${exitStatus}, unable to open output file ${outputFile}`);
    return { messages, subCode };
  }
  if (results.length === 0) {
    const how = end.kind === 'signal' ? `signal ${end.signal}` : `exit code ${exitStatus}`;
    messages.push(`|Error: file transfer plugin ${pluginPath} exited (${how}), no valid classads in output file ${outputFile}`);
    return { messages, subCode: succeeded ? PluginHoldSubCode.NoResultReported : subCode };
  }
  for (const result of results) {
    const transferUrl = result.getString('TransferUrl') ?? '';
    const success = result.getBool('TransferSuccess');
    if (success === undefined) {
      messages.push(`non-zero exit (${exitStatus}) from ${pluginPath}. |Error: File transfer plugin ${pluginPath} exited without producing a TransferSuccess result  (${transferUrl})|`);
      url ??= transferUrl;
      contentsGood = false;
    } else if (!success) {
      if (result.getString('TransferError') === undefined) contentsGood = false;
      const error = result.getString('TransferError') ?? `File transfer plugin ${pluginPath} exited unexpectedly without producing an error message `;
      messages.push(`non-zero exit (${exitStatus}) from ${pluginPath}. |Error: ${error} ( URL file = ${urlSafePrint(transferUrl)} )|`);
      url ??= transferUrl;
    }
  }
  if (succeeded && messages.length === 0) return undefined;
  if (messages.length === 0) {
    messages.push(
      end.kind === 'timeout'
        ? `File transfer plugin ${pluginPath} timed out after ${end.seconds} seconds.`
        : `File transfer plugin ${pluginPath} failed unexpectedly with exit code ${exitStatus}, did not report a TransferError message.`,
    );
  }
  return { messages, subCode: succeeded ? 0 : subCode, ...(url !== undefined && url !== '' ? { url } : {}), ...(succeeded && contentsGood ? { filesOnly: true as const } : {}) };
}

/**
 * What InvokeFileTransferPlugin makes of one run of a plugin without MultipleFileSupport for `url`: undefined
 * when it exited 0; else its error (its stdout's `TransferError`/`TransferUrl` stats, which lines that do not
 * parse are left out of) and the hold subcode.
 */
export function judgeSingleFileInvocation(pluginPath: string, end: PluginEnd, stdout: string, url: string): PluginFailure | undefined {
  if (end.kind === 'exit' && end.code === 0) return undefined;
  if (end.kind === 'exec-failed') return judgeInvocation(pluginPath, end, undefined, '');
  if (end.kind === 'timeout') return { messages: [`File transfer plugin ${pluginPath} timed out after ${end.seconds} seconds.`], subCode: ETIME, url };
  const stats = new ClassAd();
  for (const line of stdout.split(/\r?\n/)) {
    try {
      const parsed = ClassAd.parseText(line);
      for (const name of parsed.names()) stats.insert(name, parsed.get(name) as Expr);
    } catch {
      continue;
    }
  }
  const error = stats.getString('TransferError') ?? `File transfer plugin ${pluginPath} exited unexpectedly without producing an error message `;
  const how = end.kind === 'signal' ? `exit by signal ${end.signal}` : `non-zero exit (${end.code})`;
  return { messages: [`${how} from ${pluginPath}. |Error: ${error} ( URL file = ${urlSafePrint(stats.getString('TransferUrl') ?? '')} )|`], subCode: end.kind === 'signal' ? end.signal : end.code << 8, url };
}

/**
 * The hold reason of a failed URL transfer, as BaseShadow rewrites the starter's error: the EP, the
 * protocol of the URL that failed, and the plugin's own error (what follows `|Error: `) when there is one.
 */
export function urlTransferHoldReason(direction: 'input' | 'output', executionPoint: string, accessPoint: string, failure: PluginFailure): string {
  if (failure.holdReason !== undefined) return failure.holdReason;
  const full = failure.messages.map((m) => `FILETRANSFER:1:${m}`).join('|');
  const marker = full.indexOf('|Error: ');
  let details = full;
  if (marker >= 0) {
    const from = marker + '|Error: '.length;
    const end = full.indexOf('||', from);
    details = full.slice(from, end < 0 ? undefined : end);
  }
  const method = failure.url !== undefined ? urlMethod(failure.url) : undefined;
  const where = method !== undefined ? ` using protocol ${method}` : ` while ${direction === 'input' ? 'receiving files from' : 'sending files to'} access point ${accessPoint}`;
  return `Transfer ${direction} files failure at execution point ${executionPoint}${where}. Details: ${details}`;
}

/** Where a plugin's -infile and -outfile go: `<iwd>/.<plugin basename>.in` and `.in.out`'s sibling `.out`. */
export function pluginFiles(iwd: string, pluginPath: string): { input: string; output: string } {
  const base = path.join(iwd, `.${path.basename(pluginPath)}`);
  return { input: `${base}.in`, output: `${base}.out` };
}

/** file_transfer.h's TransferPluginResult: an invocation ad's `Result`. */
export const TransferPluginResult = { Success: 0, Error: 1, TimedOut: 3 } as const;

/**
 * The invocation ad FileTransfer records for each run of a multi-file plugin whose -outfile it could read
 * (InvokeMultipleFileTransferPlugin): the transfer class, the plugin's basename, the schemes it was run
 * for, how it ended and how long it took.
 */
export function pluginInvocationAd(transferClass: number, pluginPath: string, urls: readonly string[], end: PluginEnd, durationSeconds: number): ClassAd {
  const schemes = [...new Set(urls.map((url) => urlMethod(url) ?? ''))].sort();
  const exited = end.kind === 'exit';
  const result = end.kind === 'timeout' ? TransferPluginResult.TimedOut : exited && end.code === 0 ? TransferPluginResult.Success : TransferPluginResult.Error;
  const ad = new ClassAd()
    .set('TransferClass', transferClass)
    .set('PluginBasename', path.basename(pluginPath))
    .set('Schemes', schemes.join(','))
    .set('Result', result)
    .set('DurationInSeconds', durationSeconds)
    .set('ExitBySignal', end.kind === 'signal');
  if (end.kind === 'signal') ad.set('ExitSignal', end.signal);
  else ad.set('ExitCode', exited ? end.code : end.kind === 'timeout' ? ETIME : -1);
  return ad;
}

type LegalType = 'string' | 'bool' | 'int' | 'real' | 'list' | 'record';

/** filter.cpp's filterPluginResults: the attributes of a file's result the starter passes on, with their types. */
const PLUGIN_RESULT_ATTRIBUTES: ReadonlyMap<string, LegalType> = new Map<string, LegalType>(
  (
    [
      ['TransferSuccess', 'bool'],
      ['TransferError', 'string'],
      ['TransferProtocol', 'string'],
      ['TransferType', 'string'],
      ['TransferFileName', 'string'],
      ['TransferFileBytes', 'int'],
      ['TransferTotalBytes', 'int'],
      ['TransferStartTime', 'int'],
      ['TransferEndTime', 'int'],
      ['ConnectionTimeSeconds', 'real'],
      ['TransferURL', 'string'],
      ['TransferErrorData', 'list'],
      ['DeveloperData', 'record'],
      ['TransferData', 'list'],
    ] as const
  ).map(([name, type]) => [name.toLowerCase(), type]),
);

/** filterTransferErrorData's attributes. */
const TRANSFER_ERROR_DATA_ATTRIBUTES: ReadonlyMap<string, LegalType> = new Map<string, LegalType>(
  (
    [
      ['IntermediateServerErrorType', 'string'],
      ['IntermediateServer', 'string'],
      ['ErrorType', 'string'],
      ['PluginVersion', 'string'],
      ['PluginLaunched', 'bool'],
      ['FailedName', 'string'],
      ['FailureType', 'string'],
      ['FailedServer', 'string'],
      ['ShouldRefresh', 'bool'],
      ['ErrorCode', 'int'],
      ['ErrorString', 'string'],
      ['Retryable', 'int'],
      ['DeveloperData', 'record'],
    ] as const
  ).map(([name, type]) => [name.toLowerCase(), type]),
);

function hasType(expr: Expr, type: LegalType): boolean {
  if (type === 'list' || type === 'record') return expr.kind === type;
  return expr.kind === 'literal' && expr.value.type === type;
}

function filterAd(ad: ClassAd, legal: ReadonlyMap<string, LegalType>): ClassAd {
  const filtered = new ClassAd();
  for (const name of ad.names()) {
    const type = legal.get(name.toLowerCase());
    const expr = ad.get(name) as Expr;
    if (type !== undefined && hasType(expr, type)) filtered.insert(name, expr);
  }
  return filtered;
}

/** A file's result ad as the starter sends it to the shadow (filterPluginResults, TransferErrorData's ads filtered too). */
export function filterPluginResult(ad: ClassAd): ClassAd {
  const filtered = filterAd(ad, PLUGIN_RESULT_ATTRIBUTES);
  const errorData = filtered.get('TransferErrorData');
  if (errorData?.kind === 'list') {
    const items: Expr[] = [];
    for (const item of errorData.items) {
      if (item.kind !== 'record') continue;
      const inner = new ClassAd();
      for (const entry of item.entries) inner.insert(entry.name, entry.expr);
      items.push(adToRecordExpr(filterAd(inner, TRANSFER_ERROR_DATA_ATTRIBUTES)));
    }
    filtered.insert('TransferErrorData', { kind: 'list', items });
  }
  return filtered;
}

/** The `<Class>PluginResultList` value the starter sends: the ads as one ClassAd list. */
export function pluginResultListText(ads: readonly ClassAd[]): string {
  return unparse({ kind: 'list', items: ads.map(adToRecordExpr) });
}
