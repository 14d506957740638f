// Running file-transfer plugins as HTCondor's starter does: each configured plugin asked `-classad` once
// at the startd's start (FILETRANSFER_PLUGINS), then invoked per run for the URLs of each method, as the
// job's user, with -infile/-outfile lists (multi-file plugins) or `plugin <source> <destination>`.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { ClassAd } from '@tinycondor/shared/classad/index';
import type { JobUser } from '@tinycondor/shared/job-user';
import { runPluginProcess } from '@tinycondor/transfer/plugin-process';
import { isSignedScheme } from '@tinycondor/shared/aws-sigv4';
import type { SignUrlsReply } from '@tinycondor/shared/rest-schemas';
import {
  filterPluginResult,
  jobPlugins,
  judgeInvocation,
  judgeSingleFileInvocation,
  parseCapabilities,
  parsePluginResults,
  pluginFiles,
  pluginInvocationAd,
  pluginInputFile,
  urlFileName,
  urlMethod,
  type PluginCapabilities,
  type PluginFailure,
  type UrlTransfer,
} from '@tinycondor/shared/url-transfer';

/** A plugin the startd may run: where it is and what it said of itself. */
export interface TransferPlugin extends PluginCapabilities {
  path: string;
}

/** Which plugin each method is transferred with (the starter's plugin_table); the last plugin naming a method wins. */
export type PluginTable = ReadonlyMap<string, TransferPlugin>;

/** How the startd runs plugins, from the FILETRANSFER_* knobs. */
export interface PluginSettings {
  table: PluginTable;
  /** MAX_FILE_TRANSFER_PLUGIN_LIFETIME (seconds, default 72000). */
  lifetimeSeconds: number;
}

/** The startd's environment less what HTCondor filters from a plugin's (CONDOR_INHERIT and friends). */
function pluginEnvironment(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of ['CONDOR_INHERIT', 'CONDOR_PRIVATE_INHERIT', 'CONDOR_DCADDR']) delete env[name];
  return env;
}

/**
 * Asks each plugin `-classad` (FILETRANSFER_PLUGIN_CLASSAD_TIMEOUT each; all at once, at the startd's start)
 * and maps its methods to it, the list's later plugins over the earlier; a plugin that cannot be run or says
 * nothing useful is left out, with HTCondor's words in StartLog.
 */
export async function queryPlugins(paths: readonly string[], timeoutSeconds: number, log: Logger): Promise<PluginTable> {
  const table = new Map<string, TransferPlugin>();
  const answers = await Promise.all(paths.map((pluginPath) => runPluginProcess(pluginPath, ['-classad'], { cwd: '/', env: pluginEnvironment({}), timeoutSeconds })));
  for (const [i, pluginPath] of paths.entries()) {
    const { end, output } = answers[i];
    if (end.kind === 'exec-failed') {
      log.warn(`FILETRANSFER: Failed to execute ${pluginPath} -classad: ${end.message} skipping`);
      continue;
    }
    if (end.kind !== 'exit' || output.trim() === '') {
      log.warn(`FILETRANSFER: No output from ${pluginPath} -classad, ignoring.`);
      continue;
    }
    const capabilities = parseCapabilities(pluginPath, output);
    if ('error' in capabilities) {
      log.warn(`FILETRANSFER: ${capabilities.error}`);
      continue;
    }
    for (const method of capabilities.methods) table.set(method, { path: pluginPath, ...capabilities });
    log.info({ plugin: pluginPath, methods: capabilities.methods }, 'FILETRANSFER: plugin registered');
  }
  return table;
}

/** What a run's URL transfers need to know of the run. */
export interface UrlTransferRun {
  sandbox: string;
  user: JobUser | undefined;
  /** _CONDOR_JOB_AD and _CONDOR_MACHINE_AD: the run's ads in the sandbox. */
  jobAdFile: string;
  machineAdFile: string;
  log: Logger;
  /**
   * Where the run's multi-file invocations are recorded for the shadow (the starter's plugin result list):
   * an invocation ad per run of a plugin whose -outfile could be read, then its files' results, filtered.
   */
  results?: { transferClass: number; ads: ClassAd[] };
  /**
   * Has the schedd (the shadow, which holds the job's keys) presign s3:// and gs:// URLs: GET for
   * downloads, PUT for uploads. Without it such URLs go to the plugins as they are.
   */
  sign?: (verb: 'GET' | 'PUT', urls: string[]) => Promise<SignUrlsReply>;
}

/**
 * Transfers the URLs through their methods' plugins, all files of one plugin in one invocation (as
 * DoDownload defers them), in the order the methods first appear. Returns the first failure (HTCondor
 * stops at it), undefined when all arrived. `upload` sends the local files to the URLs instead.
 */
export async function transferUrls(transfers: readonly UrlTransfer[], upload: boolean, settings: PluginSettings, run: UrlTransferRun): Promise<PluginFailure | undefined> {
  const signed = await signUrls(transfers, upload, run);
  if ('failure' in signed) return signed.failure;
  const byPlugin = new Map<TransferPlugin | undefined, UrlTransfer[]>();
  for (const transfer of signed.transfers) {
    const plugin = settings.table.get((urlMethod(transfer.url) ?? '').toLowerCase());
    const files = byPlugin.get(plugin);
    if (files) files.push(transfer);
    else byPlugin.set(plugin, [transfer]);
  }
  for (const [plugin, files] of byPlugin) {
    if (plugin === undefined) {
      // DetermineFileTransferPlugin's null plugin: the job matched a machine without the method.
      return { messages: ['plugin  is not operational'], subCode: 0, url: files[0].url };
    }
    const failure = plugin.multipleFile ? await invokeMultiFile(plugin, files, upload, settings, run) : await invokeEach(plugin, files, upload, settings, run);
    if (failure) return failure;
  }
  return undefined;
}

/**
 * The transfers with their s3:// and gs:// URLs presigned (https:// URLs, which the https plugin moves), as
 * the starter has the shadow sign them; the file names stay those of the URLs as written. A URL the schedd
 * does not sign stays as it is (HTCondor's empty SignList entry). A key file the schedd could not read
 * fails the transfer with the hold it gives; a schedd that cannot be asked fails it too.
 */
async function signUrls(transfers: readonly UrlTransfer[], upload: boolean, run: UrlTransferRun): Promise<{ transfers: readonly UrlTransfer[] } | { failure: PluginFailure }> {
  const urls = [...new Set(transfers.map((t) => t.url).filter(isSignedScheme))];
  if (urls.length === 0 || run.sign === undefined) return { transfers };
  let reply: SignUrlsReply;
  try {
    reply = await run.sign(upload ? 'PUT' : 'GET', urls);
  } catch (err) {
    run.log.warn({ err, urls: urls.length }, 'the schedd did not sign the s3:// and gs:// URLs');
    return { failure: { messages: [`|Error: unable to have the access point sign the URLs: ${(err as Error).message}`], subCode: 0 } };
  }
  if ('holdReason' in reply) return { failure: { messages: [reply.holdReason], subCode: reply.subCode, holdReason: reply.holdReason } };
  const bySigned = new Map(urls.map((url, i) => [url, reply.urls[i] || url]));
  return { transfers: transfers.map((t) => ({ ...t, url: bySigned.get(t.url) ?? t.url })) };
}

async function invokeMultiFile(plugin: TransferPlugin, files: UrlTransfer[], upload: boolean, settings: PluginSettings, run: UrlTransferRun): Promise<PluginFailure | undefined> {
  const { input, output } = pluginFiles(run.sandbox, plugin.path);
  fs.writeFileSync(input, pluginInputFile(files));
  fs.writeFileSync(output, '');
  if (run.user) {
    fs.chownSync(input, run.user.uid, run.user.gid);
    fs.chownSync(output, run.user.uid, run.user.gid);
  }
  const args = ['-infile', input, '-outfile', output, ...(upload ? ['-upload'] : [])];
  // test_curl_plugin counts these lines in the starter's log.
  run.log.info(`FILETRANSFER: invoking: ${[plugin.path, ...args].join(' ')}`);
  const started = Date.now();
  const { end, output: printed } = await runPluginProcess(plugin.path, args, runOptions(settings, run));
  let results: ClassAd[] | undefined;
  try {
    results = parsePluginResults(fs.readFileSync(output, 'utf8'));
  } catch {
    results = undefined;
  }
  if (results !== undefined && run.results !== undefined && end.kind !== 'exec-failed') {
    const seconds = Math.floor(Date.now() / 1000) - Math.floor(started / 1000);
    run.results.ads.push(pluginInvocationAd(run.results.transferClass, plugin.path, files.map((f) => f.url), end, seconds), ...results.map(filterPluginResult));
  }
  const failure = judgeInvocation(plugin.path, end, results, output);
  if (failure === undefined) {
    run.log.debug({ plugin: plugin.path, output: printed }, 'FILETRANSFER: plugin succeeded');
    // As on HTCondor: a successful invocation's lists are removed; a failed one's stay for a look.
    fs.rmSync(input, { force: true });
    fs.rmSync(output, { force: true });
  } else {
    run.log.warn({ plugin: plugin.path, end, output: printed, errors: failure.messages }, 'FILETRANSFER: plugin failed');
  }
  return failure;
}

/** A plugin without MultipleFileSupport: `plugin <source> <destination>` per file, its stdout a stats ad. */
async function invokeEach(plugin: TransferPlugin, files: UrlTransfer[], upload: boolean, settings: PluginSettings, run: UrlTransferRun): Promise<PluginFailure | undefined> {
  for (const file of files) {
    const args = upload ? [file.localFileName, file.url] : [file.url, file.localFileName];
    run.log.info(`FILETRANSFER: invoking: ${[plugin.path, ...args].join(' ')}`);
    const { end, output } = await runPluginProcess(plugin.path, args, runOptions(settings, run));
    const failure = judgeSingleFileInvocation(plugin.path, end, output, file.url);
    if (failure !== undefined) {
      run.log.warn({ plugin: plugin.path, end, output }, 'FILETRANSFER: plugin failed');
      return failure;
    }
  }
  return undefined;
}

/** How a plugin runs for a run: in its sandbox, as its user, with its ads named, for at most the plugin lifetime. */
function runOptions(settings: PluginSettings, run: UrlTransferRun) {
  return {
    cwd: run.sandbox,
    env: pluginEnvironment({ _CONDOR_JOB_AD: run.jobAdFile, _CONDOR_MACHINE_AD: run.machineAdFile }),
    user: run.user,
    timeoutSeconds: settings.lifetimeSeconds,
  };
}

/**
 * The startd's plugins with the job's own (transfer_plugins, InitializeJobPlugins) over them: each arrived in
 * the sandbox as an input, and is run from there as a multi-file plugin.
 */
export function withJobPlugins(table: PluginTable, jobAd: Pick<ClassAd, 'getString'>, sandbox: string): PluginTable {
  const { plugins } = jobPlugins(jobAd.getString('TransferPlugins'));
  if (plugins.length === 0) return table;
  const merged = new Map(table);
  for (const plugin of plugins) {
    const inSandbox = path.join(sandbox, path.basename(plugin.path));
    for (const method of plugin.methods) merged.set(method, { path: inSandbox, methods: plugin.methods, multipleFile: true, protocolVersion: 2 });
  }
  return merged;
}

/** A URL input's place in the sandbox. */
export function urlDownloads(urls: readonly string[], sandbox: string): UrlTransfer[] {
  return urls.map((url) => ({ url, localFileName: path.join(sandbox, urlFileName(url)) }));
}
