"""Local stand-ins for the outside world, so the benchmark sends for real
without reaching anyone: an SMTP sink for Odoo's mail queue, and one HTTP
server that plays both the in-house JSON gateway of WhatsApp and IVR
(``http_json`` providers, as ``collections_dunning/tests/stub_gateway.py`` does)
and Odoo's IAP SMS endpoint (``sms.endpoint``); ``connect`` points a database's
outgoing mail server, SMS endpoint and WhatsApp/IVR providers at them."""

import json
import socketserver
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _Served:
    """A local server, served from a thread while used as a context manager."""

    def _serve(self, server):
        self.server = server
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class SmtpSink(_Served):
    """A minimal SMTP server that accepts every message and counts it."""

    def __init__(self):
        self.messages = 0
        self.recipients = 0
        sink = self

        class Handler(socketserver.StreamRequestHandler):
            def reply(self, text):
                self.wfile.write(text.encode() + b"\r\n")

            def handle(self):
                self.reply("220 bench-sink ESMTP")
                while True:
                    line = self.rfile.readline()
                    if not line:
                        return
                    command = line.decode(errors="replace").strip().upper()
                    if command.startswith("EHLO"):
                        self.reply("250-bench-sink")
                        self.reply("250 8BITMIME")
                    elif command.startswith("HELO"):
                        self.reply("250 bench-sink")
                    elif command.startswith("RCPT"):
                        sink.recipients += 1
                        self.reply("250 OK")
                    elif command.startswith("DATA"):
                        self.reply("354 End data with <CR><LF>.<CR><LF>")
                        while self.rfile.readline() not in (b".\r\n", b".\n", b""):
                            pass
                        sink.messages += 1
                        self.reply("250 OK queued")
                    elif command.startswith("QUIT"):
                        self.reply("221 Bye")
                        return
                    else:  # MAIL, RSET, NOOP
                        self.reply("250 OK")

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self._serve(Server(("127.0.0.1", 0), Handler))
        self.port = self.server.server_address[1]


class GatewayStub(_Served):
    """JSON gateway (POST /send: one message, honours Idempotency-Key) and IAP
    SMS (POST /api/sms/3/send: every number accepted)."""

    def __init__(self):
        self.gateway_messages = 0
        self.sms = 0
        self.answers = {}
        stub = self
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            # a connection kept between requests, as the real gateways keep it,
            # each answer sent at once (without TCP_NODELAY, the body waits for
            # the client's delayed acknowledgement of the headers: 40 ms)
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True

            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                with lock:
                    if self.path.startswith("/api/sms/"):
                        results = [
                            {"uuid": number["uuid"], "state": "success", "credit": 1}
                            for message in body["params"]["messages"]
                            for number in message["numbers"]
                        ]
                        stub.sms += len(results)
                        answer = {"jsonrpc": "2.0", "id": body.get("id"), "result": results}
                    else:
                        key = self.headers.get("Idempotency-Key")
                        if key not in stub.answers:
                            stub.gateway_messages += 1
                            stub.answers[key] = {"id": f"msg-{stub.gateway_messages}"}
                        answer = stub.answers[key]
                payload = json.dumps(answer).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self._serve(ThreadingHTTPServer(("127.0.0.1", 0), Handler))
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"


MAIL_SERVER = "Bench SMTP sink"
GATEWAY_PROVIDERS = (
    "collections_dunning.channel_provider_whatsapp",
    "collections_dunning.channel_provider_ivr",
)


def connect(env, smtp, gateway):
    """Email to the SMTP sink, SMS to the IAP stub, WhatsApp and IVR to the JSON
    gateway stub (a database copied from one already connected is pointed at
    the new stubs)."""
    values = {
        "name": MAIL_SERVER,
        "smtp_host": "127.0.0.1",
        "smtp_port": smtp.port,
        "smtp_encryption": "none",
    }
    server = env["ir.mail_server"].search([("name", "=", MAIL_SERVER)])
    if server:
        server.write(values)
    else:
        env["ir.mail_server"].create(values)
    env["ir.config_parameter"].set_param("sms.endpoint", gateway.base)
    for xmlid in GATEWAY_PROVIDERS:
        provider = env.ref(xmlid)
        provider.write({"provider_type": "http_json", "url": f"{gateway.base}/send"})
        provider.write({"token": "bench"})
