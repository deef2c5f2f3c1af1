import type { TestApp } from '../support/test-app.js';

/**
 * Waits until @fastify/under-pressure no longer sheds load. Its event-loop-utilization reading is cumulative
 * since the app started, so on a loaded machine the first requests after building an app (route schemas
 * compile synchronously) can get 503s for a moment.
 */
export async function settled(app: TestApp): Promise<void> {
  const plugin = app.app as unknown as { isUnderPressure?: () => boolean };
  if (!plugin.isUnderPressure) return; // test apps run without load shedding unless a test turns it on
  const pressured = () => plugin.isUnderPressure!();
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  await sleep(1_100); // one sample interval: the plugin's readings are only fresh after it
  for (let i = 0; i < 50 && pressured(); i++) await sleep(200);
}
