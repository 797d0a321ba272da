import { describe, expect, it } from "vitest";
import { withoutInstanceKeys, withoutLastInstanceKey } from "./instance-keys.js";

describe("instance keys", () => {
  it("drops every key, whatever a string key holds", () => {
    expect(withoutInstanceKeys('module.a["x"].module.b[0].t.n["k"]')).toBe("module.a.module.b.t.n");
    expect(withoutInstanceKeys('module.m["a]b"].terraform_data.hook')).toBe("module.m.terraform_data.hook");
    expect(withoutInstanceKeys('module.m["a[0]b"].t.n[1]')).toBe("module.m.t.n");
    expect(withoutInstanceKeys('module.m["a\\"]b"].t.n["x.y"]')).toBe("module.m.t.n");
    expect(withoutInstanceKeys("t.n")).toBe("t.n");
  });

  it("drops only the resource's own key", () => {
    expect(withoutLastInstanceKey('module.a["x"].t.n["a]b"]')).toBe('module.a["x"].t.n');
    expect(withoutLastInstanceKey('module.a["x"].t.n[3]')).toBe('module.a["x"].t.n');
    expect(withoutLastInstanceKey('module.a["x"].t.n')).toBe('module.a["x"].t.n');
  });
});
