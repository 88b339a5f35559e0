/** The median of a list of numbers. */
export declare const median: (values: readonly number[]) => number;

/** One bundle measured: how it is built and run. */
export interface Variant {
  key: string;
  label: string;
  /** Path of the bundle. */
  bundle: string;
  /** The key of the variant it is compared with. */
  base?: string;
  /** The export timed after the import (the sweep path). */
  loader?: string;
  nodeOptions?: string[];
  env?: Record<string, string>;
}

/** The medians measured for one variant. */
export interface ColdStart {
  variant: Variant;
  bytes: number;
  importMs: number;
  sinceStartMs: number;
  loadMs: number | undefined;
}

/** The cold-start variants, built into .bench/ (dist/function/handler.mjs must exist). */
export declare const buildColdStartVariants: () => Variant[];

/** The variants of the sweep path: the extensions file, before and after MainFields. */
export declare const buildSweepPathVariants: () => Variant[];

/** Measures every variant `runs` times, interleaved in a shuffled order. */
export declare const measureColdStarts: (
  variants: readonly Variant[],
  options: { runs: number; node?: string },
) => ColdStart[];

export declare const formatColdStarts: (
  results: readonly ColdStart[],
  about: { runs: number; nodeVersion: string },
) => string;

export declare const formatSweepPath: (results: readonly ColdStart[], about: { runs: number }) => string;

/** The ratios the build is held to, from one run's medians. */
export declare const formatGoals: (
  coldStarts: readonly ColdStart[],
  sweepPath: readonly ColdStart[],
) => string;
