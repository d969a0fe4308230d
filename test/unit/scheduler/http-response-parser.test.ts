/**
 * Splitting pipelined HTTP/1.1 answers: Content-Length and chunked bodies,
 * answers cut anywhere across reads, 1xx skipped, unframeable ones refused.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { HttpResponseParseError, parseHttpResponses } from '../../../src/scheduler/http-response-parser.js';

const accepted = 'HTTP/1.1 202 Accepted\r\nContent-Length: 0\r\nKeep-Alive: timeout=72\r\n\r\n';
const withBody = 'HTTP/1.1 400 Bad Request\r\ncontent-type: text/plain\r\nContent-Length: 7\r\n\r\nno ünï';
const chunked = 'HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nX-A: 1\r\nX-A: 2\r\n\r\n3\r\nabc\r\n2;ext=1\r\nde\r\n0\r\n\r\n';

test('three pipelined answers in one read come out in order', () => {
  const { responses, rest } = parseHttpResponses(Buffer.from(accepted + withBody.replace('7', String(Buffer.byteLength('no ünï'))) + chunked));
  assert.deepEqual(
    responses.map((r) => [r.status, r.body]),
    [[202, ''], [400, 'no ünï'], [200, 'abcde']],
  );
  assert.equal(responses[0]!.headers['keep-alive'], 'timeout=72');
  assert.equal(responses[2]!.headers['x-a'], '1, 2');
  assert.equal(rest.length, 0);
});

test('an answer cut anywhere is kept whole in rest until its last byte arrives', () => {
  const body = `${accepted}${chunked}`;
  const bytes = Buffer.from(body);
  fc.assert(
    fc.property(fc.integer({ min: 0, max: bytes.length }), (cut) => {
      const first = parseHttpResponses(bytes.subarray(0, cut));
      const second = parseHttpResponses(Buffer.concat([first.rest, bytes.subarray(cut)]));
      const all = [...first.responses, ...second.responses].map((r) => `${r.status}:${r.body}`);
      assert.deepEqual(all, ['202:', '200:abcde']);
      assert.equal(second.rest.length, 0);
    }),
  );
});

test('100 Continue is skipped; 204 has no body', () => {
  const { responses } = parseHttpResponses(Buffer.from('HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n' + accepted));
  assert.deepEqual(responses.map((r) => r.status), [204, 202]);
});

test('a body framed by the connection closing, or a bad status line, is refused', () => {
  assert.throws(() => parseHttpResponses(Buffer.from('HTTP/1.1 200 OK\r\n\r\nhello')), HttpResponseParseError);
  assert.throws(() => parseHttpResponses(Buffer.from('SPDY/3 200 OK\r\n\r\n')), HttpResponseParseError);
  assert.throws(() => parseHttpResponses(Buffer.from('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n')), HttpResponseParseError);
});
