#!/usr/bin/env python3
"""Start the real test servers on loopback, run a command against them, stop them.

    python3 scripts/test-servers.py run [--timeout SECONDS] -- swift test

Servers, each on a free port in its own temporary directory:
  * PostgreSQL (Debian's postgresql package), private data directory, trust auth on 127.0.0.1.
  * moto_server with SigV4 enforced: INITIAL_NO_AUTH_ACTION_COUNT lets exactly the three setup
    calls below through unsigned (create an IAM user, give it a policy, create its access key);
    every later request's signature is verified against that key.

The command sees the servers through MILLRACE_TEST_* variables (see Tests/MillraceTesting/
TestServers.swift; MILLRACE_TEST_SERVER_PIDS lists the servers' process ids, for this script's
own tests). The script exits with the command's status, 124 when --timeout ran out, 128 + the
signal's number when it was interrupted.

No server outlives the script, whatever ends it:
  * the command ends (success or failure), --timeout runs out, or the script fails starting a
    server: each server is stopped (PostgreSQL: fast shutdown; moto: SIGTERM), then its whole
    process group is killed;
  * SIGINT, SIGTERM or SIGHUP: the command's process group gets SIGTERM (SIGKILL if it lingers),
    then the servers are stopped as above; further signals do not interrupt the cleanup;
  * the script itself is killed (SIGKILL, OOM): every server and the command were started with
    PR_SET_PDEATHSIG, so the kernel kills them when the script dies.
Each server and the command run in their own process group (session), so stopping one kills
everything it started, and a terminal's Ctrl-C reaches the script, which stops them in order.
"""
import argparse
import ctypes
import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SETUP_CALLS = 3  # create_user, put_user_policy, create_access_key
REGION = "us-east-1"
PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_libc = ctypes.CDLL(None, use_errno=True)


class Interrupted(Exception):
    """A signal asked the script to stop."""

    def __init__(self, signum):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(predicate, what, timeout=60.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not start within {timeout:.0f}s")


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def pg_bindir():
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if not candidates:
        raise RuntimeError("PostgreSQL is not installed (run scripts/install-deps.sh)")
    return os.path.dirname(candidates[0])


def child_setup(user=None, death_signal=signal.SIGKILL):
    """The function a child runs before exec: drop to `user` (PostgreSQL refuses to run as
    root), then ask the kernel for `death_signal` when this script dies. The death signal is
    set last because a change of credentials clears it (prctl(2)), and the parent is checked
    afterwards in case it died before the request."""
    parent = os.getpid()
    account = pwd.getpwnam(user) if user and os.geteuid() == 0 else None

    def setup():
        if account:
            os.setgroups([])
            os.setgid(account.pw_gid)
            os.setuid(account.pw_uid)
        if _libc.prctl(PR_SET_PDEATHSIG, int(death_signal), 0, 0, 0) != 0:
            os._exit(127)
        if os.getppid() != parent:
            os._exit(127)

    return setup


def stop_group(proc, polite, grace):
    """Sends `polite` to `proc`, waits up to `grace` seconds for it, then kills its whole
    process group (its children too), even when it exited by itself."""
    if proc is None:
        return
    if proc.poll() is None:
        try:
            proc.send_signal(polite)
            proc.wait(timeout=grace)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


class Postgres:
    def __init__(self, root):
        self.dir = os.path.join(root, "postgres")
        self.port = free_port()
        self.proc = None

    def start(self):
        bindir = pg_bindir()
        os.makedirs(self.dir)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            os.chmod(os.path.dirname(self.dir), 0o755)
        subprocess.run([f"{bindir}/initdb", "-D", self.dir, "-A", "trust", "-U", "millrace", "--no-sync", "-E", "UTF8",
                        "--locale=C"], check=True, stdout=subprocess.DEVNULL, start_new_session=True,
                       preexec_fn=child_setup("postgres"))
        log = open(os.path.join(os.path.dirname(self.dir), "postgres.log"), "w")
        # Started as the server user directly (no runuser in between), so signals reach the
        # postmaster itself.
        self.proc = subprocess.Popen(
            [f"{bindir}/postgres", "-D", self.dir, "-p", str(self.port), "-k", self.dir,
             "-c", "listen_addresses=127.0.0.1", "-c", "fsync=off", "-c", "max_connections=200"],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True, preexec_fn=child_setup("postgres"))
        log.close()
        wait_for(lambda: subprocess.run([f"{bindir}/pg_isready", "-h", "127.0.0.1", "-p", str(self.port)],
                                        stdout=subprocess.DEVNULL).returncode == 0, "PostgreSQL")
        subprocess.run([f"{bindir}/createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "millrace",
                        "millrace"], check=True)

    def env(self):
        return {
            "MILLRACE_TEST_PG_URL": f"postgres://millrace@127.0.0.1:{self.port}/millrace",
            "MILLRACE_TEST_PG_HOST": "127.0.0.1",
            "MILLRACE_TEST_PG_PORT": str(self.port),
        }

    def stop(self):
        stop_group(self.proc, signal.SIGINT, 20)  # SIGINT: PostgreSQL's fast shutdown


class Moto:
    def __init__(self, root):
        self.dir = root
        self.port = free_port()
        self.proc = None
        self.key = None

    def start(self):
        import boto3  # installed by scripts/install-deps.sh
        env = dict(os.environ, INITIAL_NO_AUTH_ACTION_COUNT=str(SETUP_CALLS))
        log = open(os.path.join(self.dir, "moto.log"), "w")
        # scripts/moto_server.py: moto_server with its SigV4 verifier fed the canonical path and
        # query AWS signs (stock moto rejects keys with `+`, `=`, non-ASCII, and `/` in prefixes).
        launcher = os.path.join(os.path.dirname(os.path.abspath(__file__)), "moto_server.py")
        self.proc = subprocess.Popen([sys.executable, launcher, "-H", "127.0.0.1", "-p", str(self.port)],
                                     env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
                                     preexec_fn=child_setup())
        log.close()
        wait_for(lambda: port_open(self.port), "moto_server")
        iam = boto3.client("iam", endpoint_url=self.endpoint(), region_name=REGION,
                           aws_access_key_id="setup", aws_secret_access_key="setup")
        iam.create_user(UserName="millrace-test")
        iam.put_user_policy(UserName="millrace-test", PolicyName="everything",
                            PolicyDocument='{"Version":"2012-10-17","Statement":'
                                           '[{"Effect":"Allow","Action":"*","Resource":"*"}]}')
        self.key = iam.create_access_key(UserName="millrace-test")["AccessKey"]

    def endpoint(self):
        return f"http://127.0.0.1:{self.port}"

    def env(self):
        return {
            "MILLRACE_TEST_S3_ENDPOINT": self.endpoint(),
            "MILLRACE_TEST_AWS_ACCESS_KEY_ID": self.key["AccessKeyId"],
            "MILLRACE_TEST_AWS_SECRET_ACCESS_KEY": self.key["SecretAccessKey"],
            "MILLRACE_TEST_AWS_REGION": REGION,
        }

    def stop(self):
        stop_group(self.proc, signal.SIGTERM, 10)


def run(command, timeout=None):
    root = tempfile.mkdtemp(prefix="millrace-servers-")
    servers = [Postgres(root), Moto(root)]
    child = None
    status = 1

    def on_signal(signum, _frame):
        raise Interrupted(signum)

    stopping = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
    for signum in stopping:
        signal.signal(signum, on_signal)
    # A parent may have blocked them (a test harness's threads do), and children inherit the
    # mask: unblocked here, the script and the servers hear them.
    signal.pthread_sigmask(signal.SIG_UNBLOCK, stopping)
    try:
        env = dict(os.environ)
        for server in servers:
            server.start()
            env.update(server.env())
        env["MILLRACE_TEST_SERVER_PIDS"] = " ".join(str(server.proc.pid) for server in servers)
        print(f"test-servers: PostgreSQL on port {servers[0].port}, moto_server (SigV4 enforced) on port "
              f"{servers[1].port}; logs in {root}", flush=True)
        # The command dies with this script too (SIGTERM: let it report), in its own group.
        child = subprocess.Popen(command, env=env, start_new_session=True,
                                 preexec_fn=child_setup(death_signal=signal.SIGTERM))
        try:
            status = child.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            print(f"test-servers: the command ran longer than {timeout}s; stopping it", file=sys.stderr, flush=True)
            status = 124
    except Interrupted as interrupt:
        print(f"test-servers: {interrupt}; stopping the command and the servers", file=sys.stderr, flush=True)
        status = 128 + interrupt.signum
    except Exception as error:  # a server that would not start: report it, stop the others
        print(f"test-servers: {error}", file=sys.stderr, flush=True)
        status = 1
    finally:
        # Nothing may interrupt the cleanup.
        for signum in stopping:
            signal.signal(signum, signal.SIG_IGN)
        stop_group(child, signal.SIGTERM, 10)
        for server in reversed(servers):
            server.stop()
        if status == 0:
            shutil.rmtree(root, ignore_errors=True)
        else:
            print(f"test-servers: server logs kept in {root}", file=sys.stderr)
    return status


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="verb", required=True)
    p_run = sub.add_parser("run", help="start the servers, run COMMAND, stop the servers")
    p_run.add_argument("--timeout", type=float, default=None,
                       help="stop the command after this many seconds (exit status 124)")
    p_run.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("run needs a command after --")
    sys.exit(run(command, timeout=args.timeout))


if __name__ == "__main__":
    main()
