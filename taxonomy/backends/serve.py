"""A small OpenAI-compatible completions server over an ``hf`` backend (``registry serve``).

Serves ``GET /v1/models``, ``POST /v1/completions`` (``prompt`` as text, list of texts, or token
ids; ``max_tokens``, ``temperature``, ``top_p``, ``top_k``, ``seed``, ``stop``, ``logprobs``,
``echo``, vLLM's ``return_tokens_as_token_ids``) and vLLM's ``POST /tokenize``, so the
``openai`` backend and other clients can use a zoo model over HTTP. Standard library only;
requests are answered one at a time (the model is not thread-safe).
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from taxonomy.backends.base import BackendError, DecodeConfig


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def log_message(self, *args) -> None:  # keep test and CLI output quiet
        pass

    def _send(self, code: int, payload: dict) -> None:
        data = json.dumps(payload).encode()
        self.send_response(code)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self) -> None:  # noqa: N802
        if self.path.rstrip("/") == "/v1/models":
            self._send(
                200, {"object": "list", "data": [{"id": self.server.model_name, "object": "model"}]}
            )
        else:
            self._send(404, {"error": {"message": f"no route {self.path}"}})

    def do_POST(self) -> None:  # noqa: N802
        try:
            body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
            route = {"/v1/completions": self.server.complete, "/tokenize": self.server.tokenize}
            handler = route.get(self.path.rstrip("/"))
            if handler is None:
                return self._send(404, {"error": {"message": f"no route {self.path}"}})
            with self.server.lock:
                self._send(200, handler(body))
        except (BackendError, ValueError, TypeError, KeyError) as err:
            self._send(400, {"error": {"message": str(err), "type": "invalid_request_error"}})
        except Exception as err:  # report instead of dropping the connection
            self._send(500, {"error": {"message": f"{type(err).__name__}: {err}"}})


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, backend, host: str, port: int, model_name: str):
        super().__init__((host, port), _Handler)
        self.backend, self.model_name, self.lock = backend, model_name, threading.Lock()

    def tokenize(self, body: dict) -> dict:
        ids = self.backend._encode(str(body["prompt"]))
        return {"tokens": ids, "count": len(ids), "max_model_len": self.backend.max_positions}

    def complete(self, body: dict) -> dict:
        prompts = body.get("prompt", "")
        if isinstance(prompts, str) or (prompts and isinstance(prompts[0], int)):
            prompts = [prompts]
        stop = body.get("stop") or []
        config = DecodeConfig(
            max_new_tokens=max(1, int(body.get("max_tokens", 16))),
            temperature=float(body.get("temperature", 1.0)),
            top_p=float(body.get("top_p", 1.0)),
            top_k=max(0, int(body.get("top_k", 0) or 0)),
            stop=[stop] if isinstance(stop, str) else list(stop),
        )
        want_lp = body.get("logprobs") is not None
        as_ids = bool(body.get("return_tokens_as_token_ids"))
        choices = []
        for i, prompt in enumerate(prompts):
            choice = self._one(prompt, config, int(body.get("seed") or 0), body, want_lp, as_ids)
            choices.append({"index": i, **choice})
        return {
            "id": f"cmpl-{time.time_ns()}",
            "object": "text_completion",
            "created": int(time.time()),
            "model": self.model_name,
            "choices": choices,
        }

    def _one(self, prompt, config, seed, body, want_lp, as_ids) -> dict:
        b, tok = self.backend, self.backend.tokenizer
        prompt_ids = list(prompt) if isinstance(prompt, list) else b._encode(prompt)
        prompt_text = tok.decode(prompt_ids) if isinstance(prompt, list) else prompt
        b._check_length(len(prompt_ids), config.max_new_tokens)
        if int(body.get("max_tokens", 16)) == 0 and body.get("echo"):
            gen_ids, gen_lps, text, reason = [], [], "", "length"
        else:
            g = b._generate_batch([prompt_ids], config, [seed])[0]
            gen_ids, gen_lps, text, reason = g.token_ids, g.logprobs, g.text, g.finish_reason
        ids, lps, out = gen_ids, list(gen_lps), text
        if body.get("echo"):
            ids = prompt_ids + gen_ids
            lps = [None] + b.score_token_ids([prompt_ids[:1]], [prompt_ids[1:]])[0] + lps
            out = prompt_text + text
        stop_reason = None
        if reason == "stop":
            full = tok.decode(gen_ids, skip_special_tokens=True)
            stop_reason = min((full.find(s), s) for s in config.stop if s and s in full)[1]
        choice = {
            "text": out,
            "finish_reason": "length" if reason == "length" else "stop",
            "stop_reason": stop_reason,
            "token_ids": ids,
            "logprobs": None,
        }
        if want_lp:
            offsets = [len(tok.decode(ids[:n], skip_special_tokens=True)) for n in range(len(ids))]
            choice["logprobs"] = {
                "tokens": [f"token_id:{t}" for t in ids]
                if as_ids
                else [tok.decode([t]) for t in ids],
                "token_logprobs": lps,
                "top_logprobs": None,
                "text_offset": offsets,
            }
        return choice


def start_server(backend, host: str = "127.0.0.1", port: int = 0, model_name: str | None = None):
    """Serve ``backend`` (an ``HFBackend``) in a daemon thread; returns the server.

    ``port=0`` picks a free port: read it from ``server.server_address[1]``. Stop with
    ``server.shutdown(); server.server_close()``.
    """
    server = _Server(backend, host, port, model_name or backend.spec)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def serve(model: str, host: str = "127.0.0.1", port: int = 8000, **load_kwargs) -> None:
    """Load ``model`` with the hf backend and serve it until interrupted."""
    from taxonomy.backends.load import load_backend

    backend = load_backend(model, backend="hf", **load_kwargs)
    server = _Server(backend, host, port, model)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
        backend.close()
