"""A local HTTP server standing in for an outside gateway in tests."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StubGateway:
    """A local HTTP gateway answering with scripted status codes.

    It records every request (path, auth, idempotency key, body), answers a
    status of ``"slow"`` after ``slow_seconds`` (past the caller's time-out,
    which Odoo's test framework raises to 10 s),
    and, like a gateway that honours ``Idempotency-Key``, accepts a key once:
    a repeated key gets the first answer back and is not a new message
    (``messages`` lists the accepted ones).
    """

    def __init__(self, statuses=(200,), slow_seconds=11):
        self.statuses = list(statuses)
        self.slow_seconds = slow_seconds
        self.requests = []
        self.messages = []
        self.answers = {}
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                key = self.headers.get("Idempotency-Key")
                gateway.requests.append(
                    {
                        "path": self.path,
                        "auth": self.headers.get("Authorization"),
                        "key": key,
                        "body": body,
                    }
                )
                status = gateway.statuses.pop(0) if gateway.statuses else 200
                if status == "slow":
                    time.sleep(gateway.slow_seconds)
                    status = 200
                if status < 300 and key in gateway.answers:
                    answer = gateway.answers[key]
                elif status < 300:
                    gateway.messages.append(body)
                    answer = {"id": f"msg-{len(gateway.messages)}"}
                    if key:
                        gateway.answers[key] = answer
                else:
                    answer = {"error": {"code": status, "message": "scripted failure"}}
                payload = json.dumps(answer).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the caller gave up waiting

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/send"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
