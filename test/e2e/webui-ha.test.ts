/**
 * Seed case 10, in the browser: with two masters contending in a real
 * ZooKeeper, the non-leading master's UI says it is not the leader, names the
 * leader (read through the redirect as JSONP) and its link leads to the
 * leader's UI, which shows no banner. When the leader dies, the page of the
 * master that takes over drops its banner by itself.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import type { Browser } from 'playwright-core';
import { ZooKeeperEnsemble, zookeeperTestOptions } from '../support/zookeeper.js';
import { cleanupDirs, freePort, meseta, stopAll, tempDir, waitFor, type Proc } from './harness.js';
import { browserTestOptions, launchBrowser, openPage, screenshot } from './webui-browser.js';

const SHOTS = process.env.MESETA_SCREENSHOT_DIR ?? join(tmpdir(), 'meseta-webui-screenshots');

interface MasterProc {
  proc: Proc;
  port: number;
  url: string;
}

const skip = zookeeperTestOptions().skip ?? browserTestOptions().skip;

describe('master web UI on a non-leading master', skip ? { skip } : {}, () => {
  let zk: ZooKeeperEnsemble;
  let browser: Browser;
  const masters: MasterProc[] = [];

  async function leader(): Promise<MasterProc> {
    return waitFor('a leading master', async () => {
      for (const m of masters) {
        if (m.proc.child.exitCode !== null) continue;
        const response = await fetch(`${m.url}/master/state`, { redirect: 'manual' }).catch(() => undefined);
        if (response?.status === 200) return m;
      }
      return undefined;
    }, 30_000);
  }

  before(async () => {
    zk = await ZooKeeperEnsemble.start({ size: 1 });
    const dir = tempDir('webui-ha');
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      const proc = meseta([
        'master', '--ip=127.0.0.1', `--port=${port}`, `--work_dir=${join(dir, `m${i}`)}`,
        `--zk=${zk.url('/mesos')}`, '--quorum=1', '--zk_session_timeout=3secs', '--cluster=webui-ha',
      ]);
      masters.push({ proc, port, url: `http://127.0.0.1:${port}` });
    }
    await leader();
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await stopAll();
    await zk?.stopAll();
    cleanupDirs();
  });

  it('says it is not the leader and leads to the leader, whose UI has no banner', async () => {
    const lead = await leader();
    const follower = masters.find((m) => m !== lead)!;
    await waitFor('the follower to redirect', async () => (await fetch(`${follower.url}/master/state`, { redirect: 'manual' })).status === 307);
    const { page, problems } = await openPage(browser);
    await page.goto(`${follower.url}/`);
    const banner = page.locator('[data-testid=leader-banner]');
    await banner.filter({ hasText: `leading master is at http://127.0.0.1:${lead.port}/` }).waitFor({ timeout: 20_000 });
    await screenshot(page, SHOTS, 'non-leader');
    const link = banner.getByRole('link', { name: 'Go to the leading master' });
    assert.equal(await link.getAttribute('href'), `http://127.0.0.1:${lead.port}/`);
    await link.click();
    await page.waitForURL(`http://127.0.0.1:${lead.port}/**`);
    await page.locator('main h1', { hasText: 'Overview' }).waitFor();
    await page.locator('.cluster', { hasText: 'webui-ha' }).waitFor();
    assert.equal(await banner.count(), 0);
    // The follower's 307s are the page's own probes (fetch with redirect: 'manual'), not failures.
    assert.deepEqual(problems.errors.filter((e) => !/ 307 /.test(e)), []);
    await page.context().close();
  });

  it('without JSONP answers the link still works through /master/redirect', async () => {
    const lead = await leader();
    const follower = masters.find((m) => m !== lead)!;
    const { page } = await openPage(browser);
    // Refuse the leader's state to the page: the banner falls back to the redirect endpoint.
    await page.route((url) => url.pathname === '/master/state' && url.searchParams.has('jsonp'), (route) => route.abort());
    await page.goto(`${follower.url}/`);
    const banner = page.locator('[data-testid=leader-banner]');
    await banner.filter({ hasText: 'This master is not the leader.' }).waitFor({ timeout: 20_000 });
    const link = banner.getByRole('link', { name: 'Go to the leading master' });
    assert.equal(await link.getAttribute('href'), '/master/redirect');
    await link.click();
    await page.waitForURL(`http://127.0.0.1:${lead.port}/**`);
    await page.locator('main h1', { hasText: 'Overview' }).waitFor();
    await page.context().close();
  });

  it('when the leader dies, the other master takes over and its page drops the banner', async () => {
    const lead = await leader();
    const follower = masters.find((m) => m !== lead)!;
    const { page } = await openPage(browser);
    await page.goto(`${follower.url}/`);
    await page.locator('[data-testid=leader-banner]').waitFor({ timeout: 20_000 });
    await lead.proc.stop('SIGKILL');
    // The survivor takes over within the ZooKeeper session timeout; its page's banner goes away.
    await waitFor('the follower to lead', async () => (await fetch(`${follower.url}/master/state`, { redirect: 'manual' })).status === 200, 60_000);
    await page.locator('[data-testid=leader-banner]').waitFor({ state: 'detached', timeout: 30_000 });
    await page.locator('main h1', { hasText: 'Overview' }).waitFor();
    await screenshot(page, SHOTS, 'new-leader');
    await page.context().close();
  });
});
