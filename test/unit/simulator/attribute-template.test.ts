import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { agentAttributes } from '../../../src/simulator/attribute-template.js';

describe('agentAttributes', () => {
  it('expands {i} and {i%N}', () => {
    assert.equal(agentAttributes('rack:r{i%10};zone:z{i%3};n:{i}', 14), 'rack:r4;zone:z2;n:14');
  });
  it('leaves text without placeholders and {i%0} alone', () => {
    assert.equal(agentAttributes('rack:a', 3), 'rack:a');
    assert.equal(agentAttributes('x:{i%0}', 3), 'x:{i%0}');
  });
});
