/** Deployments: the router's view of each (in flight, latency, requests this minute, cooldowns, last error). */
import { getJson } from '../api';
import { ErrorBox, Pill } from '../components/bits';
import { duration, int, time } from '../format';
import { useInterval, useLoad } from '../hooks';
import type { DeploymentHealth, List } from '../types';

/** How often the table is read again (the router's state is in memory: no store reads). */
export const DEPLOYMENTS_REFRESH_MS = 2000;

export function DeploymentsView() {
  const { data, error, reload } = useLoad((signal) => getJson<List<DeploymentHealth> & { strategy: string }>('/console/api/deployments', signal), []);
  useInterval(reload, DEPLOYMENTS_REFRESH_MS);
  return (
    <section>
      <h1>Deployments</h1>
      {data && <p class="meta">Routing strategy: {data.strategy}</p>}
      {error !== undefined && <ErrorBox error={error} />}
      <table class="grid" data-testid="deployments-table">
        <thead>
          <tr>
            <th>Deployment</th>
            <th>Model</th>
            <th>Provider / upstream</th>
            <th>Health</th>
            <th class="num">In flight</th>
            <th class="num">Latency</th>
            <th class="num">Requests / min</th>
            <th class="num">Limits (rpm / tpm)</th>
            <th>Last error</th>
          </tr>
        </thead>
        <tbody>
          {(data?.data ?? []).map((d) => (
            <tr key={d.id} data-testid="deployment-row" data-deployment-id={d.id}>
              <td>{d.id}</td>
              <td>{d.model}</td>
              <td>
                {d.provider} / {d.upstream_model}
              </td>
              <td>{d.cooling ? <Pill tone="bad">cooling until {time(d.cooling_until)}</Pill> : <Pill tone="ok">healthy</Pill>}</td>
              <td class="num">{int(d.inflight)}</td>
              <td class="num">{duration(d.latency_ms)}</td>
              <td class="num">{int(d.requests_last_minute)}</td>
              <td class="num">
                {d.rpm ?? '—'} / {d.tpm ?? '—'}
              </td>
              <td class="wrap">{d.last_error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
