#!/usr/bin/env python3
"""Start the real test servers on loopback, run a command against them, stop them.

    python3 scripts/test-servers.py run -- swift test

Servers, each on a free port in its own temporary directory:
  * PostgreSQL (Debian's postgresql package), private data directory, trust auth on 127.0.0.1.
  * moto_server with SigV4 enforced: INITIAL_NO_AUTH_ACTION_COUNT lets exactly the three setup
    calls below through unsigned (create an IAM user, give it a policy, create its access key);
    every later request's signature is verified against that key.

The command sees the servers through MILLRACE_TEST_* variables (see Tests/MillraceTesting/
TestServers.swift). The servers are stopped when the command ends, whatever its outcome, and
the script exits with the command's status.
"""
import argparse
import glob
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

SETUP_CALLS = 3  # create_user, put_user_policy, create_access_key
REGION = "us-east-1"


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
    raise SystemExit(f"test-servers: {what} did not start within {timeout:.0f}s")


def port_open(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def pg_bindir():
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if not candidates:
        raise SystemExit("test-servers: PostgreSQL is not installed (run scripts/install-deps.sh)")
    return os.path.dirname(candidates[0])


class Postgres:
    def __init__(self, root):
        self.dir = os.path.join(root, "postgres")
        self.port = free_port()
        self.proc = None

    def as_server_user(self, argv):
        # PostgreSQL refuses to run as root; CI runs as root, so use the postgres account there.
        if os.geteuid() == 0:
            return ["runuser", "-u", "postgres", "--"] + argv
        return argv

    def start(self):
        bindir = pg_bindir()
        os.makedirs(self.dir)
        if os.geteuid() == 0:
            shutil.chown(self.dir, "postgres", "postgres")
            os.chmod(os.path.dirname(self.dir), 0o755)
        subprocess.run(
            self.as_server_user([f"{bindir}/initdb", "-D", self.dir, "-A", "trust", "-U", "millrace",
                                 "--no-sync", "-E", "UTF8", "--locale=C"]),
            check=True, stdout=subprocess.DEVNULL)
        log = open(os.path.join(os.path.dirname(self.dir), "postgres.log"), "w")
        self.proc = subprocess.Popen(
            self.as_server_user([f"{bindir}/postgres", "-D", self.dir, "-p", str(self.port),
                                 "-k", self.dir, "-c", "listen_addresses=127.0.0.1",
                                 "-c", "fsync=off", "-c", "max_connections=200"]),
            stdout=log, stderr=subprocess.STDOUT)
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
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)  # fast shutdown
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()


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
                                     env=env, stdout=log, stderr=subprocess.STDOUT)
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
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()


def run(command):
    root = tempfile.mkdtemp(prefix="millrace-servers-")
    servers = [Postgres(root), Moto(root)]
    status = 1

    def on_signal(signum, _frame):
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, on_signal)
    try:
        env = dict(os.environ)
        for server in servers:
            server.start()
            env.update(server.env())
        print(f"test-servers: PostgreSQL on port {servers[0].port}, moto_server (SigV4 enforced) on port "
              f"{servers[1].port}; logs in {root}", flush=True)
        status = subprocess.call(command, env=env)
    except KeyboardInterrupt:
        status = 130
    finally:
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
    p_run.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("run needs a command after --")
    sys.exit(run(command))


if __name__ == "__main__":
    main()
