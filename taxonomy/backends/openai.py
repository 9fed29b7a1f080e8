"""The ``openai`` backend: any OpenAI-compatible ``/v1/completions`` endpoint (black-box).

Works with vLLM, ``transformers serve``, llama.cpp server, Ollama and ``registry serve``
(``taxonomy.backends.serve``). Standard library only (urllib). One request per prompt, so each
carries its own ``seed``; requests run concurrently.

Per-token log-probabilities come from ``logprobs: 1`` (``token_logprobs``); vLLM reports them
from the raw model distribution, matching the convention in ``base``. Token ids come from vLLM's
``return_tokens_as_token_ids`` ("token_id:N" tokens) or a ``token_ids`` field; a server that
gives neither yields ``token_ids == []``. ``verify`` then teacher-forces by ids when the server
has vLLM's ``/tokenize`` (``score``), else by text with ``echo`` (``score_text``), else reports
the sample "not verifiable".
"""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor

from taxonomy.backends.base import BackendError, DecodeConfig, Generation, check_seeds

_TOKEN_ID = re.compile(r"^token_id:(\d+)$")


class OpenAIBackend:
    """Client for an OpenAI-compatible completions server.

    Args:
      url: base URL ending in ``/v1`` (added when missing), e.g. ``http://127.0.0.1:8000/v1``.
      model_name: the served model; None asks ``/v1/models`` and takes the only one.
      concurrency: requests in flight at once.
      timeout: seconds per request.
    """

    name = "openai"
    white_box = False

    def __init__(
        self,
        url: str,
        *,
        model_name: str | None = None,
        concurrency: int = 8,
        timeout: float = 120.0,
    ):
        url = url.rstrip("/")
        self.base = url if url.endswith("/v1") else url + "/v1"
        self.root = self.base.removesuffix("/v1")
        self.timeout = timeout
        self.concurrency = max(1, concurrency)
        models = [m.get("id") for m in self._request("GET", "/models").get("data", [])]
        if model_name is not None and models and model_name not in models:
            raise BackendError(
                f"{self.base} does not serve model {model_name!r}; it serves: {', '.join(models)}"
            )
        if model_name is None:
            if len(models) != 1:
                raise BackendError(
                    f"{self.base} serves {len(models)} models ({', '.join(map(str, models))}); "
                    "name one with URL#model"
                )
            model_name = models[0]
        self.model_name = model_name

    def fingerprint(self) -> str:
        return f"openai:{self.base}#{self.model_name}"

    def close(self) -> None:
        pass

    # -- HTTP ---------------------------------------------------------------------------------
    def _request(self, method: str, path: str, body: dict | None = None, root: bool = False):
        url = (self.root if root else self.base) + path
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(
            url, data=data, method=method, headers={"Content-Type": "application/json"}
        )
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                return json.loads(resp.read().decode())
        except urllib.error.HTTPError as err:
            detail = err.read().decode(errors="replace")[:300]
            raise BackendError(f"{url} answered HTTP {err.code}: {detail}") from err
        except urllib.error.URLError as err:
            reason = err.reason
            if isinstance(reason, ConnectionRefusedError):
                why = "connection refused; is the server running?"
            elif isinstance(reason, TimeoutError):
                why = f"timed out after {self.timeout:g}s"
            else:
                why = f"{reason}"
            raise BackendError(f"cannot reach {self.base}: {why}") from err
        except TimeoutError as err:
            raise BackendError(
                f"cannot reach {self.base}: timed out after {self.timeout:g}s"
            ) from err
        except json.JSONDecodeError as err:
            raise BackendError(f"{url} did not answer JSON: {err}") from err

    def _complete(self, body: dict) -> dict:
        resp = self._request("POST", "/completions", {"model": self.model_name, **body})
        try:
            return resp["choices"][0]
        except (KeyError, IndexError, TypeError) as err:
            raise BackendError(
                f"{self.base}/completions answered without choices: {resp!r:.300}"
            ) from err

    def _map(self, fn, items):
        with ThreadPoolExecutor(self.concurrency) as pool:
            return list(pool.map(fn, items))

    # -- protocol -----------------------------------------------------------------------------
    def generate(
        self, prompts: list[str], config: DecodeConfig, seeds: list[int]
    ) -> list[Generation]:
        check_seeds(prompts, seeds)
        return self._map(
            lambda ps: self._generate_one(ps[0], config, ps[1]),
            list(zip(prompts, seeds, strict=True)),
        )

    def _generate_one(self, prompt: str, config: DecodeConfig, seed: int) -> Generation:
        body = {
            "prompt": prompt,
            "max_tokens": config.max_new_tokens,
            "temperature": config.temperature,
            "top_p": config.top_p,
            "seed": int(seed),
            "logprobs": 1,
            "return_tokens_as_token_ids": True,
        }
        if config.top_k > 0:
            body["top_k"] = config.top_k
        if config.stop:
            body["stop"] = list(config.stop)
        choice = self._complete(body)
        lp = choice.get("logprobs") or {}
        tokens = lp.get("tokens") or []
        ids = [int(m.group(1)) for t in tokens if (m := _TOKEN_ID.match(str(t)))]
        if len(ids) != len(tokens):
            ids = [int(i) for i in choice.get("token_ids") or []]
        reason = choice.get("finish_reason")
        if reason == "stop":
            stop_reason = choice.get("stop_reason")
            reason = (
                "stop" if isinstance(stop_reason, str) and stop_reason in config.stop else "eos"
            )
        elif reason != "length":
            raise BackendError(f"{self.base} returned unknown finish_reason {reason!r}")
        logprobs = [float(x) for x in lp.get("token_logprobs") or [] if x is not None]
        return Generation(choice.get("text", ""), ids, logprobs, reason)

    def score(self, prompts: list[str], completions: list[list[int]]) -> list[list[float]]:
        """Teacher-force token ids: needs the server's ``/tokenize`` (vLLM, ``registry serve``)."""

        def one(pc):
            prompt, comp = pc
            ids = self._request(
                "POST", "/tokenize", {"model": self.model_name, "prompt": prompt}, root=True
            )
            if not isinstance(ids, dict) or "tokens" not in ids:
                raise BackendError(f"{self.root}/tokenize answered without tokens")
            full = list(ids["tokens"]) + list(comp)
            choice = self._complete(
                {"prompt": full, "max_tokens": 1, "echo": True, "logprobs": 0, "temperature": 0.0}
            )
            lps = (choice.get("logprobs") or {}).get("token_logprobs") or []
            n = len(ids["tokens"])
            return [float(x) for x in lps[n : n + len(comp)]]

        return self._map(one, list(zip(prompts, completions, strict=True)))

    def score_text(self, prompts: list[str], texts: list[str]) -> list[list[float] | None]:
        """Log-probabilities of ``text``'s tokens after ``prompt`` via ``echo``; None for a
        sample whose tokenization straddles the prompt/completion boundary."""

        def one(pt):
            prompt, text = pt
            choice = self._complete(
                {
                    "prompt": prompt + text,
                    "max_tokens": 1,
                    "echo": True,
                    "logprobs": 0,
                    "temperature": 0.0,
                }
            )
            lp = choice.get("logprobs") or {}
            offsets, values = lp.get("text_offset") or [], lp.get("token_logprobs") or []
            if not offsets:
                raise BackendError(f"{self.base} does not support echo with logprobs")
            end = len(prompt) + len(text)
            picked = [
                (o, v) for o, v in zip(offsets, values, strict=False) if len(prompt) <= o < end
            ]
            starts = set(offsets)
            if text and (len(prompt) not in starts or any(v is None for _, v in picked)):
                return None
            return [float(v) for _, v in picked]

        return self._map(one, list(zip(prompts, texts, strict=True)))
