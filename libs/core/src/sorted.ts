/** The index of the first of the ascending `values` that is >= `x` (`values.length` if none). */
export function firstAtLeast<T extends string | number>(values: readonly T[], x: T): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
