/** Hash routes (`#/sessions/abc`): the page is one file at /ui, so no server routes are needed per view. */
import { useEffect, useState } from 'preact/hooks';

/** The route's parts: `#/sessions/a%2Fb` → `['sessions', 'a/b']`. */
export function parseHash(hash: string): string[] {
  return hash
    .replace(/^#\/?/, '')
    .split('/')
    .filter((p) => p.length > 0)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
}

/** The link of a route. */
export const href = (...parts: string[]): string => `#/${parts.map(encodeURIComponent).join('/')}`;

/** The current route, updated on navigation. */
export function useRoute(): string[] {
  const [hash, setHash] = useState(location.hash);
  useEffect(() => {
    const on = () => setHash(location.hash);
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return parseHash(hash);
}
