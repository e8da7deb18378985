/**
 * The TCP ports a local process listens on, for black-box tests that must reach a port the process
 * does not announce (the embedded DynamoDB store's). Linux only: the process's socket descriptors
 * (`/proc/<pid>/fd`) matched against the listening sockets in `/proc/<pid>/net/tcp`.
 */
import { existsSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** TCP state LISTEN in `/proc/net/tcp`. */
const LISTEN = '0A';

/** Whether `listeningPorts` can answer on this machine. */
export const CAN_LIST_PORTS = existsSync('/proc/self/net/tcp');

/** The IPv4 ports `pid` listens on, in the order the kernel lists them. */
export function listeningPorts(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const socket = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (socket?.[1] !== undefined) inodes.add(socket[1]);
    } catch {
      // Closed meanwhile.
    }
  }
  const ports: number[] = [];
  for (const line of readFileSync(`/proc/${pid}/net/tcp`, 'utf8').split('\n').slice(1)) {
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode …
    const fields = line.trim().split(/\s+/);
    const local = fields[1];
    const inode = fields[9];
    if (local === undefined || inode === undefined || fields[3] !== LISTEN || !inodes.has(inode)) continue;
    ports.push(Number.parseInt(local.split(':')[1] ?? '', 16));
  }
  return ports;
}
