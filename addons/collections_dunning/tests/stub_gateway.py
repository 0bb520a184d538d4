"""A local HTTP server standing in for an outside gateway in tests."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class StubGateway:
    """A local HTTP server answering with scripted status codes, recording requests."""

    def __init__(self, statuses=(200,)):
        self.statuses = list(statuses)
        self.requests = []
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                gateway.requests.append(
                    {
                        "path": self.path,
                        "auth": self.headers.get("Authorization"),
                        "body": json.loads(self.rfile.read(length) or b"{}"),
                    }
                )
                status = gateway.statuses.pop(0) if gateway.statuses else 200
                payload = json.dumps({"id": f"msg-{len(gateway.requests)}"}).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

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
