/**
 * The warnings of a LiteLLM translation: one line per setting that is not supported, however
 * many model entries use it.
 */

/**
 * Collects warning lines, one per setting.
 *
 * @example
 * ```ts
 * const notes = new Notes();
 * notes.setting('router_settings.retry_after', 'not supported; ignored');
 * notes.model('litellm_params.stream_timeout', 'gpt-4o', 'not supported per deployment');
 * notes.lines(); // two lines
 * ```
 */
export class Notes {
  private readonly settings = new Map<string, string>();
  private readonly models = new Map<string, { reason: string; names: string[] }>();

  /** A warning about one setting; a second one for the same setting is dropped. */
  setting(setting: string, reason: string): void {
    if (!this.settings.has(setting)) this.settings.set(setting, reason);
  }

  /** A warning about a per-deployment setting: one line for the setting, naming every model that uses it. */
  model(setting: string, model: string, reason: string): void {
    const seen = this.models.get(setting);
    if (!seen) this.models.set(setting, { reason, names: [model] });
    else if (!seen.names.includes(model)) seen.names.push(model);
  }

  /** The warning lines, in the order the settings were first met. */
  lines(): string[] {
    const out = [...this.settings].map(([setting, reason]) => `${setting}: ${reason}`);
    for (const [setting, { reason, names }] of this.models) out.push(`model_list ${setting} (${names.join(', ')}): ${reason}`);
    return out;
  }
}
