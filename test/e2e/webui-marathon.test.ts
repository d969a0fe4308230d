/**
 * Marathon's web UI in a real browser (seed case 22), against `meseta local`
 * with Marathon on: create an app through the form (switching to JSON mode
 * and back without losing input), see Marathon's 422 next to the field, create
 * one in JSON mode, watch it run, find it in its group folder, scale it, open
 * a task's stdout in the master's sandbox view, look at versions, destroy one.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { cleanupDirs, freePort, getJson, startLocal, stopAll, waitFor, type LocalCluster } from './harness.js';
import { browserTestOptions, launchBrowser, openPage, screenshot, type PageProblems } from './webui-browser.js';

const SHOTS = process.env.MESETA_SCREENSHOT_DIR ?? join(tmpdir(), 'meseta-webui-screenshots');

describe('Marathon web UI in chromium', browserTestOptions(), () => {
  let cluster: LocalCluster;
  let marathon: string;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  before(async () => {
    const port = await freePort();
    cluster = await startLocal({ flags: [`--marathon_port=${port}`] });
    marathon = `http://127.0.0.1:${port}`;
    await waitFor('Marathon answering', async () => (await fetch(`${marathon}/ping`)).ok, 30_000);
    browser = await launchBrowser();
    ({ page, problems } = await openPage(browser));
  });

  after(async () => {
    await browser?.close();
    await cluster?.stop();
    await stopAll();
    cleanupDirs();
  });

  it('/ leads to /ui/, which lists no applications yet', async () => {
    await page.goto(`${marathon}/`);
    assert.match(page.url(), /\/ui\/$/);
    await page.getByText('No applications here yet').waitFor();
  });

  it('creates an app by form; JSON mode and back keeps the input; 422 shown by the field', async () => {
    await page.getByRole('link', { name: 'Create application' }).click();
    await page.fill('input[name=id]', '/webui/hello');
    await page.fill('textarea[name=cmd]', 'echo hello-from-marathon; sleep 600');
    await page.fill('input[name=cpus]', '-1');
    await page.fill('input[name=mem]', '32');
    // Form → JSON: everything typed is there; add a field the form also shows.
    await page.getByRole('tab', { name: 'JSON mode' }).click();
    const json = JSON.parse(await page.locator('textarea[name=json]').inputValue()) as Record<string, unknown>;
    assert.equal(json.id, '/webui/hello');
    assert.equal(json.cmd, 'echo hello-from-marathon; sleep 600');
    assert.equal(json.cpus, -1);
    await page.fill('textarea[name=json]', JSON.stringify({ ...json, labels: { tier: 'web' }, backoffSeconds: 2 }, null, 2));
    // JSON → form: the label shows in the form; the field the form lacks survives the next round trip.
    await page.getByRole('tab', { name: 'Form' }).click();
    assert.equal(await page.locator('textarea[name=labels]').inputValue(), 'tier=web');
    assert.equal(await page.locator('input[name=cpus]').inputValue(), '-1');
    await page.getByRole('button', { name: 'Create application' }).click();
    const cpusError = page.locator('[data-field=cpus] .field-error');
    await cpusError.waitFor();
    assert.match((await cpusError.textContent()) ?? '', /\/cpus: got -1(\.0)?, expected 0(\.0)? or more/);
    assert.equal(await page.locator('input[name=cpus]').getAttribute('aria-invalid'), 'true');
    await screenshot(page, SHOTS, 'marathon-422');

    await page.fill('input[name=cpus]', '0.1');
    await page.getByRole('tab', { name: 'JSON mode' }).click();
    const again = JSON.parse(await page.locator('textarea[name=json]').inputValue()) as Record<string, unknown>;
    assert.equal(again.backoffSeconds, 2, 'a field only JSON mode shows survives form edits');
    await page.getByRole('tab', { name: 'Form' }).click();
    await page.getByRole('button', { name: 'Create application' }).click();
    await page.waitForURL(/#\/app\?id=%2Fwebui%2Fhello/);
    await page.locator('[data-testid=instances]').filter({ hasText: '1 running of 1' }).waitFor({ timeout: 30_000 });
    const app = await getJson<{ app: { labels: Record<string, string>; backoffSeconds: number; cpus: number } }>(`${marathon}/v2/apps/webui/hello`);
    assert.deepEqual(app.app.labels, { tier: 'web' });
    assert.equal(app.app.backoffSeconds, 2);
    assert.equal(app.app.cpus, 0.1);
    await screenshot(page, SHOTS, 'marathon-app');
  });

  it('creates an app in JSON mode', async () => {
    await page.goto(`${marathon}/ui/#/create`);
    await page.getByRole('tab', { name: 'JSON mode' }).click();
    await page.fill('textarea[name=json]', JSON.stringify({ id: '/webui/json-app', cmd: 'sleep 600', cpus: 0.1, mem: 16, instances: 1 }));
    await screenshot(page, SHOTS, 'marathon-json-mode');
    await page.getByRole('button', { name: 'Create application' }).click();
    await page.waitForURL(/#\/app\?id=%2Fwebui%2Fjson-app/);
    await page.locator('[data-testid=instances]').filter({ hasText: '1 running of 1' }).waitFor({ timeout: 30_000 });
  });

  it('shows groups as folders with their apps, status and instances', async () => {
    await page.goto(`${marathon}/ui/#/apps`);
    await page.getByRole('link', { name: 'webui/' }).click();
    await page.locator('a[data-app-id="/webui/hello"]').waitFor();
    await page.locator('a[data-app-id="/webui/json-app"]').waitFor();
    const row = page.locator('tr', { has: page.locator('a[data-app-id="/webui/hello"]') });
    await row.locator('[data-status=running]').waitFor({ timeout: 20_000 });
    assert.equal(await row.locator('[data-field=instances]').textContent(), '1 / 1');
    await screenshot(page, SHOTS, 'marathon-apps');
  });

  it('scales an app and opens a task\'s stdout in the master\'s sandbox view', async () => {
    await page.goto(`${marathon}/ui/#/app?id=%2Fwebui%2Fhello`);
    await page.fill('input[name=instances]', '2');
    await page.getByRole('button', { name: 'Scale' }).click();
    await page.locator('[data-testid=instances]').filter({ hasText: '2 running of 2' }).waitFor({ timeout: 30_000 });
    assert.equal((await getJson<{ app: { instances: number } }>(`${marathon}/v2/apps/webui/hello`)).app.instances, 2);
    // Versions: the scale made a second one; the diff shows the instance count.
    await page.getByRole('button', { name: 'diff with current' }).first().click();
    await page.locator('pre.diff').filter({ hasText: '"instances": 2' }).waitFor();

    const stdout = page.getByRole('link', { name: 'stdout' }).first();
    const target = await stdout.getAttribute('href');
    assert.ok(target?.startsWith(`${cluster.url}/#/view?path=`), `stdout link into the master UI: ${target}`);
    await stdout.click();
    await page.locator('[data-testid=file-content]').filter({ hasText: 'hello-from-marathon' }).waitFor({ timeout: 20_000 });
    await screenshot(page, SHOTS, 'marathon-task-stdout');
  });

  it('edits the configuration and restarts', async () => {
    await page.goto(`${marathon}/ui/#/app?id=%2Fwebui%2Fhello`);
    await page.getByRole('link', { name: 'Edit configuration' }).click();
    const mem = page.locator('input[name=mem]');
    await mem.waitFor();
    assert.equal(await mem.inputValue(), '32');
    assert.equal(await page.locator('textarea[name=labels]').inputValue(), 'tier=web');
    await mem.fill('48');
    await page.getByRole('button', { name: 'Change and deploy' }).click();
    await page.waitForURL(/#\/app\?id=%2Fwebui%2Fhello/);
    type AppDoc = { app: { mem: number; instances: number; labels: Record<string, string>; tasksRunning: number; deployments: unknown[] } };
    const edited = await waitFor('mem 48', async () => {
      const doc = await getJson<AppDoc>(`${marathon}/v2/apps/webui/hello`);
      return doc.app.mem === 48 ? doc : undefined;
    });
    assert.deepEqual(edited.app.labels, { tier: 'web' }, 'the edit keeps what it did not touch');
    assert.equal(edited.app.instances, 2);
    await waitFor('the edit deployed', async () => (await getJson<AppDoc>(`${marathon}/v2/apps/webui/hello`)).app.deployments.length === 0, 60_000);
    await page.getByRole('button', { name: 'Restart' }).click();
    await page.getByText('Restart: deployment started.').waitFor();
    await page.locator('[data-testid=instances]').filter({ hasText: '2 running of 2' }).waitFor({ timeout: 60_000 });
  });

  it('destroys an app', async () => {
    await page.goto(`${marathon}/ui/#/app?id=%2Fwebui%2Fjson-app`);
    await page.getByRole('button', { name: 'Destroy' }).click();
    await page.getByRole('button', { name: 'Really destroy /webui/json-app' }).click();
    await page.waitForURL(/#\/apps/);
    await waitFor('the app gone', async () => (await fetch(`${marathon}/v2/apps/webui/json-app`)).status === 404, 30_000);
    await waitFor('its task gone from the master', async () => {
      const state = await getJson<{ frameworks: Array<{ tasks: Array<{ id: string; state: string }> }> }>(`${cluster.url}/master/state`);
      return !state.frameworks.some((f) => f.tasks.some((t) => t.id.startsWith('webui_json-app.') && t.state === 'TASK_RUNNING'));
    }, 30_000);
    await page.locator('a[data-app-id="/webui/json-app"]').waitFor({ state: 'detached', timeout: 10_000 });
  });

  it('reported no console errors other than the expected 422 and 404', () => {
    const unexpected = problems.errors.filter((e) => !/\b422\b|status of 422/.test(e) && !/json-app.*404|404.*json-app|status of 404/.test(e));
    assert.deepEqual(unexpected, []);
  });
});
