// What holds a server's heap: reads a V8 heap snapshot (server-entry.ts "snapshot <file>") and prints
// the objects that retain the most (dominator tree, Cooper–Harvey–Kennedy "A Simple, Fast Dominance
// Algorithm", 2001) and the self size per constructor. The snapshot's number arrays are read from the
// bytes (a 20,000-series server's snapshot is larger than the longest string V8 can parse as JSON).
// `npx tsx tests/bench/heap-summary.ts <file.heapsnapshot> [top] [name to expand]`
import { readFileSync } from "node:fs";

interface Meta {
  node_fields: string[];
  node_types: [string[]];
  edge_fields: string[];
  edge_types: [string[]];
}

/** The integers of the JSON array that follows `key` in `buf`, and where it ends. */
function numbers(buf: Buffer, key: string, from = 0): { values: Float64Array; end: number } {
  let i = buf.indexOf(`"${key}":[`, from) + key.length + 4;
  const values: number[] = [];
  let n = 0;
  let inNumber = false;
  for (; buf[i] !== 0x5d; i++) {
    const c = buf[i]!;
    if (c >= 0x30 && c <= 0x39) {
      n = n * 10 + (c - 0x30);
      inNumber = true;
    } else if (inNumber) {
      values.push(n);
      n = 0;
      inNumber = false;
    }
  }
  if (inNumber) values.push(n);
  return { values: Float64Array.from(values), end: i };
}

/** `expand`: also the dominator subtree (3 levels, largest first) under the largest object of that name. */
export function summarise(file: string, top = 40, expand?: string): string {
  const buf = readFileSync(file);
  const headerEnd = buf.indexOf('"nodes":[');
  const header = JSON.parse(`${buf.subarray(0, headerEnd).toString().replace(/,\s*$/, "")}}`) as { snapshot: { meta: Meta } };
  const meta = header.snapshot.meta;
  const nodes = numbers(buf, "nodes", headerEnd);
  const edges = numbers(buf, "edges", nodes.end);
  const stringsAt = buf.indexOf('"strings":[', edges.end);
  const strings = JSON.parse(buf.subarray(stringsAt + '"strings":'.length, buf.lastIndexOf("]") + 1).toString()) as string[];
  const NF = meta.node_fields.length;
  const EF = meta.edge_fields.length;
  const [typeF, nameF, , sizeF, countF] = ["type", "name", "id", "self_size", "edge_count"].map((f) => meta.node_fields.indexOf(f)) as [number, number, number, number, number];
  const [eTypeF, , eToF] = ["type", "name_or_index", "to_node"].map((f) => meta.edge_fields.indexOf(f)) as [number, number, number];
  const weak = meta.edge_types[0].indexOf("weak");
  const count = nodes.values.length / NF;
  // Successors (strong edges only) as index ranges, predecessors by counting.
  const firstEdge = new Uint32Array(count + 1);
  for (let i = 0, e = 0; i < count; i++) {
    firstEdge[i] = e;
    e += nodes.values[i * NF + countF]! * EF;
    firstEdge[i + 1] = e;
  }
  const target = (e: number) => edges.values[e + eToF]! / NF;
  const strong = (e: number) => edges.values[e + eTypeF] !== weak;
  // Reverse postorder from the root (node 0), iterative DFS.
  const order = new Int32Array(count).fill(-1);
  const post: number[] = [];
  const stack: number[] = [0];
  const cursor = new Uint32Array(count);
  order[0] = -2;
  for (let i = 0; i < count; i++) cursor[i] = firstEdge[i]!;
  while (stack.length > 0) {
    const v = stack[stack.length - 1]!;
    if (cursor[v]! < firstEdge[v + 1]!) {
      const e = cursor[v]!;
      cursor[v] = e + EF;
      const w = target(e);
      if (strong(e) && order[w] === -1) {
        order[w] = -2;
        stack.push(w);
      }
    } else {
      order[v] = post.length;
      post.push(v);
      stack.pop();
    }
  }
  const preds: number[][] = Array.from({ length: count }, () => []);
  for (let v = 0; v < count; v++) {
    if (order[v]! < 0) continue;
    for (let e = firstEdge[v]!; e < firstEdge[v + 1]!; e += EF) if (strong(e)) preds[target(e)]!.push(v);
  }
  const idom = new Int32Array(count).fill(-1);
  idom[0] = 0;
  const intersect = (a: number, b: number) => {
    while (a !== b) {
      while (order[a]! < order[b]!) a = idom[a]!;
      while (order[b]! < order[a]!) b = idom[b]!;
    }
    return a;
  };
  for (let changed = true; changed; ) {
    changed = false;
    for (let k = post.length - 2; k >= 0; k--) {
      const v = post[k]!;
      let d = -1;
      for (const p of preds[v]!) if (idom[p] !== -1) d = d === -1 ? p : intersect(p, d);
      if (d !== -1 && idom[v] !== d) {
        idom[v] = d;
        changed = true;
      }
    }
  }
  const retained = new Float64Array(count);
  for (const v of post) retained[v]! += nodes.values[v * NF + sizeF]!;
  for (const v of post) if (v !== 0) retained[idom[v]!]! += retained[v]!;
  const nameOf = (v: number) => `${meta.node_types[0][nodes.values[v * NF + typeF]!]}:${strings[nodes.values[v * NF + nameF]!]!.slice(0, 60)}`;
  const mb = (bytes: number) => `${(bytes / 1048576).toFixed(1)} MB`;
  // Objects that retain the most, not counting the roots' synthetic nodes.
  const big = post.filter((v) => !/^synthetic|^hidden:\(/.test(nameOf(v))).sort((a, b) => retained[b]! - retained[a]!);
  const bySelf = new Map<string, number>();
  for (const v of post) bySelf.set(nameOf(v), (bySelf.get(nameOf(v)) ?? 0) + nodes.values[v * NF + sizeF]!);
  const lines = [`heap ${mb(retained[0]!)} in ${post.length} reachable objects`, "", "retained by one object (dominator tree):"];
  for (const v of big.slice(0, top)) lines.push(`  ${mb(retained[v]!).padStart(9)}  ${nameOf(v)}  ← ${nameOf(idom[v]!)}`);
  lines.push("", "self size by type:constructor:");
  for (const [name, size] of [...bySelf].sort((a, b) => b[1] - a[1]).slice(0, top)) lines.push(`  ${mb(size).padStart(9)}  ${name}`);
  if (expand) {
    const children = new Map<number, number[]>();
    for (const v of post) if (v !== 0) children.set(idom[v]!, [...(children.get(idom[v]!) ?? []), v]);
    const show = (v: number, depth: number) => {
      lines.push(`${"  ".repeat(depth + 1)}${mb(retained[v]!).padStart(9)}  ${nameOf(v)}`);
      if (depth < 3) for (const c of (children.get(v) ?? []).sort((a, b) => retained[b]! - retained[a]!).slice(0, 6)) show(c, depth + 1);
    };
    const root = big.find((v) => nameOf(v).includes(expand));
    lines.push("", `dominator subtree of ${expand}:`);
    if (root !== undefined) show(root, 0);
  }
  return lines.join("\n");
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`${summarise(process.argv[2]!, Number(process.argv[3] ?? 40), process.argv[4])}\n`);
