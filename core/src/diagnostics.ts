/**
 * The gateway's own diagnostics channel: where plugin failures and lifecycle messages go.
 * Call logs are not diagnostics: they go through the `log` hook.
 */

/**
 * A minimal leveled logger. pino, console and most loggers satisfy it.
 *
 * @example
 * ```ts
 * const gateway = await createGateway(config, { diagnostics: console });
 * // in a plugin: gateway.diagnostics.warn('no price for deployment', { id: d.id });
 * ```
 */
export interface Diagnostics {
  debug(message: string, detail?: unknown): void;
  info(message: string, detail?: unknown): void;
  warn(message: string, detail?: unknown): void;
  error(message: string, detail?: unknown): void;
}

const LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;
/**
 * Diagnostics levels, lowest first (`silent` drops everything).
 *
 * @example
 * ```ts
 * const level: DiagnosticsLevel = process.env.DEBUG ? 'debug' : 'warn';
 * const diagnostics = consoleDiagnostics(level);
 * ```
 */
export type DiagnosticsLevel = (typeof LEVELS)[number];

function describe(detail: unknown): string {
  if (detail === undefined) return '';
  if (detail instanceof Error) return ` ${detail.stack ?? detail.message}`;
  try {
    return ` ${JSON.stringify(detail)}`;
  } catch {
    return ` ${String(detail)}`;
  }
}

/**
 * Diagnostics written to stderr, one line each, below `level` dropped.
 *
 * @example
 * ```ts
 * const diag = consoleDiagnostics('warn');
 * diag.warn('deployment has no api key', { model: 'gpt-4o' });
 * ```
 */
export function consoleDiagnostics(level: DiagnosticsLevel = 'info'): Diagnostics {
  const min = LEVELS.indexOf(level);
  const make = (lvl: Exclude<DiagnosticsLevel, 'silent'>) =>
    LEVELS.indexOf(lvl) < min
      ? () => {}
      : (message: string, detail?: unknown) => process.stderr.write(`[switchyard] ${lvl}: ${message}${describe(detail)}\n`);
  return { debug: make('debug'), info: make('info'), warn: make('warn'), error: make('error') };
}

/**
 * Diagnostics that keep every message in memory (for tests).
 *
 * @example
 * ```ts
 * const diag = memoryDiagnostics();
 * // ... run a call ...
 * expect(diag.messages.some((m) => m.level === 'error')).toBe(true);
 * ```
 */
export function memoryDiagnostics(): Diagnostics & { messages: Array<{ level: string; message: string; detail?: unknown }> } {
  const messages: Array<{ level: string; message: string; detail?: unknown }> = [];
  const make = (level: string) => (message: string, detail?: unknown) => {
    messages.push({ level, message, detail });
  };
  return { messages, debug: make('debug'), info: make('info'), warn: make('warn'), error: make('error') };
}
