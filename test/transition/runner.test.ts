import { test } from 'node:test';
import assert from 'node:assert/strict';
import { VirtualClock } from '../../src/util/clock.js';
import type { GraphAction, TransitionGraph } from '../../src/policy/graph.js';
import { TransitionRunner, type ActionContext, type ActionOutcome, type GraphExecutor } from '../../src/transition/runner.js';

function act(id: number, inputs: number[], kind: GraphAction['kind'] = 'rsc_op', operation = 'start', attributes: Record<string, string> = {}): GraphAction {
  return { id, kind, operation, key: `a${id}`, attributes, priority: 0, inputs };
}
function graph(actions: GraphAction[]): TransitionGraph {
  return { settings: { clusterDelay: '1s', stonithTimeout: '5s', failedStopOffset: 'INFINITY', failedStartOffset: 'INFINITY', batchLimit: 0, transitionId: 9 }, actions };
}

class Fake implements GraphExecutor {
  readonly calls: string[] = [];
  readonly pending = new Map<number, (o: ActionOutcome) => void>();
  readonly ctxs = new Map<number, ActionContext>();
  private take(kind: string, a: GraphAction, ctx: ActionContext): Promise<ActionOutcome> {
    this.calls.push(`${kind}:${a.id}`);
    this.ctxs.set(a.id, ctx);
    return new Promise(r => this.pending.set(a.id, r));
  }
  resource(a: GraphAction, c: ActionContext) { return this.take('rsc', a, c); }
  fence(a: GraphAction, c: ActionContext) { return this.take('fence', a, c); }
  cluster(a: GraphAction, c: ActionContext) { return this.take('cluster', a, c); }
  finish(id: number, ok = true): void { this.pending.get(id)!({ ok }); }
}

const tick = () => new Promise(r => setImmediate(r));

test('runs actions in dependency order through the executor; pseudo actions complete at once', async () => {
  const clock = new VirtualClock();
  const fake = new Fake();
  const g = graph([
    act(1, []), act(2, [1], 'pseudo_event', 'running'), act(3, [2], 'crm_event', 'stonith'), act(4, [3], 'crm_event', 'do_shutdown'),
  ]);
  const runner = new TransitionRunner(g, fake, { clock, uuid: 'u' });
  const done = runner.run();
  await tick();
  assert.deepEqual(fake.calls, ['rsc:1']);
  assert.equal(fake.ctxs.get(1)!.transitionKey, '1:9:0:u');
  fake.finish(1);
  await tick();
  assert.deepEqual(fake.calls, ['rsc:1', 'fence:3']);
  fake.finish(3);
  await tick();
  fake.finish(4);
  const r = await done;
  assert.deepEqual(fake.calls, ['rsc:1', 'fence:3', 'cluster:4']);
  assert.equal(r.end, 'complete');
  assert.equal(r.done, 4);
});

test('an action that does not answer times out (timeout + cluster-delay) and aborts the graph', async () => {
  const clock = new VirtualClock();
  const fake = new Fake();
  const g = graph([act(1, [], 'rsc_op', 'start', { CRM_meta_timeout: '2000', CRM_meta_op_target_rc: '7' }), act(2, [1])]);
  const runner = new TransitionRunner(g, fake, { clock, uuid: 'u' });
  const outcomes: ActionOutcome[] = [];
  runner.on('action:completed', (_a, o) => outcomes.push(o));
  const done = runner.run();
  await tick();
  assert.equal(fake.ctxs.get(1)!.targetRc, 7);
  assert.equal(fake.ctxs.get(1)!.timeoutMs, 3000);
  clock.advance(2999);
  await tick();
  assert.equal(outcomes.length, 0);
  clock.advance(1);
  const r = await done;
  assert.equal(r.end, 'aborted');
  assert.equal(outcomes[0]!.timedOut, true);
  assert.equal(r.skipped, 1);
  fake.finish(1);
  assert.deepEqual(fake.calls, ['rsc:1'], 'a late result starts nothing');
});

test('abort stops new actions but waits for those in flight', async () => {
  const clock = new VirtualClock();
  const fake = new Fake();
  const runner = new TransitionRunner(graph([act(1, []), act(2, [1])]), fake, { clock, uuid: 'u' });
  const reasons: string[] = [];
  runner.on('aborted', r => reasons.push(r));
  const done = runner.run();
  await tick();
  runner.abort('CIB changed');
  let finished = false;
  void done.then(() => { finished = true; });
  await tick();
  assert.equal(finished, false);
  fake.finish(1);
  const r = await done;
  assert.equal(r.end, 'aborted');
  assert.equal(r.reason, 'CIB changed');
  assert.deepEqual(reasons, ['CIB changed']);
  assert.deepEqual(fake.calls, ['rsc:1']);
});

test('an executor that throws fails the action instead of crashing', async () => {
  const clock = new VirtualClock();
  const exec: GraphExecutor = {
    resource: () => { throw new Error('boom'); },
    fence: () => Promise.resolve({ ok: true }),
    cluster: () => Promise.resolve({ ok: true }),
  };
  const r = await new TransitionRunner(graph([act(1, [])]), exec, { clock, uuid: 'u' }).run();
  assert.equal(r.end, 'aborted');
  assert.match(r.reason ?? '', /boom/);
});
