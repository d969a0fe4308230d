import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type AgentHttpHost, buildAgentHttp, canonicalAgentPath } from '../../../src/agent/agent-http.js';
import { type ExecutorCall, authorizeExecutorCall, parseExecutorRequest, validateExecutorCall } from '../../../src/agent/executor-api.js';

const ids = { framework_id: { value: 'f1' }, executor_id: { value: 'e1' } };
const uuid = Buffer.alloc(16, 7).toString('base64');

function update(status: Record<string, unknown>): unknown {
  return { type: 'UPDATE', ...ids, update: { status: { task_id: { value: 't1' }, state: 'TASK_RUNNING', uuid, ...status } } };
}

describe('validateExecutorCall', () => {
  it('accepts the four call types', () => {
    assert.equal(validateExecutorCall({ type: 'SUBSCRIBE', ...ids, subscribe: {} }), undefined);
    assert.equal(validateExecutorCall(update({ source: 'SOURCE_EXECUTOR' })), undefined);
    assert.equal(validateExecutorCall({ type: 'MESSAGE', ...ids, message: { data: 'aGk=' } }), undefined);
    assert.equal(validateExecutorCall({ type: 'HEARTBEAT', ...ids }), undefined);
  });

  it('reports what is missing or wrong, in Mesos words', () => {
    assert.equal(validateExecutorCall({ ...ids }), "Expecting 'type' to be present");
    assert.equal(validateExecutorCall({ type: 'HEARTBEAT', framework_id: ids.framework_id }), "Expecting 'executor_id' to be present");
    assert.equal(validateExecutorCall({ type: 'HEARTBEAT', executor_id: ids.executor_id }), "Expecting 'framework_id' to be present");
    assert.equal(validateExecutorCall({ type: 'SUBSCRIBE', ...ids }), "Expecting 'subscribe' to be present");
    assert.equal(validateExecutorCall({ type: 'UPDATE', ...ids }), "Expecting 'update' to be present");
    assert.equal(validateExecutorCall(update({ uuid: undefined })), "Expecting 'uuid' to be present");
    assert.equal(validateExecutorCall(update({ uuid: 'abcd' })), "Invalid UUID: 'abcd'");
    assert.equal(validateExecutorCall(update({ state: 'TASK_STAGING' })), 'Received TASK_STAGING from executor');
    assert.match(validateExecutorCall(update({ source: 'SOURCE_MASTER' }))!, /other than SOURCE_EXECUTOR/);
    assert.equal(
      validateExecutorCall(update({ executor_id: { value: 'other' } })),
      'ExecutorID in Call: e1 does not match ExecutorID in TaskStatus: other',
    );
    assert.equal(validateExecutorCall({ type: 'MESSAGE', ...ids }), "Expecting 'message' to be present");
  });
});

describe('parseExecutorRequest / authorizeExecutorCall', () => {
  const body = JSON.stringify({ type: 'HEARTBEAT', ...ids });

  it('maps HTTP problems to 405, 400, 415, 406', () => {
    assert.deepEqual(parseExecutorRequest({ method: 'GET', contentType: 'application/json', body }), {
      kind: 'reject',
      status: 405,
      message: "Expecting one of { 'POST' }, but received 'GET'",
      headers: { Allow: 'POST' },
    });
    assert.equal((parseExecutorRequest({ method: 'POST', body }) as { status: number }).status, 400);
    assert.equal((parseExecutorRequest({ method: 'POST', contentType: 'text/plain', body }) as { status: number }).status, 415);
    assert.equal(
      (parseExecutorRequest({ method: 'POST', contentType: 'application/json', accept: 'text/html', body }) as { status: number }).status,
      406,
    );
    assert.equal((parseExecutorRequest({ method: 'POST', contentType: 'application/json', body: '{' }) as { status: number }).status, 400);
    assert.equal(parseExecutorRequest({ method: 'POST', contentType: 'application/json; charset=utf-8', body }).kind, 'call');
  });

  it('rejects unknown frameworks and executors with 400 and unsubscribed executors with 403', () => {
    const call = { type: 'HEARTBEAT', ...ids } as ExecutorCall;
    assert.deepEqual(authorizeExecutorCall(call, { framework: false }), { kind: 'reject', status: 400, message: 'Framework cannot be found' });
    assert.deepEqual(authorizeExecutorCall(call, { framework: true }), { kind: 'reject', status: 400, message: 'Executor cannot be found' });
    assert.deepEqual(authorizeExecutorCall(call, { framework: true, executor: { subscribed: false } }), {
      kind: 'reject',
      status: 403,
      message: 'Executor is not subscribed',
    });
    assert.equal(authorizeExecutorCall({ ...call, type: 'SUBSCRIBE', subscribe: {} }, { framework: true, executor: { subscribed: false } }), undefined);
  });
});

describe('agent routes', () => {
  it('canonicalizes paths as libprocess does', () => {
    assert.equal(canonicalAgentPath('/state'), '/slave(1)/state');
    assert.equal(canonicalAgentPath('/state.json?jsonp=cb'), '/slave(1)/state?jsonp=cb');
    assert.equal(canonicalAgentPath('/slave%281%29/state/'), '/slave(1)/state');
    assert.equal(canonicalAgentPath('/slave(1)/state.json'), '/slave(1)/state');
    assert.equal(canonicalAgentPath('/api/v1/executor'), '/slave(1)/api/v1/executor');
    assert.equal(canonicalAgentPath('/metrics/snapshot'), '/metrics/snapshot');
    assert.equal(canonicalAgentPath('/health'), '/slave(1)/health');
  });

  function fakeHost(calls: ExecutorCall[]): AgentHttpHost {
    return {
      state: () => ({ id: 'a1' }),
      flags: () => ({ work_dir: '/w' }),
      metrics: () => ({ 'slave/registered': 1 }),
      version: () => ({ version: '1.12.0' }),
      lookupExecutor: (fw, ex) =>
        fw !== 'f1' ? { framework: false } : ex === 'e1' ? { framework: true, executor: { subscribed: true } } : { framework: true },
      subscribeExecutor: () => {},
      executorCall: (call) => calls.push(call),
    };
  }

  it('serves state, health, version, metrics, flags and jsonp', async () => {
    const app = buildAgentHttp(fakeHost([]));
    const state = await app.inject({ method: 'GET', url: '/slave%281%29/state' });
    assert.equal(state.statusCode, 200);
    assert.match(state.headers['content-type'] as string, /^application\/json/);
    assert.deepEqual(state.json(), { id: 'a1' });
    assert.deepEqual((await app.inject({ method: 'GET', url: '/state.json' })).json(), { id: 'a1' });
    const health = await app.inject({ method: 'GET', url: '/health' });
    assert.equal(health.statusCode, 200);
    assert.equal(health.body, '');
    assert.deepEqual((await app.inject({ method: 'GET', url: '/version' })).json(), { version: '1.12.0' });
    assert.deepEqual((await app.inject({ method: 'GET', url: '/slave(1)/flags' })).json(), { flags: { work_dir: '/w' } });
    const jsonp = await app.inject({ method: 'GET', url: '/metrics/snapshot?jsonp=cb' });
    assert.equal(jsonp.body, 'cb({"slave/registered":1})');
    assert.match(jsonp.headers['content-type'] as string, /^text\/javascript/);
    await app.close();
  });

  it('answers executor calls with 202, 400, 403, 405, 415 and plain-text bodies', async () => {
    const calls: ExecutorCall[] = [];
    const app = buildAgentHttp(fakeHost(calls));
    const post = (body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }, url = '/slave(1)/api/v1/executor') =>
      app.inject({ method: 'POST', url, headers, payload: typeof body === 'string' ? body : JSON.stringify(body) });

    assert.equal((await post({ type: 'HEARTBEAT', ...ids })).statusCode, 202);
    assert.equal((await post({ type: 'HEARTBEAT', ...ids }, undefined, '/api/v1/executor')).statusCode, 202);
    assert.equal(calls.length, 2);

    const unknownFw = await post({ type: 'HEARTBEAT', framework_id: { value: 'nope' }, executor_id: ids.executor_id });
    assert.equal(unknownFw.statusCode, 400);
    assert.equal(unknownFw.body, 'Framework cannot be found');
    const unknownEx = await post({ type: 'HEARTBEAT', framework_id: ids.framework_id, executor_id: { value: 'nope' } });
    assert.equal(unknownEx.statusCode, 400);
    assert.equal(unknownEx.body, 'Executor cannot be found');
    const invalid = await post(update({ state: 'TASK_STAGING' }));
    assert.equal(invalid.statusCode, 400);
    assert.equal(invalid.body, 'Failed to validate Executor::Call: Received TASK_STAGING from executor');
    assert.equal((await post('{', { 'content-type': 'application/json' })).statusCode, 400);
    assert.equal((await post({ type: 'HEARTBEAT', ...ids }, { 'content-type': 'text/plain' })).statusCode, 415);
    const get = await app.inject({ method: 'GET', url: '/slave(1)/api/v1/executor' });
    assert.equal(get.statusCode, 405);
    assert.equal(get.headers['allow'], 'POST');
    await app.close();
  });

  it('answers 403 to an executor that has not subscribed', async () => {
    const host = fakeHost([]);
    host.lookupExecutor = () => ({ framework: true, executor: { subscribed: false } });
    const app = buildAgentHttp(host);
    const response = await app.inject({
      method: 'POST',
      url: '/slave(1)/api/v1/executor',
      headers: { 'content-type': 'application/json' },
      payload: JSON.stringify({ type: 'HEARTBEAT', ...ids }),
    });
    assert.equal(response.statusCode, 403);
    assert.equal(response.body, 'Executor is not subscribed');
    await app.close();
  });
});
