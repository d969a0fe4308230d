/**
 * Chronos serves its web UI at `/` (and `/assets/`) itself, leader or not:
 * a standby with no leader known still answers the page, while its API
 * requests are refused as before (503, nobody to relay to).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore } from '../../../src/coordination/sqlite-store.js';
import { createLogger } from '../../../src/logging/logger.js';
import { startChronos } from '../../../src/chronos/start-chronos.js';
import { isWebuiRequest } from '../../../src/chronos/http/webui.js';
import type { Leadership } from '../../../src/chronos/leadership.js';

/** A candidate that is never elected and knows no leader. */
class StandbyForever implements Leadership {
  readonly isLeader = false;
  async start(): Promise<void> {}
  leader(): string | undefined {
    return undefined;
  }
  on(): () => void {
    return () => undefined;
  }
  async abdicate(): Promise<void> {}
  async close(): Promise<void> {}
}

test('which requests the UI answers', () => {
  assert.equal(isWebuiRequest('GET', '/'), true);
  assert.equal(isWebuiRequest('HEAD', '/?x=1'), true);
  assert.equal(isWebuiRequest('GET', '/assets/chronos-abc.js'), true);
  assert.equal(isWebuiRequest('POST', '/'), false);
  assert.equal(isWebuiRequest('GET', '/v1/scheduler/jobs'), false);
  assert.equal(isWebuiRequest('GET', '/scheduler/jobs'), false);
});

test('a standby serves the page and its assets itself; the API is still the leader\'s', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chronos-webui-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'chronos.html'), '<!doctype html><title>Chronos test page</title>');
  writeFileSync(join(dir, 'assets', 'app.js'), 'console.log(1)');
  const store = new SqliteStore(':memory:');
  const chronos = await startChronos({
    master: '127.0.0.1:1',
    httpPort: 0,
    httpAddress: '127.0.0.1',
    hostname: '127.0.0.1',
    store,
    logger: createLogger('chronos-test', { quiet: true }),
    createLeadership: () => new StandbyForever(),
    webuiDir: dir,
  });
  try {
    const base = `http://127.0.0.1:${chronos.port}`;
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.match(await page.text(), /Chronos test page/);
    const asset = await fetch(`${base}/assets/app.js`);
    assert.equal(asset.status, 200);
    assert.equal(await asset.text(), 'console.log(1)');
    const api = await fetch(`${base}/v1/scheduler/jobs`);
    assert.equal(api.status, 503);
    assert.equal(((await api.json()) as { message: string }).message, 'There is no leader');
  } finally {
    await chronos.stop();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
