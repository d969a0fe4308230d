/** Paging and tailing a sandbox file without ever holding it whole. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  appendChunk, earlierRead, emptyWindow, firstRead, prependChunk, tailRead, utf8Length, windowText, PAGE_BYTES,
} from '../../../src/webui/src/lib/file-window.js';

describe('file window', () => {
  it('opens on the last page, or the whole of a small file', () => {
    assert.deepEqual(firstRead(10), { offset: 0, length: 10 });
    assert.deepEqual(firstRead(0), { offset: 0, length: 0 });
    assert.deepEqual(firstRead(PAGE_BYTES * 3 + 5), { offset: PAGE_BYTES * 2 + 5, length: PAGE_BYTES });
  });

  it('tails from the end and pages back to the start', () => {
    let w = appendChunk(emptyWindow(100), 100, 'abc');
    assert.deepEqual(tailRead(w), { offset: 103, length: PAGE_BYTES });
    assert.deepEqual(earlierRead(w), { offset: 0, length: 100 });
    w = prependChunk(w, 0, 'x'.repeat(100));
    assert.equal(w.start, 0);
    assert.equal(earlierRead(w), undefined);
    assert.equal(windowText(w), `${'x'.repeat(100)}abc`);
  });

  it('counts bytes, not characters', () => {
    const w = appendChunk(emptyWindow(0), 0, 'héllo ✓');
    assert.equal(w.end, utf8Length('héllo ✓'));
    assert.equal(w.end, 10);
  });

  it('ignores answers that do not join the window (stale reads)', () => {
    const w = appendChunk(emptyWindow(0), 0, 'abc');
    assert.equal(appendChunk(w, 10, 'zzz'), w);
    assert.equal(prependChunk(w, 0, 'zzz'), w);
    assert.equal(appendChunk(w, 3, ''), w);
  });

  it('a character cut at the end of a backward page still joins', () => {
    // Asked for [0, 10); the master kept back a 2-byte character's first byte.
    const w = appendChunk(emptyWindow(10), 10, 'tail');
    const joined = prependChunk(w, 0, '123456789');
    assert.equal(joined.start, 0);
    assert.equal(joined.end, 14);
  });

  it('never holds more than the bound, whatever the reads (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1, maxLength: 300 }), { maxLength: 60 }), (pieces) => {
        const max = 1000;
        let w = emptyWindow(0);
        let total = 0;
        for (const piece of pieces) {
          w = appendChunk(w, w.end, piece, max);
          total += utf8Length(piece);
        }
        assert.equal(w.end, total);
        // Chunks are dropped whole, so one chunk may exceed the bound by itself.
        const held = w.end - w.start;
        assert.ok(held <= max || w.chunks.length === 1, `held ${held}`);
        assert.equal(utf8Length(windowText(w)), held);
        assert.equal(w.truncatedFront, w.start > 0);
      }),
    );
  });
});
