"""The Millrace processes of a soak: worker replicas and the loader, each started, killed,
stopped and restarted by name, with a log file per incarnation and the peak RSS of each
(ru_maxrss from wait4, exact even after kill -9; VmHWM sampled while it runs)."""
import os
import signal
import subprocess
import threading
import time


def peak_rss_mib(pid):
    """VmHWM of a running process in MiB, or 0."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024.0
    except OSError:
        pass
    return 0.0


class Member:
    """One named process (e.g. worker-1, loader) across its incarnations."""

    def __init__(self, name, role, argv, logs, env):
        self.name, self.role, self.argv, self.logs, self.env = name, role, argv, logs, env
        self.proc = None
        self.incarnation = 0
        self.expected_exit = False
        self.stopping = False    # a SIGTERM is being waited for (on another thread)
        self.exits = []          # (incarnation, status, expected)
        self.peak_mib = 0.0

    @property
    def running(self):
        return self.proc is not None

    def start(self):
        self.incarnation += 1
        log = open(os.path.join(self.logs, f"{self.name}.{self.incarnation}.log"), "wb")
        self.proc = subprocess.Popen(self.argv, stdout=log, stderr=subprocess.STDOUT, env=self.env)
        log.close()
        self.expected_exit = False

    def sample(self):
        if self.proc is not None:
            self.peak_mib = max(self.peak_mib, peak_rss_mib(self.proc.pid))

    def reap(self, block=False, timeout=None):
        """The exit status if the process ended (it is then reaped), else None."""
        if self.proc is None:
            return None
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            try:
                pid, status, usage = os.wait4(self.proc.pid, 0 if block and deadline is None else os.WNOHANG)
            except ChildProcessError:
                pid, status, usage = self.proc.pid, None, None  # reaped elsewhere (its status is lost)
            if pid != 0:
                code = -1 if status is None else os.waitstatus_to_exitcode(status)
                if usage is not None:
                    self.peak_mib = max(self.peak_mib, usage.ru_maxrss / 1024.0)
                self.proc.returncode = code
                self.exits.append((self.incarnation, code, self.expected_exit))
                self.proc = None
                return code
            if not block or (deadline is not None and time.monotonic() >= deadline):
                return None
            time.sleep(0.1)

    def kill9(self):
        if self.proc is None or self.stopping:
            return False
        self.expected_exit = True
        self.proc.send_signal(signal.SIGKILL)
        self.reap(block=True)
        return True

    def stop(self, timeout=120):
        """SIGTERM (the worker commits its open batch, the loader gives its lease up); SIGKILL
        after `timeout`. Returns the exit status."""
        if self.proc is None or self.stopping:
            return None
        self.expected_exit = self.stopping = True
        try:
            self.proc.send_signal(signal.SIGTERM)
            code = self.reap(block=True, timeout=timeout)
            if code is None:
                self.proc.send_signal(signal.SIGKILL)
                code = self.reap(block=True)
            return code
        finally:
            self.stopping = False


class Fleet:
    """Every member, a sampler of their memory, and restarts of members that exit on their own."""

    def __init__(self):
        self.members = {}
        self.lock = threading.RLock()
        self.unexpected = []     # (name, incarnation, status) of exits nobody asked for

    def add(self, member):
        self.members[member.name] = member
        return member

    def by_role(self, role):
        return [m for m in self.members.values() if m.role == role]

    def tick(self, restart=True):
        """Samples memory, reaps members that ended by themselves and restarts them."""
        with self.lock:
            for member in self.members.values():
                member.sample()
                if member.proc is not None and not member.expected_exit:
                    code = member.reap()
                    if code is not None:
                        self.unexpected.append((member.name, member.incarnation, code))
                        if restart:
                            member.start()

    def peaks(self):
        """Peak RSS (MiB) per role and per member."""
        by_role = {}
        for member in self.members.values():
            by_role[member.role] = max(by_role.get(member.role, 0.0), member.peak_mib)
        return by_role, {m.name: round(m.peak_mib, 1) for m in self.members.values()}
