/**
 * The operator surface of a real `meseta local`: a task writes known stdout
 * (and plants symlinks leading out of its sandbox); its sandbox is browsed,
 * read and downloaded through the agent and through the master, every
 * traversal attempt is refused on every endpoint, `/monitor/statistics`
 * shows the task, and the agent's operator API answers each call.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { cleanupDirs, getJson, startLocal, stopAll, tempDir, waitFor, type LocalCluster } from './harness.js';
import { RawScheduler, commandTask } from './raw-scheduler.js';

const MARKER = 'files-e2e-marker-7f3a';
const TASK = 'files-task';

interface AgentState {
  id: string;
  frameworks: Array<{ id: string; executors: Array<{ id: string; directory: string; container: string }> }>;
}

async function get(url: string): Promise<{ status: number; body: string; headers: Headers }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text(), headers: res.headers };
}

async function call(agentUrl: string, body: unknown, init: { method?: string; contentType?: string } = {}): Promise<{ status: number; body: string }> {
  const res = await fetch(`${agentUrl}/api/v1`, {
    method: init.method ?? 'POST',
    headers: { 'Content-Type': init.contentType ?? 'application/json', Accept: 'application/json' },
    body: init.method === 'GET' ? undefined : JSON.stringify(body),
  });
  return { status: res.status, body: await res.text() };
}

async function v1(agentUrl: string, body: unknown): Promise<Record<string, unknown>> {
  const res = await call(agentUrl, body);
  assert.equal(res.status, 200, res.body);
  return JSON.parse(res.body) as Record<string, unknown>;
}

describe('files and the agent operator surface', () => {
  let cluster: LocalCluster;
  let scheduler: RawScheduler;
  let agentUrl = '';
  let agentId = '';
  let sandbox = '';
  let alias = '';
  let workDirAlias = '';

  before(async () => {
    const logDir = tempDir('files-logs');
    cluster = await startLocal({ flags: [`--log_dir=${logDir}`, '--resources=cpus:2;mem:1024;disk:1024;ports:[31000-31010]'] });
    const state = await getJson<{ slaves: Array<{ id: string; pid: string }> }>(`${cluster.url}/master/state`);
    agentId = state.slaves[0]!.id;
    agentUrl = `http://${state.slaves[0]!.pid.split('@')[1]}`;
    scheduler = new RawScheduler(cluster.url);
    await scheduler.subscribe({ name: 'files-e2e' });
    const [offer] = await scheduler.offers();
    const command = `ln -s /etc/passwd link-out; ln -s / root-link; mkdir sub; echo inner > sub/inner.txt; echo ${MARKER}; echo second line; exec sleep 120`;
    await scheduler.launch(offer!, [commandTask(offer!, TASK, command, 0.2, 64)]);
    await scheduler.update(TASK, 'TASK_RUNNING');
    const executor = await waitFor('the task in the agent state', async () => {
      const agent = await getJson<AgentState>(`${agentUrl}/slave(1)/state`);
      return agent.frameworks.flatMap((f) => f.executors).find((e) => e.id === TASK);
    });
    sandbox = executor.directory;
    alias = `/frameworks/${scheduler.frameworkId}/executors/${TASK}/runs/latest`;
    // <work_dir>/slaves/<agent>/frameworks/<fw>/executors/<ex>/runs/latest (meseta local gives each agent its own work_dir).
    workDirAlias = join(dirname(sandbox), 'latest');
    assert.ok(workDirAlias.endsWith(join('slaves', agentId, 'frameworks', scheduler.frameworkId, 'executors', TASK, 'runs', 'latest')));
    await waitFor('the marker in stdout', async () => {
      const res = await get(`${agentUrl}/files/read?path=${encodeURIComponent(`${sandbox}/stdout`)}&offset=0`);
      return res.status === 200 && (JSON.parse(res.body) as { data: string }).data.includes('second line');
    });
  });

  after(async () => {
    scheduler?.close();
    await stopAll();
    cleanupDirs();
  });

  const q = encodeURIComponent;

  for (const via of ['agent', 'master'] as const) {
    describe(`through the ${via}`, () => {
      let base = '';
      let skip: string | false = false;
      before(async () => {
        base = via === 'agent' ? agentUrl : cluster.url;
        if (via === 'master' && (await get(`${base}/files/debug`)).status === 404) {
          skip = 'the master has no /files routes (registerFilesProxy is not hooked into server.ts)';
        }
      });

      it('browses the sandbox by its directory, its virtual alias and its work_dir alias', async (t) => {
        if (skip) return t.skip(skip);
        for (const path of [sandbox, alias, workDirAlias]) {
          const res = await get(`${base}/files/browse?path=${q(path)}`);
          assert.equal(res.status, 200, `${path}: ${res.body}`);
          const listing = JSON.parse(res.body) as Array<{ path: string; size: number; mode: string }>;
          const stdout = listing.find((e) => e.path === `${path}/stdout`);
          assert.ok(stdout, `${path}: ${res.body}`);
          assert.ok(stdout.size > MARKER.length);
          assert.match(stdout.mode, /^-rw/);
          assert.ok(listing.some((e) => e.path === `${path}/stderr`));
        }
      });

      it('reads stdout as the web UI pailer does', async (t) => {
        if (skip) return t.skip(skip);
        const path = q(`${sandbox}/stdout`);
        const probe = JSON.parse((await get(`${base}/files/read?path=${path}&offset=-1&length=-1&jsonp=`)).body) as { offset: number; data: string };
        assert.equal(probe.data, '');
        assert.ok(probe.offset >= MARKER.length);
        const page = JSON.parse((await get(`${base}/files/read?path=${path}&offset=0&length=${probe.offset}`)).body) as { offset: number; data: string };
        assert.equal(page.offset, 0);
        assert.ok(page.data.includes(`${MARKER}\nsecond line\n`));
        const tail = JSON.parse((await get(`${base}/files/read?path=${q(`${alias}/stdout`)}&offset=${MARKER.length + 1}&length=6`)).body) as { data: string };
        assert.equal(tail.data, 'second');
        const jsonp = await get(`${base}/files/read?path=${path}&offset=0&length=4&jsonp=cb`);
        assert.equal(jsonp.body, `cb({"data":"${MARKER.slice(0, 4)}","offset":0})`);
        assert.match(jsonp.headers.get('content-type') ?? '', /javascript/);
        const past = JSON.parse((await get(`${base}/files/read?path=${path}&offset=99999999999`)).body) as { offset: number; data: string };
        assert.deepEqual(past, { data: '', offset: 99999999999 });
        assert.equal((await get(`${base}/files/read?path=${path}&offset=-7`)).status, 400);
        assert.equal((await get(`${base}/files/read?path=${q(sandbox)}&offset=0`)).status, 400);
      });

      it('downloads a file as an attachment', async (t) => {
        if (skip) return t.skip(skip);
        const res = await get(`${base}/files/download?path=${q(`${workDirAlias}/sub/inner.txt`)}`);
        assert.equal(res.status, 200);
        assert.equal(res.body, 'inner\n');
        assert.equal(res.headers.get('content-disposition'), 'attachment; filename=inner.txt');
        assert.equal(res.headers.get('content-type'), 'text/plain');
        const stdout = await get(`${base}/files/download?path=${q(`${sandbox}/stdout`)}`);
        assert.ok(stdout.body.includes(MARKER));
        assert.equal(stdout.headers.get('content-type'), 'application/octet-stream');
      });

      it('refuses every traversal attempt on every endpoint', async (t) => {
        if (skip) return t.skip(skip);
        const attempts: Array<[string, number]> = [
          [`${sandbox}/../../../../../../../../../../etc/passwd`, 403],
          [`${alias}/../../../../../../etc/passwd`, 403],
          [`${workDirAlias}/../../../../../../../../../../../etc/passwd`, 403],
          [`${sandbox}/link-out`, 403],
          [`${sandbox}/root-link/etc/passwd`, 403],
          [`${sandbox}/sub/../../../../`, 403],
          ['/etc/passwd', 404],
          [`${sandbox}/stdout\u0000`, 400],
        ];
        for (const endpoint of ['browse', 'read', 'download']) {
          for (const [path, status] of attempts) {
            const res = await get(`${base}/files/${endpoint}?path=${q(path)}&offset=0`);
            assert.equal(res.status, status, `${via} ${endpoint} ${JSON.stringify(path)}: ${res.body}`);
            assert.doesNotMatch(res.body, /root:x?:0:0/);
          }
          // Percent-encoded dots arrive as dots once the query is decoded.
          const encoded = await get(`${base}/files/${endpoint}?path=${sandbox}/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd&offset=0`);
          assert.equal(encoded.status, 403, `${via} ${endpoint} %2e%2e: ${encoded.body}`);
        }
      });

      it('lists its attachments in /files/debug', async (t) => {
        if (skip) return t.skip(skip);
        const debug = await getJson<Record<string, string>>(`${base}/files/debug`);
        if (via === 'agent') {
          assert.equal(debug[sandbox], sandbox);
          assert.equal(debug[alias], sandbox);
          assert.equal(debug[workDirAlias], sandbox);
          assert.ok(debug['/slave/log']);
        } else {
          assert.ok(debug['/master/log']);
        }
      });
    });
  }

  it('serves the agent log as /slave/log', async () => {
    const res = JSON.parse((await get(`${agentUrl}/files/read?path=/slave/log&offset=0`)).body) as { data: string };
    assert.match(res.data, /Log file created at/);
  });

  it('shows the running task in /monitor/statistics with its memory in use', async () => {
    type Entry = { executor_id: string; framework_id: string; executor_name: string; source: string; statistics: Record<string, number> };
    const entry = await waitFor('statistics with non-zero memory', async () => {
      const list = await getJson<Entry[]>(`${agentUrl}/monitor/statistics`);
      const found = list.find((e) => e.executor_id === TASK);
      return found && found.statistics.mem_rss_bytes! > 0 ? found : undefined;
    });
    assert.equal(entry.framework_id, scheduler.frameworkId);
    assert.equal(typeof entry.executor_name, 'string');
    const s = entry.statistics;
    assert.ok(s.timestamp! > 1.6e9);
    assert.ok(s.cpus_limit! >= 0.2);
    assert.ok(s.mem_limit_bytes! >= 64 * 1024 * 1024);
    assert.ok(s.cpus_user_time_secs! >= 0 && s.cpus_system_time_secs! >= 0);
    for (const url of [`${agentUrl}/monitor/statistics.json`, `${agentUrl}/slave(1)/monitor/statistics`]) {
      assert.ok((await getJson<Entry[]>(url)).some((e) => e.executor_id === TASK));
    }
    assert.match((await get(`${agentUrl}/monitor/statistics?jsonp=cb`)).body, /^cb\(\[/);
    const containers = await getJson<Array<{ container_id: string; executor_id: string; statistics: Record<string, number> }>>(`${agentUrl}/containers`);
    assert.ok(containers.some((c) => c.executor_id === TASK && c.container_id.length > 0));
    const metrics = await getJson<Record<string, number>>(`${agentUrl}/metrics/snapshot`);
    assert.equal(metrics['slave/tasks_running'], 1);
    assert.ok(metrics['slave/cpus_used']! >= 0.2);
    assert.equal(metrics['slave/container_launch_errors'], 0);
  });

  describe('the agent operator API', () => {
    it('answers the read-only calls with their v1 shapes', async () => {
      assert.deepEqual(await v1(agentUrl, { type: 'GET_HEALTH' }), { type: 'GET_HEALTH', get_health: { healthy: true } });
      const flags = (await v1(agentUrl, { type: 'GET_FLAGS' })).get_flags as { flags: Array<{ name: string; value: string }> };
      assert.ok(flags.flags.some((f) => f.name === 'work_dir'));
      const version = (await v1(agentUrl, { type: 'GET_VERSION' })).get_version as { version_info: { version: string } };
      assert.match(version.version_info.version, /^\d+\.\d+\.\d+/);
      const metrics = (await v1(agentUrl, { type: 'GET_METRICS', get_metrics: {} })).get_metrics as { metrics: Array<{ name: string; value: number }> };
      assert.equal(metrics.metrics.find((m) => m.name === 'slave/tasks_running')?.value, 1);
      const agent = (await v1(agentUrl, { type: 'GET_AGENT' })).get_agent as { agent_info: { id: { value: string }; hostname: string } };
      assert.equal(agent.agent_info.id.value, agentId);
      const frameworks = (await v1(agentUrl, { type: 'GET_FRAMEWORKS' })).get_frameworks as { frameworks: Array<{ framework_info: { id: { value: string } } }>; completed_frameworks: unknown[] };
      assert.equal(frameworks.frameworks[0]!.framework_info.id.value, scheduler.frameworkId);
      assert.ok(Array.isArray(frameworks.completed_frameworks));
      const executors = (await v1(agentUrl, { type: 'GET_EXECUTORS' })).get_executors as { executors: Array<{ executor_info: { executor_id: { value: string } } }> };
      assert.equal(executors.executors[0]!.executor_info.executor_id.value, TASK);
      const tasks = (await v1(agentUrl, { type: 'GET_TASKS' })).get_tasks as { launched_tasks: Array<{ task_id: { value: string }; state: string; agent_id: { value: string } }> };
      assert.equal(tasks.launched_tasks[0]!.task_id.value, TASK);
      assert.equal(tasks.launched_tasks[0]!.state, 'TASK_RUNNING');
      assert.equal(tasks.launched_tasks[0]!.agent_id.value, agentId);
      const state = (await v1(agentUrl, { type: 'GET_STATE' })).get_state as Record<string, unknown>;
      assert.deepEqual(Object.keys(state).sort(), ['get_executors', 'get_frameworks', 'get_tasks']);
      const containers = (await v1(agentUrl, { type: 'GET_CONTAINERS' })).get_containers as {
        containers: Array<{ executor_id: { value: string }; container_id: { value: string }; resource_statistics: { mem_rss_bytes: number } }>;
      };
      const mine = containers.containers.find((c) => c.executor_id.value === TASK)!;
      assert.ok(mine.resource_statistics.mem_rss_bytes > 0);
    });

    it('lists and reads sandbox files, refusing traversal', async () => {
      const list = (await v1(agentUrl, { type: 'LIST_FILES', list_files: { path: alias } })).list_files as {
        file_infos: Array<{ path: string; mode: number; mtime: { nanoseconds: number }; uid: string }>;
      };
      const stdout = list.file_infos.find((f) => f.path === `${alias}/stdout`)!;
      assert.equal(stdout.mode & 0o170000, 0o100000);
      assert.ok(stdout.mtime.nanoseconds > 1.6e18);
      const read = (await v1(agentUrl, { type: 'READ_FILE', read_file: { path: `${sandbox}/stdout`, offset: 0 } })).read_file as { size: number; data: string };
      assert.ok(Buffer.from(read.data, 'base64').toString().startsWith(`${MARKER}\n`));
      assert.ok(read.size > MARKER.length);
      const out = await call(agentUrl, { type: 'READ_FILE', read_file: { path: `${sandbox}/../../../../../../../../../../etc/passwd`, offset: 0 } });
      assert.equal(out.status, 403);
      const link = await call(agentUrl, { type: 'LIST_FILES', list_files: { path: `${sandbox}/root-link/etc` } });
      assert.equal(link.status, 403);
      assert.equal((await call(agentUrl, { type: 'LIST_FILES', list_files: { path: '/nowhere' } })).status, 404);
    });

    it('sets the logging level for a while', async () => {
      assert.deepEqual((await v1(agentUrl, { type: 'GET_LOGGING_LEVEL' })).get_logging_level, { level: 0 });
      const set = await call(agentUrl, { type: 'SET_LOGGING_LEVEL', set_logging_level: { level: 2, duration: { nanoseconds: 60e9 } } });
      assert.equal(set.status, 200);
      assert.deepEqual((await v1(agentUrl, { type: 'GET_LOGGING_LEVEL' })).get_logging_level, { level: 2 });
      assert.equal((await get(`${agentUrl}/logging/toggle?level=0&duration=1secs`)).status, 200);
      assert.equal((await get(`${agentUrl}/logging/toggle?level=1`)).body, "Expecting 'duration=value' in query.\n");
    });

    it('refuses bad calls with Mesos status codes', async () => {
      const unknown = await call(agentUrl, { type: 'NO_SUCH_CALL' });
      assert.deepEqual(unknown, { status: 400, body: "Failed to validate agent::Call: Unknown call type 'NO_SUCH_CALL'" });
      assert.deepEqual(await call(agentUrl, {}), { status: 400, body: "Failed to validate agent::Call: Expecting 'type' to be present" });
      assert.deepEqual(await call(agentUrl, { type: 'GET_METRICS' }), { status: 400, body: "Failed to validate agent::Call: Expecting 'get_metrics' to be present" });
      assert.equal((await call(agentUrl, { type: 'UNKNOWN' })).status, 501);
      assert.equal((await call(agentUrl, { type: 'LAUNCH_NESTED_CONTAINER' })).status, 501);
      assert.equal((await call(agentUrl, {}, { method: 'GET' })).status, 405);
      assert.equal((await call(agentUrl, { type: 'GET_HEALTH' }, { contentType: 'text/plain' })).status, 415);
      const malformed = await fetch(`${agentUrl}/api/v1`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{' });
      assert.equal(malformed.status, 400);
    });
  });
});
