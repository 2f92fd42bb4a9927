/**
 * Runs commands under a SandboxPolicy with bubblewrap (`bwrap`, Debian's `bubblewrap`; it works as
 * root and unprivileged, through user namespaces). The command gets new user, pid, ipc, uts, cgroup
 * and network namespaces (`--unshare-all`; `--share-net` only when the policy allows the network),
 * a root built from nothing but the system's read-only directories (/usr and its links, a short list
 * of /etc files, /opt), a fresh /proc, a minimal /dev, a private /tmp holding HOME, and its worktree
 * bound read-write; so AUREA's checkout, data dir, .env, config, the user's home and the Postgres and
 * Redis sockets are simply not there. `--die-with-parent` and the pid namespace end every process of
 * the command with it; `--cap-drop ALL` and `--new-session` take away capabilities and the terminal.
 * Limits come from util-linux `prlimit` inside (RLIMIT_CPU, RLIMIT_DATA, RLIMIT_FSIZE).
 * Reference: bwrap(1), prlimit(1), user_namespaces(7).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { dirname } from 'node:path';
import { isInside, SANDBOX_HOME, type SandboxPolicy } from './policy.js';

/** System directories bound read-only when they exist (a link such as /bin → usr/bin is recreated as a link). */
const SYSTEM_ROOTS = ['/usr', '/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32', '/opt'];

/**
 * The /etc entries a command needs (users, name resolution, TLS roots, the dynamic linker, time
 * zone, Debian's alternatives that /usr/bin links through); the rest of /etc (shadow, ssh host
 * keys, service configs that may hold passwords) stays out.
 */
const ETC_ENTRIES = [
  'alternatives', 'ca-certificates', 'ca-certificates.conf', 'ssl/certs', 'passwd', 'group', 'hosts', 'hostname', 'resolv.conf', 'nsswitch.conf',
  'host.conf', 'gai.conf', 'protocols', 'services', 'ld.so.cache', 'ld.so.conf', 'ld.so.conf.d', 'localtime', 'timezone', 'mime.types',
  'os-release', 'debian_version', 'locale.alias', 'inputrc', 'magic', 'magic.mime',
];

/** The install line printed wherever the sandbox is missing. */
export const BWRAP_INSTALL = 'apt-get install bubblewrap (Debian/Ubuntu; Fedora: dnf install bubblewrap)';

/** The bwrap options for `policy` (everything before `--` and the command). */
export function bwrapArgs(policy: SandboxPolicy): string[] {
  const args = ['--unshare-all', ...(policy.network === 'allow' ? ['--share-net'] : []), '--die-with-parent', '--new-session', '--cap-drop', 'ALL'];
  const bound: string[] = [];
  for (const root of SYSTEM_ROOTS) {
    const info = lstatSync(root, { throwIfNoEntry: false });
    if (!info) continue;
    if (info.isSymbolicLink()) args.push('--symlink', readlinkSync(root), root);
    else {
      args.push('--ro-bind', root, root);
      bound.push(root);
    }
  }
  // Node itself, when it is installed outside the system directories (nvm, a tarball).
  const nodeRoot = dirname(dirname(process.execPath));
  if (!bound.some((r) => isInside(nodeRoot, r))) {
    args.push('--ro-bind', nodeRoot, nodeRoot);
    bound.push(nodeRoot);
  }
  for (const entry of ETC_ENTRIES) args.push('--ro-bind-try', `/etc/${entry}`, `/etc/${entry}`);
  args.push('--proc', '/proc', '--dev', '/dev', '--tmpfs', '/tmp', '--dir', SANDBOX_HOME, '--dir', '/var/tmp');
  // AUREA's own paths that a bound system directory happens to hold (an install under /opt or /usr/local).
  for (const path of policy.hidden) {
    if (!existsSync(path) || !bound.some((r) => isInside(path, r) && path !== r)) continue;
    if (lstatSync(path).isDirectory()) args.push('--tmpfs', path);
    else args.push('--ro-bind', '/dev/null', path);
  }
  for (const path of policy.readable) if (existsSync(path)) args.push('--ro-bind', path, path);
  for (const dir of policy.writable) args.push('--bind', dir, dir);
  for (const path of policy.readOnly) if (existsSync(path)) args.push('--ro-bind', path, path);
  args.push('--chdir', policy.cwd);
  return args;
}

/** The command line that runs `command` (a shell command line) under `policy`: bwrap, then prlimit, then sh -c. */
export function sandboxed(policy: SandboxPolicy, command: string): { file: string; args: string[] } {
  const { cpuSeconds, memoryBytes, fileBytes } = policy.limits;
  return {
    file: 'bwrap',
    args: [...bwrapArgs(policy), '--', 'prlimit', `--cpu=${cpuSeconds}`, `--data=${memoryBytes}`, `--fsize=${fileBytes}`, '--', '/bin/sh', '-c', command],
  };
}

let availability: { ok: true } | { ok: false; reason: string } | undefined;

/**
 * Whether the sandbox works on this machine: bwrap is installed and may create the namespaces
 * (a kernel or a container can forbid user namespaces). Checked once per process, by running `true`
 * in a sandbox.
 * @returns ok, or the reason and what to do, for the founder
 */
export function sandboxAvailable(): { ok: true } | { ok: false; reason: string } {
  if (availability) return availability;
  const probe = spawnSync('bwrap', ['--unshare-all', '--die-with-parent', '--ro-bind', '/usr', '/usr', '--symlink', 'usr/bin', '/bin', '--symlink', 'usr/lib', '/lib', '--symlink', 'usr/lib64', '/lib64', '--proc', '/proc', '--dev', '/dev', '--', '/usr/bin/true'], {
    encoding: 'utf8',
    timeout: 10_000,
  });
  if (probe.error && (probe.error as NodeJS.ErrnoException).code === 'ENOENT') {
    availability = { ok: false, reason: `bubblewrap (bwrap) is not installed: ${BWRAP_INSTALL}` };
  } else if (probe.status !== 0) {
    const said = (probe.stderr || probe.error?.message || `exit ${probe.status}`).trim().split('\n')[0];
    availability = {
      ok: false,
      reason: `bubblewrap cannot create its namespaces here (${said}): allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1; in Docker, security_opt seccomp=unconfined and apparmor=unconfined)`,
    };
  } else availability = { ok: true };
  return availability;
}
