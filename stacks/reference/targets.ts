import { PostgresqlTarget } from "../../src/constructs/index.js";

/**
 * The production orders database. Engineers get an ephemeral login role per grant, with
 * `VALID UNTIL` at the grant's expiry, member of one of the privilege roles the DBAs own.
 */
export const ordersDb = new PostgresqlTarget({
  name: "orders-db",
  mode: "login-role",
  privilegeRoles: { read: "orders_read", write: "orders_write", admin: "orders_admin" },
});

/**
 * The same database for service accounts that already have a role of their own: the grant
 * makes them members of a privilege role through a per-grant role.
 */
export const ordersDbMembership = new PostgresqlTarget({
  name: "orders-db-services",
  mode: "membership",
  privilegeRoles: { read: "orders_read", write: "orders_write" },
});

/** Every binding the reference grants may name in `target`. */
export const REFERENCE_TARGETS = [ordersDb, ordersDbMembership];
