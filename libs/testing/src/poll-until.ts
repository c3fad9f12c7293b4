/** Bounded waiting: reads until the predicate holds or the time is up (then throws with the last value). */
export async function pollUntil<T>(
  read: () => Promise<T> | T,
  predicate: (value: T) => boolean,
  {
    timeoutMs = 20000,
    intervalMs = 100,
    what = 'condition',
  }: { timeoutMs?: number; intervalMs?: number; what?: string } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: T | undefined;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      last = await read();
      if (predicate(last)) return last;
    } catch (error) {
      lastError = error;
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
  throw new Error(
    `timed out after ${timeoutMs} ms waiting for ${what}; last value: ${JSON.stringify(last)?.slice(0, 500)}` +
      (lastError ? `; last error: ${(lastError as Error).message}` : ''),
  );
}
