/**
 * The classic SchedulerDriver adapter against a real HTTP peer: callbacks in
 * order, implicit acknowledgements, the C++ driver's log lines, stop → TEARDOWN,
 * ERROR → error callback and DRIVER_ABORTED.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createLogger } from '../../../src/logging/logger.js';
import { SchedulerDriver, type Scheduler } from '../../../src/scheduler/scheduler-driver.js';
import { StandaloneMasterDetector } from '../../../src/scheduler/master-detector.js';
import { HttpPeer, waitFor } from './http-peer.js';

async function masterPeer(): Promise<HttpPeer> {
  const peer = await new HttpPeer().start();
  peer.respond = (call) => (call.body['type'] === 'SUBSCRIBE' ? { stream: true, headers: { 'Mesos-Stream-Id': 'sid' } } : { status: 202 });
  return peer;
}

function logLines(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, logger: createLogger('sched', { sink: (line) => lines.push(line.replace(/^.*\] /, '').trimEnd()) }) };
}

test('callbacks, implicit acknowledgements, log lines and stop() → TEARDOWN', async () => {
  const peer = await masterPeer();
  const { lines, logger } = logLines();
  const calls: string[] = [];
  const scheduler: Scheduler = {
    registered: (_d, id, info) => calls.push(`registered:${id.value}:${info?.id}`),
    resourceOffers: (driver, offers) => {
      calls.push(`offers:${offers.length}`);
      void driver.declineOffer(offers[0]!.id, { refuse_seconds: 1 });
    },
    statusUpdate: (_d, s) => calls.push(`update:${s.task_id.value}:${s.state}`),
    frameworkMessage: (_d, e, a, data) => calls.push(`message:${e.value}:${a.value}:${data.length}`),
    agentLost: (_d, a) => calls.push(`agentLost:${a.value}`),
    executorLost: (_d, e, a, status) => calls.push(`executorLost:${e.value}:${a.value}:${status}`),
    offerRescinded: (_d, o) => calls.push(`rescinded:${o.value}`),
  };
  const driver = new SchedulerDriver(scheduler, { user: 'u', name: 'n' }, {
    master: new StandaloneMasterDetector({ host: '127.0.0.1', port: peer.port }),
    logger,
  });
  try {
    assert.equal(driver.start(), 'DRIVER_RUNNING');
    const stream = await waitFor(() => peer.streams[0]);
    stream.send({ type: 'SUBSCRIBED', subscribed: { framework_id: { value: 'fw' }, master_info: { id: 'mid', ip: 0, port: 5050 } } });
    stream.send({ type: 'OFFERS', offers: { offers: [{ id: { value: 'o1' }, framework_id: { value: 'fw' }, agent_id: { value: 'a' }, hostname: 'h', resources: [] }] } });
    stream.send({ type: 'RESCIND', rescind: { offer_id: { value: 'o2' } } });
    const uuid = Buffer.alloc(16, 1).toString('base64');
    stream.send({ type: 'UPDATE', update: { status: { task_id: { value: 't' }, state: 'TASK_RUNNING', agent_id: { value: 'a' }, uuid } } });
    stream.send({ type: 'MESSAGE', message: { agent_id: { value: 'a' }, executor_id: { value: 'e' }, data: Buffer.from('ab\0').toString('base64') } });
    stream.send({ type: 'FAILURE', failure: { agent_id: { value: 'a' } } });
    stream.send({ type: 'FAILURE', failure: { agent_id: { value: 'a' }, executor_id: { value: 'e' }, status: 0 } });
    await waitFor(() => calls.length === 7 && peer.callsOf('ACKNOWLEDGE').length === 1 && peer.callsOf('DECLINE').length === 1);
    assert.deepEqual(calls, [
      'registered:fw:mid',
      'offers:1',
      'rescinded:o2',
      'update:t:TASK_RUNNING',
      'message:e:a:3',
      'agentLost:a',
      'executorLost:e:a:0',
    ]);
    assert.equal(await driver.stop(), 'DRIVER_STOPPED');
    assert.equal(await driver.join(), 'DRIVER_STOPPED');
    assert.equal(peer.callsOf('TEARDOWN').length, 1);
    assert.deepEqual(lines, [
      'Version: 1.12.0',
      `New master detected at master@127.0.0.1:${peer.port}`,
      'No credentials provided. Attempting to register without authentication',
      'Framework registered with fw',
      'Asked to stop the driver',
      "Stopping framework 'fw'",
    ]);
  } finally {
    driver.abort();
    await peer.stop();
  }
});

test('stop(failover=true) closes without TEARDOWN; an ERROR aborts the driver', async () => {
  const peer = await masterPeer();
  const { logger } = logLines();
  const errors: string[] = [];
  const driver = new SchedulerDriver({ error: (_d, m) => errors.push(m) }, { user: 'u', name: 'n' }, {
    master: new StandaloneMasterDetector({ host: '127.0.0.1', port: peer.port }),
    logger,
  });
  try {
    const running = driver.run();
    const stream = await waitFor(() => peer.streams[0]);
    stream.send({ type: 'ERROR', error: { message: 'Framework failed over' } });
    assert.equal(await running, 'DRIVER_ABORTED');
    assert.deepEqual(errors, ['Framework failed over']);

    const driver2 = new SchedulerDriver({}, { user: 'u', name: 'n' }, {
      master: new StandaloneMasterDetector({ host: '127.0.0.1', port: peer.port }),
      logger,
    });
    driver2.start();
    (await waitFor(() => peer.streams[1])).send({ type: 'SUBSCRIBED', subscribed: { framework_id: { value: 'fw2' } } });
    await waitFor(() => driver2.frameworkId);
    assert.equal(await driver2.stop(true), 'DRIVER_STOPPED');
    assert.equal(peer.callsOf('TEARDOWN').length, 0);
    await waitFor(() => peer.streams[1]!.closed);
  } finally {
    driver.abort();
    await peer.stop();
  }
});
