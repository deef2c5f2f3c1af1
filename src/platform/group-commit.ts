/** One call's answer from a batch: its value, or the error that is its own (not the batch's). */
export type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

/** A promise's outcome as a value: what a batch gives back for a call it ran on its own. */
export const settle = <T>(work: Promise<T>): Promise<Settled<T>> =>
  work.then(
    (value) => ({ ok: true as const, value }),
    (error: unknown) => ({ ok: false as const, error }),
  );

type Waiting<In, Out> = { input: In; resolve: (value: Out) => void; reject: (error: unknown) => void };
type Lane<In, Out> = { waiting: Array<Waiting<In, Out>>; busy: boolean };

function answer<In, Out>(calls: Array<Waiting<In, Out>>, answers: Array<Settled<Out>>): void {
  calls.forEach((call, i) => {
    const settled = answers[i];
    if (settled?.ok) call.resolve(settled.value);
    else call.reject(settled ? settled.error : new Error('group commit: the batch left this call unanswered'));
  });
}

/**
 * Group commit: calls on one key (a database) that arrive while a batch of them is running wait, and the next
 * batch takes all of them (up to `max`) — one transaction for many callers instead of one each, so a burst on a
 * hot row costs one lock queue, one commit and a few multi-row statements. A call that finds the lane idle waits
 * only for the rest of the current event-loop turn (setImmediate, not a timer), so the calls that turn brings —
 * above all the callers a finished batch has just woken — start together; a quiet system answers as before.
 * (Measured: starting the first call at once made every other batch a batch of one; two batches in flight gave
 * smaller batches, more CPU per call and lower throughput.)
 *
 * `run` answers every input, in order. If it throws for a batch of several (a constraint one call breaks, a lost
 * deadlock), each call is run again as a batch of its own, so one call's failure is that caller's answer only.
 */
export function groupCommit<Key extends object, In, Out>(
  run: (key: Key, inputs: In[]) => Promise<Array<Settled<Out>>>,
  options: { max: number },
): (key: Key, input: In) => Promise<Out> {
  const lanes = new WeakMap<Key, Lane<In, Out>>();
  const drain = async (key: Key, lane: Lane<In, Out>) => {
    lane.busy = true;
    await new Promise((resolve) => setImmediate(resolve));
    while (lane.waiting.length > 0) {
      const batch = lane.waiting.splice(0, options.max);
      try {
        answer(
          batch,
          await run(
            key,
            batch.map((call) => call.input),
          ),
        );
      } catch (error) {
        if (batch.length === 1) batch[0]!.reject(error);
        else
          for (const call of batch) {
            const alone = await settle(run(key, [call.input]));
            if (alone.ok) answer([call], alone.value);
            else call.reject(alone.error);
          }
      }
    }
    lane.busy = false;
  };
  return (key, input) =>
    new Promise<Out>((resolve, reject) => {
      let lane = lanes.get(key);
      if (!lane) {
        lane = { waiting: [], busy: false };
        lanes.set(key, lane);
      }
      lane.waiting.push({ input, resolve, reject });
      if (!lane.busy) void drain(key, lane);
    });
}
