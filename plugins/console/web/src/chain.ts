/**
 * The chain of a session's responses (`previous_response_id` → `response_id`) laid out for
 * drawing: each response a node, a continuation on its parent's row, a branch on a new row.
 */

export interface ChainCall {
  id: string;
  response_id: string | null;
  previous_response_id: string | null;
}

export interface ChainNode {
  /** The call's position in the session (1-based). */
  n: number;
  callId: string;
  responseId: string;
  /** The parent's response id when it is in the session. */
  parent: string | null;
  /** A `previous_response_id` that is not in the session (continued from elsewhere). */
  external: string | null;
  depth: number;
  row: number;
}

export interface ChainLayout {
  nodes: ChainNode[];
  edges: Array<{ from: ChainNode; to: ChainNode }>;
  rows: number;
  depth: number;
}

/**
 * The layout of the chain, or null when no call continues another of the session.
 *
 * @example
 * ```ts
 * layoutChain([{ id: 'c1', response_id: 'r1', previous_response_id: null }, { id: 'c2', response_id: 'r2', previous_response_id: 'r1' }])!.edges.length; // 1
 * ```
 */
export function layoutChain(calls: readonly ChainCall[]): ChainLayout | null {
  const byResponse = new Map<string, { call: ChainCall; n: number }>();
  calls.forEach((call, i) => {
    if (call.response_id && !byResponse.has(call.response_id)) byResponse.set(call.response_id, { call, n: i + 1 });
  });
  const children = new Map<string, string[]>();
  const roots: string[] = [];
  let links = 0;
  for (const [rid, { call }] of byResponse) {
    const prev = call.previous_response_id;
    if (prev && prev !== rid && byResponse.has(prev)) {
      links++;
      children.set(prev, [...(children.get(prev) ?? []), rid]);
    } else roots.push(rid);
  }
  if (links === 0) return null;
  const nodes: ChainNode[] = [];
  const byId = new Map<string, ChainNode>();
  let rows = 0;
  // iterative depth-first walk (a chain can be thousands of calls long): a first child stays
  // on its parent's row, a later sibling takes the next free row when the walk reaches it
  const visit = (rootId: string) => {
    const stack: Array<{ rid: string; depth: number; row: number | null; parent: string | null }> = [{ rid: rootId, depth: 0, row: null, parent: null }];
    while (stack.length > 0) {
      const item = stack.pop()!;
      if (byId.has(item.rid)) continue;
      const row = item.row ?? rows++;
      const { call, n } = byResponse.get(item.rid)!;
      const prev = call.previous_response_id;
      const external = item.parent === null && prev && !byResponse.has(prev) ? prev : null;
      const node: ChainNode = { n, callId: call.id, responseId: item.rid, parent: item.parent, external, depth: item.depth, row };
      nodes.push(node);
      byId.set(item.rid, node);
      const kids = children.get(item.rid) ?? [];
      for (let i = kids.length - 1; i >= 0; i--) stack.push({ rid: kids[i]!, depth: item.depth + 1, row: i === 0 ? row : null, parent: item.rid });
    }
  };
  for (const r of roots) visit(r);
  for (const rid of byResponse.keys()) if (!byId.has(rid)) visit(rid); // a loop of ids: drawn from where it was entered
  const edges = nodes.filter((n) => n.parent !== null).map((to) => ({ from: byId.get(to.parent!)!, to }));
  // a response nothing continues and that continues nothing here (a plain chat call) is no part of a chain
  const linked = new Set(edges.flatMap((e) => [e.from.responseId, e.to.responseId]));
  const kept = nodes.filter((n) => linked.has(n.responseId) || n.external !== null);
  const used = [...new Set(kept.map((n) => n.row))].sort((a, b) => a - b);
  const rowOf = new Map(used.map((r, i) => [r, i]));
  for (const n of kept) n.row = rowOf.get(n.row)!;
  return { nodes: kept, edges, rows: used.length, depth: Math.max(0, ...kept.map((n) => n.depth)) };
}
