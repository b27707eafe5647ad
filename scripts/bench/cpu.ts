/**
 * CPU accounting for the measured window (Linux /proc; absent elsewhere): how many CPU milliseconds the
 * target server, the database server and the load generator itself spent per answered request. On a
 * small shared machine these tell where the time goes better than req/s alone.
 */
import { readdirSync, readFileSync } from 'node:fs';

/** Clock ticks per second of /proc/<pid>/stat times (USER_HZ, 100 on every mainstream Linux). */
const USER_HZ = 100;

export type CpuSample = Readonly<Record<string, number>>;

/** utime + stime of a process in ms, or null when it cannot be read. */
export function processCpuMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // After "(comm) ": state is field 3 of proc(5), utime 14 and stime 15.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / USER_HZ;
  } catch {
    return null;
  }
}

/** The pid of the first process whose command name is one of `names`, or null. */
export function findProcess(names: readonly string[]): number | null {
  try {
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        if (names.includes(readFileSync(`/proc/${entry}/comm`, 'utf8').trim())) return Number(entry);
      } catch {
        /* gone meanwhile */
      }
    }
  } catch {
    /* no /proc */
  }
  return null;
}

/** Cumulative CPU ms of the named processes; `self` is the calling process. */
export function cpuSample(pids: Readonly<Record<string, number | 'self' | null | undefined>>): CpuSample {
  const sample: Record<string, number> = {};
  for (const [label, pid] of Object.entries(pids)) {
    if (pid === 'self') {
      const usage = process.cpuUsage();
      sample[label] = (usage.user + usage.system) / 1000;
    } else if (typeof pid === 'number') {
      const ms = processCpuMs(pid);
      if (ms !== null) sample[label] = ms;
    }
  }
  return sample;
}

/** Per-request CPU ms between two samples. */
export function cpuPerRequest(before: CpuSample, after: CpuSample, requests: number): Record<string, number> {
  const result: Record<string, number> = {};
  if (requests <= 0) return result;
  for (const label of Object.keys(after)) {
    if (before[label] !== undefined) result[label] = (after[label]! - before[label]!) / requests;
  }
  return result;
}
