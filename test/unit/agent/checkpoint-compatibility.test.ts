import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkAgentInfoCompatible } from '../../../src/agent/checkpoint-compatibility.js';
import { parseResourcesFlag } from '../../../src/mesos/resources.js';
import { parseAttributes } from '../../../src/mesos/attributes.js';
import type { AgentInfo } from '../../../src/mesos/types.js';

function info(resources: string, attributes = '', hostname = 'h1', port = 5051): AgentInfo {
  return { hostname, port, resources: parseResourcesFlag(resources), attributes: parseAttributes(attributes) };
}

const previous = info('cpus:2;mem:1024;disk:1024;ports:[31000-31100]', 'rack:r1;level:10;keys:[1-5]');

describe('checkAgentInfoCompatible (--reconfiguration_policy)', () => {
  it('accepts the same info under both policies, whatever the order of entries', () => {
    const reordered = info('mem:1024;ports:[31000-31100];disk:1024;cpus:2', 'keys:[1-5];level:10;rack:r1');
    assert.equal(checkAgentInfoCompatible(previous, reordered, 'equal'), undefined);
    assert.equal(checkAgentInfoCompatible(previous, reordered, 'additive'), undefined);
  });

  it('equal: any resource change is refused, naming old and new on one line', () => {
    const fewer = info('cpus:1;mem:1024;disk:1024;ports:[31000-31100]', 'rack:r1;level:10;keys:[1-5]');
    const why = checkAgentInfoCompatible(previous, fewer, 'equal');
    assert.match(why ?? '', /^Configuration change not permitted under 'equal' policy: Resources changed from .*cpus\(\*\):2.* to .*cpus\(\*\):1/);
    assert.ok(!why!.includes('\n'));
    const more = info('cpus:4;mem:1024;disk:1024;ports:[31000-31100]', 'rack:r1;level:10;keys:[1-5]');
    assert.match(checkAgentInfoCompatible(previous, more, 'equal') ?? '', /Resources changed/);
  });

  it('equal: attributes added, removed or changed are refused', () => {
    const res = 'cpus:2;mem:1024;disk:1024;ports:[31000-31100]';
    for (const attrs of ['rack:r1;level:10;keys:[1-5];zone:w', 'rack:r1;level:10', 'rack:r2;level:10;keys:[1-5]']) {
      assert.match(checkAgentInfoCompatible(previous, info(res, attrs), 'equal') ?? '', /Attributes changed from .*rack:r1/, attrs);
    }
  });

  it('both: hostname and port changes are refused', () => {
    const same = 'cpus:2;mem:1024;disk:1024;ports:[31000-31100]';
    const attrs = 'rack:r1;level:10;keys:[1-5]';
    for (const policy of ['equal', 'additive'] as const) {
      assert.match(checkAgentInfoCompatible(previous, info(same, attrs, 'h2'), policy) ?? '', /Hostname changed from h1 to h2/);
      assert.match(checkAgentInfoCompatible(previous, info(same, attrs, 'h1', 5052), policy) ?? '', /Port changed from 5051 to 5052/);
    }
  });

  it('additive: resources may grow and new resources and attributes appear', () => {
    const grown = info('cpus:4;mem:2048;disk:1024;ports:[31000-32000];gpus:1', 'rack:r1;level:10;keys:[1-9];zone:w');
    assert.equal(checkAgentInfoCompatible(previous, grown, 'additive'), undefined);
  });

  it('additive: a smaller scalar, a narrower range or a missing resource is refused with the reason', () => {
    const attrs = 'rack:r1;level:10;keys:[1-5]';
    assert.match(
      checkAgentInfoCompatible(previous, info('cpus:1;mem:1024;disk:1024;ports:[31000-31100]', attrs), 'additive') ?? '',
      /^Configuration change not permitted under 'additive' policy: Value of scalar resource 'cpus' decreased from 2 to 1$/,
    );
    assert.match(
      checkAgentInfoCompatible(previous, info('cpus:2;mem:1024;disk:1024;ports:[31000-31050]', attrs), 'additive') ?? '',
      /Previous value of range resource 'ports' \(\[31000-31100\]\) not included in current \[31000-31050\]/,
    );
    assert.match(checkAgentInfoCompatible(previous, info('cpus:2;mem:1024;ports:[31000-31100]', attrs), 'additive') ?? '', /Resource not found: disk/);
  });

  it('additive: a removed or changed attribute is refused; a ranges attribute may only grow', () => {
    const res = 'cpus:2;mem:1024;disk:1024;ports:[31000-31100]';
    assert.match(checkAgentInfoCompatible(previous, info(res, 'level:10;keys:[1-5]'), 'additive') ?? '', /Couldn't find attribute rack:r1/);
    assert.match(checkAgentInfoCompatible(previous, info(res, 'rack:r2;level:10;keys:[1-5]'), 'additive') ?? '', /Value of text attribute 'rack' changed from r1 to r2/);
    assert.match(checkAgentInfoCompatible(previous, info(res, 'rack:r1;level:11;keys:[1-5]'), 'additive') ?? '', /Value of scalar attribute 'level' changed from 10 to 11/);
    assert.match(checkAgentInfoCompatible(previous, info(res, 'rack:5;level:10;keys:[1-5]'), 'additive') ?? '', /Type of attribute 'rack' changed from TEXT to SCALAR/);
    assert.match(checkAgentInfoCompatible(previous, info(res, 'rack:r1;level:10;keys:[2-5]'), 'additive') ?? '', /ranges attribute 'keys'/);
  });
});
