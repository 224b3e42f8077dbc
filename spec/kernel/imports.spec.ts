import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// DESIGN.md, "Layers": the hook types the kernel calls belong on the kernel's floor and net/
// implements them; only the composition root (Kernel.ts, KernelCalls.ts) wires net/ in.
// Every import counts here, `import type` and `export … from` included: a type-only circle
// still ties its files into one unit to read, review and change.

const ROOT_DIR = 'src/kernel';
/** The composition root (the kernel and its options): the only floor files that may import net/. */
const COMPOSITION_ROOT = new Set(['Kernel.ts', 'KernelCalls.ts', 'kernelOptions.ts']);
/**
 * Floor files that still import net/ and are waiting for a change outside this spec's scope.
 * Each must still import net/ (the test below fails once it no longer does): delete the entry then.
 */
const PENDING: ReadonlyMap<string, string> = new Map([]);

/** Every .ts file under src/kernel, as a path relative to it ('objects.ts', 'net/Peer.ts'). */
function kernelFiles(dir = ROOT_DIR): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return kernelFiles(path);
    return e.name.endsWith('.ts') ? [relative(ROOT_DIR, path).split('\\').join('/')] : [];
  });
}

/** The module specifiers a file names: import and export-from statements (type-only too), `import()` types and calls. */
function specifiers(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(join(ROOT_DIR, file), 'utf8'), ts.ScriptTarget.Latest, false);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier !== undefined && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference) && ts.isStringLiteral(node.moduleReference.expression)) {
      out.push(node.moduleReference.expression.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push(node.argument.literal.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] !== undefined && ts.isStringLiteral(node.arguments[0])) {
      out.push(node.arguments[0].text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

/** The kernel's import graph: file → the kernel files it imports. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of kernelFiles()) {
    const targets = specifiers(file)
      .filter((s) => s.startsWith('.'))
      .map((s) => relative(ROOT_DIR, resolve(dirname(join(ROOT_DIR, file)), s.replace(/\.js$/, '.ts'))).split('\\').join('/'))
      .filter((t) => !t.startsWith('..') && existsSync(join(ROOT_DIR, t)));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

const inNet = (file: string): boolean => file.startsWith('net/');

/** The strongly connected components (Tarjan) of `graph` restricted to `nodes`, largest first. */
function components(graph: Map<string, string[]>, nodes: readonly string[]): string[][] {
  const keep = new Set(nodes);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const out: string[][] = [];
  let next = 0;
  const connect = (v: string): void => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!keep.has(w)) continue;
      if (!index.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const c: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        c.push(w);
      } while (w !== v);
      out.push(c.sort());
    }
  };
  for (const v of nodes) if (!index.has(v)) connect(v);
  return out.sort((a, b) => b.length - a.length);
}

/** A shortest cycle through `start` inside `component`, as a path 'a.ts → b.ts → a.ts'. */
function cycleThrough(graph: Map<string, string[]>, component: readonly string[], start: string): string {
  const keep = new Set(component);
  const from = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    const v = queue[i]!;
    for (const w of graph.get(v) ?? []) {
      if (!keep.has(w)) continue;
      if (w === start) {
        const path = [start];
        for (let u = v; u !== start; u = from.get(u)!) path.splice(1, 0, u);
        return [...path, start].join(' → ');
      }
      if (!from.has(w)) {
        from.set(w, v);
        queue.push(w);
      }
    }
  }
  return component.join(', ');
}

describe('src/kernel import graph', () => {
  const graph = importGraph();
  const files = [...graph.keys()];
  const floor = files.filter((f) => !inNet(f));

  it('should find the kernel and its net/ layer', () => {
    expect(files).toContain('core.ts');
    expect(files).toContain('net/NetManager.ts');
    expect(graph.get('KernelCalls.ts')).toContain('net/NetManager.ts');
  });

  it('should let no floor file but the composition root import net/', () => {
    const offending = floor
      .filter((f) => !COMPOSITION_ROOT.has(f) && !PENDING.has(f))
      .flatMap((f) => graph.get(f)!.filter(inNet).map((t) => `${f} → ${t}`));
    expect(offending, 'floor files importing net/ (the hook types belong on the floor: netHooks.ts, core.ts)').toEqual([]);
  });

  it('should list as pending only floor files that still import net/', () => {
    const done = [...PENDING.keys()].filter((f) => !graph.get(f)?.some(inNet));
    expect(done, 'these no longer import net/: remove them from PENDING').toEqual([]);
  });

  it('should have no import cycle among the floor files', () => {
    const cycles = components(graph, floor).filter((c) => c.length > 1 || graph.get(c[0]!)!.includes(c[0]!));
    const described = cycles.map((c) => `${cycleThrough(graph, c, c[0]!)} (a circle of ${c.length}: ${c.join(', ')})`);
    expect(described, 'import cycles among src/kernel files outside net/').toEqual([]);
  });

  it('should never import the composition root from net/', () => {
    const offending = files.filter(inNet).flatMap((f) => graph.get(f)!.filter((t) => COMPOSITION_ROOT.has(t)).map((t) => `${f} → ${t}`));
    expect(offending).toEqual([]);
  });
});
