"""Local HTTP servers standing in for outside gateways in tests: a generic JSON
gateway, Meta's WhatsApp Cloud API and Twilio's Calls API."""

import base64
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs


def _counted(handler_class, local):
    """``handler_class`` keeping its connections open when ``local.keep_alive``
    says so, and counting them on ``local.connections``."""
    lock = threading.Lock()

    class Handler(handler_class):
        # each answer sent at once: on a kept connection, the body would wait
        # for the client's delayed acknowledgement of the headers
        disable_nagle_algorithm = True

        @property
        def protocol_version(self):
            return "HTTP/1.1" if local.keep_alive else "HTTP/1.0"

        def setup(self):
            with lock:
                local.connections += 1
            return super().setup()

    return Handler


class _LocalServer:
    """A threaded HTTP server on a free local port, run as a context manager.

    With ``keep_alive`` set, it answers in HTTP/1.1 and keeps each connection
    open for the caller's next request, as the real gateways do;
    ``connections`` counts the connections it accepted."""

    keep_alive = False

    def _serve(self, handler_class):
        self.connections = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _counted(handler_class, self))
        self.base_url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class StubGateway(_LocalServer):
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
                    return  # the caller gave up waiting

            def log_message(self, *args):
                pass

        self._serve(Handler)
        self.url = f"{self.base_url}/send"


class _LocalApi(_LocalServer):
    """A local HTTP server whose ``_answer(method, path, headers, raw_body)``
    returns (status, JSON answer); every request is recorded, and what does not
    match the documented request is listed in ``problems`` (and refused as
    the real API would)."""

    def __init__(self, script=()):
        self.script = list(script)
        self.requests = []
        self.problems = []
        api = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", 0))
                raw = self.rfile.read(length)
                status, answer = api._answer(self.command, self.path, self.headers, raw)
                payload = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args):
                pass

        self._serve(Handler)

    def _next(self):
        return self.script.pop(0) if self.script else "ok"

    # What each API answers, set by the subclass: the key its parsed request is
    # recorded under, its (status, code, message) for bad credentials and for a
    # request that does not match its documentation.
    REQUEST_KEY = "body"
    AUTH_ERROR = (401, 0, "Unauthorized")
    INVALID_ERROR = (400, 0, "Bad request")

    def _answer(self, method, path, headers, raw):
        """Record the request, refuse it as the real API would when it does not
        match the documentation (``_check``), play the script, else accept it."""
        parsed, problems = self._check(path, headers, raw)
        self.requests.append(
            {"path": path, "auth": headers.get("Authorization"), self.REQUEST_KEY: parsed}
        )
        if problems == ["auth"]:
            self.problems.append("auth")
            return self.error(*self.AUTH_ERROR)
        if problems:
            self.problems.extend(problems)
            return self.error(*self.INVALID_ERROR)
        step = self._next()
        if step != "ok":
            return self.error(*step)
        return self._accepted(parsed)


class WhatsAppCloudStub(_LocalApi):
    """Meta's Graph API ``POST /v21.0/{phone-number-id}/messages`` for template
    messages. ``script`` items: ``"ok"`` (200 with a ``wamid``), or
    ``(http status, error code, message)`` answered as a Graph API error body."""

    VERSION = "v21.0"
    AUTH_ERROR = (401, 190, "Invalid OAuth access token - Cannot parse access token")
    INVALID_ERROR = (400, 100, "Invalid parameter")

    def __init__(self, phone_number_id, token, script=()):
        super().__init__(script)
        self.phone_number_id = phone_number_id
        self.token = token
        self.url = f"{self.base_url}/{self.VERSION}"

    @staticmethod
    def error(status, code, message):
        return status, {
            "error": {
                "message": message,
                "type": "OAuthException",
                "code": code,
                "error_subcode": 2494010,
                "fbtrace_id": "AbCdEfGhIjK",
            }
        }

    def _check(self, path, headers, raw):
        problems = []
        if path != f"/{self.VERSION}/{self.phone_number_id}/messages":
            problems.append(f"path {path}")
        if headers.get("Authorization") != f"Bearer {self.token}":
            return None, ["auth"]
        try:
            body = json.loads(raw)
        except ValueError:
            return None, [*problems, "body is not JSON"]
        expected = {"messaging_product": "whatsapp", "recipient_type": "individual"}
        expected["type"] = "template"
        for key, value in expected.items():
            if body.get(key) != value:
                problems.append(f"{key}={body.get(key)!r}")
        if not str(body.get("to", "")).isdigit():
            problems.append(f"to={body.get('to')!r} is not digits only")
        template = body.get("template") or {}
        if not template.get("name") or not (template.get("language") or {}).get("code"):
            problems.append("template name or language missing")
        for component in template.get("components", []):
            if component.get("type") != "body":
                problems.append(f"component {component.get('type')}")
            for parameter in component.get("parameters", []):
                text = parameter.get("text")
                if parameter.get("type") != "text" or not text or "\n" in text:
                    problems.append(f"parameter {parameter!r}")
        return body, problems

    def _accepted(self, body):
        wamid = f"wamid.HBgM{len(self.requests):04d}"
        return 200, {
            "messaging_product": "whatsapp",
            "contacts": [{"input": body["to"], "wa_id": body["to"]}],
            "messages": [{"id": wamid}],
        }


class TwilioVoiceStub(_LocalApi):
    """Twilio's ``POST /2010-04-01/Accounts/{AccountSid}/Calls.json`` with basic
    auth and a form body. ``script`` items: ``"ok"`` (201 with a call ``sid``),
    or ``(http status, error code, message)`` answered as a Twilio error body."""

    REQUEST_KEY = "form"
    AUTH_ERROR = (401, 20003, "Authenticate")
    INVALID_ERROR = (400, 21205, "Url is not a valid URL")

    def __init__(self, account_sid, auth_token, script=()):
        super().__init__(script)
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.url = self.base_url

    @staticmethod
    def error(status, code, message):
        return status, {
            "code": code,
            "message": message,
            "more_info": f"https://www.twilio.com/docs/errors/{code}",
            "status": status,
        }

    def _check(self, path, headers, raw):
        credentials = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode())
        if headers.get("Authorization") != f"Basic {credentials.decode()}":
            return None, ["auth"]
        problems = []
        if path != f"/2010-04-01/Accounts/{self.account_sid}/Calls.json":
            problems.append(f"path {path}")
        if not headers.get("Content-Type", "").startswith("application/x-www-form-urlencoded"):
            problems.append("not a form")
        form = {key: values[0] for key, values in parse_qs(raw.decode()).items()}
        if not form.get("To", "").startswith("+") or not form.get("From"):
            problems.append("To / From")
        twiml = form.get("Twiml", "")
        if "<Say>" not in twiml or '<Gather action="' not in twiml or 'numDigits="1"' not in twiml:
            problems.append(f"Twiml {twiml!r}")
        if form.get("StatusCallbackEvent") != "completed" or not form.get("StatusCallback"):
            problems.append("StatusCallback")
        return form, problems

    def _accepted(self, form):
        sid = f"CA{len(self.requests):032x}"
        return 201, {
            "sid": sid,
            "account_sid": self.account_sid,
            "to": form["To"],
            "from": form["From"],
            "status": "queued",
            "uri": f"/2010-04-01/Accounts/{self.account_sid}/Calls/{sid}.json",
        }
