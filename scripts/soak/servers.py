"""The soak's servers on loopback: PostgreSQL and moto (SigV4 enforced) as `make test` starts
them (scripts/test-servers.py), or the ones a running `make test` already started; the S3
fault proxy in front of moto; and the mock Kafka cluster as a process with its control
interface (`millrace mock-kafka --control`)."""
import importlib.util
import json
import os
import subprocess
import sys
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
REGION = "us-east-1"


def test_servers_module():
    spec = importlib.util.spec_from_file_location("test_servers", os.path.join(os.path.dirname(HERE), "test-servers.py"))
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Controlled:
    """A child process that takes one command per line on stdin and answers one line each."""

    def __init__(self, argv, log):
        self.log_path = log.name
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, text=True, bufsize=1)
        self.first_line = self.proc.stdout.readline().strip()
        self.lock = threading.Lock()
        if not self.first_line:
            raise SystemExit(f"soak: {argv[0]} {argv[1]} printed nothing; see {log.name}")

    def command(self, line):
        """The answer to `line`, or `error: exited` once the process has ended."""
        with self.lock:
            try:
                self.proc.stdin.write(line + "\n")
                self.proc.stdin.flush()
                return self.proc.stdout.readline().strip() or "error: exited"
            except (BrokenPipeError, ValueError):
                return "error: exited"

    def log_head(self):
        """The first lines of its log: where a crashed server says why."""
        with open(self.log_path, errors="replace") as f:
            return " | ".join(line.strip() for line in f.readlines()[:2])

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class MockKafka(Controlled):
    """`millrace mock-kafka --control` with `brokers` brokers and `topics` of `partitions` each."""

    def __init__(self, millrace, brokers, topics, partitions, log):
        argv = [millrace, "mock-kafka", "--brokers", str(brokers), "--control"]
        for topic in topics:
            argv += ["--topic", f"{topic}:{partitions}"]
        super().__init__(argv, log)
        self.bootstrap = self.first_line
        self.brokers = brokers


class FaultProxy(Controlled):
    """scripts/soak/s3_fault_proxy.py in front of `upstream`."""

    def __init__(self, upstream, rate, seed, log):
        super().__init__([sys.executable, os.path.join(HERE, "s3_fault_proxy.py"), "--upstream", upstream, "--rate", str(rate),
                          "--seed", str(seed)], log)
        self.endpoint = self.first_line

    def set_rate(self, rate):
        return self.command(f"rate {rate}")

    def stats(self):
        answer = self.command("stats")
        return json.loads(answer) if answer.startswith("{") else {"requests": None, "faults": {}, "error": answer}


class Warehouse:
    """PostgreSQL and moto: from a running `make test` (MILLRACE_TEST_* variables), or started here."""

    def __init__(self, root):
        self.started = []
        env = os.environ
        if env.get("MILLRACE_TEST_PG_URL") and env.get("MILLRACE_TEST_S3_ENDPOINT"):
            self.pg_url = env["MILLRACE_TEST_PG_URL"]
            self.s3_endpoint = env["MILLRACE_TEST_S3_ENDPOINT"]
            self.key_id = env["MILLRACE_TEST_AWS_ACCESS_KEY_ID"]
            self.secret = env["MILLRACE_TEST_AWS_SECRET_ACCESS_KEY"]
            self.pg_pid = self.moto_pid = None
            return
        servers = test_servers_module()
        postgres, moto = servers.Postgres(root), servers.Moto(root)
        postgres.start()
        self.started.append(postgres)
        moto.start()
        self.started.append(moto)
        self.pg_url = postgres.env()["MILLRACE_TEST_PG_URL"]
        self.s3_endpoint = moto.endpoint()
        self.key_id, self.secret = moto.key["AccessKeyId"], moto.key["SecretAccessKey"]
        self.pg_pid, self.moto_pid = postgres.proc.pid, moto.proc.pid

    def s3(self):
        import boto3
        from botocore.config import Config
        return boto3.client("s3", endpoint_url=self.s3_endpoint, region_name=REGION, aws_access_key_id=self.key_id,
                            aws_secret_access_key=self.secret, config=Config(max_pool_connections=32))

    def aws_env(self):
        return {"AWS_ACCESS_KEY_ID": self.key_id, "AWS_SECRET_ACCESS_KEY": self.secret, "AWS_REGION": REGION}

    def stop(self):
        for server in reversed(self.started):
            server.stop()
