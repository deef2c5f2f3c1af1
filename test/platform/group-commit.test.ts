import { describe, expect, it } from 'vitest';
import { type Settled, groupCommit } from '../../src/platform/group-commit.js';

/** A batch runner that records its batches and answers each input by the rule given; `gate` holds a batch open. */
function recorder(answer: (input: number) => Settled<string> = (input) => ({ ok: true, value: `v${input}` })) {
  const batches: number[][] = [];
  let open: (() => void) | undefined;
  const run = async (_key: object, inputs: number[]) => {
    batches.push(inputs);
    if (batches.length === 1) await new Promise<void>((resolve) => (open = resolve));
    return inputs.map(answer);
  };
  return { batches, run, releaseFirst: () => open?.() };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe('group commit', () => {
  it('gathers the calls of one event-loop turn into a batch; calls arriving while it runs form the next, in order', async () => {
    const r = recorder();
    const call = groupCommit(r.run, { max: 64 });
    const key = {};
    const first = [1, 2].map((i) => call(key, i));
    await tick();
    expect(r.batches).toEqual([[1, 2]]);
    const later = [3, 4, 5].map((i) => call(key, i));
    await tick();
    expect(r.batches).toEqual([[1, 2]]);
    r.releaseFirst();
    expect(await Promise.all([...first, ...later])).toEqual(['v1', 'v2', 'v3', 'v4', 'v5']);
    expect(r.batches).toEqual([
      [1, 2],
      [3, 4, 5],
    ]);
  });

  it('takes at most max calls per batch', async () => {
    const r = recorder();
    const call = groupCommit(r.run, { max: 2 });
    const key = {};
    const calls = [1, 2, 3, 4, 5].map((i) => call(key, i));
    await tick();
    r.releaseFirst();
    await Promise.all(calls);
    expect(r.batches).toEqual([[1, 2], [3, 4], [5]]);
  });

  it('gives each call its own answer: one call’s error reaches only that caller', async () => {
    const r = recorder((input) => (input === 3 ? { ok: false, error: new Error('three') } : { ok: true, value: `v${input}` }));
    const call = groupCommit(r.run, { max: 64 });
    const key = {};
    const calls = [1, 2, 3, 4].map((i) => call(key, i));
    await tick();
    r.releaseFirst();
    const settled = await Promise.allSettled(calls);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled']);
    expect(r.batches).toEqual([[1, 2, 3, 4]]);
  });

  it('runs each call of a batch that throws again on its own: only the failing call is rejected, and the lane goes on', async () => {
    const batches: number[][] = [];
    const call = groupCommit(
      async (_key: object, inputs: number[]) => {
        batches.push(inputs);
        if (inputs.includes(2)) throw new Error('batch failed');
        return inputs.map((input) => ({ ok: true as const, value: input }));
      },
      { max: 64 },
    );
    const key = {};
    const first = call(key, 1);
    await tick();
    const settled = await Promise.allSettled([first, call(key, 2), call(key, 3)]);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toEqual(new Error('batch failed'));
    expect(await call(key, 4)).toBe(4);
    expect(batches).toEqual([[1], [2, 3], [2], [3], [4]]);
  });

  it('keeps one lane per key: a busy database does not hold up another', async () => {
    const r = recorder();
    const call = groupCommit(r.run, { max: 64 });
    const busy = call({}, 1);
    expect(await call({}, 2)).toBe('v2');
    r.releaseFirst();
    expect(await busy).toBe('v1');
  });

  it('fails a call its batch left unanswered instead of leaving it waiting', async () => {
    const call = groupCommit(async (_key: object, inputs: number[]) => inputs.slice(1).map(() => ({ ok: true as const, value: 0 })), {
      max: 64,
    });
    await expect(call({}, 1)).rejects.toThrow(/unanswered/);
  });
});
