import type { Metafile } from 'esbuild';

/** One chunk of a single-file bundle: what the entry point evaluates, or what a dynamic import does. */
export interface Chunk {
  /** `eager`, `shared` (reached by several `import()`), or the module whose `import()` evaluates the chunk. */
  name: string;
  lazy: boolean;
  /** Bytes of the output file holding the chunk's modules. */
  bytes: number;
  modules: number;
}

/** The chunks of one output file of a metafile: the eager chunk first, then the lazy ones, largest first. */
export declare const bundleChunks: (metafile: Metafile, outputFile: string) => Chunk[];

/** The chunks as a table, for a terminal. */
export declare const formatChunks: (file: string, chunks: Chunk[]) => string;
