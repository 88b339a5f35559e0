// The layout before the extensions got their own file: the handler, with the EC2, SSM and IAM code in the
// same file, initialised lazily by a dynamic import (parsed at every cold start all the same).
export { handler } from '../../src/handler.js';
export const loadSweepPath = () => import('../../src/extensions.js');
