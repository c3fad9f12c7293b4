import { useId } from 'preact/hooks';
import { formatDate } from './common';
import type { HistogramBucket } from './types';

const WIDTH = 600;
const HEIGHT = 100;

export function addDays(key: string, days: number): string {
  const d = new Date(`${key}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

const plural = (n: number) => `${n} document${n === 1 ? '' : 's'}`;

/**
 * Matching documents per week as inline SVG bars (no chart library). A bar narrows the query to
 * its week on click; keyboard and screen-reader users get the same from the table below it.
 */
export function WeeklyHistogram({
  buckets,
  onPick,
}: {
  buckets: HistogramBucket[];
  onPick: (from: string, to: string) => void;
}) {
  const captionId = useId();
  if (buckets.length === 0) return null;
  const max = Math.max(1, ...buckets.map((b) => b.count));
  const peak = buckets.reduce((best, b) => (b.count > best.count ? b : best), buckets[0]!);
  const slot = WIDTH / buckets.length;
  const gap = slot > 6 ? Math.min(4, slot / 5) : 0;
  const first = buckets[0]!.key;
  const last = buckets[buckets.length - 1]!.key;
  const summary =
    `${buckets.length} week${buckets.length === 1 ? '' : 's'} from ${formatDate(first)}; ` +
    `busiest: week of ${formatDate(peak.key)} with ${plural(peak.count)}.`;
  return (
    <figure class="histogram">
      <figcaption id={captionId}>Documents per week</figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} preserveAspectRatio="none" role="img" aria-labelledby={captionId}>
        <title>{summary}</title>
        {buckets.map((b, i) => {
          const h = b.count === 0 ? 0 : Math.max(2, (b.count / max) * (HEIGHT - 4));
          const x = i * slot + gap / 2;
          const width = Math.max(0.5, slot - gap);
          return (
            <g key={b.key} class={b.count > 0 ? 'bar' : 'bar empty'}>
              <rect
                x={x}
                y={0}
                width={width}
                height={HEIGHT}
                class="bar-hit"
                onClick={b.count > 0 ? () => onPick(b.key, addDays(b.key, 6)) : undefined}
              >
                <title>{`Week of ${formatDate(b.key)}: ${plural(b.count)}`}</title>
              </rect>
              <rect x={x} y={HEIGHT - h} width={width} height={h} class="bar-fill" />
            </g>
          );
        })}
      </svg>
      <div class="axis-labels" aria-hidden="true">
        <span>{formatDate(first)}</span>
        <span>{formatDate(last)}</span>
      </div>
      <details>
        <summary>Weeks as a table ({summary})</summary>
        <table>
          <caption class="visually-hidden">Documents per week</caption>
          <thead>
            <tr>
              <th scope="col">Week of</th>
              <th scope="col">Documents</th>
              <th scope="col">
                <span class="visually-hidden">Narrow</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {buckets
              .filter((b) => b.count > 0)
              .map((b) => (
                <tr key={b.key}>
                  <td>
                    <time dateTime={b.key}>{formatDate(b.key)}</time>
                  </td>
                  <td>{b.count}</td>
                  <td>
                    <button type="button" class="link" onClick={() => onPick(b.key, addDays(b.key, 6))}>
                      Narrow to this week
                    </button>
                  </td>
                </tr>
              ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
