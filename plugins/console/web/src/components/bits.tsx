/** Small pieces shared by the views. */
import type { ComponentChildren } from 'preact';

/** A progress bar of `value` out of `max`, with its text. */
export function Progress({ value, max, label, tone }: { value: number; max: number; label: string; tone?: 'ok' | 'warn' | 'bad' }) {
  const pct = max > 0 ? Math.min(100, (value / max) * 100) : 0;
  return (
    <div class={`progress ${tone ?? ''}`} role="progressbar" aria-valuemin={0} aria-valuemax={max} aria-valuenow={value} aria-label={label} data-testid="progress">
      <div class="progress-fill" style={{ width: `${pct}%` }} />
      <span class="progress-text">{label}</span>
    </div>
  );
}

/** A status pill. */
export function Pill({ tone, children }: { tone: 'ok' | 'warn' | 'bad' | 'info'; children: ComponentChildren }) {
  return <span class={`pill ${tone}`}>{children}</span>;
}

/** JSON, pretty-printed. */
export function Json({ value }: { value: unknown }) {
  return <pre class="json">{JSON.stringify(value, null, 2)}</pre>;
}

/** An error answer shown in place of a view. */
export function ErrorBox({ error }: { error: unknown }) {
  const message = error instanceof Error ? error.message : String(error);
  return (
    <div class="error-box" role="alert">
      {message}
    </div>
  );
}

/** A label and a value. */
export function Stat({ label, value, testid }: { label: string; value: ComponentChildren; testid?: string }) {
  return (
    <div class="stat" data-testid={testid}>
      <div class="stat-label">{label}</div>
      <div class="stat-value">{value}</div>
    </div>
  );
}
