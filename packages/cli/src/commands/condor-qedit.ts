import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { oldSyntaxToStorage } from '@tinycondor/shared/classad/index';
import { jobAttrRules } from '@tinycondor/shared/job-edit';
import { CliError, type Command, type CommandIo } from '../cli-error.js';
import { loadPoolConfig, onlyMyJobsByDefault } from '../pool-config.js';
import { diagnosticReport, editsFromFile, parseQeditArgs, protectedEditErrors, QEDIT_USAGE, sortedEdits, storedEditValue, type QeditRequest } from '../qedit-args.js';
import { connectSchedd } from '../schedd-connection.js';

const ABORTED = 'Transaction failed.  No attributes were set.';

/**
 * condor_qedit: sets attributes of queued jobs, named by id, cluster or owner or by a constraint, in one
 * transaction, as HTCondor's does: its messages, its refusal of immutable and secure attributes (as its
 * configuration lists them: IMMUTABLE_JOB_ATTRS, SECURE_JOB_ATTRS and their SYSTEM_ lists), its exit codes.
 */
export const condorQedit: Command = async (args, io) => {
  const parsed = parseQeditArgs(args);
  if ('usage' in parsed) {
    if (parsed.usage === 0) {
      io.stdout(QEDIT_USAGE);
      return 0;
    }
    io.stderr(`${parsed.message ?? ''}${QEDIT_USAGE}`);
    return 1;
  }
  if ('error' in parsed) throw new CliError(parsed.abort ? `${parsed.error}\n${ABORTED}` : parsed.error);
  if ('diagnostic' in parsed) {
    const report = parsed.diagnostic;
    for (const error of report.errors) io.stderr(`${error}\n`);
    const edits = await withFileEdits(report.edits, report.editsFile, io);
    const pool = loadPoolConfig(io.env, io.stderr);
    io.stdout(diagnosticReport({ ...report, onlyMyJobs: report.onlyMyJobs && onlyMyJobsByDefault(pool, io.stderr) }, edits, jobAttrRules(pool.value)));
    return 0;
  }
  const request = parsed.edit;
  const edits = await withFileEdits(request.edits, request.editsFile, io);
  const pool = loadPoolConfig(io.env, io.stderr);
  const refused = protectedEditErrors(edits, jobAttrRules(pool.value));
  if (refused.length > 0) throw new CliError(`${refused.join('\n')}\n${ABORTED}`);
  const stored = edits.map(([name, value]) => {
    const storedValue = storedEditValue(value);
    if (storedValue === undefined) throw new CliError(`Update aborted, illegal value for : ${name}\n${ABORTED}`);
    return { name, value: storedValue };
  });

  const api = connectSchedd(pool);
  const reply = await api.edit({
    ...(request.jobs ? { jobs: request.jobs } : { constraint: request.constraint === undefined ? undefined : oldSyntaxToStorage(request.constraint) }),
    onlyMyJobs: request.onlyMyJobs && onlyMyJobsByDefault(pool, io.stderr),
    edits: stored,
    dryRun: request.dryRun,
    ...(request.forward ? { forward: true } : {}),
    user: os.userInfo().username,
  });
  const tag = request.dryRun ? 'Can ' : '';
  for (const { attribute, jobs } of reply.set) io.stdout(`${tag}Set attribute "${attribute}" for ${jobs > 0 ? jobs : 'all'} matching jobs.\n`);
  if (reply.failed) {
    const { attribute, job } = reply.failed;
    io.stderr(job === undefined ? `Failed to set attribute "${attribute}" by constraint: ${request.constraint}\n` : `Failed to set attribute "${attribute}" for job ${job}.\n`);
    io.stderr('Queue transaction failed.  No attributes were set.\n');
    return 1;
  }
  return 0;
};

/** The command line's edits with those of a `-edits` file (read from `-`: stdin) merged in. */
async function withFileEdits(edits: [string, string][], editsFile: QeditRequest['editsFile'], io: CommandIo): Promise<[string, string][]> {
  if (!editsFile) return edits;
  const { file, format } = editsFile;
  let text: string;
  try {
    text = file === '-' ? await io.readStdin() : fs.readFileSync(path.resolve(io.cwd, file), 'utf8');
  } catch {
    throw new CliError(`Can't open file of edits: ${file}`);
  }
  let fromFile: Map<string, string>;
  try {
    fromFile = editsFromFile(text, format, file);
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  return sortedEdits(new Map([...edits, ...fromFile]));
}
