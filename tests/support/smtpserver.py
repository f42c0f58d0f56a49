#!/usr/bin/python3
"""A local SMTP server for the e-mail tests (Debian's python3-aiosmtpd).

smtpserver.py --cert C --key K --user U --password P --out DIR [--implicit-tls] [--fail-rcpt ADDR] [--port N]

STARTTLS with the given certificate (or implicit TLS with --implicit-tls), AUTH PLAIN/LOGIN
required (and only after TLS), a message from a client that did not authenticate is refused.
Each accepted message is written to DIR/<n>.json: {"mail_from", "rcpt_tos", "data", "tls", "auth_user"}.
Prints "READY <port>" on stdout once it listens on 127.0.0.1 (a free port) and runs until killed.
--fail-rcpt ADDR answers "550 5.1.1 No such user" for that recipient. --port N listens on N (default: a
free port), so a test can stop the server and start it again where its client expects it.
"""
import argparse
import asyncio
import json
import os
import socket
import ssl
import sys

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

args_parser = argparse.ArgumentParser()
args_parser.add_argument("--cert", required=True)
args_parser.add_argument("--key", required=True)
args_parser.add_argument("--user", required=True)
args_parser.add_argument("--password", required=True)
args_parser.add_argument("--out", required=True)
args_parser.add_argument("--implicit-tls", action="store_true")
args_parser.add_argument("--fail-rcpt", default="")
args_parser.add_argument("--port", type=int, default=0)
args = args_parser.parse_args()

context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
context.load_cert_chain(args.cert, args.key)


class Handler:
    def __init__(self):
        # A server restarted on the same --out folder goes on numbering after the messages there.
        self.count = len([n for n in os.listdir(args.out) if n.endswith(".json")])

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address == args.fail_rcpt:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if not session.authenticated:
            return "530 5.7.0 Authentication required"
        self.count += 1
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "data": envelope.original_content.decode("utf-8", "replace"),
            "tls": args.implicit_tls or session.ssl is not None,
            "auth_user": session.auth_data.login.decode() if session.auth_data else "",
        }
        path = os.path.join(args.out, "%d.json" % self.count)
        with open(path + ".tmp", "w") as f:
            json.dump(record, f)
        os.replace(path + ".tmp", path)
        return "250 2.0.0 OK queued as kairos-%d" % self.count


def authenticator(server, session, envelope, mechanism, auth_data):
    if isinstance(auth_data, LoginPassword) and auth_data.login.decode() == args.user \
            and auth_data.password.decode() == args.password:
        return AuthResult(success=True, auth_data=auth_data)
    return AuthResult(success=False, handled=False)


sock = socket.socket()
sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
sock.bind(("127.0.0.1", args.port))
port = sock.getsockname()[1]
sock.close()

# With implicit TLS the whole session is encrypted; aiosmtpd only knows STARTTLS as "TLS" for AUTH.
kwargs = dict(hostname="127.0.0.1", port=port, authenticator=authenticator, auth_require_tls=not args.implicit_tls,
              server_hostname="kairos-test-smtp")
if args.implicit_tls:
    controller = Controller(Handler(), ssl_context=context, **kwargs)
else:
    controller = Controller(Handler(), tls_context=context, require_starttls=True, **kwargs)
# aiosmtpd's Controller checks it is up by connecting in plain text, which fails with implicit TLS.
try:
    controller.start()
except Exception:
    if not args.implicit_tls:
        raise
print("READY %d" % port, flush=True)
try:
    sys.stdin.read()  # until the test closes our stdin or kills us
finally:
    controller.stop()
