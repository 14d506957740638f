import os from 'node:os';
import path from 'node:path';
import t from 'tap';
import type { ProcOverlay } from '@tinycondor/shared/cluster-ad';
import { HoldCode } from '@tinycondor/shared/job-status';
import { orderKey } from '@tinycondor/shared/job-order';
import { ProcAdView } from '@tinycondor/shared/proc-ad-view';
import pino from 'pino';
import { parseCondorConfig } from '@tinycondor/shared/condor-config';
import { DEFAULT_JOB_ATTR_RULES, jobAttrRules } from '@tinycondor/shared/job-edit';
import { queueAccess } from '@tinycondor/shared/queue-access';
import { queueCaller } from './caller.js';
import { CommitRefused, SubmitRejected } from './job-store.js';
import { JobTransforms } from './job-transforms.js';
import { PoolFileGuard } from './pool-file-guard.js';
import type { SpoolStore } from './spool-store.js';
import { submitEvents, submittedClusterAd, SubmittedProcs, withoutSecureAttributes, type SecureAttributes } from './submission.js';
import { scheddAd, SubmitRequirementNotMet, SubmitRequirements } from './submit-requirements.js';

const poolRoot = path.join(os.tmpdir(), 'tinycondor-submission-test-pool');
const secure: SecureAttributes = { rules: DEFAULT_JOB_ATTR_RULES, ignored: () => {} };
const context = { scheddName: 'schedd@host', spool: {} as SpoolStore, fileGuard: new PoolFileGuard(poolRoot), now: new Date(1_700_000_000_000), secure };
const accessOf = (knobs: Record<string, string>) => queueAccess((name) => knobs[name], 'condor', 'localhost');
const alice = queueCaller(accessOf({}), 'alice', false);
const common = { ClusterId: '7', Cmd: '"/bin/true"', Iwd: '"/home/alice"', Owner: '"alice"', JobStatus: '1', QDate: '1700000000' };

function read(procs: ProcOverlay[], caller = alice) {
  const cluster = submittedClusterAd(common, procs.length);
  const submission = new SubmittedProcs(7, cluster, procs, caller, context);
  return { rows: [...submission.rows()], submission };
}

t.test('procs are stored with the schedd\'s GlobalJobId; the idle ones are told', async (t) => {
  const { rows, submission } = read([{ ProcId: '0', GlobalJobId: '"forged"' }, { ProcId: '1', JobStatus: '5', JobPrio: '3' }, { ProcId: '2', JobPrio: '4' }]);
  t.same(rows.map((r) => r.overlay.GlobalJobId), ['"schedd@host#7.0#1700000000"', '"schedd@host#7.1#1700000000"', '"schedd@host#7.2#1700000000"']);
  const at = (prio: number, proc: number) => ({ key: orderKey([0, 0, prio, 0, 0]), cluster: 7, proc });
  t.same(submission.idle, [['7.0', at(0, 0), 'alice'], ['7.2', at(4, 2), 'alice']]);
  t.same(submission.bestIdlePlaces, [{ place: at(4, 2), submitter: 'alice' }]);
});

t.test('each refusal names the proc and what is wrong', async (t) => {
  const refused = (procs: ProcOverlay[], pattern: RegExp, caller = alice) => t.throws(() => read(procs, caller), pattern);
  t.throws(() => submittedClusterAd(common, 0), new SubmitRejected('a cluster needs at least one proc'));
  refused([{ ProcId: '0', ClusterId: '8' }], /^proc 0: ClusterId 8 does not match cluster 7$/);
  refused([{ ProcId: '0' }, { ProcId: '0' }], /^proc 1: ProcId missing, negative or repeated$/);
  refused([{ ProcId: '0', JobStatus: '2' }], /^proc 0: JobStatus must be 1 \(idle\) or 5 \(held\)$/);
  refused([{ ProcId: '0', Cmd: null }], /^proc 0: attribute Cmd is missing or not a string$/);
  refused([{ ProcId: '0', Owner: '"bob"' }], /^proc 0: Owner "bob" is not the submitting user alice$/);
  refused([{ ProcId: '0', UserLog: JSON.stringify(path.join(poolRoot, 'spool', 'job_queue.sqlite')) }], /^proc 0: UserLog .* is inside the pool's own directory/);
  t.doesNotThrow(() => read([{ ProcId: '0', Owner: '"bob"' }], queueCaller(accessOf({}), 'root', true)), 'a queue superuser submits for anyone');
  const impersonating = accessOf({ QUEUE_SUPER_USER_MAY_IMPERSONATE: '^b' });
  t.doesNotThrow(() => read([{ ProcId: '0', Owner: '"bob"' }], queueCaller(impersonating, 'root', true)), 'for the owners QUEUE_SUPER_USER_MAY_IMPERSONATE matches');
  refused([{ ProcId: '0', Owner: '"carol"' }], /^proc 0: Owner "carol" is not the submitting user root$/, queueCaller(impersonating, 'root', true));
  t.doesNotThrow(() => read([{ ProcId: '0', Owner: '"bob"' }], queueCaller(accessOf({ QUEUE_ALL_USERS_TRUSTED: 'true' }), 'alice', false)), 'anyone, for anyone, when all users are trusted');
});

t.test('secure attributes: dropped quietly from the cluster ad and each proc, or refused as a failed commit', async (t) => {
  const notes: string[] = [];
  const ignoring: SecureAttributes = { rules: DEFAULT_JOB_ATTR_RULES, ignored: (note) => notes.push(note) };
  const sent = { Cmd: '"/bin/true"', AuthTokenId: '"x"', x509UserProxyEmail: '"e"' };
  t.same(withoutSecureAttributes(sent, '7.-1', ignoring), { Cmd: '"/bin/true"' });
  t.same(sent, { Cmd: '"/bin/true"', AuthTokenId: '"x"', x509UserProxyEmail: '"e"' }, 'the ad sent is left as it was');
  t.same(notes, ['SetAttribute attempt to edit secure attribute AuthTokenId in job 7.-1. Ignoring!', 'SetAttribute attempt to edit secure attribute x509UserProxyEmail in job 7.-1. Ignoring!']);
  const plain = { Cmd: '"/bin/true"' };
  t.equal(withoutSecureAttributes(plain, '7.-1', ignoring), plain, 'an ad without one is not copied');
  const cluster = submittedClusterAd(common, 2);
  const procs = new SubmittedProcs(7, cluster, [{ ProcId: '0' }, { ProcId: '1', authtokenid: '"y"', JobPrio: '2' }], alice, { ...context, secure: ignoring });
  t.same([...procs.rows()].map((row) => [row.overlay.authtokenid, row.overlay.JobPrio]), [[undefined, undefined], [undefined, '2']]);
  t.equal(notes[2], 'SetAttribute attempt to edit secure attribute authtokenid in job 7.1. Ignoring!', 'without regard to case');

  const config = parseCondorConfig('JOB_TRANSFORM_NAMES = Token\nJOB_TRANSFORM_Token @=end\nSET AuthTokenIssuer "transform"\nSET Foo 1\n@end\n', 'c');
  const transforms = new JobTransforms(() => config, pino({ level: 'silent' }), () => ({}));
  const transformed = new SubmittedProcs(7, cluster, [{ ProcId: '0' }], alice, { ...context, secure: ignoring, transforms });
  t.same([...transformed.rows()].map((row) => [row.overlay.AuthTokenIssuer, row.overlay.Foo]), [[undefined, '1']], "a job transform's too");
  t.equal(notes[3], 'SetAttribute attempt to edit secure attribute AuthTokenIssuer in job 7.0. Ignoring!');

  const refusing: SecureAttributes = { rules: jobAttrRules((name) => (name === 'IGNORE_ATTEMPTS_TO_SET_SECURE_JOB_ATTRS' ? 'false' : undefined)), ignored: () => t.fail('not ignored') };
  t.throws(() => withoutSecureAttributes(sent, '7.-1', refusing), new CommitRefused('Attempt to edit secure attribute AuthTokenId in job 7.-1. Failing!'));
  const refused = new SubmittedProcs(7, cluster, [{ ProcId: '0' }, { ProcId: '1', AuthTokenId: '"y"' }], alice, { ...context, secure: refusing });
  t.throws(() => [...refused.rows()], new CommitRefused('Attempt to edit secure attribute AuthTokenId in job 7.1. Failing!'));
  const failing = new SubmittedProcs(7, cluster, [{ ProcId: '0' }], alice, { ...context, secure: refusing, transforms });
  t.throws(() => [...failing.rows()], new SubmitRejected('proc 0: Failed to apply a required job transform (Attempt to edit secure attribute AuthTokenIssuer in job 7.0. Failing!).'));
});

t.test('submit events: 000, and 012 for a proc submitted on hold but not one held for its spooled input', async (t) => {
  const view = (overlay: ProcOverlay) => new ProcAdView(submittedClusterAd(common, 1), { ProcId: '0', ...overlay });
  t.same(submitEvents(view({}), 7, context.now, '<h:1>').map((e) => e.code), [0]);
  const held = submitEvents(view({ JobStatus: '5', HoldReason: '"submitted on hold"', HoldReasonCode: String(HoldCode.SubmittedOnHold) }), 7, context.now, '<h:1>');
  t.same(held.map((e) => e.code), [0, 12]);
  t.match(held[1], { reason: 'submitted on hold', reasonCode: HoldCode.SubmittedOnHold });
  t.same(submitEvents(view({ JobStatus: '5', HoldReasonCode: String(HoldCode.SpoolingInput) }), 7, context.now, '<h:1>').map((e) => e.code), [0]);
  t.match(submitEvents(view({ SubmitEventNotes: '"system"', SubmitEventUserNotes: '"pool:local"' }), 7, context.now, '<h:1>')[0], { logNotes: 'system', userNotes: 'pool:local', structuredNotes: undefined });
  const [structured] = submitEvents(view({ SubmitEventNotesAttrs: '"JobPrio, Nope Ratio,JobPrio"', JobPrio: '2 + 1', Ratio: '0.5', JobBatchName: '"b"' }), 7, context.now, '<h:1>');
  t.same(
    (structured as { structuredNotes?: unknown }).structuredNotes,
    [['JobPrio', 3], ['Ratio', { real: 0.5 }], ['JobBatchName', 'b']],
    'the attributes named, then DAGNodeName and JobBatchName, evaluated; undefined ones and repeats left out',
  );
});

t.test('submit requirements: one not met refuses the whole submission with its words; warnings are kept, each proc\'s for its event', async (t) => {
  const config = parseCondorConfig(
    [
      'SUBMIT_REQUIREMENT_NAMES = Prio Memory',
      'SUBMIT_REQUIREMENT_Prio = JobPrio =?= undefined',
      'SUBMIT_REQUIREMENT_Prio_REASON = strcat("JobPrio ", JobPrio, " will be refused")',
      'SUBMIT_REQUIREMENT_Prio_IS_WARNING = true',
      'SUBMIT_REQUIREMENT_Memory = RequestMemory =?= undefined || RequestMemory < 100',
      '',
    ].join('\n'),
    'c',
  );
  const requirements = { check: new SubmitRequirements(() => config, pino({ level: 'silent' }), () => ({})), scheddAd: scheddAd({ name: 'schedd@host', sinfulAddress: '' }) };
  const cluster = submittedClusterAd(common, 3);
  const submission = new SubmittedProcs(7, cluster, [{ ProcId: '0' }, { ProcId: '1', JobPrio: '3' }, { ProcId: '2', JobPrio: '4' }], alice, { ...context, requirements });
  const rows = [...submission.rows()];
  t.equal(rows.length, 3);
  t.equal(submission.warningsOf(0), undefined);
  t.equal(submission.warningsOf(1), 'QMGMT:0:JobPrio 3 will be refused');
  t.equal(submission.warningsOf(1), undefined, 'taken once');
  t.equal(submission.warnings.text(), 'QMGMT:0:JobPrio 4 will be refused|QMGMT:0:JobPrio 3 will be refused');
  const refused = new SubmittedProcs(7, cluster, [{ ProcId: '0' }, { ProcId: '1', RequestMemory: '500' }, { ProcId: '2' }], alice, { ...context, requirements });
  t.throws(() => [...refused.rows()], new SubmitRequirementNotMet('Submit requirement Memory not met.\n', -1));
});
