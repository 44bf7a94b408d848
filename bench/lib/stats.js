// Small statistics and scheduling helpers shared by the suites.

/** Median, min and max of a list of numbers (the figure we quote and its spread). */
export function summarize(values) {
  if (values.length === 0) throw new Error('no samples');
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { median, min: sorted[0], max: sorted[sorted.length - 1], n: sorted.length };
}

/** `items` rotated left by `by`: round r of an interleaved schedule starts at a different variant. */
export function rotate(items, by) {
  const k = ((by % items.length) + items.length) % items.length;
  return [...items.slice(k), ...items.slice(0, k)];
}

/** Nanoseconds elapsed since `start` (a `process.hrtime.bigint()`), as a number. */
export function elapsedNs(start) {
  return Number(process.hrtime.bigint() - start);
}
