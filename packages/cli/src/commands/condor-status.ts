import { ClassAd, isTrue, oldSyntaxToStorage } from '@tinycondor/shared/classad/index';
import { CliError, type Command } from '../cli-error.js';
import { formatStatus, formatStatusTotals } from '../format/index.js';
import { commonView } from '../format/query-view.js';
import { loadPoolConfig } from '../pool-config.js';
import { toolEvalContext } from '../tool-user-maps.js';
import { parseQueryArgs } from '../query-args.js';
import { connectSchedd } from '../schedd-connection.js';

const USAGE = 'Usage: condor_status [-af <attr>... | -format <fmt> <attr> | -json | -long | -total] [-constraint <expr>]';

/** condor_status: the slots of the startds connected to the pool's schedd. */
export const condorStatus: Command = async (args, io) => {
  // HTCondor's condor_status has no analysis (status.cpp: "Unknown option"); condor_q's -reverse has it.
  const analyze = args.find((arg) => /^--?(better-)?analy[sz]e(:|$)/i.test(arg));
  if (analyze !== undefined) throw new CliError(`Error:  Unknown option ${analyze} (condor_status has no analysis: condor_q -better-analyze -reverse analyses the slots' START against the jobs)`);
  const query = parseQueryArgs(args, USAGE);
  if (query.jobs.length > 0) throw new CliError(`ERROR: condor_status takes no job ids\n${USAGE}`);
  const pool = loadPoolConfig(io.env, io.stderr);
  const api = connectSchedd(pool);
  const reply = await api.status();
  let ads = reply.ads.map((stored) => ClassAd.fromJSON(stored));
  // A -constraint is read in old ClassAd syntax (status.cpp: ParseClassAdRvalExpr).
  for (const constraint of query.constraints) ads = ads.filter((ad) => isTrue(ad.evaluateExpr(oldSyntaxToStorage(constraint))));
  if (query.owners.length > 0) ads = ads.filter((ad) => query.owners.some((o) => [ad.getString('Name'), ad.getString('Machine'), ad.getString('StartdName')].includes(o)));
  io.stdout(commonView(query, ads, toolEvalContext('TOOL', io, () => pool.config)) ?? (query.view === 'totals' ? formatStatusTotals(ads) : formatStatus(ads, { now: new Date() })));
  return 0;
};
