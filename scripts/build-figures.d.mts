/** The function's files and the chunks of its handler, as docs/figures/build.md shows them. */
export declare const functionFigures: () => string;

/** What the package holds, as docs/figures/package.md shows it. */
export declare const packageFigures: () => string;
