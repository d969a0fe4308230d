/**
 * The files service and routes against a real directory tree (temp dirs,
 * symlinks), through fastify's inject(): no socket.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, realpath, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import Fastify, { type FastifyInstance } from 'fastify';
import { FilesService } from '../../../src/files/files-service.js';
import { contentDisposition, registerFilesRoutes } from '../../../src/files/files-routes.js';
import { isInside, resolveVirtualPath } from '../../../src/files/file-resolver.js';
import { FilesError } from '../../../src/files/files-error.js';

let base: string;
let sandbox: string;
let app: FastifyInstance;
const warnings: string[] = [];
const VIRTUAL = '/work/slaves/S0/frameworks/F/executors/E/runs/C';
const ALIAS = '/frameworks/F/executors/E/runs/latest';

before(async () => {
  base = await realpath(await mkdtemp(path.join(os.tmpdir(), 'meseta-files-')));
  sandbox = path.join(base, 'sandbox');
  await mkdir(path.join(sandbox, 'sub'), { recursive: true });
  await writeFile(path.join(sandbox, 'stdout'), 'hello\nworld\n');
  await writeFile(path.join(sandbox, 'sub', 'inner.txt'), 'inner');
  await writeFile(path.join(sandbox, 'big'), Buffer.alloc(200_000, 'x'));
  await writeFile(path.join(base, 'secret'), 'top secret');
  await mkdir(path.join(base, 'sandbox2'));
  await writeFile(path.join(base, 'sandbox2', 'other'), 'other sandbox');
  await writeFile(path.join(base, 'agent.log'), 'log line\n');
  await symlink(path.join(base, 'secret'), path.join(sandbox, 'link-out'));
  await symlink(base, path.join(sandbox, 'dir-out'));
  await symlink('stdout', path.join(sandbox, 'link-in'));
  await symlink(path.join(base, 'nonexistent'), path.join(sandbox, 'dangling-out'));
  const service = new FilesService({
    attachments: () =>
      new Map([
        [VIRTUAL, sandbox],
        [ALIAS, sandbox],
        ['/slave/log', path.join(base, 'agent.log')],
      ]),
    logger: { warn: (m) => warnings.push(m) },
  });
  app = Fastify();
  registerFilesRoutes(app, service, { jsonAliases: true });
  await app.ready();
});

after(async () => {
  await app.close();
  await rm(base, { recursive: true, force: true });
});

async function get(url: string): Promise<{ status: number; body: string; headers: Record<string, unknown> }> {
  const res = await app.inject({ method: 'GET', url });
  return { status: res.statusCode, body: res.body, headers: res.headers };
}
const q = (p: string): string => encodeURIComponent(p);

describe('/files/browse', () => {
  it('lists a sandbox by its host-style virtual path and by its alias, sorted', async () => {
    for (const root of [VIRTUAL, ALIAS, `${VIRTUAL}/`]) {
      const res = await get(`/files/browse?path=${q(root)}`);
      assert.equal(res.status, 200);
      const listing = JSON.parse(res.body) as Array<{ path: string; mode: string; size: number; uid: string; mtime: number }>;
      const names = listing.map((e) => path.basename(e.path));
      assert.deepEqual(names, ['big', 'dangling-out', 'dir-out', 'link-in', 'link-out', 'stdout', 'sub']);
      const stdout = listing.find((e) => e.path.endsWith('/stdout'))!;
      assert.equal(stdout.path, `${root.replace(/\/$/, '')}/stdout`);
      assert.equal(stdout.size, 12);
      assert.match(stdout.mode, /^-rw/);
      assert.equal(typeof stdout.uid, 'string');
      assert.ok(Number.isInteger(stdout.mtime));
      assert.match(listing.find((e) => e.path.endsWith('/sub'))!.mode, /^d/);
      // Links leading out are shown as links, never as what they point to.
      assert.match(listing.find((e) => e.path.endsWith('/link-out'))!.mode, /^l/);
      assert.match(listing.find((e) => e.path.endsWith('/link-in'))!.mode, /^-/);
    }
  });

  it('needs a path, answers JSONP and the .json alias', async () => {
    assert.deepEqual(await get('/files/browse'), { status: 400, body: "Expecting 'path=value' in query.\n", headers: (await get('/files/browse')).headers });
    const jsonp = await get(`/files/browse?path=${q(VIRTUAL + '/sub')}&jsonp=angular.callbacks._0`);
    assert.equal(jsonp.status, 200);
    assert.match(jsonp.body, /^angular\.callbacks\._0\(\[\{"path":/);
    assert.match(String(jsonp.headers['content-type']), /text\/javascript/);
    assert.equal((await get(`/files/browse.json?path=${q(VIRTUAL)}`)).status, 200);
    assert.equal((await get(`/files/browse?path=${q(VIRTUAL)}&jsonp=alert(1)`)).status, 400);
  });

  it('lists a file as [] and an unknown path as 404', async () => {
    assert.equal((await get(`/files/browse?path=${q(VIRTUAL + '/stdout')}`)).body, '[]');
    assert.equal((await get(`/files/browse?path=${q(VIRTUAL + '/nope')}`)).status, 404);
    assert.equal((await get(`/files/browse?path=${q('/etc')}`)).status, 404);
  });
});

describe('/files/read', () => {
  it('probes the size with offset -1 or no offset', async () => {
    for (const query of ['offset=-1', 'offset=-1&length=-1', '']) {
      const res = await get(`/files/read?path=${q(VIRTUAL + '/stdout')}&${query}`);
      assert.equal(res.status, 200);
      assert.deepEqual(JSON.parse(res.body), { data: '', offset: 12 });
    }
  });

  it('pages with offset and length', async () => {
    assert.deepEqual(JSON.parse((await get(`/files/read?path=${q(VIRTUAL + '/stdout')}&offset=0&length=5`)).body), { data: 'hello', offset: 0 });
    assert.deepEqual(JSON.parse((await get(`/files/read?path=${q(VIRTUAL + '/stdout')}&offset=6`)).body), { data: 'world\n', offset: 6 });
    assert.deepEqual(JSON.parse((await get(`/files/read?path=${q(ALIAS + '/link-in')}&offset=0&length=-1`)).body), { data: 'hello\nworld\n', offset: 0 });
    assert.deepEqual(JSON.parse((await get(`/files/read?path=/slave/log&offset=0`)).body), { data: 'log line\n', offset: 0 });
  });

  it('echoes an offset past the end with no data, and caps a read at 64 KiB', async () => {
    assert.deepEqual(JSON.parse((await get(`/files/read?path=${q(VIRTUAL + '/stdout')}&offset=1000000000000&length=10`)).body), {
      data: '',
      offset: 1000000000000,
    });
    const big = JSON.parse((await get(`/files/read?path=${q(VIRTUAL + '/big')}&offset=0&length=999999999`)).body) as { data: string };
    assert.equal(big.data.length, 65536);
  });

  it('refuses bad numbers and directories with Mesos messages', async () => {
    const p = q(VIRTUAL + '/stdout');
    assert.deepEqual(
      [await get(`/files/read?path=${p}&offset=-2`), await get(`/files/read?path=${p}&offset=x`), await get(`/files/read?path=${p}&offset=0&length=-9`)].map((r) => [r.status, r.body]),
      [
        [400, 'Negative offset provided: -2.\n'],
        [400, "Failed to parse offset: Failed to convert 'x' to number.\n"],
        [400, 'Negative length provided: -9.\n'],
      ],
    );
    assert.equal((await get(`/files/read?path=${p}&offset=99999999999999999999`)).status, 400);
    const dir = await get(`/files/read?path=${q(VIRTUAL)}&offset=0`);
    assert.deepEqual([dir.status, dir.body], [400, 'Cannot read a directory.\n']);
  });
});

describe('/files/download', () => {
  it('streams the file as an attachment with a type from its extension', async () => {
    const res = await get(`/files/download?path=${q(VIRTUAL + '/sub/inner.txt')}`);
    assert.equal(res.status, 200);
    assert.equal(res.body, 'inner');
    assert.equal(res.headers['content-disposition'], 'attachment; filename=inner.txt');
    assert.equal(res.headers['content-type'], 'text/plain');
    assert.equal(res.headers['content-length'], '5');
    const big = await get(`/files/download?path=${q(VIRTUAL + '/big')}`);
    assert.equal(big.body.length, 200_000);
    assert.equal(big.headers['content-type'], 'application/octet-stream');
    const dir = await get(`/files/download?path=${q(VIRTUAL)}`);
    assert.deepEqual([dir.status, dir.body], [400, 'Cannot download a directory.\n']);
  });

  it('quotes unusual file names', () => {
    assert.equal(contentDisposition('stdout'), 'attachment; filename=stdout');
    assert.equal(contentDisposition('a "b"\n.txt'), `attachment; filename="a _b__.txt"; filename*=UTF-8''a%20%22b%22%0A.txt`);
  });
});

describe('/files/debug', () => {
  it('shows the virtual → host map', async () => {
    const res = JSON.parse((await get('/files/debug')).body) as Record<string, string>;
    assert.equal(res[VIRTUAL], sandbox);
    assert.equal(res[ALIAS], sandbox);
    assert.equal(res['/slave/log'], path.join(base, 'agent.log'));
  });
});

describe('traversal is refused on every endpoint', () => {
  const attempts: Array<[string, number]> = [
    [`${VIRTUAL}/../../../../../../../etc/passwd`, 403],
    [`${VIRTUAL}/../sandbox2/other`, 403],
    [`${VIRTUAL}/sub/../../secret`, 403],
    [`${VIRTUAL}/../nonexistent-outside`, 403],
    [`${ALIAS}/../../../../../etc/passwd`, 403],
    [`${VIRTUAL}/link-out`, 403],
    [`${VIRTUAL}/dir-out/secret`, 403],
    [`${VIRTUAL}/dir-out/sandbox2/other`, 403],
    [`${VIRTUAL}/dangling-out`, 403],
    [`/slave/log/../secret`, 404],
    [`${base}/secret`, 404],
    ['/etc/passwd', 404],
    [`${VIRTUAL}/stdout\u0000.txt`, 400],
  ];
  for (const endpoint of ['browse', 'read', 'download']) {
    it(`/files/${endpoint}`, async () => {
      for (const [attempt, status] of attempts) {
        const res = await get(`/files/${endpoint}?path=${q(attempt)}&offset=0`);
        assert.equal(res.status, status, `${endpoint} ${JSON.stringify(attempt)}: ${res.body}`);
        assert.doesNotMatch(res.body, /top secret|other sandbox|root:/);
      }
    });
  }

  it('decodes %2e%2e once, as any query value, and refuses it', async () => {
    const res = await get(`/files/read?path=${VIRTUAL}/%2e%2e/%2e%2e/%2e%2e/secret&offset=0`);
    assert.equal(res.status, 403);
    // Double-encoded dots are a literal file name, which does not exist.
    assert.equal((await get(`/files/read?path=${VIRTUAL}/%252e%252e/secret&offset=0`)).status, 404);
  });

  it('logs a warning for each refusal', () => {
    assert.ok(warnings.some((w) => w.includes('leaves')));
    assert.ok(warnings.some((w) => w.includes('symlink')));
    assert.ok(warnings.some((w) => w.includes('NUL')));
  });

  it('allows .. that stays inside the root', async () => {
    const res = await get(`/files/read?path=${q(VIRTUAL + '/sub/../stdout')}&offset=0&length=5`);
    assert.deepEqual(JSON.parse(res.body), { data: 'hello', offset: 0 });
  });
});

describe('resolveVirtualPath', () => {
  it('compares roots by segment, not string prefix', async () => {
    assert.equal(isInside('/a/b', '/a/b'), true);
    assert.equal(isInside('/a/b', '/a/b/c'), true);
    assert.equal(isInside('/a/b', '/a/bc'), false);
    assert.equal(isInside('/a/b', '/a'), false);
  });

  it('throws FilesError with a type for each refusal', async () => {
    const attachments = new Map([['/s', sandbox]]);
    await assert.rejects(resolveVirtualPath(attachments, '/s/../secret'), (e: unknown) => e instanceof FilesError && e.type === 'UNAUTHORIZED');
    await assert.rejects(resolveVirtualPath(attachments, '/s/missing'), (e: unknown) => e instanceof FilesError && e.type === 'NOT_FOUND');
    await assert.rejects(resolveVirtualPath(attachments, '/s/\0'), (e: unknown) => e instanceof FilesError && e.type === 'INVALID');
    const ok = await resolveVirtualPath(attachments, 'file:///s//sub/');
    assert.equal(ok.realPath, path.join(sandbox, 'sub'));
    assert.equal(ok.isDirectory, true);
  });
});
