import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { GraphAction, TransitionGraph } from '../../src/policy/graph.js';
import { abortRun, initialRunState, markResult, markRunning, readyActions, runEnd } from '../../src/transition/graphState.js';
import { formatTransitionKey, parseTransitionKey, formatTransitionMagic } from '../../src/transition/keys.js';

function act(id: number, inputs: number[] = [], kind: GraphAction['kind'] = 'rsc_op'): GraphAction {
  return { id, kind, operation: 'start', key: `r${id}_start_0`, attributes: {}, priority: 0, inputs };
}
function graph(actions: GraphAction[], batchLimit = 0): TransitionGraph {
  return { settings: { clusterDelay: '60s', stonithTimeout: '60s', failedStopOffset: 'INFINITY', failedStartOffset: 'INFINITY', batchLimit, transitionId: 1 }, actions };
}

test('an action is ready once all its inputs are done', () => {
  let s = initialRunState(graph([act(1), act(2, [1]), act(3, [1, 2])]));
  assert.deepEqual(readyActions(s).map(a => a.id), [1]);
  s = markRunning(s, [1]);
  assert.deepEqual(readyActions(s).map(a => a.id), []);
  s = markResult(s, 1, true);
  assert.deepEqual(readyActions(s).map(a => a.id), [2]);
  s = markResult(markRunning(s, [2]), 2, true);
  assert.deepEqual(readyActions(s).map(a => a.id), [3]);
  assert.equal(runEnd(s), undefined);
  s = markResult(markRunning(s, [3]), 3, true);
  assert.equal(runEnd(s), 'complete');
});

test('a failure aborts: nothing new starts, in-flight actions are waited for', () => {
  let s = markRunning(initialRunState(graph([act(1), act(2), act(3, [1])])), [1, 2]);
  s = markResult(s, 1, false, 'r1 failed');
  assert.equal(s.abortReason, 'r1 failed');
  assert.deepEqual(readyActions(s), []);
  assert.equal(runEnd(s), undefined, 'action 2 still runs');
  s = markResult(s, 2, true);
  assert.equal(runEnd(s), 'aborted');
});

test('an external abort keeps the first reason; late results are ignored', () => {
  let s = markRunning(initialRunState(graph([act(1), act(2, [1])])), [1]);
  s = abortRun(abortRun(s, 'CIB changed'), 'second');
  assert.equal(s.abortReason, 'CIB changed');
  s = markResult(s, 1, true);
  assert.equal(runEnd(s), 'aborted');
  assert.equal(markResult(s, 1, false), s, 'a result for an action not running changes nothing');
});

test('batch-limit caps concurrent actions; pseudo actions do not count', () => {
  const s = initialRunState(graph([act(1), act(2), act(3, [], 'pseudo_event'), act(4)], 2));
  assert.deepEqual(readyActions(s, 2).map(a => a.id), [1, 2, 3]);
  assert.deepEqual(readyActions(markRunning(s, [1]), 2).map(a => a.id), [2, 3]);
});

test('a graph whose inputs can never complete ends as aborted', () => {
  const s = initialRunState(graph([act(1, [99])]));
  assert.deepEqual(readyActions(s), []);
  assert.equal(runEnd(s), 'aborted');
  assert.equal(runEnd(initialRunState(graph([]))), 'complete');
});

test('transition keys and magic round-trip', () => {
  const k = formatTransitionKey({ actionId: 4, transitionId: 12, targetRc: 7, uuid: 'n1-100' });
  assert.equal(k, '4:12:7:n1-100');
  assert.deepEqual(parseTransitionKey(k), { actionId: 4, transitionId: 12, targetRc: 7, uuid: 'n1-100' });
  assert.equal(parseTransitionKey('garbage'), undefined);
  assert.equal(formatTransitionMagic(0, 7, k), '0:7;4:12:7:n1-100');
});
