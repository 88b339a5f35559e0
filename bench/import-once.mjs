// One cold start: how long `await import()` of a bundle takes in a fresh process, and when it is done
// counted from the start of the process. With a second argument, then how long the bundle's export of
// that name (an async loader) takes.
import { performance } from 'node:perf_hooks';

const [bundle, loader] = process.argv.slice(2);
const started = performance.now();
const module = await import(bundle);
const evaluated = performance.now();
let loadMs;
if (loader !== undefined) {
  await module[loader]();
  loadMs = performance.now() - evaluated;
}
process.stdout.write(JSON.stringify({ importMs: evaluated - started, sinceStartMs: evaluated, loadMs }));
