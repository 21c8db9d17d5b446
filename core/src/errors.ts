/**
 * Coded errors. Every error the gateway sends is a {@link GatewayError} rendered in the
 * OpenAI error envelope `{"error":{"message","type","param","code"}}`.
 */

/**
 * The OpenAI error `type` values the gateway uses (other strings pass through from upstreams).
 *
 * @example
 * ```ts
 * const type: OpenAIErrorType = status === 429 ? 'rate_limit_error' : 'server_error';
 * ```
 */
export type OpenAIErrorType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'rate_limit_error'
  | 'server_error'
  | 'timeout_error'
  | (string & {});

/** The table of gateway error codes with their default status and OpenAI type. */
export const ERROR_CODES = {
  GW_ERR_CONFIG_NOT_FOUND: { status: 500, type: 'server_error' },
  GW_ERR_CONFIG_INVALID: { status: 500, type: 'server_error' },
  GW_ERR_PLUGIN_INVALID: { status: 500, type: 'server_error' },
  GW_ERR_PLUGIN_NOT_FOUND: { status: 500, type: 'server_error' },
  GW_ERR_PLUGIN_OPTIONS: { status: 500, type: 'server_error' },
  GW_ERR_PLUGIN_DUPLICATE: { status: 500, type: 'server_error' },
  GW_ERR_PLUGIN_DEPENDENCY_MISSING: { status: 500, type: 'server_error' },
  GW_ERR_PLUGIN_TIMEOUT: { status: 500, type: 'server_error' },
  GW_ERR_PLUGIN: { status: 500, type: 'server_error' },
  GW_ERR_PROVIDER_UNKNOWN: { status: 500, type: 'server_error' },
  GW_ERR_PROVIDER_DUPLICATE: { status: 500, type: 'server_error' },
  GW_ERR_INVALID_REQUEST: { status: 400, type: 'invalid_request_error' },
  GW_ERR_INVALID_JSON: { status: 400, type: 'invalid_request_error' },
  GW_ERR_BODY_TOO_LARGE: { status: 413, type: 'invalid_request_error' },
  GW_ERR_UNSUPPORTED_MEDIA_TYPE: { status: 415, type: 'invalid_request_error' },
  GW_ERR_NOT_FOUND: { status: 404, type: 'invalid_request_error' },
  GW_ERR_METHOD_NOT_ALLOWED: { status: 405, type: 'invalid_request_error' },
  GW_ERR_MODEL_NOT_FOUND: { status: 404, type: 'invalid_request_error' },
  GW_ERR_UNAUTHORIZED: { status: 401, type: 'authentication_error' },
  GW_ERR_FORBIDDEN: { status: 403, type: 'permission_error' },
  GW_ERR_BUDGET_EXCEEDED: { status: 429, type: 'rate_limit_error' },
  GW_ERR_RATE_LIMITED: { status: 429, type: 'rate_limit_error' },
  GW_ERR_PROVIDER_KEY_MISSING: { status: 401, type: 'authentication_error' },
  GW_ERR_PROVIDER_UPSTREAM: { status: 502, type: 'server_error' },
  GW_ERR_PROVIDER_CONNECTION: { status: 502, type: 'server_error' },
  GW_ERR_PROVIDER_TIMEOUT: { status: 504, type: 'timeout_error' },
  GW_ERR_SHUTTING_DOWN: { status: 503, type: 'server_error' },
  GW_ERR_OVERLOADED: { status: 503, type: 'server_error' },
  GW_ERR_INTERNAL: { status: 500, type: 'server_error' },
} as const satisfies Record<string, { status: number; type: OpenAIErrorType }>;

/**
 * A gateway error code.
 *
 * @example
 * ```ts
 * const code: ErrorCode = status === 404 ? 'GW_ERR_MODEL_NOT_FOUND' : 'GW_ERR_PROVIDER_UPSTREAM';
 * throw new GatewayError(code, message);
 * ```
 */
export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * Options of a {@link GatewayError}.
 *
 * @example
 * ```ts
 * const options: GatewayErrorOptions = { param: 'messages[0].role', publicCode: 'invalid_value' };
 * throw new GatewayError('GW_ERR_INVALID_REQUEST', 'messages[0].role must be one of system, user, assistant, tool.', options);
 * ```
 */
export interface GatewayErrorOptions {
  /** HTTP status; defaults to the code's status in {@link ERROR_CODES}. */
  status?: number;
  /** OpenAI error type; defaults to the code's type. */
  type?: OpenAIErrorType;
  /** The request field at fault, e.g. `messages[0].role`. */
  param?: string | null;
  /** The `code` sent to clients (e.g. `model_not_found`); defaults to null. */
  publicCode?: string | null;
  /** Whether `message` may be shown to clients (default: true below 500, false from 500). */
  expose?: boolean;
  /** Headers to send with the error (e.g. `retry-after`). */
  headers?: Record<string, string>;
  cause?: unknown;
}

/**
 * The status an error is sent with: a 4xx or 5xx (499 included). Anything else (a status
 * under 100 that Node refuses to send, a 1xx that leaves the client waiting, a 2xx/3xx
 * that would pass a failure as success, a non-integer) becomes the code's own status
 * (502 for an upstream error).
 */
function errorStatus(status: number | undefined, fallback: number): number {
  if (status === undefined) return fallback;
  return Number.isInteger(status) && status >= 400 && status <= 599 ? status : fallback;
}

/**
 * The OpenAI error envelope, as {@link GatewayError.toJSON} makes it.
 *
 * @example
 * ```ts
 * const body: OpenAIErrorBody = new GatewayError('GW_ERR_MODEL_NOT_FOUND', 'No model "gpt-5".', { param: 'model', publicCode: 'model_not_found' }).toJSON();
 * // { error: { message: 'No model "gpt-5".', type: 'invalid_request_error', param: 'model', code: 'model_not_found' } }
 * ```
 */
export interface OpenAIErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/**
 * An error with a gateway code, an HTTP status and the OpenAI error fields.
 *
 * @example
 * ```ts
 * throw new GatewayError('GW_ERR_BUDGET_EXCEEDED', 'Budget of key sk-…abc is exhausted', {
 *   publicCode: 'budget_exceeded',
 * });
 * ```
 */
export class GatewayError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly type: OpenAIErrorType;
  readonly param: string | null;
  readonly publicCode: string | null;
  readonly expose: boolean;
  readonly headers: Record<string, string>;

  constructor(code: ErrorCode, message: string, options: GatewayErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'GatewayError';
    const def = ERROR_CODES[code];
    this.code = code;
    this.status = errorStatus(options.status, def.status);
    this.type = options.type ?? def.type;
    this.param = options.param ?? null;
    this.publicCode = options.publicCode ?? null;
    this.expose = options.expose ?? this.status < 500;
    this.headers = options.headers ?? {};
  }

  /** The OpenAI error envelope for this error. */
  toJSON(): OpenAIErrorBody {
    return {
      error: {
        message: this.message,
        type: this.type,
        param: this.param,
        code: this.publicCode,
      },
    };
  }
}

/**
 * An error thrown by a plugin's tap, attributed to the plugin and hook it came from.
 *
 * @example
 * ```ts
 * if (err instanceof PluginError) console.error(`${err.plugin} failed in ${err.hook}`);
 * ```
 */
export class PluginError extends GatewayError {
  readonly plugin: string;
  readonly hook: string;

  constructor(plugin: string, hook: string, cause: unknown) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super('GW_ERR_PLUGIN', `plugin ${plugin} failed in hook ${hook}: ${reason}`, { cause, expose: false });
    this.name = 'PluginError';
    this.plugin = plugin;
    this.hook = hook;
  }
}

/**
 * Turns anything thrown into a {@link GatewayError}; unknown errors become a 500 whose
 * message is not shown to clients.
 *
 * @example
 * ```ts
 * const err = toGatewayError(new TypeError('boom')); // GW_ERR_INTERNAL, status 500
 * ```
 */
export function toGatewayError(err: unknown): GatewayError {
  if (err instanceof GatewayError) return err;
  return new GatewayError('GW_ERR_INTERNAL', 'The gateway had an internal error.', { cause: err, expose: false });
}

/**
 * The body sent to clients for an error: non-exposed errors get a generic message.
 *
 * @example
 * ```ts
 * ctx.body = publicErrorBody(err, requestId);
 * ```
 */
export function publicErrorBody(err: GatewayError, requestId?: string): OpenAIErrorBody {
  const body = err.toJSON();
  if (!err.expose) {
    body.error.message = requestId
      ? `The gateway had an internal error (request ${requestId}).`
      : 'The gateway had an internal error.';
  }
  return body;
}

/**
 * The error for a provider called with no credentials: a 401 naming the environment variable
 * (or variables) that would supply them, raised before any network call.
 *
 * @example
 * ```ts
 * if (!key) throw providerKeyMissing('openai', ['OPENAI_API_KEY']);
 * // 401 "No API key for provider openai: set OPENAI_API_KEY in the gateway's environment, or apiKey on the model entry or in the plugin's options."
 * ```
 */
export function providerKeyMissing(provider: string, variables: readonly string[], detail?: string): GatewayError {
  return new GatewayError(
    'GW_ERR_PROVIDER_KEY_MISSING',
    `No API key for provider ${provider}: set ${variables.join(' or ')} in the gateway's environment, or apiKey on the model entry or in the plugin's options.${detail ? ` (${detail})` : ''}`,
    { publicCode: 'provider_api_key_missing', expose: true },
  );
}

/**
 * Whether `url` is on `host` (a provider's own API, where a key is always needed; a custom
 * base URL may be a local server that needs none).
 *
 * @example
 * ```ts
 * isHost('https://api.openai.com/v1', 'api.openai.com'); // true
 * ```
 */
export function isHost(url: string, host: string): boolean {
  try {
    return new URL(url).hostname === host;
  } catch {
    return false;
  }
}
