import { describe, expect, it } from "vitest";
import { grantStatus } from "./status.js";

describe("grantStatus on [startsAt, expiresAt - margin)", () => {
  const grant = { startsAt: 1_000, expiresAt: 2_000 };

  it("is pending before the start and active from the start itself", () => {
    expect(grantStatus(grant, 999)).toBe("pending");
    expect(grantStatus(grant, 1_000)).toBe("active");
  });

  it("is active one second before the expiry and expired at the expiry itself", () => {
    expect(grantStatus(grant, 1_999)).toBe("active");
    expect(grantStatus(grant, 2_000)).toBe("expired");
  });

  it("ends early by the revocation margin", () => {
    expect(grantStatus(grant, 1_699, 300)).toBe("active");
    expect(grantStatus(grant, 1_700, 300)).toBe("expired");
  });

  it("without a start is active until the expiry", () => {
    expect(grantStatus({ startsAt: undefined, expiresAt: 2_000 }, 0)).toBe("active");
  });
});
