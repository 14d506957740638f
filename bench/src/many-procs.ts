import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expandProcs, parseSubmitFile } from '@tinycondor/shared/submit/index';
import { probeFile } from '@tinycondor/shared/submit/file-probe';
import { binDir, processCpuMs, startPool, timeCommandCpu } from './pool.js';
import type { Benchmark } from './types.js';

const PROCS = 100_000;
const SUBMIT = `executable = /bin/true\ntransfer_executable = false\nrequirements = false\noutput = out.$(Process)\nqueue ${PROCS}\n`;

function rssMb(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
}

/** The same rows written straight into SQLite in one transaction: the floor for storing the queue. */
function bulkInsertMs(dir: string): number {
  const ctx = { fileName: 'many.sub', submitDir: dir, env: {}, owner: os.userInfo().username, readFile: () => '', listDir: () => [], probeFile, runCommand: () => ({ stdout: '', exitCode: 0 }) };
  const rows = expandProcs(parseSubmitFile(SUBMIT, ctx), 1, ctx).map((ad) => JSON.stringify(ad.toJSON()));
  const db = new Database(path.join(dir, 'baseline.sqlite'));
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE jobs (cluster_id INTEGER, proc_id INTEGER, status INTEGER, ad TEXT, PRIMARY KEY (cluster_id, proc_id)) WITHOUT ROWID');
  const insert = db.prepare('INSERT INTO jobs VALUES (1, ?, 1, ?)');
  const start = performance.now();
  db.transaction(() => rows.forEach((ad, proc) => insert.run(proc, ad)))();
  const elapsed = performance.now() - start;
  db.close();
  return elapsed;
}

export const manyProcs: Benchmark = {
  name: 'many-procs',
  title: `${PROCS} procs in one cluster`,
  goal: 'submit ≤ 5 s; condor_q -totals ≤ 0.5 s; schedd RSS ≤ 300 MB',
  async run() {
    const pool = await startPool({ startds: 1, cpus: 1 });
    try {
      fs.writeFileSync(path.join(pool.dir, 'many.sub'), SUBMIT);
      const pid = pool.process.pid as number;
      const scheddCpuBefore = processCpuMs(pid);
      const submit = timeCommandCpu(path.join(binDir, 'condor_submit.js'), ['-terse', path.join(pool.dir, 'many.sub')], pool.env);
      const scheddCpu = processCpuMs(pid) - scheddCpuBefore;
      const totals = timeCommandCpu(path.join(binDir, 'condor_q.js'), ['-totals'], pool.env);
      const submitMs = submit.wallMs;
      const totalsMs = totals.wallMs;
      const rss = rssMb(pid);
      const baseline = bulkInsertMs(pool.dir);
      return {
        value: submitMs / 1000,
        unit: 's to submit',
        baseline: { label: 'SQLite bulk insert of the same rows', value: baseline / 1000, unit: 's' },
        goalMet: submitMs <= 5000 && totalsMs <= 500 && rss <= 300,
        notes:
          `condor_q -totals ${(totalsMs / 1000).toFixed(2)} s; schedd RSS ${rss.toFixed(0)} MB; ` +
          `CPU: condor_submit ${(submit.cpuMs / 1000).toFixed(2)} s, schedd ${(scheddCpu / 1000).toFixed(2)} s (until condor_submit returned)`,
      };
    } finally {
      await pool.stop();
    }
  },
};

const LATE_PROCS = 1_000_000;
const LATE_LIMIT = 1_000;
const LATE_SUBMIT = `executable = /bin/true\ntransfer_executable = false\nrequirements = false\noutput = out.$(Process)\nmax_materialize = ${LATE_LIMIT}\nqueue ${LATE_PROCS}\n`;

/** Late materialization: a million procs cost what the thousand materialized cost (and a submit digest). */
export const lateMaterialization: Benchmark = {
  name: 'late-materialization',
  title: `${LATE_PROCS} procs in one cluster with max_materialize = ${LATE_LIMIT}`,
  goal: 'report condor_submit wall time and schedd RSS after submit, beside many-procs',
  async run() {
    const pool = await startPool({ startds: 1, cpus: 1 });
    try {
      fs.writeFileSync(path.join(pool.dir, 'late.sub'), LATE_SUBMIT);
      const pid = pool.process.pid as number;
      const rssBefore = rssMb(pid);
      const scheddCpuBefore = processCpuMs(pid);
      const submit = timeCommandCpu(path.join(binDir, 'condor_submit.js'), ['-terse', path.join(pool.dir, 'late.sub')], pool.env);
      const scheddCpu = processCpuMs(pid) - scheddCpuBefore;
      const totals = timeCommandCpu(path.join(binDir, 'condor_q.js'), ['-totals'], pool.env);
      const rss = rssMb(pid);
      return {
        value: submit.wallMs / 1000,
        unit: 's to submit',
        goalMet: true,
        notes:
          `schedd RSS ${rss.toFixed(0)} MB after submit (${rssBefore.toFixed(0)} MB before); condor_q -totals ${(totals.wallMs / 1000).toFixed(2)} s; ` +
          `CPU: condor_submit ${(submit.cpuMs / 1000).toFixed(2)} s, schedd ${(scheddCpu / 1000).toFixed(2)} s (until condor_submit returned)`,
      };
    } finally {
      await pool.stop();
    }
  },
};
