/** Hash routes and the browser-side history the charts draw. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { href, parseRoute } from '../../../src/webui/src/lib/route.js';
import { appendSample, emptySeries, latest } from '../../../src/webui/src/lib/history.js';

describe('hash routes', () => {
  it('parses segments and query, decoding both', () => {
    assert.deepEqual(parseRoute('#/tasks/fw-1/t%201?state=TASK_RUNNING&q=a%20b'), {
      segments: ['tasks', 'fw-1', 't 1'],
      query: { state: 'TASK_RUNNING', q: 'a b' },
    });
    assert.deepEqual(parseRoute(''), { segments: [], query: {} });
    assert.deepEqual(parseRoute('#!/agents'), { segments: ['agents'], query: {} });
    assert.deepEqual(parseRoute('#/x/%E0%A4%A'), { segments: ['x', '%E0%A4%A'], query: {} });
  });

  it('builds links that parse back, leaving out empty values', () => {
    const link = href('browse', { path: '/frameworks/a b/executors/x/runs/latest', task: undefined, q: '' });
    assert.equal(link, '#/browse?path=%2Fframeworks%2Fa+b%2Fexecutors%2Fx%2Fruns%2Flatest');
    assert.deepEqual(parseRoute(link).query, { path: '/frameworks/a b/executors/x/runs/latest' });
    assert.deepEqual(parseRoute(href('tasks', 'f/1', 't?2')).segments, ['tasks', 'f/1', 't?2']);
  });
});

describe('history', () => {
  it('appends, drops samples older than the window, ignores time going back', () => {
    let s = emptySeries(['a', 'b'] as const);
    s = appendSample(s, 100, { a: 1, b: 2 }, 60);
    s = appendSample(s, 130, { a: 3 }, 60);
    s = appendSample(s, 120, { a: 99 }, 60);
    assert.deepEqual(s.t, [100, 130]);
    assert.ok(Number.isNaN(s.values.b[1]));
    s = appendSample(s, 170, { a: 5, b: 6 }, 60);
    assert.deepEqual(s.t, [130, 170]);
    assert.deepEqual(s.values.a, [3, 5]);
    assert.equal(latest(s, 'b'), 6);
  });
});
