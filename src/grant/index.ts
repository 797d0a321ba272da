/** The grant model: types, validation, time. No I/O and no cdktf. */
export { resolveClock, type Clock } from "./clock.js";
export { formatDuration, parseDuration } from "./duration.js";
export type { Grant, GrantSpec } from "./model.js";
export { childPath, InvalidInputError, type Problem } from "./problem.js";
export {
  GRANT_RECORD_MARKER,
  GRANT_RECORD_TYPE,
  grantRecord,
  grantRecordAttributes,
  grantRecordOfResource,
  isGrantRecord,
  isGrantRecordType,
  specOf,
  type GrantRecord,
} from "./record.js";
export { grantStatus, type GrantStatus } from "./status.js";
export { formatTimestamp, parseTimestamp, type Instant } from "./time.js";
export { GRANTS_FILE_SCHEMA, requireValidGrant, validateGrant, validateGrantsFileShape } from "./validate.js";
export {
  formatLocatedProblem,
  GrantProblemsError,
  parseGrantsFile,
  type GrantsFile,
  type GrantsFileEntry,
  type LocatedProblem,
} from "./grants-file.js";
export { listGrants, type GrantListing, type ListGrantsOptions } from "./listing.js";
