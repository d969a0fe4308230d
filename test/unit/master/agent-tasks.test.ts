/**
 * AgentTasks: tasks on an agent by (framework id, task id), including two
 * frameworks whose tasks share an id.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AgentTasks } from '../../../src/master/agent-tasks.js';
import { MasterTask } from '../../../src/master/task.js';

const task = (frameworkId: string, id: string): MasterTask =>
  new MasterTask({ name: id, task_id: { value: id }, agent_id: { value: 'A' } }, frameworkId, 'A', '', '*', [], undefined);

/** Files a task of each of two frameworks under one id; checks each is found as its own. */
function fileNamesakes(tasks: AgentTasks, first: string, second: string, id: string): [MasterTask, MasterTask] {
  const a = task(first, id);
  const b = task(second, id);
  tasks.set(a);
  tasks.set(b);
  assert.equal(tasks.get(first, id), a);
  assert.equal(tasks.get(second, id), b);
  return [a, b];
}

describe('AgentTasks', () => {
  it('finds a task by framework and id, and not under another framework', () => {
    const tasks = new AgentTasks();
    const t = task('F1', 'web');
    tasks.set(t);
    assert.equal(tasks.get('F1', 'web'), t);
    assert.equal(tasks.get('F2', 'web'), undefined);
    assert.equal(tasks.size, 1);
  });

  it('keeps two frameworks\' tasks with the same id apart, whichever goes first', () => {
    const tasks = new AgentTasks();
    const [a, b] = fileNamesakes(tasks, 'F1', 'F2', 'web');
    assert.deepEqual([...tasks.values()], [a, b]);
    assert.equal(tasks.delete('F1', 'web'), true);
    assert.equal(tasks.get('F1', 'web'), undefined);
    assert.equal(tasks.get('F2', 'web'), b);
    // The first framework's id is free again; a new task of it is found, and so is the other.
    const c = task('F1', 'web');
    tasks.set(c);
    assert.equal(tasks.get('F1', 'web'), c);
    assert.equal(tasks.get('F2', 'web'), b);
    assert.equal(tasks.delete('F2', 'web'), true);
    assert.equal(tasks.delete('F2', 'web'), false);
    assert.deepEqual([...tasks.values()], [c]);
  });

  it('replaces a framework\'s task filed again under the same id', () => {
    const tasks = new AgentTasks();
    tasks.set(task('F1', 'x'));
    tasks.set(task('F2', 'x'));
    const again = task('F2', 'x');
    tasks.set(again);
    assert.equal(tasks.get('F2', 'x'), again);
    assert.equal(tasks.size, 2);
  });

  it('files a composite-keyed task once when it is filed again after its namesake left', () => {
    const tasks = new AgentTasks();
    tasks.set(task('F1', 'x'));
    const b = task('F2', 'x');
    tasks.set(b);
    assert.equal(tasks.delete('F1', 'x'), true);
    const again = task('F2', 'x');
    tasks.set(again);
    assert.deepEqual([...tasks.values()], [again]);
    assert.equal(tasks.get('F2', 'x'), again);
    assert.equal(tasks.delete('F2', 'x'), true);
    assert.equal(tasks.size, 0);
    // Nothing composite is left: a new pair is kept apart as before.
    const [c] = fileNamesakes(tasks, 'F3', 'F4', 'y');
    assert.equal(tasks.delete('F4', 'y'), true);
    assert.equal(tasks.get('F4', 'y'), undefined);
    assert.equal(tasks.get('F3', 'y'), c);
  });

  it('does not confuse a task id with another framework\'s composite entry', () => {
    const tasks = new AgentTasks();
    tasks.set(task('F1', 'x'));
    tasks.set(task('F2', 'x'));
    assert.equal(tasks.get('F2', 'F2\u0000x'), undefined);
    assert.equal(tasks.delete('F3', 'x'), false);
    assert.equal(tasks.size, 2);
  });
});
