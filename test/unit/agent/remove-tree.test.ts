import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { removeEmptyDirs, removeTree } from '../../../src/agent/remove-tree.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'meseta-remove-tree-'));
after(() => rmSync(root, { recursive: true, force: true }));

describe('removeTree', () => {
  it('removes a nested tree of files, directories and links', () => {
    const dir = path.join(root, 'executor');
    mkdirSync(path.join(dir, 'runs', 'c1', 'tasks', 't1'), { recursive: true });
    mkdirSync(path.join(dir, 'runs', 'c1', 'pids'));
    writeFileSync(path.join(dir, 'executor.info'), '{}');
    writeFileSync(path.join(dir, 'runs', 'c1', 'tasks', 't1', 'task.updates'), 'x\n');
    writeFileSync(path.join(dir, 'runs', 'c1', 'pids', 'forked.pid'), '1');
    symlinkSync('c1', path.join(dir, 'runs', 'latest'));
    removeTree(dir);
    assert.equal(existsSync(dir), false);
  });

  it('unlinks a link to a directory without touching what it points to', () => {
    const kept = path.join(root, 'kept');
    mkdirSync(kept);
    writeFileSync(path.join(kept, 'file'), 'still here');
    const dir = path.join(root, 'with-link');
    mkdirSync(dir);
    symlinkSync(kept, path.join(dir, 'link'));
    removeTree(dir);
    assert.equal(existsSync(dir), false);
    assert.deepEqual(readdirSync(kept), ['file']);
  });

  it('accepts a missing directory and removes a plain file given as the root', () => {
    removeTree(path.join(root, 'never-made'));
    const file = path.join(root, 'plain');
    writeFileSync(file, '');
    removeTree(file);
    assert.equal(existsSync(file), false);
  });
});

describe('removeEmptyDirs', () => {
  it('removes empty directories in order, passes over missing ones, and stops at one that is not empty', () => {
    const a = path.join(root, 'empty-a');
    const b = path.join(root, 'empty-b');
    const full = path.join(root, 'not-empty');
    mkdirSync(a);
    mkdirSync(b);
    mkdirSync(path.join(full, 'child'), { recursive: true });
    removeEmptyDirs([a, path.join(root, 'missing'), b]);
    assert.equal(existsSync(a) || existsSync(b), false);
    assert.throws(() => removeEmptyDirs([full]), (error: NodeJS.ErrnoException) => error.code === 'ENOTEMPTY');
    assert.ok(existsSync(path.join(full, 'child')), 'nothing inside was touched');
  });
});
