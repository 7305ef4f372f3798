import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { redact } from "../../src/core/redact.js";
import { rulesFromRows, type RawHbaRow } from "../../src/hba/index.js";

const row = (fields: Partial<RawHbaRow>): RawHbaRow => ({
  line_number: 1,
  type: "host",
  database: ["all"],
  user_name: ["all"],
  address: "10.0.0.0",
  netmask: "255.0.0.0",
  auth_method: "md5",
  options: null,
  error: null,
  ...fields,
});

describe("pg_hba_file_rules rows as rules", () => {
  it("reads keywords, groups, regexes (16+), masks, host names and the local type", () => {
    const { rules, loadErrors } = rulesFromRows(
      [
        row({ line_number: 2, database: ["sameuser", "samegroup", "replication", "app"], user_name: ["+admins", "/^x", "bob"] }),
        row({ line_number: 3, address: "fd00::", netmask: "ffff:ff00::" }),
        row({ line_number: 4, address: "10.0.0.0", netmask: "255.0.255.0" }),
        row({ line_number: 5, address: ".example.com", netmask: null }),
        row({ line_number: 6, address: "samenet", netmask: null }),
        row({ line_number: 7, type: "local", address: null, netmask: null, auth_method: "peer" }),
      ],
      16,
      "/data/pg_hba.conf",
    );
    assert.deepEqual(loadErrors, []);
    assert.deepEqual(rules[0]?.databases, [{ kind: "sameuser" }, { kind: "samerole" }, { kind: "replication" }, { kind: "name", name: "app" }]);
    assert.deepEqual(rules[0]?.users, [{ kind: "group", role: "admins" }, { kind: "regex", pattern: "^x" }, { kind: "name", name: "bob" }]);
    assert.equal(rules[0]?.text, "host sameuser,samegroup,replication,app +admins,/^x,bob 10.0.0.0/8 md5");
    assert.deepEqual(rules[1]?.address, { kind: "ip", family: 6, address: 0xfdn << 120n, mask: 0xffffff00n << 96n, prefix: 24, text: "fd00::/24" });
    assert.equal(rules[2]?.address?.kind === "ip" && rules[2].address.prefix, undefined);
    assert.deepEqual(rules[3]?.address, { kind: "hostname", name: ".example.com", suffix: true });
    assert.deepEqual(rules[4]?.address, { kind: "samenet" });
    assert.deepEqual([rules[5]?.type, rules[5]?.address, rules[5]?.file, rules[5]?.line], ["local", undefined, "/data/pg_hba.conf", 7]);
    assert.deepEqual(rulesFromRows([row({ user_name: ["/^x"] })], 15, "f").rules[0]?.users, [{ kind: "name", name: "/^x" }], "a name before 16");
  });

  it("turns refused rows into load errors, keeps a hostssl row the server merely cannot match", () => {
    const { rules, loadErrors } = rulesFromRows(
      [
        row({ line_number: 3, type: null, database: null, user_name: null, address: null, netmask: null, auth_method: null, error: 'invalid authentication method "TRUST"' }),
        row({ line_number: 4, type: "hostssl", error: "hostssl record cannot match because SSL is disabled" }),
        row({ line_number: 5, file_name: "/data/conf.d/a.conf", type: null, auth_method: null, error: "authentication option not in name=value format: x" }),
      ],
      16,
      "/data/pg_hba.conf",
    );
    assert.deepEqual(loadErrors, [
      { file: "/data/pg_hba.conf", line: 3, message: 'invalid authentication method "TRUST"' },
      { file: "/data/conf.d/a.conf", line: 5, message: "authentication option not in name=value format: x" },
    ]);
    assert.deepEqual(rules.map((r) => [r.line, r.type]), [[4, "hostssl"]]);
  });

  it("masks secret option values and registers them", () => {
    const { rules } = rulesFromRows([row({ auth_method: "ldap", options: ["ldapserver=ldap", "ldapbindpasswd=Row-Secret-77"] })], 15, "f");
    assert.equal(rules[0]?.text, "host all all 10.0.0.0/8 ldap ldapserver=ldap ldapbindpasswd=***");
    assert.equal(redact("the password is Row-Secret-77"), "the password is ***");
  });
});
