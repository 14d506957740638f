import t from 'tap';
import { actionSelects, actionWord, emptyTotals, resultString, totalsLine, type ActionResultCode, type ToolAction } from './job-action-results.js';
import { JobStatus } from './job-status.js';

t.test("each result in dc_schedd.cpp's words", async (t) => {
  const cases: [ToolAction, ActionResultCode, string][] = [
    ['remove', 'success', 'Job 1.0 marked for removal'],
    ['remove-x', 'success', 'Job 1.0 removed locally (remote state unknown)'],
    ['vacate-fast', 'success', 'Job 1.0 fast-vacated'],
    ['remove-x', 'permission-denied', 'Permission denied to force removal of job 1.0'],
    ['release', 'bad-status', 'Job 1.0 not held to be released'],
    ['remove-x', 'bad-status', "Job 1.0 not in `X' state to be forcibly removed"],
    ['vacate-fast', 'bad-status', 'Job 1.0 not running to be fast-vacated'],
    ['hold', 'bad-status', 'Invalid result for job 1.0'],
    ['continue', 'already-done', 'Job 1.0 already running'],
    ['release', 'already-done', 'Invalid result for job 1.0'],
    ['hold', 'not-found', 'Job 1.0 not found'],
    ['release', 'limit-exceeded', 'Job 1.0 cannot be released again, has reached SYSTEM_PERIODIC_RELEASES limit'],
  ];
  for (const [action, code, text] of cases) t.equal(resultString(action, '1.0', code), text, `${action} ${code}`);
  t.equal(actionWord('vacate-fast', false), 'fast-vacate');
  t.equal(actionWord('remove-x', false), 'remove');
});

t.test('-totals', async (t) => {
  t.equal(totalsLine({ ...emptyTotals(), success: 3, 'not-found': 1 }), '3 Succeeded, 0 Failed, 1 Not Found, 0 Bad Status, 0 Already Done, 0 Permission Denied');
});

t.test("actOnJobs' clause: the states each action selects on a constraint", async (t) => {
  const { Idle, Running, Removed, Completed, Held, TransferringOutput, Suspended } = JobStatus;
  const table: [ToolAction, number[]][] = [
    ['remove', [Idle, Running, Completed, Held, TransferringOutput, Suspended]],
    ['hold', [Idle, Running, Held, TransferringOutput, Suspended]],
    ['release', [Held]],
    ['vacate', [Running, TransferringOutput]],
    ['vacate-fast', [Running, TransferringOutput]],
    ['suspend', [Running, TransferringOutput]],
    ['continue', [Suspended]],
    ['remove-x', [Removed]],
  ];
  for (const [action, selected] of table) {
    const got = [Idle, Running, Removed, Completed, Held, TransferringOutput, Suspended].filter((status) => actionSelects(action, status, undefined, 1));
    t.same(got, selected, action);
  }
  t.notOk(actionSelects('release', Held, undefined, 16), 'a job held until its input is spooled is not released');
  t.ok(actionSelects('remove-x', Held, Removed, 1), 'a held job that is removed on release is forcibly removed');
});
