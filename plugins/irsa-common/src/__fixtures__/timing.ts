/**
 * Milliseconds per call of `fn`: the best mean of several batches, after a
 * warm-up. Other processes on a busy machine only ever add time, so the best
 * batch is the closest reading of the code's own cost; the bounds the tests
 * assert are orders of magnitude below what backtracking would take.
 */
export function bestMeanMs(
  fn: () => unknown,
  { batches = 7, runs = 40 }: { batches?: number; runs?: number } = {},
): number {
  for (let i = 0; i < 5; i++) fn();
  let best = Infinity;
  for (let b = 0; b < batches; b++) {
    const start = performance.now();
    for (let i = 0; i < runs; i++) fn();
    best = Math.min(best, (performance.now() - start) / runs);
  }
  return best;
}
