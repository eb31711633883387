// Types of scripts/server-bundle.mjs for the TypeScript that imports it (cluster script, benchmarks).
/** The repository root. */
export declare const ROOT: string;
/** The bundle of `entry` (from the repository root) at server/dist/<name>.mjs, rebuilt when a source is newer; its path. */
export declare function serverBundle(entry?: string, name?: string): Promise<string>;
/** The newest modification time of a file, or of anything in a folder (builds and node_modules aside). */
export declare function newestMtime(file: string): number;
