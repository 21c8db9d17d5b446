/**
 * The console's shell: asks what the caller may see (signing in first when the gateway has
 * an auth plugin), says when there is none (this machine only), and shows the views whose
 * data source is loaded.
 */
import { useEffect, useMemo, useState } from 'preact/hooks';
import { ApiError, credentials, getJson, setUnauthorizedHandler } from './api';
import { ErrorBox } from './components/bits';
import { Console, type ConsoleContext } from './hooks';
import { connectLive, type LiveClient } from './live';
import { href, useRoute } from './router';
import type { Capabilities } from './types';
import { BatchesView } from './views/batches';
import { DeploymentsView } from './views/deployments';
import { LiveView } from './views/live';
import { Login } from './views/login';
import { SessionView } from './views/session';
import { SessionsView } from './views/sessions';
import { SpendView } from './views/spend';

type Gate = { state: 'loading' } | { state: 'login'; message?: string } | { state: 'ready'; caps: Capabilities } | { state: 'error'; error: unknown };

/** The views a caller has, in menu order. */
export function viewsOf(caps: Capabilities): Array<{ id: string; label: string }> {
  const v = caps.views;
  return [
    v.sessions && { id: 'sessions', label: 'Sessions' },
    v.live && { id: 'live', label: 'Live' },
    v.spend && { id: 'spend', label: 'Spend' },
    v.batches && { id: 'batches', label: 'Batches' },
    v.deployments && { id: 'deployments', label: 'Deployments' },
  ].filter((x): x is { id: string; label: string } => !!x);
}

export function App({ liveUrl }: { liveUrl?: string } = {}) {
  const [gate, setGate] = useState<Gate>({ state: 'loading' });
  const [attempt, setAttempt] = useState(0);
  useEffect(() => {
    setUnauthorizedHandler(() => setGate({ state: 'login', message: 'The gateway did not accept the key.' }));
    getJson<Capabilities>('/console/api/capabilities').then(
      (caps) => setGate({ state: 'ready', caps }),
      (error: unknown) => {
        if (error instanceof ApiError && error.status === 401) setGate({ state: 'login', message: credentials.get() ? error.message : undefined });
        else setGate({ state: 'error', error });
      },
    );
  }, [attempt]);
  const signIn = (key: string) => {
    credentials.set(key);
    setAttempt((a) => a + 1);
  };
  const signOut = () => {
    credentials.clear();
    setGate({ state: 'login' });
  };
  if (gate.state === 'loading') return <p class="empty">Loading…</p>;
  if (gate.state === 'login') return <Login onSubmit={signIn} message={gate.message} />;
  if (gate.state === 'error') return <ErrorBox error={gate.error} />;
  return <Shell caps={gate.caps} signOut={signOut} liveUrl={liveUrl} />;
}

function Shell({ caps, signOut, liveUrl }: { caps: Capabilities; signOut: () => void; liveUrl?: string }) {
  const [live, setLive] = useState<LiveClient | null>(null);
  useEffect(() => {
    if (!caps.views.live) return undefined;
    const client = connectLive(liveUrl);
    setLive(client);
    return () => client.stop();
  }, [caps]);
  const ctx = useMemo<ConsoleContext>(() => ({ caps, live }), [caps, live]);
  const route = useRoute();
  const views = viewsOf(caps);
  const current = route[0] ?? views[0]?.id ?? 'sessions';
  return (
    <Console.Provider value={ctx}>
      <header class="top">
        <a class="brand" href={href(views[0]?.id ?? 'sessions')}>
          Switchyard <span class="muted">console</span>
        </a>
        <nav aria-label="Views">
          {views.map((v) => (
            <a key={v.id} href={href(v.id)} class={current === v.id ? 'active' : ''} aria-current={current === v.id ? 'page' : undefined} data-testid={`nav-${v.id}`}>
              {v.label}
            </a>
          ))}
        </nav>
        <div class="who" data-testid="who">
          {caps.auth.enabled ? (
            <>
              key <code>{caps.auth.key_id}</code> {caps.auth.admin ? '(admin: every tenant)' : '(its own calls only)'}{' '}
              <button type="button" class="link" onClick={signOut}>
                sign out
              </button>
            </>
          ) : (
            <span>no auth</span>
          )}
        </div>
      </header>
      {!caps.auth.enabled && (
        <div class="notice" role="note" data-testid="open-notice">
          No auth plugin is loaded: the gateway listens on 127.0.0.1 only, and this console shows every call to anyone on this machine. Add
          <code>@switchyard/auth</code> with a master key to require keys (and to serve other hosts).
        </div>
      )}
      <main>
        <Route route={route} current={current} views={views.map((v) => v.id)} />
      </main>
      <footer class="muted">Switchyard {caps.version}</footer>
    </Console.Provider>
  );
}

function Route({ route, current, views }: { route: string[]; current: string; views: string[] }) {
  if (current === 'sessions' && route[1] !== undefined) return <SessionView id={route[1]} owner={route[2]} />;
  if (!views.includes(current)) return <p class="empty">This view is not available: its plugin is not loaded, or this key may not see it.</p>;
  switch (current) {
    case 'sessions':
      return <SessionsView />;
    case 'live':
      return <LiveView />;
    case 'spend':
      return <SpendView />;
    case 'batches':
      return <BatchesView />;
    case 'deployments':
      return <DeploymentsView />;
    default:
      return null;
  }
}
