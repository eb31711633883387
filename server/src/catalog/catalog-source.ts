// Where the server's modules get the catalog from. Each reads `current()` once per request or
// batch and works on that snapshot throughout, so a catalog change never lands halfway through one.
// The static source serves one snapshot (the shipped catalog, or a test's); a managed, versioned
// store implements the same interface and calls the listeners when an admin changes the catalog.
import type { CatalogSnapshot } from "../../../common/catalog-snapshot.ts";

export type CatalogListener = (snapshot: CatalogSnapshot) => void;

export interface CatalogSource {
  current(): CatalogSnapshot;
  /** Called with the new snapshot after every change; returns the unsubscribe function. */
  onChange(listener: CatalogListener): () => void;
}

export class StaticCatalogSource implements CatalogSource {
  constructor(private readonly snapshot: CatalogSnapshot) {}

  current(): CatalogSnapshot {
    return this.snapshot;
  }

  onChange(): () => void {
    // A static catalog never changes.
    return () => undefined;
  }
}
