/**
 * Finds the process that actually serves a port and reads its memory. `next start` is a parent
 * that spawns the real server (titled `next-server`): the parent's memory says nothing about the
 * requests, so the benchmark follows the listening socket to its owner instead of the pid it
 * started.
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, readlinkSync } from "node:fs";

const LISTEN = "0A";

/** Inodes of the sockets listening on `port` (IPv4 and IPv6), from /proc/net/tcp{,6}. */
function listeningInodes(port: number): Set<string> {
  const inodes = new Set<string>();
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(table, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const fields = line.trim().split(/\s+/);
      if (fields.length < 10) continue;
      const [, local, , state, , , , , , inode] = fields;
      if (state === LISTEN && parseInt(local.split(":")[1], 16) === port) inodes.add(inode);
    }
  }
  return inodes;
}

/** The pid holding a socket that listens on `port`, or null (Linux only). */
export function listeningPid(port: number): number | null {
  const inodes = listeningInodes(port);
  if (inodes.size === 0) return null;
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue; // gone, or not ours to read
    }
    for (const fd of fds) {
      try {
        const match = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${entry}/fd/${fd}`));
        if (match && inodes.has(match[1])) return Number(entry);
      } catch {
        // closed meanwhile
      }
    }
  }
  return null;
}

export type ProcessMemory = { name: string; rssKb: number; hwmKb: number };

/** The process's title (`next-server (v16…)`): its command line, which Node overwrites with `process.title`. */
export function processTitle(pid: number): string {
  return readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
}

/** Name, resident set and its high-water mark (peak since the process started), from /proc/<pid>/status. */
export function readMemory(pid: number): ProcessMemory {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => {
    const match = new RegExp(`^${name}:\\s+(.*)$`, "m").exec(status);
    if (!match) throw new Error(`/proc/${pid}/status has no ${name}`);
    return match[1].trim();
  };
  return { name: field("Name"), rssKb: parseInt(field("VmRSS"), 10), hwmKb: parseInt(field("VmHWM"), 10) };
}

/** Polls a process's resident set every `everyMs` until stopped; returns the largest seen, in kB. */
export function sampleRss(pid: number, everyMs = 100): { stop(): number } {
  let peak = readMemory(pid).rssKb;
  const timer = setInterval(() => {
    try {
      peak = Math.max(peak, readMemory(pid).rssKb);
    } catch {
      // the server exited: the run will fail on its own
    }
  }, everyMs);
  return {
    stop: () => {
      clearInterval(timer);
      return peak;
    },
  };
}

/** How many descriptors `pid` holds on `file`: one per SQLite connection open on the database. */
export function descriptorsOn(pid: number, file: string): number {
  let count = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) === file) count++;
    } catch {
      // closed meanwhile
    }
  }
  return count;
}

let ticksPerSecond: number | undefined;

/**
 * CPU time `pid` has used so far, user plus system, all its threads, in milliseconds (from
 * /proc/<pid>/stat, in clock ticks). Unlike latency and throughput, it barely moves when other
 * processes compete for the cores, so it compares scenarios fairly on a busy machine.
 */
export function cpuTimeMs(pid: number): number {
  ticksPerSecond ??= Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim()) || 100;
  // The command name (field 2) may hold spaces and parentheses: count fields after its last ")".
  const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  const [utime, stime] = [Number(fields[11]), Number(fields[12])];
  return ((utime + stime) * 1000) / ticksPerSecond;
}
