/**
 * The master's web UI in a real browser (seed case 5): a real `meseta local`
 * with two agents, a framework running one long task and one that finishes,
 * and Debian's chromium driven by playwright-core. Checks the overview against
 * `/master/state` and `/metrics/snapshot`, the tasks page and its state
 * filter, a task's page, the sandbox (stdout shown, a later line tailed live,
 * download), every other page, a narrow window, and no console errors.
 * Screenshots go to $MESETA_SCREENSHOT_DIR (default <tmp>/meseta-webui-screenshots).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { cleanupDirs, freePort, getJson, meseta, startLocal, stopAll, tempDir, waitFor, type LocalCluster } from './harness.js';
import { RawScheduler, commandTask } from './raw-scheduler.js';
import { browserTestOptions, launchBrowser, openPage, screenshot, type PageProblems } from './webui-browser.js';

const SHOTS = process.env.MESETA_SCREENSHOT_DIR ?? join(tmpdir(), 'meseta-webui-screenshots');

interface StateDoc {
  slaves: Array<{ id: string; hostname: string; resources: Record<string, number> }>;
  frameworks: Array<{ id: string; tasks: Array<{ id: string; state: string }>; completed_tasks: Array<{ id: string; state: string }> }>;
}

describe('master web UI in chromium', browserTestOptions(), () => {
  let cluster: LocalCluster;
  let scheduler: RawScheduler;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;
  let agentDir: string;

  before(async () => {
    // A second agent as its own process (startLocal's agents take consecutive ports,
    // which an outgoing connection's ephemeral port can already hold).
    cluster = await startLocal({ numAgents: 1 });
    agentDir = tempDir('webui-agent');
    meseta([
      'agent', `--master=${cluster.master}`, '--ip=127.0.0.1', `--port=${await freePort()}`, `--work_dir=${agentDir}`,
      `--runtime_dir=${join(agentDir, 'run')}`, '--resources=cpus:1;mem:512;disk:1024;ports:[31000-31100]', '--hostname=agent-two.local',
    ]);
    await waitFor('2 agents registered', async () => (await getJson<StateDoc>(`${cluster.url}/master/state`)).slaves.length === 2);
    scheduler = new RawScheduler(cluster.url);
    await scheduler.subscribe({ name: 'webui-e2e' });
    // One task that finishes at once; one that prints a line, then a second one
    // only once the test creates `go` in its sandbox (so the tail is proven live).
    const offer = (await scheduler.offers())[0]!;
    await scheduler.launch(offer, [
      commandTask(offer, 'finisher', 'echo finished-output'),
      commandTask(offer, 'runner', 'echo first-line-of-runner; while [ ! -e go ]; do sleep 0.1; done; echo LATE-LINE-AFTER-GO; sleep 600'),
    ]);
    await scheduler.update('finisher', 'TASK_FINISHED');
    await scheduler.update('runner', 'TASK_RUNNING');
    browser = await launchBrowser();
    ({ page, problems } = await openPage(browser));
  });

  after(async () => {
    await browser?.close();
    scheduler?.close();
    await cluster?.stop();
    await stopAll();
    cleanupDirs();
  });

  it('overview: agent count and resource totals match /master/state and /metrics/snapshot', async () => {
    await page.goto(`${cluster.url}/`);
    await page.locator('[data-testid=agents-active]').filter({ hasText: '2' }).waitFor({ timeout: 20_000 });
    const state = await getJson<StateDoc>(`${cluster.url}/master/state`);
    const metrics = await getJson<Record<string, number>>(`${cluster.url}/metrics/snapshot`);
    assert.equal(state.slaves.length, 2);
    for (const name of ['cpus', 'mem', 'disk']) {
      const total = state.slaves.reduce((sum, a) => sum + (a.resources[name] ?? 0), 0);
      assert.equal(metrics[`master/${name}_total`], total);
      const shown = await page.locator(`tr[data-resource=${name}] td[data-field=total]`).getAttribute('data-value');
      assert.equal(Number(shown), total, `${name} total on the overview`);
    }
    // Task counts: the running task and the finished one, as the metrics count them.
    await page.locator('[data-testid=tasks-TASK_RUNNING]').filter({ hasText: String(metrics['master/tasks_running']) }).waitFor();
    assert.equal(await page.locator('[data-testid=tasks-TASK_FINISHED]').textContent(), String(metrics['master/tasks_finished']));
    assert.equal(metrics['master/tasks_running'], 1);
    // Charts are drawn (canvas present) once two polls have been sampled.
    await page.locator('.chart canvas').first().waitFor();
    await screenshot(page, SHOTS, 'overview');
  });

  it('tasks: lists the running and the finished task, and filters by state', async () => {
    await page.goto(`${cluster.url}/#/tasks`);
    await page.locator('a[data-task-id=runner]').waitFor();
    await page.locator('a[data-task-id=finisher]').waitFor();
    assert.match(await page.locator('section[aria-label^="Active tasks"]').textContent() ?? '', /runner/);
    assert.match(await page.locator('section[aria-label^="Completed tasks"]').textContent() ?? '', /finisher/);
    await screenshot(page, SHOTS, 'tasks');

    await page.selectOption('select[name=state]', 'TASK_FINISHED');
    await waitFor('runner filtered out', async () => (await page.locator('a[data-task-id=runner]').count()) === 0);
    assert.equal(await page.locator('a[data-task-id=finisher]').count(), 1);
    assert.match(page.url(), /state=TASK_FINISHED/);

    await page.selectOption('select[name=state]', 'TASK_RUNNING');
    await page.locator('a[data-task-id=runner]').waitFor();
    assert.equal(await page.locator('a[data-task-id=finisher]').count(), 0);

    await page.selectOption('select[name=state]', '');
    await page.fill('input[name=q]', 'finish');
    await waitFor('search keeps only finisher', async () => (await page.locator('a[data-task-id=runner]').count()) === 0);
    assert.equal(await page.locator('a[data-task-id=finisher]').count(), 1);
  });

  it('task page: status history with timestamps', async () => {
    await page.goto(`${cluster.url}/#/tasks/${scheduler.frameworkId}/finisher`);
    const history = page.locator('table[aria-label="Status history"]');
    await history.waitFor();
    await waitFor('TASK_FINISHED in the history', async () => /finished/.test((await history.textContent()) ?? ''));
    const text = (await history.textContent()) ?? '';
    assert.match(text, /running/);
    assert.match(text, /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d/);
    await screenshot(page, SHOTS, 'task');
  });

  it('sandbox: browses, shows stdout, live-tails a later line, downloads', async () => {
    await page.goto(`${cluster.url}/#/tasks/${scheduler.frameworkId}/runner`);
    await page.getByRole('link', { name: 'Sandbox', exact: true }).click();
    const listing = page.locator('table[aria-label^="Files in"]');
    await listing.waitFor();
    await page.getByRole('link', { name: 'stdout', exact: true }).waitFor();
    await screenshot(page, SHOTS, 'sandbox');
    await page.getByRole('link', { name: 'stdout', exact: true }).click();
    const content = page.locator('[data-testid=file-content]');
    await content.filter({ hasText: 'first-line-of-runner' }).waitFor({ timeout: 20_000 });
    assert.doesNotMatch((await content.textContent()) ?? '', /LATE-LINE/);

    // The task prints its second line once `go` exists in its sandbox.
    const sandbox = execFileSync('find', [cluster.workDir, agentDir, '-type', 'd', '-path', '*/executors/runner/runs/*', '-not', '-path', '*/runs/*/*', '-not', '-path', '*/meta/*'], { encoding: 'utf8' })
      .split('\n')
      .find((p) => p !== '' && !p.endsWith('/latest'));
    assert.ok(sandbox, 'runner sandbox on disk');
    writeFileSync(join(sandbox, 'go'), '');
    await waitFor('the task to print its late line', () => readFileSync(join(sandbox, 'stdout'), 'utf8').includes('LATE-LINE-AFTER-GO'), 20_000).catch((e: Error) => {
      throw new Error(`${e.message}; sandbox ${sandbox}: ${execFileSync('ls', ['-la', sandbox], { encoding: 'utf8' })}`);
    });
    await content.filter({ hasText: 'LATE-LINE-AFTER-GO' }).waitFor({ timeout: 20_000 });
    await screenshot(page, SHOTS, 'stdout');

    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('[data-testid=download]').click()]);
    assert.equal(download.suggestedFilename(), 'stdout');
    const saved = await download.path();
    assert.match(readFileSync(saved, 'utf8'), /first-line-of-runner\n[\s\S]*LATE-LINE-AFTER-GO/);
  });

  it('agents, frameworks, offers, roles, maintenance and flags render', async () => {
    const state = await getJson<StateDoc>(`${cluster.url}/master/state`);
    const pages: Array<[string, string, RegExp]> = [
      ['agents', '#/agents', new RegExp(state.slaves[0]!.hostname.replace(/\./g, '\\.'))],
      ['agent', `#/agents/${state.slaves[0]!.id}`, /Resources/],
      ['frameworks', '#/frameworks', /webui-e2e/],
      ['framework', `#/frameworks/${scheduler.frameworkId}`, /runner/],
      ['offers', '#/offers', /Outstanding offers/],
      ['roles', '#/roles', /\*/],
      ['maintenance', '#/maintenance', /No maintenance is scheduled/],
      ['flags', '#/flags', /--work_dir/],
    ];
    for (const [name, hash, expected] of pages) {
      await page.goto(`${cluster.url}/${hash}`);
      await waitFor(`${name} page`, async () => expected.test((await page.locator('main').textContent()) ?? ''), 20_000);
      await screenshot(page, SHOTS, name);
    }
  });

  it('is keyboard reachable and usable at 800 px', async () => {
    await page.goto(`${cluster.url}/`);
    await page.locator('[data-testid=agents-active]').waitFor();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement?.textContent ?? '');
    assert.ok(focused.length > 0, 'Tab reaches a link');
    await page.setViewportSize({ width: 800, height: 800 });
    await page.goto(`${cluster.url}/#/tasks`);
    await page.locator('a[data-task-id=runner]').waitFor();
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `no horizontal page scroll at 800 px (overflow ${overflow}px)`);
    await screenshot(page, SHOTS, 'tasks-800px');
    await page.setViewportSize({ width: 1280, height: 800 });
  });

  it('reported no console errors, exceptions or failed requests', () => {
    assert.deepEqual(problems.errors, []);
  });

  it('says so when the master stops answering', async () => {
    await page.goto(`${cluster.url}/`);
    await page.locator('[data-testid=agents-active]').waitFor();
    await cluster.stop();
    await page.locator('[data-testid=leader-banner]').filter({ hasText: 'Cannot reach the master' }).waitFor({ timeout: 20_000 });
    await screenshot(page, SHOTS, 'master-down');
  });
});
