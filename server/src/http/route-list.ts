// The routes an Express app answers, read from its router: what the role-matrix test compares with
// its table, so that a route added without a rule fails a test. Express keeps no public list; the
// router's stack (layers with a `route`, or a nested router's own `stack`) is the source.
import type { Express } from "express";

export interface RouteInfo {
  /** Upper case, e.g. "GET". */
  method: string;
  /** As registered: "/api/v1/alerts/:id", or a regular expression's source text. */
  path: string;
}

interface Layer {
  rawPath?: unknown;
  route?: { path: unknown; methods: Record<string, boolean> };
  handle?: { stack?: Layer[] };
}

function walk(stack: readonly Layer[], prefix: string, out: RouteInfo[]): void {
  for (const layer of stack) {
    if (layer.route) {
      const path = layer.route.path instanceof RegExp ? String(layer.route.path) : `${prefix}${String(layer.route.path)}`;
      for (const [method, on] of Object.entries(layer.route.methods)) if (on && method !== "_all") out.push({ method: method.toUpperCase(), path });
    } else if (layer.handle?.stack) {
      const mount = typeof layer.rawPath === "string" && layer.rawPath !== "/" ? layer.rawPath : "";
      walk(layer.handle.stack, `${prefix}${mount}`, out);
    }
  }
}

export function listRoutes(app: Express): RouteInfo[] {
  const router = (app as unknown as { router?: { stack: Layer[] } }).router;
  const out: RouteInfo[] = [];
  walk(router?.stack ?? [], "", out);
  return out;
}
