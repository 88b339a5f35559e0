/** The project folder. */
export declare const PROJECT_DIR: string;

/** Where the figures files are. */
export declare const FIGURES_DIR: string;

/** A generated region of a document. */
export interface Region {
  /** The figures file's name (`cold-start` for docs/figures/cold-start.md). */
  name: string;
  /** Whether the region sits within a line. */
  inline: boolean;
  /** What is between the markers. */
  content: string;
  /** Offset of the opening marker. */
  start: number;
  /** Offset just after the closing marker. */
  end: number;
}

/** The documents that may hold regions, relative to the project. */
export declare const documents: () => string[];

/** The regions of a document, in order. */
export declare const regionsOf: (markdown: string) => Region[];

/** The text of a figures file, or undefined when there is none. */
export declare const readFigures: (name: string) => string | undefined;

/** Writes a figures file: what a bench or build script measured, as the documents are to show it. */
export declare const writeFigures: (name: string, markdown: string) => void;

/** What a region must hold, or undefined when its file is missing (or, inline, has several lines). */
export declare const expectedContent: (region: Region) => string | undefined;

/** Rewrites one document's regions from their files. Throws naming a region whose file is missing. */
export declare const refreshRegions: (markdown: string, where: string) => string;

/** Rewrites the regions of every document; returns the documents that changed. */
export declare const refreshDocuments: () => string[];
