// Running file-transfer plugins as HTCondor's starter does: each configured plugin asked `-classad` once
// at the startd's start (FILETRANSFER_PLUGINS), then invoked per run for the URLs of each method, as the
// job's user, with -infile/-outfile lists (multi-file plugins) or `plugin <source> <destination>`.
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import { ClassAd } from '@tinycondor/shared/classad/index';
import type { JobUser } from '@tinycondor/shared/job-user';
import { runPluginProcess } from '@tinycondor/transfer/plugin-process';
import {
  jobPlugins,
  judgeInvocation,
  parseCapabilities,
  parsePluginResults,
  pluginFiles,
  pluginInputFile,
  urlFileName,
  urlMethod,
  urlSafePrint,
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
 * Asks each plugin `-classad` (FILETRANSFER_PLUGIN_CLASSAD_TIMEOUT each) and maps its methods to it; a plugin
 * that cannot be run or says nothing useful is left out, with HTCondor's words in StartLog.
 */
export async function queryPlugins(paths: readonly string[], timeoutSeconds: number, log: Logger): Promise<PluginTable> {
  const table = new Map<string, TransferPlugin>();
  for (const pluginPath of paths) {
    const { end, output } = await runPluginProcess(pluginPath, ['-classad'], { cwd: '/', env: pluginEnvironment({}), timeoutSeconds });
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
}

/**
 * Transfers the URLs through their methods' plugins, all files of one plugin in one invocation (as
 * DoDownload defers them), in the order the methods first appear. Returns the first failure (HTCondor
 * stops at it), undefined when all arrived. `upload` sends the local files to the URLs instead.
 */
export async function transferUrls(transfers: readonly UrlTransfer[], upload: boolean, settings: PluginSettings, run: UrlTransferRun): Promise<PluginFailure | undefined> {
  const byPlugin = new Map<TransferPlugin | undefined, UrlTransfer[]>();
  for (const transfer of transfers) {
    const plugin = settings.table.get((urlMethod(transfer.url) ?? '').toLowerCase());
    byPlugin.set(plugin, [...(byPlugin.get(plugin) ?? []), transfer]);
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
  const { end, output: printed } = await runPluginProcess(plugin.path, args, {
    cwd: run.sandbox,
    env: pluginEnvironment({ _CONDOR_JOB_AD: run.jobAdFile, _CONDOR_MACHINE_AD: run.machineAdFile }),
    user: run.user,
    timeoutSeconds: settings.lifetimeSeconds,
  });
  let results: ClassAd[] | undefined;
  try {
    results = parsePluginResults(fs.readFileSync(output, 'utf8'));
  } catch {
    results = undefined;
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
    const { end, output } = await runPluginProcess(plugin.path, args, {
      cwd: run.sandbox,
      env: pluginEnvironment({ _CONDOR_JOB_AD: run.jobAdFile, _CONDOR_MACHINE_AD: run.machineAdFile }),
      user: run.user,
      timeoutSeconds: settings.lifetimeSeconds,
    });
    if (end.kind === 'exit' && end.code === 0) continue;
    if (end.kind === 'exec-failed') return judgeInvocation(plugin.path, end, undefined, '');
    if (end.kind === 'timeout') return { messages: [`File transfer plugin ${plugin.path} timed out after ${end.seconds} seconds.`], subCode: 62, url: file.url };
    const stats = statsAd(output);
    const error = stats.getString('TransferError') ?? `File transfer plugin ${plugin.path} exited unexpectedly without producing an error message `;
    const url = stats.getString('TransferUrl') ?? '';
    const how = end.kind === 'signal' ? `exit by signal ${end.signal}` : `non-zero exit (${end.code})`;
    run.log.warn({ plugin: plugin.path, end, output }, 'FILETRANSFER: plugin failed');
    return { messages: [`${how} from ${plugin.path}. |Error: ${error} ( URL file = ${urlSafePrint(url)} )|`], subCode: end.kind === 'signal' ? end.signal : end.code << 8, url: file.url };
  }
  return undefined;
}

/** A single-file plugin's stdout: `Name = value` lines; lines that do not parse are skipped, as HTCondor does. */
function statsAd(output: string): ClassAd {
  const ad = new ClassAd();
  for (const line of output.split(/\r?\n/)) {
    try {
      const parsed = ClassAd.parseText(line);
      for (const name of parsed.names()) ad.insert(name, parsed.get(name)!);
    } catch {
      continue;
    }
  }
  return ad;
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
