/** The `previous_response_id` chain of a session, drawn as nodes and arrows (SVG). */
import type { ChainLayout } from '../chain';

const DX = 64;
const DY = 40;
const R = 13;
const PAD = 24;

export function ChainView({ layout, onPick }: { layout: ChainLayout; onPick?: (callId: string) => void }) {
  const width = PAD * 2 + layout.depth * DX + R * 2;
  const height = PAD * 2 + (layout.rows - 1) * DY + R * 2;
  const x = (depth: number) => PAD + R + depth * DX;
  const y = (row: number) => PAD + R + row * DY;
  return (
    <div class="chain" data-testid="chain">
      <svg width={width} height={height} viewBox={`0 0 ${width} ${height}`} role="img" aria-label={`Response chain of ${layout.nodes.length} responses`}>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" fill="#868e96" />
          </marker>
        </defs>
        {layout.edges.map(({ from, to }) => {
          const [x1, y1, x2, y2] = [x(from.depth), y(from.row), x(to.depth), y(to.row)];
          const path = y1 === y2 ? `M ${x1 + R} ${y1} L ${x2 - R - 2} ${y2}` : `M ${x1} ${y1 + R} L ${x1} ${y2} L ${x2 - R - 2} ${y2}`;
          return <path key={`${from.responseId}-${to.responseId}`} d={path} fill="none" stroke="#868e96" stroke-width="1.5" marker-end="url(#arrow)" data-testid="chain-edge" />;
        })}
        {layout.nodes.map((n) => (
          <g key={n.responseId} class="chain-node" data-testid="chain-node" data-response-id={n.responseId} onClick={() => onPick?.(n.callId)} style={{ cursor: onPick ? 'pointer' : 'default' }}>
            <title>{`call #${n.n}: ${n.responseId}${n.parent ? ` (continues ${n.parent})` : n.external ? ` (continues ${n.external}, outside this session)` : ''}`}</title>
            <circle cx={x(n.depth)} cy={y(n.row)} r={R} fill={n.external ? '#fff3bf' : '#edf2ff'} stroke="#4c6ef5" stroke-width="1.5" />
            <text x={x(n.depth)} y={y(n.row) + 4} text-anchor="middle" font-size="11" fill="#1c2a5c">
              {n.n}
            </text>
          </g>
        ))}
      </svg>
    </div>
  );
}
