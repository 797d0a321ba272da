import { Document } from "yaml";
import { formatTimestampInZone } from "./local-time.js";
import type { Grant, GrantSpec } from "./model.js";

/**
 * What an engineer asks for with `tempgrant request`: a grant's fields (times resolved;
 * `approvedBy` is whom they ask), and the IANA zone its times are written in.
 */
export type GrantRequest = Omit<Grant, "breakGlass" | "credential"> & { readonly zone: string };

/** Longest grant id (grants.schema.json). */
const ID_LENGTH = 48;

/**
 * A grant id from who, where and what (`alice-orders-db-read`): the principal's name before
 * any `@`, lower case, every run of other characters one dash, at most 48 characters.
 */
export function defaultGrantId(principal: string, target: string, access: string): string {
  const slug = [principal.split("@")[0] ?? "", target, access]
    .join("-")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug.slice(0, ID_LENGTH).replace(/-+$/, "");
}

/** The grant spec a request writes: its times in the engineer's zone, offset written out. */
export function requestedSpec(request: GrantRequest): GrantSpec {
  return {
    id: request.id,
    principal: request.principal,
    target: request.target,
    access: request.access,
    ...(request.startsAt !== undefined
      ? { startsAt: formatTimestampInZone(request.startsAt, request.zone) }
      : {}),
    expiresAt: formatTimestampInZone(request.expiresAt, request.zone),
    reason: request.reason,
    ...(request.ticket !== undefined ? { ticket: request.ticket } : {}),
    requestedBy: request.requestedBy,
    approvedBy: [...request.approvedBy],
  };
}

/**
 * The grants file text for one spec, written by the YAML library (every value quoted as it
 * needs, whatever its text), with `comment` above it.
 */
export function grantsFileText(spec: GrantSpec, comment: string): string {
  const document = new Document({ grants: [spec] });
  document.commentBefore = comment;
  return document.toString({ lineWidth: 0 });
}
