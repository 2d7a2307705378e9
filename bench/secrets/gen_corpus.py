#!/usr/bin/env python3
"""Builds the labelled secrets corpus: a real source tree with fake secrets and decoys.

    python3 bench/secrets/gen_corpus.py [--out bench/.corpus/secrets] [--seed 20251129]
                                        [--secrets 500] [--decoys 200] [--force]

1. Downloads two real source distributions from PyPI with pip (cached under
   bench/.corpus/sdists/): Django 5.2.19 and ansible-core 2.19.2, and unpacks them into
   OUT/tree/. Together: about 12,300 files, 61 MB (52 MB of it text).
2. Injects --secrets fake secrets and --decoys decoys at random places, in syntax that fits
   the carrier: Python assignments and triple-quoted strings, YAML keys and block scalars,
   shell exports and JavaScript constants in existing files; new .env, JSON, YAML, INI,
   .properties, TOML, Python settings, PEM key and GCP service-account files.
3. Writes OUT/labels.json: every injected item with its file, line range, type and whether
   it is a secret (must be found) or a decoy (must not be reported).

Every secret is generated here, from the seeded random generator, in its vendor's
documented format (prefixes, lengths, alphabets and checksums), so it is format-valid and
works nowhere. Private keys are fresh throwaway keys made by `openssl genpkey` and
`ssh-keygen` at generation time; they are the one part that is not reproduced bit for bit
by the seed (their line counts are, so are all positions). Nothing here is a real
credential, and the corpus is git-ignored: never commit it.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import os
import random
import re
import shutil
import string
import subprocess
import sys
import tarfile
import tempfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent
DEFAULT_OUT = BENCH / ".corpus" / "secrets"
SDIST_CACHE = BENCH / ".corpus" / "sdists"
GENERATOR_VERSION = 1

# The real trees. Pinned versions: the corpus is only comparable between runs if these stay.
SOURCES = [("django", "5.2.19"), ("ansible-core", "2.19.2")]

# The same base62 alphabet (digits, upper, lower) as
# crates/palisade-secrets/src/validate.rs and GitHub's token checksum.
BASE62 = string.digits + string.ascii_uppercase + string.ascii_lowercase
ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
HEX = "0123456789abcdef"
B32 = string.ascii_uppercase + "234567"

# ---------------------------------------------------------------------------- values


def rs(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def mixed(rng: random.Random, alphabet: str, n: int) -> str:
    """A random string that has at least one upper, lower and digit (as real keys do)."""
    while True:
        s = rs(rng, alphabet, n)
        if any(c.isupper() for c in s) and any(c.islower() for c in s) and any(c.isdigit() for c in s):
            return s


def letters(rng: random.Random, n: int) -> str:
    while True:
        s = rs(rng, string.ascii_letters, n)
        if any(c.isupper() for c in s) and any(c.islower() for c in s):
            return s


def b62_fixed(n: int, width: int) -> str:
    out = []
    for _ in range(width):
        out.append(BASE62[n % 62])
        n //= 62
    return "".join(reversed(out))


def checksummed(rng: random.Random, prefix: str) -> str:
    """GitHub's (and npm's) format: 30 random base62 chars + 6-char base62 CRC32 of them."""
    body = mixed(rng, BASE62, 30)
    return prefix + body + b62_fixed(zlib.crc32(body.encode()), 6)


def bad_checksum(rng: random.Random, prefix: str) -> str:
    good = checksummed(rng, prefix)
    while True:
        tail = rs(rng, BASE62, 6)
        if tail != good[-6:]:
            return good[:-6] + tail


def b64url(b: bytes) -> str:
    return base64.urlsafe_b64encode(b).decode().rstrip("=")


def varint(n: int) -> bytes:
    out = bytearray()
    while True:
        b = n & 0x7F
        n >>= 7
        if n:
            out.append(b | 0x80)
        else:
            out.append(b)
            return bytes(out)


def pypi_token(rng: random.Random) -> str:
    """A PyPI API token: `pypi-` + base64url of a v2 macaroon (location pypi.org)."""

    def fld(t: int, data: bytes) -> bytes:
        return bytes([t]) + varint(len(data)) + data

    ident = "-".join(rs(rng, HEX, n) for n in (8, 4, 4, 4, 12)).encode()
    caveat = json.dumps({"version": 1, "permissions": "user"}).encode()
    mac = bytes([2]) + fld(1, b"pypi.org") + fld(2, ident) + b"\x00"
    mac += fld(2, caveat) + b"\x00" + b"\x00" + fld(6, rng.randbytes(32))
    return "pypi-" + b64url(mac)


def jwt(rng: random.Random) -> str:
    alg = rng.choice(["HS256", "HS512", "RS256"])
    header = {"alg": alg, "typ": "JWT"}
    iat = rng.randint(1_700_000_000, 1_760_000_000)
    payload = {
        "sub": str(rng.randint(10**8, 10**9)),
        "name": rng.choice(["deploy-bot", "ci-runner", "svc-billing", "ops"]),
        "scope": rng.choice(["read write", "admin", "api:all"]),
        "iat": iat,
    }
    if rng.random() < 0.7:  # long-lived service tokens: not expired when the benchmark runs
        payload["exp"] = iat + rng.choice([5, 10]) * 31_536_000
    siglen = {"HS256": 32, "HS512": 64, "RS256": 256}[alg]
    parts = [json.dumps(header, separators=(",", ":")), json.dumps(payload, separators=(",", ":"))]
    return ".".join([b64url(p.encode()) for p in parts] + [b64url(rng.randbytes(siglen))])


def hostname(rng: random.Random) -> str:
    return f"{rng.choice(['db', 'pg', 'mq', 'cache', 'data'])}-{rs(rng, HEX, 4)}.{rng.choice(['prod', 'stage', 'eu1', 'us2'])}.corp-{rs(rng, string.ascii_lowercase, 5)}.net"


def password(rng: random.Random, lo: int = 14, hi: int = 28) -> str:
    return mixed(rng, ALNUM + "-_.!@%*+", rng.randint(lo, hi))


def url_password(rng: random.Random) -> str:
    return mixed(rng, ALNUM + "-_.~", rng.randint(14, 24))


# ------------------------------------------------------------------- keys (openssl)


class Keys:
    """Fresh throwaway key pairs, made on demand with openssl / ssh-keygen."""

    KINDS = ["rsa-pkcs8", "rsa-pkcs1", "ec-sec1", "ec-pkcs8", "openssh-ed25519", "openssh-rsa"]

    def __init__(self, tmp: Path):
        self.tmp = tmp
        self.n = 0

    def _run(self, *args: str, stdin: bytes | None = None) -> bytes:
        return subprocess.run(args, input=stdin, check=True, capture_output=True).stdout

    def make(self, kind: str) -> tuple[str, str]:
        """(private key PEM, public key text)."""
        self.n += 1
        if kind.startswith("openssh"):
            path = self.tmp / f"k{self.n}"
            t = ["-t", "ed25519"] if kind.endswith("ed25519") else ["-t", "rsa", "-b", "2048"]
            self._run("ssh-keygen", "-q", *t, "-N", "", "-C", "bench-throwaway", "-f", str(path))
            priv, pub = path.read_text(), (path.with_suffix(".pub")).read_text()
            path.unlink()
            path.with_suffix(".pub").unlink()
            return priv, pub.strip()
        if kind.startswith("rsa"):
            key = self._run("openssl", "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048")
        else:
            key = self._run("openssl", "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256")
        if kind in ("rsa-pkcs1", "ec-sec1"):
            key = self._run("openssl", "pkey", "-traditional", stdin=key)
        pub = self._run("openssl", "pkey", "-pubout", stdin=key)
        return key.decode(), pub.decode()


# ------------------------------------------------------------------- item model


@dataclass
class Entry:
    """One assignment: `var` set to a literal `value`, or to `expr` (carrier -> raw code).

    label: (kind, "secret"|"decoy") or None for a context line that is neither.
    multiline: the value spans lines (a PEM block) and is rendered as a block.
    """

    var: str
    value: str | None = None
    expr: dict | None = None
    label: tuple[str, str] | None = None
    multiline: bool = False


@dataclass
class Item:
    kind: str
    klass: str  # secret | decoy
    entries: list[Entry]
    carriers: tuple[str, ...]  # where it may go
    whole_file: str | None = None  # the item is a whole new file of this carrier (pem, gcp)
    file_text: str | None = None
    # One label over all the entries' lines (a key pair is one credential), instead of one each.
    one_label: tuple[str, str] | None = None
    labels: list = field(default_factory=list)


SINGLE = ("py", "yaml", "sh", "js", "env", "json", "ini", "properties", "toml", "pyfile", "yamlfile")
NO_MULTILINE = ("py", "yaml", "json", "yamlfile", "pyfile")


def one(kind, klass, var, value=None, expr=None, carriers=SINGLE):
    return Item(kind, klass, [Entry(var, value, expr, (kind, klass))], carriers)


def env_expr(name: str, pyform: str) -> dict:
    """An environment lookup of `name`, in each carrier's own syntax."""
    return {
        "py": pyform.format(n=name),
        "js": f"process.env.{name}",
        "sh": f'"${{{name}}}"',
        "env": f"${{{name}}}",
        "yaml": f"\"{{{{ lookup('env', '{name}') }}}}\"",
        "json": f'"${{{name}}}"',
        "ini": f"${{{name}}}",
        "properties": f"${{{name}}}",
        "toml": f'"${{{name}}}"',
    }


ENV_PY_FORMS = ['os.environ["{n}"]', 'os.environ.get("{n}")', 'os.getenv("{n}")', 'env("{n}")']


class Maker:
    def __init__(self, rng: random.Random, keys: Keys):
        self.rng = rng
        self.keys = keys

    # ---- secrets -------------------------------------------------------------
    def secret(self, kind: str) -> Item:
        r = self.rng
        S = "secret"
        if kind == "aws":
            kid = r.choice(["AKIA", "AKIA", "AKIA", "ASIA"]) + rs(r, B32, 16)
            sec = mixed(r, ALNUM + "/+", 40)
            return Item(
                "aws-key-pair",
                S,
                [Entry(r.choice(["aws_access_key_id", "aws_access_key"]), kid), Entry("aws_secret_access_key", sec)],
                SINGLE + ("awscreds",),
                one_label=("aws-key-pair", S),
            )
        if kind == "github-pat":
            return one(kind, S, r.choice(["github_token", "gh_token", "github_pat"]), checksummed(r, "ghp_"))
        if kind == "github-oauth":
            return one(kind, S, "github_oauth_token", checksummed(r, "gho_"))
        if kind == "github-app":
            return one(kind, S, r.choice(["github_app_token", "installation_token"]), checksummed(r, r.choice(["ghs_", "ghu_"])))
        if kind == "github-refresh":
            return one(kind, S, "github_refresh_token", checksummed(r, "ghr_"))
        if kind == "github-fine-grained":
            v = "github_pat_" + mixed(r, ALNUM, 22) + "_" + mixed(r, ALNUM, 59)
            return one(kind, S, r.choice(["github_token", "gh_pat"]), v)
        if kind == "gitlab-pat":
            return one(kind, S, r.choice(["gitlab_token", "gitlab_private_token", "ci_token"]), "glpat-" + mixed(r, URLSAFE, 20))
        if kind == "slack-bot-token":
            v = f"xoxb-{r.randint(10**9, 10**12)}-{r.randint(10**9, 10**12)}-{mixed(r, ALNUM, 24)}"
            return one(kind, S, r.choice(["slack_bot_token", "slack_token"]), v)
        if kind == "slack-user-token":
            v = f"xoxp-{r.randint(10**9, 10**12)}-{r.randint(10**9, 10**12)}-{r.randint(10**9, 10**12)}-{rs(r, HEX, 32)}"
            return one(kind, S, "slack_user_token", v)
        if kind == "slack-webhook":
            v = f"https://hooks.slack.com/services/T{rs(r, string.ascii_uppercase + string.digits, r.randint(8, 10))}/B{rs(r, string.ascii_uppercase + string.digits, r.randint(8, 10))}/{mixed(r, ALNUM, 24)}"
            return one(kind, S, r.choice(["slack_webhook_url", "alerts_webhook", "notify_url"]), v)
        if kind == "stripe-secret":
            pfx = r.choice(["sk_live_", "sk_live_", "rk_live_"])
            v = pfx + (mixed(r, ALNUM, 24) if r.random() < 0.5 else "51" + mixed(r, ALNUM, 97))
            return one(kind, S, r.choice(["stripe_secret_key", "stripe_api_key", "stripe_key"]), v)
        if kind == "twilio-api-key":
            return one(kind, S, r.choice(["twilio_api_key", "twilio_key_sid"]), "SK" + rs(r, HEX, 32))
        if kind == "sendgrid":
            v = "SG." + mixed(r, URLSAFE, 22) + "." + mixed(r, URLSAFE, 43)
            return one(kind, S, r.choice(["sendgrid_api_key", "email_api_key"]), v)
        if kind == "npm-token":
            return one(kind, S, r.choice(["npm_token", "npm_auth_token"]), checksummed(r, "npm_"))
        if kind == "pypi-token":
            return one(kind, S, r.choice(["pypi_token", "twine_password", "pypi_api_token"]), pypi_token(r))
        if kind == "google-api-key":
            return one(kind, S, r.choice(["google_api_key", "maps_api_key", "firebase_api_key"]), "AIza" + mixed(r, URLSAFE, 35))
        if kind == "azure-storage":
            acct = rs(r, string.ascii_lowercase + string.digits, r.randint(8, 16))
            v = f"DefaultEndpointsProtocol=https;AccountName={acct};AccountKey={base64.b64encode(r.randbytes(64)).decode()};EndpointSuffix=core.windows.net"
            return one(kind, S, r.choice(["azure_storage_connection_string", "storage_connection"]), v)
        if kind == "openai":
            if r.random() < 0.6:
                v = "sk-proj-" + mixed(r, URLSAFE, 74) + "T3BlbkFJ" + mixed(r, URLSAFE, 74)
            else:
                v = "sk-" + mixed(r, ALNUM, 20) + "T3BlbkFJ" + mixed(r, ALNUM, 20)
            return one(kind, S, r.choice(["openai_api_key", "openai_key", "llm_api_key"]), v)
        if kind == "anthropic":
            return one(kind, S, r.choice(["anthropic_api_key", "claude_api_key"]), "sk-ant-api03-" + mixed(r, URLSAFE, 93) + "AA")
        if kind == "huggingface":
            return one(kind, S, r.choice(["hf_token", "huggingface_token", "hub_token"]), "hf_" + letters(r, 34))
        if kind == "discord-bot":
            uid = str(r.randint(10**17, 10**18 - 1)).encode()
            v = b64url(uid) + "." + mixed(r, URLSAFE, 6) + "." + mixed(r, URLSAFE, 38)
            return one(kind, S, r.choice(["discord_bot_token", "discord_token"]), v)
        if kind == "telegram-bot":
            v = f"{r.randint(10**8, 10**10 - 1)}:AA{mixed(r, URLSAFE, 33)}"
            return one(kind, S, r.choice(["telegram_bot_token", "tg_bot_token"]), v)
        if kind == "jwt":
            return one(kind, S, r.choice(["auth_token", "access_token", "service_jwt", "bearer_token"]), jwt(r))
        if kind == "db-url":
            user = r.choice(["app", "admin", "svc_orders", "reporting", "django"])
            scheme, port, path = r.choice(
                [("postgres", 5432, "/app"), ("postgresql", 5432, "/orders"), ("mysql", 3306, "/shop"),
                 ("mongodb+srv", None, "/analytics"), ("redis", 6379, "/0"), ("amqp", 5672, "/jobs")]
            )
            host = hostname(r)
            hp = host if port is None else f"{host}:{port}"
            u = "" if scheme == "redis" and r.random() < 0.5 else user
            v = f"{scheme}://{u}:{url_password(r)}@{hp}{path}"
            return one(kind, S, r.choice(["database_url", "db_url", "broker_url", "cache_url"]), v)
        if kind == "generic-password":
            var = r.choice(["password", "db_password", "admin_password", "smtp_password", "secret_key",
                            "api_secret", "client_secret", "auth_token", "api_key", "signing_secret"])
            return one(kind, S, var, password(r))
        if kind == "private-key":
            kk = r.choice(Keys.KINDS)
            priv, _ = self.keys.make(kk)
            var = r.choice(["private_key", "tls_key", "ssh_private_key", "signing_key"])
            it = Item(kind, S, [Entry(var, priv, label=(kind, S), multiline=True)], ("py", "yaml", "json", "pem", "yamlfile", "pyfile"))
            return it
        if kind == "gcp-service-account":
            priv, _ = self.keys.make("rsa-pkcs8")
            proj = f"{r.choice(['acme', 'orbit', 'tundra', 'lumen'])}-{r.choice(['prod', 'data', 'ml'])}-{r.randint(100000, 999999)}"
            sa = r.choice(["deployer", "ci-runner", "etl", "backup"])
            email = f"{sa}@{proj}.iam.gserviceaccount.com"
            doc = {
                "type": "service_account",
                "project_id": proj,
                "private_key_id": rs(r, HEX, 40),
                "private_key": priv,
                "client_email": email,
                "client_id": str(r.randint(10**20, 10**21 - 1)),
                "auth_uri": "https://accounts.google.com/o/oauth2/auth",
                "token_uri": "https://oauth2.googleapis.com/token",
                "auth_provider_x509_cert_url": "https://www.googleapis.com/oauth2/v1/certs",
                "client_x509_cert_url": "https://www.googleapis.com/robot/v1/metadata/x509/" + email.replace("@", "%40"),
                "universe_domain": "googleapis.com",
            }
            it = Item(kind, S, [], ("gcp",), whole_file="gcp", file_text=json.dumps(doc, indent=2) + "\n")
            return it
        raise ValueError(kind)

    # ---- decoys --------------------------------------------------------------
    def decoy(self, kind: str) -> Item:
        r = self.rng
        D = "decoy"
        if kind == "aws-documented-example":
            return Item(
                kind,
                D,
                [
                    Entry("aws_access_key_id", "AKIAIOSFODNN7EXAMPLE"),
                    Entry("aws_secret_access_key", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"),
                ],
                SINGLE + ("awscreds",),
                one_label=(kind, D),
            )
        if kind == "placeholder-variable":
            name = r.choice(["API_KEY", "GITHUB_TOKEN", "DB_PASSWORD", "STRIPE_SECRET_KEY", "SLACK_TOKEN"])
            v = r.choice([f"${{{name}}}", f"{{{{ {name.lower()} }}}}", f"%({name.lower()})s", f"{{{{ vault_{name.lower()} }}}}"])
            return one(kind, D, r.choice(["api_key", "password", "token", "secret"]), v)
        if kind == "placeholder-text":
            v = r.choice(["<your-token>", "<YOUR_API_KEY>", "your-api-key-here", "REPLACE_ME", "<insert password>",
                          "YOUR_SECRET_HERE", "TODO-set-me", "<redacted>"])
            return one(kind, D, r.choice(["api_key", "password", "auth_token", "client_secret"]), v)
        if kind == "placeholder-word":
            v = r.choice(["changeme", "password", "secret", "example", "dummy", "test1234", "admin", "hunter2", "letmein", "notasecret"])
            return one(kind, D, r.choice(["password", "db_password", "secret_key", "admin_password"]), v)
        if kind == "placeholder-masked":
            v = r.choice(["x" * r.randint(16, 40), "*" * r.randint(8, 16), "ghp_" + "x" * 36, "sk_live_" + "x" * 24,
                          "AKIA" + "X" * 16, "glpat-" + "x" * 20, "xoxb-" + "0" * 12 + "-" + "0" * 12 + "-" + "x" * 24])
            return one(kind, D, r.choice(["api_key", "token", "secret", "github_token", "stripe_key"]), v)
        if kind == "env-lookup":
            name = r.choice(["GITHUB_TOKEN", "DB_PASSWORD", "AWS_SECRET_ACCESS_KEY", "SECRET_KEY", "SLACK_BOT_TOKEN", "OPENAI_API_KEY"])
            return one(kind, D, name.lower(), expr=env_expr(name, r.choice(ENV_PY_FORMS)))
        if kind == "github-bad-checksum":
            return one(kind, D, r.choice(["github_token", "gh_token"]), bad_checksum(r, r.choice(["ghp_", "gho_", "ghs_"])))
        if kind == "npm-bad-checksum":
            return one(kind, D, "npm_token", bad_checksum(r, "npm_"))
        if kind == "low-entropy":
            v = r.choice([
                r.choice("abxz7") * r.randint(12, 24),
                "abc" * r.randint(4, 8),
                "1234567890" * r.randint(1, 2),
                "abcdefghijklmnop",
                "aaaabbbbccccdddd",
                "0" * 32,
            ])
            return one(kind, D, r.choice(["password", "secret", "token", "api_key"]), v)
        if kind == "public-key":
            kk = r.choice(["rsa-pkcs8", "ec-pkcs8", "openssh-ed25519"])
            _, pub = self.keys.make(kk)
            var = r.choice(["public_key", "verify_key", "authorized_key"])
            ml = "\n" in pub.strip()
            return Item(kind, D, [Entry(var, pub if ml else pub, label=(kind, D), multiline=ml)],
                        ("py", "yaml", "json", "yamlfile", "pyfile") if ml else SINGLE)
        if kind == "pem-marker-in-code":
            head = r.choice(["-----BEGIN PRIVATE KEY-----", "-----BEGIN RSA PRIVATE KEY-----", "-----BEGIN OPENSSH PRIVATE KEY-----"])
            return one(kind, D, r.choice(["pem_header", "key_marker"]), head, carriers=("py", "js", "pyfile"))
        if kind == "hash-digest":
            v = r.choice([rs(r, HEX, 64), rs(r, HEX, 40), "sha256:" + rs(r, HEX, 64), rs(r, HEX, 32)])
            return one(kind, D, r.choice(["sha256", "checksum", "commit", "revision", "etag", "digest"]), v)
        if kind == "uuid":
            v = "-".join(rs(r, HEX, n) for n in (8, 4, 4, 4, 12))
            return one(kind, D, r.choice(["request_id", "tenant_id", "correlation_id", "instance_uuid"]), v)
        if kind == "db-url-no-password":
            host = hostname(r)
            v = r.choice([f"postgres://app@{host}:5432/app", f"postgres://app:${{DB_PASSWORD}}@{host}/app",
                          "postgres://user:password@localhost:5432/mydb", f"mysql://root@{host}/shop",
                          "redis://localhost:6379/0"])
            return one(kind, D, r.choice(["database_url", "db_url", "cache_url"]), v)
        raise ValueError(kind)


SECRET_WEIGHTS = {
    "aws": 5, "github-pat": 4, "github-oauth": 1, "github-app": 1, "github-refresh": 1,
    "github-fine-grained": 2, "gitlab-pat": 3, "slack-bot-token": 3, "slack-user-token": 1,
    "slack-webhook": 2, "stripe-secret": 3, "twilio-api-key": 2, "sendgrid": 2, "npm-token": 2,
    "pypi-token": 2, "google-api-key": 3, "gcp-service-account": 2, "azure-storage": 2,
    "openai": 3, "anthropic": 2, "huggingface": 2, "discord-bot": 2, "telegram-bot": 2,
    "private-key": 5, "jwt": 3, "db-url": 4, "generic-password": 8,
}
DECOY_WEIGHTS = {
    "aws-documented-example": 2, "placeholder-variable": 3, "placeholder-text": 3,
    "placeholder-word": 3, "placeholder-masked": 3, "env-lookup": 3, "github-bad-checksum": 3,
    "npm-bad-checksum": 1, "low-entropy": 3, "public-key": 2, "pem-marker-in-code": 1,
    "hash-digest": 2, "uuid": 1, "db-url-no-password": 2,
}

# ------------------------------------------------------------------- rendering


def case(var: str, carrier: str, r: random.Random) -> str:
    if carrier in ("env", "sh"):
        return var.upper()
    if carrier == "js":
        head, *rest = var.split("_")
        return head + "".join(p.title() for p in rest)
    if carrier == "json":
        if r.random() < 0.5:
            head, *rest = var.split("_")
            return head + "".join(p.title() for p in rest)
        return var
    if carrier == "properties":
        return "app." + var.replace("_", "-")
    if carrier in ("py", "pyfile"):
        return var.upper() if r.random() < 0.6 else var
    return var


def render_entry(e: Entry, carrier: str, r: random.Random, yaml_seq: bool = False) -> list[str]:
    """The lines of one entry in a carrier (without line terminators)."""
    var = case(e.var, carrier, r)
    c = "py" if carrier == "pyfile" else "yaml" if carrier == "yamlfile" else carrier
    if e.expr is not None:
        rhs = e.expr[c if c in e.expr else "env"]
        if c == "py":
            return [f"{var} = {rhs}"]
        if c == "js":
            return [f"const {var} = {rhs};"]
        if c == "sh":
            return [f"export {var}={rhs}"]
        if c == "yaml":
            return [f"- {var}: {rhs}" if yaml_seq else f"{var}: {rhs}"]
        if c == "json":
            return [f'"{var}": {rhs}']
        if c == "toml":
            return [f"{var} = {rhs}"]
        if c == "properties":
            return [f"{var}={rhs}"]
        return [f"{var} = {rhs}" if c == "ini" else f"{var}={rhs}"]
    v = e.value
    assert v is not None
    if e.multiline:
        body = v.strip("\n").split("\n")
        if c == "py":
            return [f'{var} = """{body[0]}'] + body[1:] + ['"""']
        if c == "yaml":
            if yaml_seq:
                return [f"- {var}: |"] + ["    " + b for b in body]
            return [f"{var}: |"] + ["  " + b for b in body]
        if c == "json":
            return [f"{json.dumps(var)}: {json.dumps(v)}"]
        raise ValueError(c)
    if c == "py":
        q = r.choice(['"', "'"])
        return [f"{var} = {q}{v}{q}"]
    if c == "js":
        q = r.choice(['"', "'"])
        return [f"const {var} = {q}{v}{q};"]
    if c == "sh":
        return [f'export {var}="{v}"']
    if c == "env":
        return [f"{var}={v}" if r.random() < 0.7 else f'{var}="{v}"']
    if c == "yaml":
        line = f'{var}: "{v}"' if r.random() < 0.7 or not re.fullmatch(r"[A-Za-z0-9_./+=-]+", v) or v[0] in "-." else f"{var}: {v}"
        return ["- " + line if yaml_seq else line]
    if c == "json":
        return [f"{json.dumps(var)}: {json.dumps(v)}"]
    if c in ("ini", "awscreds"):
        return [f"{var} = {v}"]
    if c == "toml":
        return [f'{var} = "{v}"']
    if c == "properties":
        return [f"{var}={v}"]
    raise ValueError(c)


# A new file per carrier: (name choices, header lines, filler lines, comment prefix).
NEW_FILES = {
    "env": ([".env", ".env.production", ".env.local", "prod.env", "deploy.env"], [], ["DEBUG=false", "LOG_LEVEL=info", "PORT=8080", "REGION=eu-west-1", "WORKERS=4"]),
    "json": (["config.json", "settings.local.json", "secrets.json", "appsettings.Production.json", "credentials.json"], None, ['"debug": false', '"logLevel": "info"', '"port": 8080', '"region": "eu-west-1"', '"timeoutSeconds": 30']),
    "yamlfile": (["secrets.yml", "config.prod.yaml", "vault.yml", "values-prod.yaml", "settings.yml"], ["# deployment settings"], ["debug: false", "log_level: info", "port: 8080", "region: eu-west-1", "replicas: 3"]),
    "ini": (["settings.ini", "deploy.cfg", "app.conf", "local.cfg"], ["[main]"], ["debug = false", "log_level = info", "port = 8080", "region = eu-west-1", "workers = 4"]),
    "awscreds": (["credentials", "aws_credentials", "aws.ini"], ["[default]"], ["region = eu-west-1", "output = json"]),
    "properties": (["application.properties", "application-prod.properties", "config.properties"], ["# service settings"], ["server.port=8080", "logging.level.root=INFO", "spring.profiles.active=prod", "app.workers=4"]),
    "toml": (["config.toml", "secrets.toml", "settings.toml"], ["[service]"], ["debug = false", 'log_level = "info"', "port = 8080", 'region = "eu-west-1"']),
    "pyfile": (["local_settings.py", "settings_prod.py", "secrets_local.py", "deploy_config.py"], ['"""Local settings: not for version control."""', ""], ["DEBUG = False", 'LOG_LEVEL = "info"', "PORT = 8080", 'ALLOWED_HOSTS = ["*"]']),
    "pem": (["server.key", "id_rsa", "private.pem", "tls.key", "deploy_key", "signing.pem"], [], []),
    "gcp": (["service-account.json", "gcp-credentials.json", "sa-key.json"], [], []),
}

# ------------------------------------------------------------------- host files


PY_STMT = re.compile(r"^(def |class |import |from |if __name__|[A-Za-z_][A-Za-z0-9_]*\s*(=|:[^=]))")
PY_CONT = re.compile(r"^(else|elif|except|finally)\b")
YAML_KEY = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*:(\s|$)")
YAML_SEQ = re.compile(r"^- ")
SH_STMT = re.compile(r"^[A-Za-z_#]")
SH_BAD = re.compile(r"^(esac|fi|done|then|else|elif|do|in)\b|^[})]|;;")
JS_STMT = re.compile(r"^(const |let |var |function |export |import |module\.exports|class )")


def candidates(carrier: str, lines: list[str]) -> tuple[list[int], bool]:
    """Line indexes before which an item may be inserted, and whether YAML is a sequence."""
    out: list[int] = []
    seq = False
    if carrier == "py":
        fut = max((i for i, l in enumerate(lines) if l.startswith("from __future__")), default=-1)
        in_str = False  # inside a triple-quoted string (a rough count, good enough here)
        for i, line in enumerate(lines):
            if i > fut and i > 0 and not in_str:
                prev = lines[i - 1].rstrip()
                if (PY_STMT.match(line) and not PY_CONT.match(line) and not prev.startswith("@")
                        and not prev.endswith(("\\", ",", "(", "[", "{"))):
                    out.append(i)
            if (line.count('"""') + line.count("'''")) % 2:
                in_str = not in_str
    elif carrier == "yaml":
        keys = [i for i, l in enumerate(lines) if YAML_KEY.match(l)]
        seqs = [i for i, l in enumerate(lines) if YAML_SEQ.match(l)]
        if keys and not seqs:
            out = keys
        elif seqs and not keys:
            out, seq = seqs, True
    elif carrier == "sh":
        if any("<<" in l for l in lines):
            return [], False
        for i in range(1, len(lines)):
            if SH_STMT.match(lines[i]) and not SH_BAD.search(lines[i]) and not lines[i - 1].rstrip().endswith(("\\", "|", "&&")):
                out.append(i)
    elif carrier == "js":
        for i in range(1, len(lines)):
            prev = lines[i - 1].rstrip()
            if JS_STMT.match(lines[i]) and (prev == "" or prev.endswith((";", "}"))):
                out.append(i)
    return out, seq


EXT_CARRIER = {".py": "py", ".yml": "yaml", ".yaml": "yaml", ".sh": "sh", ".js": "js"}


@dataclass
class Host:
    rel: str
    carrier: str
    cands: list[int]
    seq: bool
    used: int = 0


def scan_hosts(tree: Path) -> tuple[list[Host], list[str]]:
    """Existing files that can take an insertion, and directories that may receive a new file."""
    hosts: list[Host] = []
    dirs: list[str] = []
    ignored_dirs = sorted(str(p.parent.relative_to(tree)) for p in tree.rglob(".gitignore"))
    for dp, dn, fn in os.walk(tree):
        dn.sort()
        rel_dir = os.path.relpath(dp, tree)
        if any(rel_dir == d or rel_dir.startswith(d + os.sep) for d in ignored_dirs):
            dn[:] = []
            continue
        if "/locale" in "/" + rel_dir or rel_dir == ".":
            continue
        dirs.append(rel_dir)
        for f in sorted(fn):
            p = Path(dp) / f
            car = EXT_CARRIER.get(p.suffix)
            if car is None or p.is_symlink():
                continue
            data = p.read_bytes()
            if len(data) > 400_000 or b"\0" in data or b"\r" in data:
                continue
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError:
                continue
            lines = text.split("\n")
            if max(map(len, lines)) > 500:
                continue  # minified
            cands, seq = candidates(car, lines)
            if cands:
                hosts.append(Host(os.path.join(rel_dir, f), car, cands, seq))
    return hosts, dirs


# ------------------------------------------------------------------- main


def fetch_sources(cache: Path) -> list[dict]:
    cache.mkdir(parents=True, exist_ok=True)
    out = []
    for name, ver in SOURCES:
        stem = name.replace("-", "_")
        found = [p for p in cache.glob("*.tar.gz") if p.name.lower().startswith(f"{stem}-{ver}".lower()) or p.name.lower().startswith(f"{name}-{ver}".lower())]
        if not found:
            print(f"gen_corpus: pip download {name}=={ver} (sdist)", file=sys.stderr)
            subprocess.run(
                [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary", ":all:", f"{name}=={ver}", "-d", str(cache)],
                check=True,
            )
            found = [p for p in cache.glob("*.tar.gz") if p.name.lower().startswith(f"{stem}-{ver}".lower()) or p.name.lower().startswith(f"{name}-{ver}".lower())]
        if len(found) != 1:
            sys.exit(f"gen_corpus: expected one sdist for {name}=={ver} in {cache}, found {found}")
        sha = hashlib.sha256(found[0].read_bytes()).hexdigest()
        out.append({"name": name, "version": ver, "sdist": found[0].name, "sha256": sha, "path": found[0]})
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    ap.add_argument("--seed", type=int, default=20251129)
    ap.add_argument("--secrets", type=int, default=500)
    ap.add_argument("--decoys", type=int, default=200)
    ap.add_argument("--existing-share", type=float, default=0.55, help="share of items put into existing files")
    ap.add_argument("--force", action="store_true", help="rebuild even if OUT/labels.json exists")
    a = ap.parse_args()

    out: Path = a.out.resolve()
    if (out / "labels.json").exists() and not a.force:
        print(f"gen_corpus: {out}/labels.json exists (use --force to rebuild)", file=sys.stderr)
        return
    sources = fetch_sources(SDIST_CACHE)

    staging = out.with_name(out.name + ".tmp")
    shutil.rmtree(staging, ignore_errors=True)
    tree = staging / "tree"
    tree.mkdir(parents=True)
    for s in sources:
        with tarfile.open(s["path"]) as tf:
            tf.extractall(tree, filter="data")

    rng = random.Random(a.seed)
    hosts, dirs = scan_hosts(tree)
    by_carrier: dict[str, list[Host]] = {}
    for h in hosts:
        by_carrier.setdefault(h.carrier, []).append(h)
    existing_weights = {"py": 0.62, "yaml": 0.2, "sh": 0.08, "js": 0.10}

    with tempfile.TemporaryDirectory() as td:
        maker = Maker(rng, Keys(Path(td)))
        items: list[Item] = []
        sk, sw = zip(*SECRET_WEIGHTS.items())
        # Each kind at least once, then weighted draws; an AWS item carries two secrets.
        kinds = list(sk)
        while len(kinds) < a.secrets:
            kinds.append(rng.choices(sk, sw)[0])
        for k in kinds:
            items.append(maker.secret(k))
        dk, dw = zip(*DECOY_WEIGHTS.items())
        dkinds = list(dk)
        while len(dkinds) < a.decoys:
            dkinds.append(rng.choices(dk, dw)[0])
        for k in dkinds:
            items.append(maker.decoy(k))
    rng.shuffle(items)

    # Placement.
    inserts: dict[str, list[tuple[int, Item, Host]]] = {}
    new_files: list[dict] = []
    open_new: dict[str, dict] = {}
    taken_names: set[str] = set()

    def new_file(carrier: str) -> dict:
        names = NEW_FILES[carrier][0]
        d = rng.choice(dirs)
        name = rng.choice(names)
        rel = os.path.join(d, name)
        n = 2
        while rel in taken_names or (tree / rel).exists():
            base, ext = os.path.splitext(name)
            rel = os.path.join(d, f"{base}_{n}{ext}") if not name.startswith(".") else os.path.join(d, f"{name}.{n}")
            n += 1
        taken_names.add(rel)
        nf = {"rel": rel, "carrier": carrier, "items": [], "cap": rng.randint(1, 4)}
        new_files.append(nf)
        return nf

    for it in items:
        if it.whole_file:
            nf = new_file(it.whole_file)
            nf["items"].append(it)
            continue
        existing = [c for c in existing_weights if c in it.carriers and by_carrier.get(c)]
        if existing and rng.random() < a.existing_share:
            car = rng.choices(existing, [existing_weights[c] for c in existing])[0]
            for _ in range(50):
                h = rng.choice(by_carrier[car])
                if h.used < 3:
                    break
            h.used += 1
            idx = rng.choice(h.cands)
            inserts.setdefault(h.rel, []).append((idx, it, h))
            continue
        newc = [c for c in NEW_FILES if c in it.carriers and c != "gcp"]
        if "pem" in newc and rng.random() < 0.5:
            car = "pem"
        else:
            newc = [c for c in newc if c != "pem"] or newc
            car = rng.choice(newc)
        if car == "pem":
            nf = new_file("pem")
            nf["items"].append(it)
            continue
        nf = open_new.get(car)
        if nf is None or len(nf["items"]) >= nf["cap"]:
            nf = open_new[car] = new_file(car)
        nf["items"].append(it)

    labels: list[dict] = []

    def add_labels(rel: str, it: Item, spans: list[tuple[int, int, tuple[str, str]]], carrier: str, where: str):
        for start, end, (kind, klass) in spans:
            labels.append({"file": rel, "line": start, "end_line": end, "type": kind, "class": klass,
                           "item": it.kind, "carrier": carrier, "where": where})

    # Existing files: insert blocks, bottom-up bookkeeping by computing final lines.
    for rel, ins in sorted(inserts.items()):
        p = tree / rel
        lines = p.read_text().split("\n")
        ins.sort(key=lambda t: t[0])
        out_lines: list[str] = []
        cursor = 0
        for idx, it, h in ins:
            out_lines.extend(lines[cursor:idx])
            cursor = idx
            spans = []
            first = len(out_lines) + 1
            for e in it.entries:
                block = render_entry(e, h.carrier, rng, yaml_seq=h.seq)
                start = len(out_lines) + 1
                out_lines.extend(block)
                if e.label:
                    spans.append((start, start + len(block) - 1, e.label))
            if it.one_label:
                spans = [(first, len(out_lines), it.one_label)]
            add_labels(rel, it, spans, h.carrier, "existing")
        out_lines.extend(lines[cursor:])
        p.write_text("\n".join(out_lines))

    # New files.
    for nf in new_files:
        car, rel = nf["carrier"], nf["rel"]
        names, header, filler = NEW_FILES[car]
        p = tree / rel
        if car == "gcp":
            (it,) = nf["items"]
            p.write_text(it.file_text)
            n = it.file_text.count("\n")
            add_labels(rel, it, [(1, n, ("gcp-service-account", "secret"))], car, "new")
            continue
        if car == "pem":
            (it,) = nf["items"]
            (e,) = it.entries
            text = e.value if e.value.endswith("\n") else e.value + "\n"
            p.write_text(text)
            add_labels(rel, it, [(1, text.count("\n"), e.label)], car, "new")
            continue
        # Body: (line, label span start/end within the entry block) per part.
        fill = list(filler)
        rng.shuffle(fill)
        body: list[tuple[str, Item | None, tuple | None]] = []  # (line, item, (len, label))
        for it in nf["items"]:
            if fill and rng.random() < 0.6:
                body.append((fill.pop(), None, None))
            item_lines = []
            for e in it.entries:
                block = render_entry(e, "ini" if car == "awscreds" else car, rng)
                for j, line in enumerate(block):
                    item_lines.append((line, it, (len(block), e.label) if j == 0 else None))
            if it.one_label:
                item_lines = [(l, it, (len(item_lines), it.one_label) if j == 0 else None) for j, (l, _, _) in enumerate(item_lines)]
            body.extend(item_lines)
        body.extend((f, None, None) for f in fill[:2])
        if car == "json":
            lines = ["{"] + ["  " + l + ("," if k < len(body) - 1 else "") for k, (l, _, _) in enumerate(body)] + ["}"]
            first = 2
        else:
            lines = list(header) + [l for l, _, _ in body]
            first = len(header) + 1
        for k, (_, it, head) in enumerate(body):
            if head is not None and head[1] is not None:
                add_labels(rel, it, [(first + k, first + k + head[0] - 1, head[1])], car, "new")
        p.write_text("\n".join(lines) + "\n")

    # Sanity: every label's lines exist; keep the first line's text for readers of the labels.
    for lab in labels:
        text = (tree / lab["file"]).read_text().split("\n")
        assert 1 <= lab["line"] <= lab["end_line"] <= len(text), lab
        lab["text"] = text[lab["line"] - 1][:160]

    total_bytes = 0
    nfiles = 0
    for dp, _, fn in os.walk(tree):
        for f in fn:
            total_bytes += os.path.getsize(os.path.join(dp, f))
            nfiles += 1
    labels.sort(key=lambda l: (l["file"], l["line"]))
    for i, lab in enumerate(labels):
        lab["id"] = i
    meta = {
        "generator_version": GENERATOR_VERSION,
        "seed": a.seed,
        "sources": [{k: v for k, v in s.items() if k != "path"} for s in sources],
        "files": nfiles,
        "bytes": total_bytes,
        "secrets": sum(1 for l in labels if l["class"] == "secret"),
        "decoys": sum(1 for l in labels if l["class"] == "decoy"),
        "new_files": len(new_files),
        "labels": labels,
    }
    (staging / "labels.json").write_text(json.dumps(meta, indent=1) + "\n")
    shutil.rmtree(out, ignore_errors=True)
    staging.rename(out)
    print(f"gen_corpus: {out}: {nfiles} files, {total_bytes / 1e6:.1f} MB, {meta['secrets']} secrets, {meta['decoys']} decoys, {len(new_files)} new files", file=sys.stderr)


if __name__ == "__main__":
    main()
