/**
 * A local AWS endpoint for tests and `npm start`: Config, EC2 and SSM (plus the STS and IAM calls the
 * rule makes) on the real wire protocols, with stores, a request recorder and fault injection.
 */
export { complianceResultsFromArray } from './config-service.js';
export { ServiceError } from './errors.js';
export {
  failAlways,
  failFirst,
  type RequestMatch,
  type SeededEntryOptions,
  type SeededFaultOptions,
  seededFailedEntries,
  seededFaults,
  TRANSIENT_FAULTS,
} from './faults.js';
export { generatedInventory, inventoryFromArray, matchesFilters } from './inventory.js';
export { RequestRecorder } from './recorder.js';
export { loadSeed } from './seed.js';
export { ENDPOINT_ENV_VARS, type LocalAws, startLocalAws } from './server.js';
export type {
  ComplianceResult,
  ComplianceResultsPage,
  ComplianceResultsSource,
  Fault,
  FaultInjector,
  HistoryItem,
  InstanceFilter,
  InstanceStateName,
  Inventory,
  InventoryPage,
  LocalAwsOptions,
  LocalInstance,
  LocalInstanceProfile,
  LocalParameter,
  ReceivedEvaluation,
  RecordedRequest,
  WireEvaluation,
} from './types.js';
export { LocalService } from './types.js';
