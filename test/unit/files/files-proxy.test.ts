/**
 * The master's /files proxy (src/master/http/files-proxy.ts) against a real
 * agent-side files server on 127.0.0.1: which agent owns a path, pass-through
 * of status, headers and streamed bodies, the master's own log, and errors.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { FilesService } from '../../../src/files/files-service.js';
import { registerFilesRoutes } from '../../../src/files/files-routes.js';
import { AgentRecord } from '../../../src/master/agent-record.js';
import { MasterTask } from '../../../src/master/task.js';
import type { Master } from '../../../src/master/master.js';
import { ownerByPath, registerFilesProxy } from '../../../src/master/http/files-proxy.js';

let base: string;
let agentApp: FastifyInstance;
let masterApp: FastifyInstance;
let fakeMaster: { agents: Map<string, AgentRecord>; logger: { info(): void; warn(): void; error(): void; logFile: string } };
const AGENT = 'm1-S0';
const FW = 'm1-0000';
let sandbox: string;
let hidden: string;

function agentRecord(id: string, port: number): AgentRecord {
  return new AgentRecord(id, { hostname: 'localhost', id: { value: id } }, `slave(1)@127.0.0.1:${port}`, '1.11.0', 0);
}

before(async () => {
  base = await realpath(await mkdtemp(path.join(os.tmpdir(), 'meseta-proxy-')));
  sandbox = path.join(base, 'work', 'slaves', AGENT, 'frameworks', FW, 'executors', 't1', 'runs', 'c1');
  hidden = path.join(base, 'elsewhere', 'run');
  await mkdir(sandbox, { recursive: true });
  await mkdir(hidden, { recursive: true });
  await writeFile(path.join(sandbox, 'stdout'), 'from the agent\n');
  await writeFile(path.join(sandbox, 'big'), Buffer.alloc(3_000_000, 'y'));
  await writeFile(path.join(hidden, 'stdout'), 'found by debug\n');
  await writeFile(path.join(base, 'master.log'), 'master log line\n');
  await writeFile(path.join(base, 'secret'), 'secret');
  const agentFiles = new FilesService({
    attachments: () =>
      new Map([
        [sandbox, sandbox],
        [`/frameworks/${FW}/executors/t1/runs/latest`, sandbox],
        ['/other/run', hidden],
      ]),
  });
  agentApp = Fastify();
  registerFilesRoutes(agentApp, agentFiles);
  await agentApp.listen({ host: '127.0.0.1', port: 0 });
  const port = (agentApp.server.address() as { port: number }).port;
  const agent = agentRecord(AGENT, port);
  agent.tasks.set(new MasterTask({ name: 't1', task_id: { value: 't1' }, agent_id: { value: AGENT } }, FW, AGENT, '', '*', [], undefined));
  fakeMaster = {
    agents: new Map([[AGENT, agent]]),
    logger: { info: () => {}, warn: () => {}, error: () => {}, logFile: path.join(base, 'master.log') },
  };
  masterApp = Fastify();
  registerFilesProxy(masterApp, fakeMaster as unknown as Master);
  await masterApp.ready();
});

after(async () => {
  await masterApp.close();
  await agentApp.close();
  await rm(base, { recursive: true, force: true });
});

async function get(url: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const res = await masterApp.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.body, headers: res.headers };
}
const q = encodeURIComponent;

describe('ownerByPath', () => {
  it('finds the agent by its /slaves/<id>/ segment or by a task of the aliased executor', () => {
    const master = fakeMaster as unknown as Master;
    assert.equal(ownerByPath(master, `${sandbox}/stdout`)?.id, AGENT);
    assert.equal(ownerByPath(master, `/frameworks/${FW}/executors/t1/runs/latest/stdout`)?.id, AGENT);
    assert.equal(ownerByPath(master, `/frameworks/${FW}/executors/t2/runs/latest`), undefined);
    assert.equal(ownerByPath(master, '/tmp/slaves/unknown-S9/x'), undefined);
  });
});

describe('master /files proxy', () => {
  it('forwards browse and read to the owning agent, JSONP included', async () => {
    const listing = JSON.parse((await get(`/files/browse?path=${q(sandbox)}`)).body) as Array<{ path: string }>;
    assert.deepEqual(listing.map((e) => path.basename(e.path)), ['big', 'stdout']);
    assert.deepEqual(JSON.parse((await get(`/files/read?path=${q(`${sandbox}/stdout`)}&offset=0`)).body), { data: 'from the agent\n', offset: 0 });
    const alias = await get(`/files/read.json?path=${q(`/frameworks/${FW}/executors/t1/runs/latest/stdout`)}&offset=5&length=3&jsonp=cb`);
    assert.equal(alias.body, 'cb({"data":"the","offset":5})');
    assert.match(String(alias.headers['content-type']), /javascript/);
  });

  it('finds an agent through its /files/debug when the path names none', async () => {
    assert.deepEqual(JSON.parse((await get(`/files/read?path=${q('/other/run/stdout')}&offset=0`)).body), { data: 'found by debug\n', offset: 0 });
  });

  it('streams downloads through with the agent headers', async () => {
    const res = await get(`/files/download?path=${q(`${sandbox}/big`)}`);
    assert.equal(res.status, 200);
    assert.equal(res.body.length, 3_000_000);
    assert.equal(res.headers['content-disposition'], 'attachment; filename=big');
    assert.equal(res.headers['content-length'], '3000000');
  });

  it('passes refusals through and answers 404 for paths no agent holds', async () => {
    const out = await get(`/files/read?path=${q(`${sandbox}/../../../../../../../secret`)}&offset=0`);
    assert.equal(out.status, 403);
    assert.equal((await get(`/files/browse?path=${q('/nowhere/at/all')}`)).status, 404);
    assert.equal((await get('/files/browse')).body, "Expecting 'path=value' in query.\n");
    assert.equal((await get(`/files/read?path=${q(`${sandbox}/stdout`)}&offset=-3`)).status, 400);
  });

  it('serves its own log as /master/log and lists only that in /files/debug', async () => {
    assert.deepEqual(JSON.parse((await get('/files/read?path=/master/log&offset=0')).body), { data: 'master log line\n', offset: 0 });
    assert.deepEqual(JSON.parse((await get('/files/debug')).body), { '/master/log': path.join(base, 'master.log') });
    assert.equal((await get(`/files/read?path=${q('/master/log/../secret')}&offset=0`)).status, 404);
  });

  it('answers 503 when the owning agent cannot be reached', async () => {
    const gone = agentRecord('m1-S1', 1);
    fakeMaster.agents.set('m1-S1', gone);
    try {
      const res = await get(`/files/browse?path=${q('/w/slaves/m1-S1/frameworks/x')}`);
      assert.equal(res.status, 503);
      assert.match(res.body, /Failed to reach agent m1-S1/);
    } finally {
      fakeMaster.agents.delete('m1-S1');
    }
  });
});
