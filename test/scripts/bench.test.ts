// `npm run bench` leaves nothing running: interrupted (Ctrl-C's SIGINT) while its Hardhat node and
// `next start` serve, it stops every process it started. The processes are found by ancestry
// (parent pids from /proc) and process group, never by name: other engineers' servers and chains
// run on the same machine.
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { it } from "node:test";
import { root, waitFor } from "../../scripts/lib/processes";

type Proc = { pid: number; ppid: number; pgid: number; start: string };

/** Every process now, from /proc/<pid>/stat (fields after the command name, which may hold spaces). */
function processes(): Proc[] {
  const all: Proc[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      // state ppid pgrp … starttime (field 22 of stat, index 19 here)
      if (fields[0] === "Z") continue; // a zombie has exited: only its parent's wait is left
      all.push({ pid: Number(entry), ppid: Number(fields[1]), pgid: Number(fields[2]), start: fields[19] });
    } catch {
      // exited while we looked
    }
  }
  return all;
}

/** `root` and everything it started, directly or not. */
function descendants(root: number): Proc[] {
  const all = processes();
  const found: Proc[] = [];
  const parents = new Set([root]);
  for (let grew = true; grew; ) {
    grew = false;
    for (const p of all) {
      if (parents.has(p.ppid) && !parents.has(p.pid)) {
        parents.add(p.pid);
        found.push(p);
        grew = true;
      }
    }
  }
  return found;
}

/** The processes of `seen` still alive (same pid and start time), and any other process in their groups. */
function survivors(seen: Proc[]): Proc[] {
  const groups = new Set(seen.map((p) => p.pgid));
  const same = new Set(seen.map((p) => `${p.pid}/${p.start}`));
  return processes().filter((p) => same.has(`${p.pid}/${p.start}`) || groups.has(p.pgid));
}

it("stops its Hardhat node and next start when interrupted with SIGINT, and exits 130", { timeout: 600_000 }, async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "tollgate-bench-"));
  const out = path.join(dir, "bench.json");
  const bench = spawn(
    process.execPath,
    ["--conditions=react-server", "--import", "tsx", "scripts/bench.ts", "--only", "gate", "--databases", "sqlite", "--connections", "2", "--warmup", "0", "--duration", "1", "--rounds", "1", "--out", out],
    { cwd: root, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  bench.stdout.on("data", (chunk) => (output += chunk));
  bench.stderr.on("data", (chunk) => (output += chunk));
  const exited = new Promise<number | null>((resolve) => bench.on("exit", (code) => resolve(code)));
  let seen: Proc[] = [];
  try {
    // At this stage the chain and the site are both up.
    await waitFor("the bench to open its channels", async () => {
      if (bench.exitCode !== null) throw new Error(`the bench exited early:\n${output}`);
      return output.includes("Opening 2 channels");
    }, 480_000);
    seen = descendants(bench.pid!);
    const groups = new Set(seen.map((p) => p.pgid));
    groups.delete(bench.pid!);
    assert.ok(groups.size >= 2, `the bench runs its chain and its site in their own process groups (saw ${[...groups].join(", ")})`);

    process.kill(bench.pid!, "SIGINT");
    assert.equal(await exited, 130, output);
    await waitFor("every process the bench started to be gone", async () => survivors(seen).length === 0, 10_000).catch(() => {
      throw new Error(`still running after the bench exited: ${survivors(seen).map((p) => `${p.pid} (group ${p.pgid})`).join(", ")}\n${output}`);
    });
    assert.match(output, /SIGINT: stopping the \d+ process group\(s\) this script started/);
  } finally {
    // Whatever the outcome, nothing of this test's stays behind.
    for (const pgid of new Set([bench.pid!, ...seen.map((p) => p.pgid)])) {
      try {
        process.kill(-pgid, "SIGKILL");
      } catch {
        // gone
      }
    }
    rmSync(dir, { recursive: true, force: true });
  }
});
