// The layout sam build makes: the handler, and the extensions in their own file beside it, loaded by the
// handler's own loader.
export { handler } from '../../src/handler.js';
export { loadExtensions as loadSweepPath } from '../../src/load-extensions.js';
