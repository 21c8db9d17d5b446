/** Signing in: the gateway has an auth plugin, so the console's API calls need a key. */
import { useState } from 'preact/hooks';

export function Login({ onSubmit, message }: { onSubmit: (key: string) => void; message?: string }) {
  const [key, setKey] = useState('');
  return (
    <form
      class="login"
      data-testid="login"
      onSubmit={(e) => {
        e.preventDefault();
        if (key.trim()) onSubmit(key.trim());
      }}
    >
      <h1>Switchyard console</h1>
      <p>This gateway needs a key. Sign in with the master key to see every tenant, or with a virtual key to see its own calls and spend.</p>
      {message && (
        <p class="bad-text" role="alert">
          {message}
        </p>
      )}
      <label>
        API key
        <input type="password" name="key" autocomplete="off" value={key} onInput={(e) => setKey((e.target as HTMLInputElement).value)} autofocus />
      </label>
      <button type="submit">Sign in</button>
      <p class="muted">The key is kept in this tab only (sessionStorage) and sent to this gateway as Authorization: Bearer.</p>
    </form>
  );
}
