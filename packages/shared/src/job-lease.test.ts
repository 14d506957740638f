import t from 'tap';
import { ClassAd } from './classad/index.js';
import {
  DISCONNECTED_REASON,
  RECONNECT_NOT_SUPPORTED,
  SCHEDD_RESTARTED_REASON,
  ALIVE_INTERVAL_SECONDS,
  aliveInterval,
  jobLeaseSeconds,
  leaseExpiredReason,
  leaseRemainingMs,
  onScheddRestart,
  onStartdLost,
  type LeaseDecision,
} from './job-lease.js';
import { runDisconnected, runReconnected, runReconnectFailed } from './job-state.js';
import { JobStatus, VacateCode } from './job-status.js';

const NOW_S = 1_800_000_000;
const NOW = NOW_S * 1000;
const ad = (attrs: Record<string, string>) => ClassAd.fromJSON({ ClusterId: '3', ProcId: '1', JobStatus: '2', JobCurrentStartDate: String(NOW_S - 500), ...attrs });

t.test('JobLeaseDuration as LookupInteger reads it', async (t) => {
  const table: [string | undefined, number | undefined][] = [
    ['2400', 2400],
    ['20 * 3', 60],
    ['59.9', 59],
    ['0', 0],
    ['-5', -5],
    ['"ten"', undefined],
    ['undefined', undefined],
    [undefined, undefined],
  ];
  for (const [expr, seconds] of table) t.equal(jobLeaseSeconds(ad(expr === undefined ? {} : { JobLeaseDuration: expr })), seconds, String(expr));
  t.equal(leaseExpiredReason(ad({ JobLeaseDuration: '50' })), 'Job disconnected too long: JobLeaseDuration (50 seconds) expired', 'as test_condor.log has it');
});

t.test("a startd's channel closes (RemoteResource::disconnectClaimSock)", async (t) => {
  const table: [Record<string, string>, LeaseDecision][] = [
    [{ JobLeaseDuration: '2400' }, { kind: 'reconnect', remainingMs: 2_400_000, reason: DISCONNECTED_REASON }],
    [{ JobLeaseDuration: '20' }, { kind: 'reconnect', remainingMs: 20_000, reason: DISCONNECTED_REASON }],
    [{ JobLeaseDuration: '0' }, { kind: 'fail', reason: RECONNECT_NOT_SUPPORTED }],
    [{ JobLeaseDuration: '-1' }, { kind: 'fail', reason: RECONNECT_NOT_SUPPORTED }],
    [{}, { kind: 'fail', reason: RECONNECT_NOT_SUPPORTED }],
  ];
  for (const [attrs, decision] of table) t.same(onStartdLost(ad(attrs)), decision, JSON.stringify(attrs));
});

t.test('the schedd restarts with a run in its queue (mark_idle, jobLeaseIsValid)', async (t) => {
  const table: [Record<string, string>, LeaseDecision][] = [
    [{ JobLeaseDuration: '2400', LastJobLeaseRenewal: String(NOW_S - 100) }, { kind: 'reconnect', remainingMs: 2_300_000, reason: SCHEDD_RESTARTED_REASON }],
    [{ JobLeaseDuration: '20', LastJobLeaseRenewal: String(NOW_S - 19) }, { kind: 'reconnect', remainingMs: 1000, reason: SCHEDD_RESTARTED_REASON }],
    [{ JobLeaseDuration: '20', LastJobLeaseRenewal: String(NOW_S - 20) }, { kind: 'stop' }],
    [{ JobLeaseDuration: '20', LastJobLeaseRenewal: String(NOW_S - 300) }, { kind: 'stop' }],
    [{ JobLeaseDuration: '0', LastJobLeaseRenewal: String(NOW_S) }, { kind: 'stop' }],
    [{ JobLeaseDuration: '2400' }, { kind: 'stop' }],
    [{ LastJobLeaseRenewal: String(NOW_S) }, { kind: 'stop' }],
  ];
  for (const [attrs, decision] of table) t.same(onScheddRestart(ad(attrs), NOW + 999), decision, JSON.stringify(attrs));
});

t.test("the lease left on the execute side, from the last contact (JICShadow::syscall_sock_disconnect)", async (t) => {
  const table: [Record<string, string>, number, number][] = [
    [{ JobLeaseDuration: '60' }, NOW, 60_000],
    [{ JobLeaseDuration: '60' }, NOW - 15_000, 45_000],
    [{ JobLeaseDuration: '60' }, NOW - 90_000, 0],
    [{ JobLeaseDuration: '0' }, NOW, 0],
    [{}, NOW, 0],
  ];
  for (const [attrs, lastContact, left] of table) t.equal(leaseRemainingMs(ad(attrs), lastContact, NOW), left, `${JSON.stringify(attrs)} ${NOW - lastContact} ms ago`);
});

t.test('the alive interval: ALIVE_INTERVAL, shortened to a third of a lease, 10 s at least, never longer again (RecomputeAliveInterval)', async (t) => {
  const table: [Record<string, string>, number, number][] = [
    [{ JobLeaseDuration: '2400' }, ALIVE_INTERVAL_SECONDS, 300],
    [{ JobLeaseDuration: '600' }, ALIVE_INTERVAL_SECONDS, 200],
    [{ JobLeaseDuration: '60' }, ALIVE_INTERVAL_SECONDS, 20],
    [{ JobLeaseDuration: '20' }, ALIVE_INTERVAL_SECONDS, 10],
    [{ JobLeaseDuration: '2400' }, 20, 20],
    [{ JobLeaseDuration: '0' }, ALIVE_INTERVAL_SECONDS, 300],
    [{}, 15, 15],
  ];
  for (const [attrs, current, interval] of table) t.equal(aliveInterval(ad(attrs), current), interval, `${JSON.stringify(attrs)} from ${current}`);
});

t.test('events 022, 023 and 024 as the shadow and the schedd write them', async (t) => {
  const now = new Date(NOW);
  const disconnected = runDisconnected(ad({ JobLeaseDuration: '20' }), { now, reason: DISCONNECTED_REASON, startdName: 'slot1@node', startdAddr: '<127.0.0.1:9>', setDate: true });
  t.same(disconnected.events, [{ code: 22, cluster: 3, proc: 1, time: now, reason: DISCONNECTED_REASON, startdName: 'slot1@node', startdAddr: '<127.0.0.1:9>' }]);
  t.equal(disconnected.ad.getInt('JobDisconnectedDate'), NOW_S);
  t.equal(disconnected.ad.getInt('JobStatus'), JobStatus.Running, 'still running');
  const restarted = runDisconnected(ad({}), { now, reason: SCHEDD_RESTARTED_REASON, startdName: 'slot1@node', startdAddr: '<127.0.0.1:9>', setDate: false });
  t.notOk(restarted.ad.has('JobDisconnectedDate'), "the schedd's own 022 sets no date");

  const back = runReconnected(disconnected.ad, { now, startdName: 'slot1@node', startdAddr: '<127.0.0.1:9>' });
  t.same(back.events, [{ code: 23, cluster: 3, proc: 1, time: now, startdName: 'slot1@node', startdAddr: '<127.0.0.1:9>', starterAddr: '<127.0.0.1:9>' }]);
  t.equal(back.ad.getInt('NumJobReconnects'), 1);
  t.notOk(back.ad.has('JobDisconnectedDate'));

  const reason = leaseExpiredReason(disconnected.ad);
  const failed = runReconnectFailed(disconnected.ad, { now, reason, startdName: 'slot1@node', afterRestart: false });
  t.same(
    failed.events.map((e) => e.code),
    [24, 4],
    'a shadow that was connected evicts the job',
  );
  t.match(failed.events[0], { reason, startdName: 'slot1@node' });
  t.match(failed.events[1], { reason, reasonCode: VacateCode.ReconnectFailed });
  t.equal(failed.ad.getInt('JobStatus'), JobStatus.Idle);
  t.equal(failed.ad.getInt('VacateReasonCode'), 1008);
  t.notOk(failed.ad.has('JobDisconnectedDate'));
  const afterRestart = runReconnectFailed(restarted.ad, { now, reason, startdName: 'slot1@node', afterRestart: true });
  t.same(
    afterRestart.events.map((e) => e.code),
    [24],
    'one started to reconnect after a restart exits with JOB_RECONNECT_FAILED: no 004',
  );
  t.equal(afterRestart.ad.getInt('JobStatus'), JobStatus.Idle);
});
