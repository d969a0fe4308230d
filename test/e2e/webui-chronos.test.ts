/**
 * Chronos's web UI in a real browser, against `meseta local` with Chronos on:
 * create a scheduled job by the form (JSON mode and back keeps the input),
 * see Chronos's 400 for a bad schedule, create a dependent job in JSON mode,
 * see the edge parent → child in the graph, run the parent now and watch the
 * success counts go up and a history row appear whose sandbox link opens the
 * master's browse page with stdout in it, then disable and delete a job.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Browser, Page } from 'playwright-core';
import { cleanupDirs, freePort, getJson, startLocal, stopAll, waitFor, type LocalCluster } from './harness.js';
import { browserTestOptions, launchBrowser, openPage, screenshot, type PageProblems } from './webui-browser.js';

const SHOTS = process.env.MESETA_SCREENSHOT_DIR ?? join(tmpdir(), 'meseta-webui-screenshots');
/** Far ahead, so the parent runs only when asked to. */
const LATER = 'R/2030-01-01T00:00:00.000Z/P1D';

interface Job {
  name: string;
  successCount: number;
  disabled: boolean;
  mem: number;
  ownerName: string;
  parents?: string[];
  schedule?: string;
}

describe('Chronos web UI in chromium', browserTestOptions(), () => {
  let cluster: LocalCluster;
  let chronos: string;
  let browser: Browser;
  let page: Page;
  let problems: PageProblems;

  const job = (name: string): Promise<Job> => getJson<Job>(`${chronos}/v1/scheduler/job/${name}`);

  before(async () => {
    const port = await freePort();
    cluster = await startLocal({ flags: [`--chronos_port=${port}`] });
    chronos = `http://127.0.0.1:${port}`;
    await waitFor('Chronos answering', async () => (await fetch(`${chronos}/ping`)).ok, 30_000);
    await waitFor('Chronos subscribed', async () => (await getJson<{ frameworkId: string | null }>(`${chronos}/v1/scheduler/master`)).frameworkId !== null, 30_000);
    browser = await launchBrowser();
    ({ page, problems } = await openPage(browser));
  });

  after(async () => {
    await browser?.close();
    await cluster?.stop();
    await stopAll();
    cleanupDirs();
  });

  it('/ on Chronos is the Chronos UI, with no jobs yet', async () => {
    await page.goto(`${chronos}/`);
    await page.getByText('No jobs yet').waitFor();
    assert.equal(await page.title(), 'Jobs · Meseta');
  });

  it('creates a scheduled job by form; JSON mode and back keeps the input; a bad schedule shows Chronos\'s 400', async () => {
    await page.getByRole('link', { name: 'New job' }).click();
    await page.fill('input[name=name]', 'webui-parent');
    await page.fill('textarea[name=command]', 'echo hello-from-chronos');
    await page.fill('input[name=schedule]', 'every day at noon');
    await page.fill('input[name=mem]', '32');
    await page.fill('input[name=cpus]', '0.1');
    // Form → JSON: everything typed is there; add a field the form does not show.
    await page.getByRole('tab', { name: 'JSON mode' }).click();
    const json = JSON.parse(await page.locator('textarea[name=json]').inputValue()) as Record<string, unknown>;
    assert.equal(json.name, 'webui-parent');
    assert.equal(json.command, 'echo hello-from-chronos');
    assert.equal(json.schedule, 'every day at noon');
    assert.equal(json.mem, 32);
    await page.fill('textarea[name=json]', JSON.stringify({ ...json, ownerName: 'Web UI', description: 'made in the browser' }, null, 2));
    // JSON → form: the description shows; the field the form lacks survives the next round trip.
    await page.getByRole('tab', { name: 'Form' }).click();
    assert.equal(await page.locator('input[name=description]').inputValue(), 'made in the browser');
    assert.equal(await page.locator('input[name=mem]').inputValue(), '32');
    assert.equal(await page.locator('input[name=schedule]').inputValue(), 'every day at noon');
    await page.getByRole('button', { name: 'Create job' }).click();
    const refused = page.locator('[data-testid=submit-error]');
    await refused.waitFor();
    assert.match((await refused.textContent()) ?? '', /400: .*schedule 'every day at noon'/);
    assert.equal((await fetch(`${chronos}/v1/scheduler/job/webui-parent`)).status, 400, 'nothing was created');
    await screenshot(page, SHOTS, 'chronos-400');

    await page.fill('input[name=schedule]', LATER);
    await page.getByRole('tab', { name: 'JSON mode' }).click();
    const again = JSON.parse(await page.locator('textarea[name=json]').inputValue()) as Record<string, unknown>;
    assert.equal(again.ownerName, 'Web UI', 'a field only JSON mode shows survives form edits');
    await page.getByRole('tab', { name: 'Form' }).click();
    await page.getByRole('button', { name: 'Create job' }).click();
    await page.waitForURL(/#\/job\?name=webui-parent/);
    const created = await job('webui-parent');
    assert.equal(created.ownerName, 'Web UI');
    assert.equal(created.mem, 32);
    assert.equal(created.schedule, LATER);
    await page.locator('[data-testid=success-count]').filter({ hasText: '0' }).waitFor();
  });

  it('creates a dependent job in JSON mode', async () => {
    await page.goto(`${chronos}/#/create`);
    await page.getByRole('tab', { name: 'JSON mode' }).click();
    await page.fill('textarea[name=json]', JSON.stringify({ name: 'webui-child', command: 'echo child-ran', parents: ['webui-parent'], cpus: 0.1, mem: 32 }));
    await screenshot(page, SHOTS, 'chronos-json-mode');
    await page.getByRole('button', { name: 'Create job' }).click();
    await page.waitForURL(/#\/job\?name=webui-child/);
    assert.deepEqual((await job('webui-child')).parents, ['webui-parent']);
  });

  it('draws the dependency graph with the edge parent → child', async () => {
    await page.goto(`${chronos}/#/graph`);
    // A straight edge has an empty bounding box, which playwright calls hidden: wait for it to exist.
    const edge = page.locator('[data-edge="webui-parent->webui-child"]');
    await edge.waitFor({ state: 'attached' });
    const parent = await page.locator('[data-node=webui-parent] rect').boundingBox();
    const child = await page.locator('[data-node=webui-child] rect').boundingBox();
    assert.ok(parent && child && parent.x + parent.width < child.x, 'the parent is drawn left of its child');
    // The edge runs from the parent's right side to the child's left side (SVG units = CSS px here).
    const [x1, x2] = [...((await edge.getAttribute('d')) ?? '').matchAll(/[MC ]([\d.]+),/g)].map((m) => Number(m[1])).filter((_, i, all) => i === 0 || i === all.length - 1);
    // (the boxes' screen bounds include half their 1.5 px stroke on each side)
    assert.ok(Math.abs(x2! - x1! - (child.x - (parent.x + parent.width))) <= 2, `edge ${x1}→${x2} spans the gap between the boxes`);
    await screenshot(page, SHOTS, 'chronos-graph');
    await page.locator('[data-node=webui-child]').click();
    await page.waitForURL(/#\/job\?name=webui-child/);
  });

  it('lists the jobs with status, schedule, parents and search', async () => {
    await page.goto(`${chronos}/#/jobs`);
    const parentRow = page.locator('tr', { has: page.locator('a[data-job=webui-parent]') });
    await parentRow.locator('[data-status=fresh]').waitFor();
    assert.match((await parentRow.textContent()) ?? '', /every day, forever/);
    assert.match((await parentRow.textContent()) ?? '', /in \d+ (year|month)s?/, 'next run from the stored start');
    const childRow = page.locator('tr', { has: page.locator('a[data-job=webui-child]') });
    assert.match((await childRow.textContent()) ?? '', /after webui-parent/);
    await page.fill('input[name=search]', 'child');
    await page.locator('a[data-job=webui-parent]').waitFor({ state: 'detached' });
    assert.equal(await page.locator('a[data-job=webui-child]').count(), 1);
    await page.fill('input[name=search]', '');
    await page.locator('a[data-job=webui-parent]').waitFor();
  });

  it('runs a job now: success counts go up (the child follows), a history row links to the sandbox with stdout', async () => {
    await page.goto(`${chronos}/#/job?name=webui-parent`);
    await page.getByRole('button', { name: 'Run webui-parent now' }).click();
    await page.locator('[data-testid=success-count]').filter({ hasText: '1' }).waitFor({ timeout: 60_000 });
    await page.locator('[data-run-status=Success]').first().waitFor({ timeout: 10_000 });
    await waitFor('the dependent job ran after its parent', async () => (await job('webui-child')).successCount === 1, 60_000);
    await screenshot(page, SHOTS, 'chronos-job');

    const sandbox = page.locator('[data-testid=sandbox-link]').first();
    const target = await sandbox.getAttribute('href');
    assert.ok(target?.startsWith(`${cluster.url}/#/browse?path=`), `sandbox link into the master UI: ${target}`);
    await sandbox.click();
    await page.waitForURL(new RegExp(`^${cluster.url}/#/browse`));
    const stdout = page.getByRole('link', { name: 'stdout', exact: true });
    await stdout.waitFor({ timeout: 20_000 });
    await screenshot(page, SHOTS, 'chronos-sandbox');
    await stdout.click();
    await page.locator('[data-testid=file-content]').filter({ hasText: 'hello-from-chronos' }).waitFor({ timeout: 20_000 });
  });

  it('disables and deletes a job', async () => {
    await page.goto(`${chronos}/#/jobs`);
    await page.getByRole('button', { name: 'Disable webui-child' }).click();
    const childRow = page.locator('tr', { has: page.locator('a[data-job=webui-child]') });
    await childRow.locator('[data-disabled=true]').waitFor({ timeout: 10_000 });
    assert.equal((await job('webui-child')).disabled, true);
    assert.deepEqual((await job('webui-child')).parents, ['webui-parent'], 'disabling keeps the job as it was');
    await page.getByRole('button', { name: 'Enable webui-child' }).waitFor();
    await screenshot(page, SHOTS, 'chronos-jobs');

    await page.getByRole('button', { name: 'Delete webui-child' }).click();
    await page.getByRole('button', { name: 'Really delete webui-child' }).click();
    await page.locator('a[data-job=webui-child]').waitFor({ state: 'detached', timeout: 10_000 });
    assert.equal((await fetch(`${chronos}/v1/scheduler/job/webui-child`)).status, 400);
  });

  it('reported no console errors other than the expected 400', () => {
    const unexpected = problems.errors.filter((e) => !/\b400\b|status of 400/.test(e));
    assert.deepEqual(unexpected, []);
  });
});
