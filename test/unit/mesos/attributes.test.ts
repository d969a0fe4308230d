import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { AttributesParseError, parseAttributes, summarizeAttributes } from '../../../src/mesos/attributes.js';

describe('parseAttributes', () => {
  it('parses the reference example: text, scalar, ranges', () => {
    assert.deepEqual(parseAttributes('rack:r1;zone:west;level:10;keys:[1000-1500]'), [
      { name: 'rack', type: 'TEXT', text: { value: 'r1' } },
      { name: 'zone', type: 'TEXT', text: { value: 'west' } },
      { name: 'level', type: 'SCALAR', scalar: { value: 10 } },
      { name: 'keys', type: 'RANGES', ranges: { range: [{ begin: 1000, end: 1500 }] } },
    ]);
  });

  it('parses sets, decimals, blanks and newlines; empty gives []', () => {
    assert.deepEqual(parseAttributes(' os : {linux, x86} ;\nweight:0.5;;'), [
      { name: 'os', type: 'SET', set: { item: ['linux', 'x86'] } },
      { name: 'weight', type: 'SCALAR', scalar: { value: 0.5 } },
    ]);
    assert.deepEqual(parseAttributes(''), []);
  });

  it('keeps dotted and dashed text values as TEXT', () => {
    assert.deepEqual(parseAttributes('host:node-1.example.com;ver:1.2.3'), [
      { name: 'host', type: 'TEXT', text: { value: 'node-1.example.com' } },
      { name: 'ver', type: 'TEXT', text: { value: '1.2.3' } },
    ]);
  });

  const errors: Array<[string, RegExp]> = [
    ['rack', /^Failed to parse attribute 'rack': missing or extra ':'$/],
    ['a:b:c', /missing or extra ':'/],
    [':r1', /empty attribute name/],
    ['my rack:r1', /bad attribute name/],
    ['rack:', /empty value/],
    ['keys:[5-1]', /begin 5 > end 1/],
    ['keys:[1-2', /expected ranges/],
    ['os:{a,,b}', /bad set item/],
    ['x:a,b', /expected a number/],
  ];
  for (const [text, re] of errors) {
    it(`rejects ${JSON.stringify(text)}`, () => {
      assert.throws(
        () => parseAttributes(text),
        (err: unknown) => {
          assert.ok(err instanceof AttributesParseError);
          assert.equal(err.code, 'ATTRIBUTES_MALFORMED');
          assert.equal(err.part, text);
          assert.match(err.message, re);
          return true;
        },
      );
    });
  }
});

describe('summarizeAttributes', () => {
  it('renders the classic JSON object', () => {
    const a = parseAttributes('rack:r1;level:10;keys:[1000-1500, 2000-2001];os:{linux,x86};w:0.1234');
    assert.deepEqual(summarizeAttributes(a), {
      rack: 'r1',
      level: 10,
      keys: '[1000-1500, 2000-2001]',
      os: '{linux, x86}',
      w: 0.123,
    });
  });

  it('keeps the last value of a repeated name and tolerates missing payloads', () => {
    assert.deepEqual(summarizeAttributes(parseAttributes('rack:r1;rack:r2')), { rack: 'r2' });
    assert.deepEqual(summarizeAttributes([{ name: 't', type: 'TEXT' }, { name: 's', type: 'SCALAR' }]), { t: '', s: 0 });
    assert.deepEqual(summarizeAttributes([]), {});
  });
});
