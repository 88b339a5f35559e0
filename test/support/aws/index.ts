/**
 * A local endpoint for what moto does not serve: AWS Config (`PutEvaluations` outside TestMode, the compliance
 * reads, `GetResourceConfigHistory` for EC2), EC2 `DescribeInstances` over fleets generated page by page, and
 * seeded fault injection. For tests, benchmarks and `npm start`.
 */
export { complianceResultsFromArray } from './config-service.js';
export { generatedInventory, matchesFilters } from './ec2.js';
export * from './faults.js';
export { loadSeed } from './seed.js';
export { type LocalAws, RequestRecorder, startLocalAws } from './server.js';
export * from './types.js';
