import fs from 'node:fs';
import { bigCheckpointManyFiles, bigCheckpointOneFile, destinationCheckpointManyFiles, destinationCheckpointOneFile } from './big-checkpoint.js';
import { checkpointRestart } from './checkpoint-restart.js';
import { containerJobs } from './containers.js';
import { checkpointIncremental } from './incremental-checkpoint.js';
import { poolReady, scheddIdle } from './idle.js';
import { submitLatencyCli, submitLatencyRest } from './latency.js';
import { lateMaterialization, manyProcs } from './many-procs.js';
import { manyStartds, scheddPath } from './many-startds.js';
import { startdPath } from './startd-path.js';
import { slurmSideBySide } from './slurm.js';
import { quantile } from './stats.js';
import { throughput } from './throughput.js';
import type { Benchmark, BenchmarkResult } from './types.js';

const BENCHMARKS: Benchmark[] = [submitLatencyRest, submitLatencyCli, throughput, checkpointRestart, bigCheckpointOneFile, bigCheckpointManyFiles, destinationCheckpointOneFile, destinationCheckpointManyFiles, checkpointIncremental, manyProcs, lateMaterialization, manyStartds, scheddPath, startdPath, poolReady, scheddIdle, slurmSideBySide, containerJobs];

function format(value: number, unit: string): string {
  return `${value.toFixed(value >= 100 ? 0 : 1)} ${unit}`;
}

/** `npm run bench [-- NAME...] [--json FILE]`: runs the benchmarks, prints each figure beside its baseline. */
async function main(args: string[]): Promise<number> {
  const jsonAt = args.indexOf('--json');
  const jsonFile = jsonAt >= 0 ? args[jsonAt + 1] : undefined;
  const names = args.filter((a, i) => !a.startsWith('--') && (jsonAt < 0 || i !== jsonAt + 1));
  const unknown = names.filter((n) => !BENCHMARKS.some((b) => b.name === n));
  if (unknown.length > 0) {
    process.stderr.write(`unknown benchmark(s): ${unknown.join(', ')}; known: ${BENCHMARKS.map((b) => b.name).join(', ')}\n`);
    return 2;
  }
  const selected = names.length === 0 ? BENCHMARKS : BENCHMARKS.filter((b) => names.includes(b.name));
  const results: Record<string, BenchmarkResult & { title: string; goal: string }> = {};
  for (const bench of selected) {
    process.stdout.write(`\n${bench.name}: ${bench.title}\n`);
    const result = await bench.run();
    results[bench.name] = { ...result, title: bench.title, goal: bench.goal };
    const spread = result.samples ? ` (p10 ${format(quantile(result.samples, 0.1), result.unit)}, p90 ${format(quantile(result.samples, 0.9), result.unit)}, n=${result.samples.length})` : '';
    process.stdout.write(`  figure:   ${format(result.value, result.unit)}${spread}\n`);
    if (result.baseline) {
      process.stdout.write(`  baseline: ${format(result.baseline.value, result.baseline.unit)} (${result.baseline.label})\n`);
      process.stdout.write(`  ratio:    ${(result.value / result.baseline.value).toFixed(2)}× the baseline\n`);
    }
    process.stdout.write(`  goal:     ${bench.goal} — ${result.goalMet ? 'met' : 'NOT met'}\n`);
    if (result.notes) process.stdout.write(`  notes:    ${result.notes}\n`);
  }
  if (jsonFile) fs.writeFileSync(jsonFile, JSON.stringify(results, null, 2) + '\n');
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`${(err as Error).stack ?? String(err)}\n`);
    process.exit(1);
  },
);
