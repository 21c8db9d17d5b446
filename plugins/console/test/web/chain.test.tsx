// @vitest-environment happy-dom
/**
 * The response chain: the layout (continuations on their parent's row, branches on new
 * rows, plain calls left out) and its drawing.
 */
import { render } from '@testing-library/preact';
import { expect, it } from 'vitest';
import { layoutChain, type ChainCall } from '../../web/src/chain';
import { ChainView } from '../../web/src/components/chain-view';

const call = (n: number, prev: number | null, rid: string | null = `r${n}`): ChainCall => ({ id: `c${n}`, response_id: rid, previous_response_id: prev === null ? null : `r${prev}` });

it('lays a chain out with branches on new rows and leaves plain calls out', () => {
  // 1 → 2 → 4, 1 → 3 (a branch), 5 alone (a chat call), 6 continues a response of another session
  const layout = layoutChain([call(1, null), call(2, 1), call(3, 1), call(4, 2), call(5, null, 'chatcmpl-5'), { id: 'c6', response_id: 'r6', previous_response_id: 'r-elsewhere' }])!;
  expect(layout.nodes.map((n) => [n.n, n.depth, n.row, n.parent, n.external])).toEqual([
    [1, 0, 0, null, null],
    [2, 1, 0, 'r1', null],
    [4, 2, 0, 'r2', null],
    [3, 1, 1, 'r1', null],
    [6, 0, 2, null, 'r-elsewhere'],
  ]);
  expect(layout.edges.map((e) => `${e.from.n}->${e.to.n}`)).toEqual(['1->2', '2->4', '1->3']);
  expect([layout.rows, layout.depth]).toEqual([3, 2]);
});

it('is null when no call continues another, and survives a loop of ids and a 5,000-call chain', () => {
  expect(layoutChain([call(1, null), call(2, null)])).toBeNull();
  const loop = layoutChain([call(1, 2), call(2, 1)])!;
  expect(loop.nodes.map((n) => n.n).sort()).toEqual([1, 2]);
  const long = Array.from({ length: 5000 }, (_, i) => call(i + 1, i === 0 ? null : i));
  const l = layoutChain(long)!;
  expect([l.nodes.length, l.rows, l.depth]).toEqual([5000, 1, 4999]);
});

it('draws a node per response and an arrow per continuation', () => {
  const layout = layoutChain([call(1, null), call(2, 1), call(3, 1)])!;
  const { getAllByTestId, getByRole } = render(<ChainView layout={layout} />);
  expect(getAllByTestId('chain-node').map((g) => g.getAttribute('data-response-id'))).toEqual(['r1', 'r2', 'r3']);
  expect(getAllByTestId('chain-edge')).toHaveLength(2);
  expect(getByRole('img').getAttribute('aria-label')).toBe('Response chain of 3 responses');
});
