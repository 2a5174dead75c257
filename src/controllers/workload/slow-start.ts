// pkg/controller's slowStartBatch: run `count` calls in batches of 1, 2, 4, … and stop at the first
// batch with a failure, so a template the API server refuses costs one failed request, not hundreds.
export async function slowStartBatch(count: number, initialBatchSize: number, call: () => Promise<void>): Promise<{ successes: number; error?: unknown }> {
  let remaining = count;
  let successes = 0;
  for (let batch = Math.min(remaining, initialBatchSize); batch > 0; batch = Math.min(2 * batch, remaining)) {
    const results = await Promise.allSettled(Array.from({ length: batch }, () => call()));
    let error: unknown;
    for (const r of results) {
      if (r.status === 'fulfilled') successes++;
      else error ??= r.reason;
    }
    if (error !== undefined) return { successes, error };
    remaining -= batch;
  }
  return { successes };
}
