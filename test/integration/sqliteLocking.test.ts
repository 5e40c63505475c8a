// A second process reading the SQLite file (a backup, `sqlite3` at a prompt) while readers pay
// must not take the site down: before WAL mode and a busy timeout, one commit meeting its read
// lock failed and left every later request answering 500. scripts/bench/concurrentReader.ts is
// the reproduction; this runs it and requires the site to survive.
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { it } from "node:test";
import { root } from "../../scripts/lib/processes";

it("the site keeps serving while another process reads its SQLite database", { timeout: 180_000 }, () => {
  const run = spawnSync(process.execPath, ["--import", "tsx", "scripts/bench/concurrentReader.ts"], { cwd: root, encoding: "utf8", timeout: 170_000 });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /OK: the site served every request/);
});
