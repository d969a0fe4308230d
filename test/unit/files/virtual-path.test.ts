import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { childVirtualPath, matchAttachment, normalizeVirtualPath } from '../../../src/files/virtual-path.js';

describe('normalizeVirtualPath', () => {
  it('drops file://, repeated and trailing slashes, but keeps .. and .', () => {
    assert.equal(normalizeVirtualPath('file:///a/b'), '/a/b');
    assert.equal(normalizeVirtualPath('//a///b//'), '/a/b');
    assert.equal(normalizeVirtualPath('/'), '/');
    assert.equal(normalizeVirtualPath('/a/../b/./c'), '/a/../b/./c');
    assert.equal(normalizeVirtualPath('rel/x'), 'rel/x');
  });
});

describe('matchAttachment', () => {
  const attachments = new Map([
    ['/w/slaves/S0/frameworks/F/executors/E/runs/C', '/real/C'],
    ['/w/slaves/S0/frameworks/F/executors/E/runs/C/tasks/t', '/real/T'],
    ['/slave/log', '/logs/agent.log'],
    ['/frameworks/F/executors/E/runs/latest/', '/real/C'],
  ]);

  it('takes the longest attachment made of whole segments', () => {
    assert.deepEqual(matchAttachment(attachments, '/w/slaves/S0/frameworks/F/executors/E/runs/C/stdout'), {
      virtualRoot: '/w/slaves/S0/frameworks/F/executors/E/runs/C',
      hostPath: '/real/C',
      suffix: ['stdout'],
    });
    assert.equal(matchAttachment(attachments, '/w/slaves/S0/frameworks/F/executors/E/runs/C/tasks/t/x')?.hostPath, '/real/T');
    assert.equal(matchAttachment(attachments, '/frameworks/F/executors/E/runs/latest')?.suffix.length, 0);
  });

  it('does not match a root by string prefix', () => {
    assert.equal(matchAttachment(attachments, '/w/slaves/S0/frameworks/F/executors/E/runs/C2/stdout'), undefined);
    assert.equal(matchAttachment(attachments, '/slave/logx'), undefined);
  });

  it('keeps .. literal in the suffix (the resolver judges it on disk)', () => {
    assert.deepEqual(matchAttachment(attachments, '/slave/log/../../etc/passwd')?.suffix, ['..', '..', 'etc', 'passwd']);
    assert.equal(matchAttachment(attachments, '/w/slaves/S0/../S0/frameworks/F/executors/E/runs/C'), undefined);
  });

  it('finds nothing for paths outside every attachment', () => {
    assert.equal(matchAttachment(attachments, '/etc/passwd'), undefined);
    assert.equal(matchAttachment(attachments, '/'), undefined);
    assert.equal(matchAttachment(new Map(), '/x'), undefined);
  });

  it('builds child paths with one slash', () => {
    assert.equal(childVirtualPath('/a', 'b'), '/a/b');
    assert.equal(childVirtualPath('/', 'b'), '/b');
  });
});
