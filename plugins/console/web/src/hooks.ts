/** Data hooks shared by the views. */
import { createContext } from 'preact';
import { useContext, useEffect, useRef, useState } from 'preact/hooks';
import type { LiveClient, LiveStatus } from './live';
import type { Capabilities, LiveCall } from './types';

/** What every view knows: the caller's capabilities and the live feed. */
export interface ConsoleContext {
  caps: Capabilities;
  live: LiveClient | null;
}
export const Console = createContext<ConsoleContext | null>(null);

export function useConsole(): ConsoleContext {
  const c = useContext(Console);
  if (!c) throw new Error('useConsole outside the console');
  return c;
}

/** The result of an async load, reloaded when `deps` change or `reload()` is called. */
export function useLoad<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): { data: T | undefined; error: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ data: T | undefined; error: unknown; loading: boolean }>({ data: undefined, error: undefined, loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    const ac = new AbortController();
    setState((s) => ({ ...s, loading: true }));
    load(ac.signal).then(
      (data) => !ac.signal.aborted && setState({ data, error: undefined, loading: false }),
      (error: unknown) => !ac.signal.aborted && setState((s) => ({ data: s.data, error, loading: false })),
    );
    return () => ac.abort();
  }, [...deps, tick]);
  return { ...state, reload: () => setTick((t) => t + 1) };
}

/** Calls `fn` for each live call (kept current without resubscribing). */
export function useLive(fn: (call: LiveCall) => void): void {
  const { live } = useConsole();
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => live?.subscribe((c) => ref.current(c)), [live]);
}

/** The live feed's connection state. */
export function useLiveStatus(): LiveStatus {
  const { live } = useConsole();
  const [status, setStatus] = useState<LiveStatus>(live?.status ?? 'closed');
  useEffect(() => live?.onStatus(setStatus), [live]);
  return status;
}

/** Runs `fn` at most once per `ms` after a burst of calls (live events → one reload). */
export function useDebounced(fn: () => void, ms: number): () => void {
  const ref = useRef(fn);
  ref.current = fn;
  const timer = useRef<ReturnType<typeof setTimeout> | undefined>(undefined);
  useEffect(() => () => clearTimeout(timer.current), []);
  return () => {
    if (timer.current !== undefined) return;
    timer.current = setTimeout(() => {
      timer.current = undefined;
      ref.current();
    }, ms);
  };
}

/** Calls `fn` every `ms` while `active`. For in-memory sources only (deployments, batch progress). */
export function useInterval(fn: () => void, ms: number, active = true): void {
  const ref = useRef(fn);
  ref.current = fn;
  useEffect(() => {
    if (!active) return undefined;
    const id = setInterval(() => ref.current(), ms);
    return () => clearInterval(id);
  }, [ms, active]);
}
