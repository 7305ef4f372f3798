import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { PgreadyError } from "../../src/core/errors.js";
import { dbSizeFor, parseSize, resolveInputs, type InputSources } from "../../src/tune/index.js";

const GB = 1024 ** 3;
const MB = 1024 ** 2;

function refused(sources: InputSources, message: RegExp, place: string): void {
  assert.throws(
    () => resolveInputs(sources),
    (error: unknown) => error instanceof PgreadyError && error.code === "usage" && error.exitCode === 2 && error.place === place && message.test(error.message),
  );
}

describe("tune inputs", () => {
  it("parses sizes with binary units, however they are spelt, and refuses bare numbers", () => {
    assert.equal(parseSize("16GB"), 16 * GB);
    assert.equal(parseSize("16g"), 16 * GB);
    assert.equal(parseSize("16Gi"), 16 * GB);
    assert.equal(parseSize("16 GiB"), 16 * GB);
    assert.equal(parseSize("1.5TB"), 1.5 * 1024 * GB);
    assert.equal(parseSize("512mb"), 512 * MB);
    for (const bad of ["16", "lots", "-1GB", "16XB", "", "GB"]) assert.equal(parseSize(bad), undefined, bad);
  });

  it("refuses impossible hardware with the flag and what it accepts", () => {
    refused({ flags: { ram: "0" } }, /^--ram must be a size with a unit, such as 16GB, 512MB or 8GiB \(got "0"\)$/, "--ram");
    refused({ flags: { ram: "0GB" } }, /^--ram must be at least 128 MB \(got "0GB"\)$/, "--ram");
    refused({ flags: { ram: "lots" } }, /^--ram must be a size/, "--ram");
    refused({ flags: { ram: "8GB", cpus: "-1" } }, /^--cpus must be a whole number from 1 to 9999 \(got "-1"\)$/, "--cpus");
    refused({ flags: { ram: "8GB", cpus: "0" } }, /^--cpus must be a whole number from 1 to 9999/, "--cpus");
    refused({ flags: { ram: "8GB", cpus: "2.5" } }, /^--cpus must be a whole number/, "--cpus");
    refused({ flags: { ram: "8GB", storage: "tape" } }, /^--storage must be one of hdd, ssd, san, nvme \(got "tape"\)$/, "--storage");
    refused({ flags: { ram: "8GB", workload: "batch" } }, /^--workload must be one of web, oltp, dw, desktop, mixed \(got "batch"\)$/, "--workload");
    refused({ flags: { ram: "8GB", dbSizeVsRam: "huge" } }, /^--db-size-vs-ram must be one of less, mid, greater/, "--db-size-vs-ram");
    refused({ flags: { ram: "8GB", maxConnections: "0" } }, /^--max-connections must be a whole number from 1 to 262143/, "--max-connections");
    refused({ flags: { ram: "8GB", pgVersion: "9" } }, /^--pg-version must be a whole number from 10 to 99/, "--pg-version");
    refused({ flags: { ram: "8GB", walDisk: "100" } }, /^--wal-disk must be a size with a unit/, "--wal-disk");
    refused({ flags: { ram: "8GB", walDisk: "64MB" } }, /^--wal-disk must be at least 128 MB/, "--wal-disk");
  });

  it("asks for --ram when neither a flag nor the host says", () => {
    refused({ flags: {}, host: null }, /RAM is unknown/, "--ram");
  });

  it("takes each input from the flag, else the server, else the host, else a default, and says which", () => {
    const { inputs, origins } = resolveInputs({
      flags: { cpus: "6", workload: "OLTP" },
      server: { pgVersion: 16, maxConnections: 250, dataBytes: 40 * GB },
      host: { memoryBytes: 16 * GB, cpus: 3.5, source: "memory: cgroup v2 memory.max; cpus: cgroup v2 cpu.max" },
    });
    assert.deepEqual(inputs, { ramBytes: 16 * GB, cpus: 6, storage: "ssd", workload: "oltp", maxConnections: 250, pgVersion: 16, dbSize: "greater", walDiskBytes: undefined });
    assert.deepEqual(
      Object.fromEntries(Object.entries(origins).map(([name, origin]) => [name, origin.source])),
      {
        ramBytes: "host (cgroup v2 memory.max)",
        cpus: "flag --cpus",
        storage: "default",
        workload: "flag --workload",
        maxConnections: "server",
        pgVersion: "server",
        dbSize: "server (40 GB of data)",
        walDiskBytes: "not given (--wal-disk)",
      },
    );
  });

  it("a fractional CPU quota counts whole CPUs; the workload's connections are shown when nobody gave any", () => {
    const { inputs, origins } = resolveInputs({ flags: { workload: "dw" }, host: { memoryBytes: 8 * GB, cpus: 1.5, source: "os" }, localVersion: { version: 15, where: "/usr/lib/postgresql/15/bin" } });
    assert.equal(inputs.cpus, 1);
    assert.equal(origins.cpus.source, "host (os)");
    assert.equal(inputs.maxConnections, undefined);
    assert.equal(origins.maxConnections.shown, "40");
    assert.equal(origins.maxConnections.source, "default for dw");
    assert.equal(inputs.pgVersion, 15);
    assert.equal(origins.pgVersion.source, "local binaries (/usr/lib/postgresql/15/bin)");
  });

  it("flags win over the server and the host", () => {
    const { inputs } = resolveInputs({
      flags: { ram: "4GB", maxConnections: "50", pgVersion: "14", dbSizeVsRam: "less" },
      server: { pgVersion: 16, maxConnections: 250, dataBytes: 40 * GB },
      host: { memoryBytes: 16 * GB, cpus: 8, source: "os" },
    });
    assert.equal(inputs.ramBytes, 4 * GB);
    assert.equal(inputs.maxConnections, 50);
    assert.equal(inputs.pgVersion, 14);
    assert.equal(inputs.dbSize, "less");
  });

  it("measures DB size vs RAM: fits in ¾ of RAM, more than twice RAM, or between", () => {
    assert.equal(dbSizeFor(6 * GB, 8 * GB), "less");
    assert.equal(dbSizeFor(7 * GB, 8 * GB), "mid");
    assert.equal(dbSizeFor(16 * GB, 8 * GB), "mid");
    assert.equal(dbSizeFor(17 * GB, 8 * GB), "greater");
  });
});
