// The dashboard in a real browser (Debian's chromium through playwright-core): login with the one-time
// URL `tinycondor pool` prints, jobs changing state live over the event stream, hold and release with
// confirmation, a job's checkpoints, SPOOL files and stdout, the screenshot the README shows.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { chromium, type Page } from 'playwright-core';
import { writeDashboardJobs } from './helpers/dashboard-jobs.js';
import { eventually, startPool } from './helpers/pool.js';

const CHROMIUM = '/usr/bin/chromium';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const SCREENSHOT = path.join(root, 'docs', 'dashboard.png');
// A browser, two startds and 10 000 jobs: about 25 s on an idle 2-core machine; headroom for a busy one.
t.setTimeout(300_000);

/** The state shown in the queue row of a job; the list updates it from the event stream only. */
async function rowState(page: Page, jobId: string, state: string): Promise<void> {
  await page.locator(`.viewport .row[data-job-id="${jobId}"][data-status="${state}"]`).waitFor({ timeout: 30_000 });
}

async function confirmAction(page: Page, action: string, jobId: string): Promise<void> {
  await page.locator(`#job-panel button[data-action="${action}"]:not([disabled])`).click();
  await page.locator('#confirm[open]').waitFor();
  t.match(await page.locator('#confirm-text').textContent(), new RegExp(`job ${jobId.replace('.', '\\.')}\\?`), 'asks before acting');
  await page.locator('#confirm-ok').click();
}

if (!fs.existsSync(CHROMIUM)) {
  if (process.env.CI === 'true') t.fail(`${CHROMIUM} is missing: .ci/run installs Debian's chromium`);
  else t.test('dashboard in chromium', { skip: `${CHROMIUM} is missing (apt-get install -y chromium)` }, () => {});
} else {
  t.test('dashboard in chromium', async (t) => {
    const pool = await startPool(t, { startds: 2, cpus: 1 });
    const loginUrl = await eventually('dashboard line', () => /^dashboard: (\S+)$/m.exec(pool.stdout())?.[1]);
    t.match(loginUrl, new RegExp(`^${pool.url}/login\\?token=[A-Za-z0-9_-]{40,}$`), 'tinycondor pool prints a one-time login URL');

    const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'tinycondor-chromium-'));
    t.teardown(() => fs.rmSync(profile, { recursive: true, force: true }));
    const context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1280, height: 720 },
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
    });
    t.teardown(() => context.close());
    const page = context.pages()[0] ?? (await context.newPage());
    const queueRequests: string[] = [];
    page.on('request', (request) => {
      if (request.url().includes('/v1/queue')) queueRequests.push(request.url());
    });

    // Without a session: the login form, and 401 on data.
    await page.goto(pool.url);
    await page.locator('#login:not([hidden])').waitFor();
    t.equal((await page.request.get(`${pool.url}/v1/queue`)).status(), 401, 'data needs a session');

    await page.goto(loginUrl);
    await page.locator('#app:not([hidden])').waitFor();
    t.equal(new URL(page.url()).pathname, '/', 'redirected to the dashboard');
    const [cookie] = await context.cookies();
    t.match(cookie, { name: 'tinycondor_session', httpOnly: true, sameSite: 'Strict', path: '/' }, 'session cookie');
    t.equal((await page.request.get(loginUrl, { maxRedirects: 0 })).headers().location, '/?login=invalid', 'the login token works once');
    const second = await context.newPage();
    await second.goto(`${pool.url}/?login=invalid`);
    t.equal(new URL(second.url()).pathname, '/', 'a used link in a browser that has a session: the dashboard');
    await second.locator('#app:not([hidden])').waitFor();
    await second.close();
    await page.locator('#live.on').waitFor();

    const jobs = writeDashboardJobs(pool.dir);
    t.equal((await pool.run('condor_submit', [jobs.checkpointSubmit])).code, 0);
    const requestsBefore = queueRequests.length;
    await rowState(page, '1.0', 'Running');
    t.ok(queueRequests.length > requestsBefore, 'the list re-read its page because the stream said a job was submitted');

    // The checkpointing job: two checkpoints, its SPOOL files, stdout from its sandbox.
    const row10 = (cell: number) => page.locator(`.viewport .row[data-job-id="1.0"] span:nth-child(${cell})`);
    await page.locator('.viewport .row[data-job-id="1.0"]').click();
    await row10(7).filter({ hasText: /^2$/ }).waitFor({ timeout: 30_000 });
    await page.locator('#job-files a', { hasText: 'payload.bin' }).waitFor();
    await page.locator('#job-timeline polygon.mark-checkpoint >> nth=1').waitFor();
    const download = await page.request.get(`${pool.url}/v1/jobs/1.0/spool/file?path=state`);
    t.equal(await download.text(), '4\n', 'a SPOOL file downloads with the session cookie');
    // Output appears without an event: ask for it again until it shows.
    await eventually('stdout after the second checkpoint', async () => {
      await page.locator('#job-stdout-refresh').click();
      return (await page.locator('#job-stdout').textContent())?.includes('step 5') ? true : undefined;
    });
    t.match(await page.locator('#job-stdout-source').textContent(), /sandbox/);

    // Vacate it: evicted, it starts again from its last checkpoint; the timeline shows both runs.
    await confirmAction(page, 'vacate', '1.0');
    await page.locator('#job-message', { hasText: 'Job 1.0 vacated' }).waitFor();
    await row10(6).filter({ hasText: /^2$/ }).waitFor({ timeout: 30_000 });
    await rowState(page, '1.0', 'Running');
    await page.locator('#job-timeline circle.mark-evicted').waitFor();
    await page.locator('#job-timeline rect.run-evicted').waitFor();
    await page.locator('#job-events', { hasText: 'Job was evicted' }).waitFor();

    // Sleepers: one runs on the other slot, the others wait.
    t.equal((await pool.run('condor_submit', [jobs.sleeperSubmit(3)])).code, 0);
    await rowState(page, '2.0', 'Running');
    await rowState(page, '2.1', 'Idle');

    // Hold and release a running sleeper from its panel; the list follows live.
    await page.locator('.viewport .row[data-job-id="2.0"]').click();
    await page.locator('#job-title', { hasText: 'Job 2.0' }).waitFor();
    await confirmAction(page, 'hold', '2.0');
    await rowState(page, '2.0', 'Held');
    await page.locator('#job-message', { hasText: 'Job 2.0 held' }).waitFor();
    // The freed slot goes to a waiting sleeper: 2.1, or 2.2 if that one was queued on it (see How a job runs).
    await page.locator('.viewport .row[data-job-id="2.1"][data-status="Running"], .viewport .row[data-job-id="2.2"][data-status="Running"]').first().waitFor({ timeout: 30_000 });
    const held = await pool.run('condor_q', ['2.0', '-af', 'JobStatus', 'HoldReason']);
    t.match(held.stdout, /^5 via condor_hold/, 'the schedd holds the job');
    await page.locator('#job-events', { hasText: 'Job was held' }).waitFor();
    await confirmAction(page, 'release', '2.0');
    await rowState(page, '2.0', 'Idle');
    await page.locator('#job-message', { hasText: 'Job 2.0 released' }).waitFor();

    // Filters: held/idle/running by state and by owner.
    await page.selectOption('#filter-status', '1');
    await page.locator('#queue-count', { hasText: /^2 job\(s\)$/ }).waitFor();
    await page.selectOption('#filter-status', '');
    await page.selectOption('#filter-owner', os.userInfo().username);
    await page.locator('#queue-count', { hasText: /^4 job\(s\)$/ }).waitFor();

    await page.locator('.viewport .row[data-job-id="1.0"]').click();
    await page.locator('#job-title', { hasText: 'Job 1.0' }).waitFor();
    await page.locator('#job-timeline polygon.mark-checkpoint >> nth=1').waitFor();
    const shot = await page.screenshot({ type: 'png' });
    t.ok(shot.length > 10_000, 'screenshot taken');
    // docs/dashboard.png (shown by the README) is rewritten on request only, so a test run leaves the tree clean.
    if (process.env.TINYCONDOR_UPDATE_SCREENSHOT) fs.writeFileSync(SCREENSHOT, shot);

    // The slots view shows what runs where.
    await page.locator('.tabs button[data-tab="slots"]').click();
    await page.locator('#slots .startd', { hasText: 'startd1' }).waitFor();
    t.equal(await page.locator('#slots .startd').count(), 2, 'both startds');

    // 10 000 more jobs: the list keeps a few dozen rows in the DOM and pages from the server as it scrolls.
    await page.locator('.tabs button[data-tab="queue"]').click();
    await page.selectOption('#filter-owner', '');
    fs.writeFileSync(path.join(pool.dir, 'many.sub'), `executable = sleeper.sh\narguments = ${jobs.stopFile}\nhold = true\nqueue 10000\n`);
    t.equal((await pool.run('condor_submit', ['many.sub'])).code, 0);
    await page.locator('#queue-count', { hasText: /^10004 job\(s\)$/ }).waitFor({ timeout: 60_000 });
    const domRows = await page.locator('.viewport .row').count();
    t.ok(domRows > 10 && domRows < 100, `only the visible rows exist in the DOM (${domRows})`);
    const largestPage = Math.max(...queueRequests.map((url) => Number(new URL(url).searchParams.get('limit'))));
    t.ok(largestPage <= 200, `pages of at most 200 rows are fetched (${largestPage})`);
    const scrolled = Date.now();
    await page.locator('#queue-viewport').evaluate((viewport) => viewport.scrollTo(0, viewport.scrollHeight));
    await page.locator('.viewport .row[data-job-id="3.9999"]').waitFor();
    t.comment(`scrolled to the last of 10 004 jobs, its page fetched and drawn, in ${Date.now() - scrolled} ms`);
    t.ok((await page.locator('.viewport .row').count()) < 100, 'still few rows at the bottom');
    await page.selectOption('#filter-status', '2');
    await page.locator('#queue-count', { hasText: /^2 job\(s\)$/ }).waitFor();

    fs.writeFileSync(jobs.stopFile, '');
    await page.locator('#queue-count', { hasText: /^0 job\(s\)$/ }).waitFor({ timeout: 60_000 });

    await page.locator('#logout').click();
    await page.locator('#login:not([hidden])').waitFor();
    t.equal((await page.request.get(`${pool.url}/v1/queue`)).status(), 401, 'logged out');
    await page.goto(`${pool.url}/?login=invalid`);
    await page.locator('#login-error', { hasText: 'not valid any more' }).waitFor();
  });
}
