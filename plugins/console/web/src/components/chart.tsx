/**
 * A bar chart (Chart.js on a canvas), with the same numbers in a table for screen readers
 * and for copying.
 */
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from 'chart.js';
import { useEffect, useRef } from 'preact/hooks';

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);

export interface BarChartProps {
  /** Names the chart (its test id and accessible label). */
  name: string;
  title: string;
  labels: string[];
  values: number[];
  /** How a value reads (axis ticks, tooltips, the table). */
  format?: (v: number) => string;
  horizontal?: boolean;
  height?: number;
}

/** A bar chart of `values` by `labels`. */
export function BarChart({ name, title, labels, values, format = String, horizontal = false, height = 220 }: BarChartProps) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const key = `${labels.join('\u0000')}\u0001${values.join(',')}`;
  useEffect(() => {
    const el = canvas.current;
    if (!el || !el.getContext?.('2d')) return undefined; // no canvas (tests without one): the table still shows the numbers
    const chart = new Chart(el, {
      type: 'bar',
      data: { labels, datasets: [{ label: title, data: values, backgroundColor: '#4c6ef5', borderRadius: 3, maxBarThickness: 48 }] },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        indexAxis: horizontal ? 'y' : 'x',
        scales: {
          [horizontal ? 'x' : 'y']: { beginAtZero: true, ticks: { callback: (v) => format(Number(v)) } },
        },
        plugins: { tooltip: { callbacks: { label: (item) => format(Number(item.raw)) } } },
      },
    });
    return () => chart.destroy();
  }, [key, horizontal]);
  return (
    <figure class="chart" data-testid={`chart-${name}`}>
      <figcaption>{title}</figcaption>
      {labels.length === 0 ? (
        <p class="empty">No spend in this range.</p>
      ) : (
        <div style={{ height: `${height}px`, position: 'relative' }}>
          <canvas ref={canvas} role="img" aria-label={title} />
        </div>
      )}
      <table class="visually-hidden" data-testid={`chart-${name}-data`}>
        <tbody>
          {labels.map((l, i) => (
            <tr key={l}>
              <th scope="row">{l}</th>
              <td>{format(values[i] ?? 0)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </figure>
  );
}
