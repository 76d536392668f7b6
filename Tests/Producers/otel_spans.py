#!/usr/bin/env python3
"""CONTRACT section 12.2 through the real server: spans made by the OpenTelemetry Python SDK
(opentelemetry-sdk 1.45.2) with the GenAI semantic-convention attributes, exported by the real
OTLP/HTTP exporter (opentelemetry-exporter-otlp-proto-http 1.45.2) to `costledger serve`'s
POST /v1/traces, then read back through GET /v1/exports/costs.csv and compared field by field
with what the section's table says.

    otel_spans.py --bin COSTLEDGER --pricing DIR --port P --token-acme T --token-multi T
                  --token-finance T --work DIR
    otel_spans.py --dry --work DIR     the same spans against a stand-in receiver that only
                                       decodes them (no costledger), to check this script

Tokens: --token-acme is an ingest token for tenant acme only, --token-multi an ingest token for
acme and globex, --token-finance a finance token for every tenant.
Prints one line per check ("ok ..." / "FAIL ...") and exits 1 when one failed.
"""

import argparse
import base64
import csv
import datetime as dt
import gzip
import http.server
import io
import json
import os
import re
import sys
import threading
import urllib.error
import urllib.request

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import Binary, Checks  # noqa: E402

import requests  # noqa: E402  (the exporter's own transport; a session lets us see its answers)
from google.protobuf.json_format import MessageToDict, Parse  # noqa: E402
from opentelemetry.exporter.otlp.proto.common.trace_encoder import encode_spans  # noqa: E402
from opentelemetry.exporter.otlp.proto.http import Compression  # noqa: E402
from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter  # noqa: E402
from opentelemetry.proto.collector.trace.v1.trace_service_pb2 import (  # noqa: E402
    ExportTraceServiceRequest, ExportTraceServiceResponse)
from opentelemetry.sdk.resources import Resource  # noqa: E402
from opentelemetry.sdk.trace import TracerProvider  # noqa: E402
from opentelemetry.sdk.trace.export import SimpleSpanProcessor, SpanExportResult  # noqa: E402
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter  # noqa: E402
from opentelemetry.trace import SpanKind, Status, StatusCode  # noqa: E402

NOW = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
BASE_NS = int((NOW - dt.timedelta(days=2)).timestamp()) * 10**9
EXPORT_FROM = (NOW - dt.timedelta(days=40)).strftime("%Y-%m-%d")
EXPORT_TO = (NOW + dt.timedelta(days=2)).strftime("%Y-%m-%d")
SERIAL = [0]


def end_ns():
    """A distinct span end time in the past, with sub-millisecond digits the ledger must drop."""
    SERIAL[0] += 1
    return BASE_NS + SERIAL[0] * 7 * 10**9 + 123_456_789


def ms_timestamp(ns):
    ms = ns // 1_000_000
    t = dt.datetime.fromtimestamp(ms // 1000, dt.timezone.utc)
    return t.strftime("%Y-%m-%dT%H:%M:%S") + f".{ms % 1000:03d}Z"


def event(tenant, worker, operation, provider, model, input_tokens, output_tokens, cached=0, cache_write=0,
          reasoning=0, status="success", tier="standard", provider_cost=None, conversation=None, fingerprint=None):
    """The llm event section 12.2 says a span is (id and timestamp come from the span)."""
    e = {"kind": "llm", "tenant_id": tenant, "worker": worker, "operation": operation, "provider": provider,
         "model": model, "input_tokens": input_tokens, "output_tokens": output_tokens, "cached_tokens": cached,
         "cache_write_tokens": cache_write, "reasoning_tokens": reasoning, "status": status,
         "service_tier": tier}
    if provider_cost is not None:
        e["provider_cost_usd"] = provider_cost
    if conversation is not None:
        e["conversation_id"] = conversation
    if fingerprint is not None:
        e["prompt_fingerprint"] = fingerprint
    return e


class Spec:
    """One span to make, and what it must become: an event, SKIP (no usage) or REJECT."""

    def __init__(self, name, attrs, expect, error=False):
        self.name, self.attrs, self.expect, self.error = name, attrs, expect, error
        self.span = None  # the finished ReadableSpan

    @property
    def event_id(self):
        ctx = self.span.context
        return f"otel-{ctx.trace_id:032x}-{ctx.span_id:016x}"

    @property
    def timestamp(self):
        return ms_timestamp(self.span.end_time)


SKIP, REJECT = "skip", "reject"


class Producer:
    """A TracerProvider with a Resource; spans go to an in-memory exporter (to learn their ids)
    and, when given, to the real OTLP exporter through a SimpleSpanProcessor."""

    def __init__(self, resource, exporter=None):
        self.provider = TracerProvider(resource=Resource.create(resource))
        self.memory = InMemorySpanExporter()
        self.provider.add_span_processor(SimpleSpanProcessor(self.memory))
        if exporter is not None:
            self.provider.add_span_processor(SimpleSpanProcessor(exporter))
        self.tracer = self.provider.get_tracer("costledger.producer-test", "1.0")

    def make(self, spec, end=None):
        end = end or end_ns()
        span = self.tracer.start_span(spec.name, kind=SpanKind.CLIENT, attributes=spec.attrs,
                                      start_time=end - 850_000_000)
        if spec.error:
            span.set_status(Status(StatusCode.ERROR, "upstream deadline exceeded"))
        span.end(end_time=end)
        spec.span = self.memory.get_finished_spans()[-1]
        assert spec.span.name == spec.name
        return spec


class Answers:
    """A requests.Session for the exporter that keeps every answer it got."""

    def __init__(self):
        self.session = requests.Session()
        self.seen = []
        self.session.hooks["response"].append(self._keep)

    def _keep(self, response, *args, **kwargs):
        self.seen.append((response.status_code, response.headers.get("Content-Type", ""), response.content))

    def last(self):
        return self.seen[-1] if self.seen else (None, "", b"")


def exporter(url, token, answers, compression=None):
    return OTLPSpanExporter(endpoint=f"{url}/v1/traces", headers={"Authorization": f"Bearer {token}"},
                            timeout=30, compression=compression, session=answers.session)


def otlp_json(spans, numbers=False):
    """The OTLP JSON mapping of the request: lowerCamelCase, enums as integers, int64 as strings
    (or, with numbers, as JSON numbers), and trace and span ids in hex (protobuf's JSON would give
    base64)."""
    body = MessageToDict(encode_spans(spans), use_integers_for_enums=True)  # OTLP JSON: enums as integers

    def hexify(node):
        if isinstance(node, dict):
            for key, value in list(node.items()):
                if key in ("traceId", "spanId", "parentSpanId") and isinstance(value, str):
                    node[key] = base64.b64decode(value).hex()
                elif numbers and key == "intValue" and isinstance(value, str):
                    node[key] = int(value)
                elif numbers and key.endswith("UnixNano") and isinstance(value, str):
                    node[key] = int(value)
                else:
                    hexify(value)
        elif isinstance(node, list):
            for item in node:
                hexify(item)

    hexify(body)
    return body


def post(url, path, body, content_type, token=None, encoding=None):
    headers = {"Content-Type": content_type}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    if encoding:
        headers["Content-Encoding"] = encoding
    request = urllib.request.Request(url + path, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("Content-Type", ""), error.read()


def get(url, path, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    request = urllib.request.Request(url + path, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def partial(content_type, body):
    """(rejectedSpans, errorMessage) of an ExportTraceServiceResponse, protobuf or JSON."""
    if "json" in content_type:
        doc = json.loads(body or b"{}")
        ps = doc.get("partialSuccess") or {}
        return int(ps.get("rejectedSpans", 0) or 0), ps.get("errorMessage", "") or ""
    response = ExportTraceServiceResponse.FromString(body)
    return response.partial_success.rejected_spans, response.partial_success.error_message


def pb(spans):
    return encode_spans(spans).SerializeToString()


# ----------------------------------------------------------------------------------------------
# The spans.

def spans_main():
    """Resource: service.name ai-agent-core and costledger.tenant_id acme; token: acme only."""
    return [
        Spec("chat gpt-5-mini", {
            "gen_ai.provider.name": "openai", "gen_ai.operation.name": "chat",
            "gen_ai.request.model": "gpt-5-mini", "gen_ai.response.model": "gpt-5-mini-2025-08-07",
            "gen_ai.usage.input_tokens": 12000, "gen_ai.usage.output_tokens": 900,
            "gen_ai.usage.cache_read.input_tokens": 8000, "gen_ai.usage.reasoning.output_tokens": 300,
            "gen_ai.conversation.id": "conv-42", "costledger.tenant_id": "acme",
            "costledger.worker": "negotiation", "costledger.operation": "classification",
            "costledger.service_tier": "flex", "costledger.prompt_fingerprint": "fp-3f9a77c1",
        }, event("acme", "negotiation", "classification", "openai", "gpt-5-mini-2025-08-07", 12000, 900,
                 cached=8000, reasoning=300, tier="flex", conversation="conv-42", fingerprint="fp-3f9a77c1")),
        Spec("text_completion claude (deprecated names)", {
            "gen_ai.system": "anthropic", "gen_ai.operation.name": "text_completion",
            "gen_ai.request.model": "claude-sonnet-4-5",
            "gen_ai.usage.input_tokens": 20000, "gen_ai.usage.output_tokens": 800,
            "gen_ai.usage.cache_read.input_tokens": 10000, "gen_ai.usage.cache_creation.input_tokens": 4000,
        }, event("acme", "ai-agent-core", "text_completion", "anthropic", "claude-sonnet-4-5", 20000, 800,
                 cached=10000, cache_write=4000)),
        Spec("current names win over deprecated ones", {
            "gen_ai.provider.name": "anthropic", "gen_ai.system": "openai",
            "gen_ai.request.model": "claude-haiku-4", "gen_ai.response.model": "claude-sonnet-4-5-20250929",
            "gen_ai.usage.input_tokens": 9000, "gen_ai.usage.output_tokens": 450,
            "gen_ai.usage.cache_write.input_tokens": 3000, "gen_ai.usage.cache_creation.input_tokens": 7777,
            "costledger.provider_cost_usd": "0.031500000",
        }, event("acme", "ai-agent-core", "chat", "anthropic", "claude-sonnet-4-5-20250929", 9000, 450,
                 cache_write=3000, provider_cost="0.031500000")),
        Spec("errored gemini call", {
            "gen_ai.provider.name": "google", "gen_ai.operation.name": "generate_content",
            "gen_ai.request.model": "gemini-2.5-flash", "gen_ai.response.model": "gemini-2.5-flash",
            "gen_ai.usage.input_tokens": 5000, "gen_ai.usage.output_tokens": 0,
            "costledger.operation": "research", "costledger.service_tier": "priority",
        }, event("acme", "ai-agent-core", "research", "google", "gemini-2.5-flash", 5000, 0, status="error",
                 tier="priority"), error=True),
        Spec("invoke_agent (no usage)", {
            "gen_ai.provider.name": "openai", "gen_ai.operation.name": "invoke_agent",
            "gen_ai.request.model": "gpt-5-mini", "gen_ai.agent.name": "negotiator",
        }, SKIP),
        Spec("GET https://api.hunter.io (no gen_ai at all)", {
            "http.request.method": "GET", "url.full": "https://api.hunter.io/v2/email-finder",
            "http.response.status_code": 200,
        }, SKIP),
        Spec("errored span without usage", {"gen_ai.provider.name": "openai"}, SKIP, error=True),
    ]


def run(args, ck):
    url = f"http://127.0.0.1:{args.port}"
    binary = None if args.dry else Binary(args.bin, args.pricing, None)
    expected = []  # specs that must be stored
    skipped = []  # specs that must not be stored
    rejected_specs = []
    answers = Answers()
    counted = {"received": 0, "skipped": 0, "accepted": 0, "rejected": 0}

    def tally(specs, duplicate=False):
        for s in specs:
            counted["received"] += 1
            if s.expect == SKIP:
                counted["skipped"] += 1
            elif s.expect == REJECT:
                counted["rejected"] += 1
            elif not duplicate:
                counted["accepted"] += 1

    # --- Preflight: the route exists and takes an empty request.
    status, ctype, body = post(url, "/v1/traces", ExportTraceServiceRequest().SerializeToString(),
                               "application/x-protobuf", args.token_acme)
    if not ck.check(status == 200, "POST /v1/traces with an empty ExportTraceServiceRequest: 200",
                    f"status {status}: {body[:300]!r}"):
        return

    # --- 1. The SDK's own pipeline: SimpleSpanProcessor(OTLPSpanExporter), protobuf.
    main = Producer({"service.name": "ai-agent-core", "service.version": "2.4.1", "costledger.tenant_id": "acme",
                     "deployment.environment.name": "production"},
                    exporter(url, args.token_acme, answers))
    for spec in spans_main():
        before = len(answers.seen)
        main.make(spec)
        status, ctype, body = answers.last() if len(answers.seen) > before else (None, "", b"")
        tally([spec])
        rejected, message = partial(ctype, body) if status == 200 else (None, None)
        ck.check(status == 200 and rejected == 0, f"exporter: {spec.name}: 200, no rejected spans",
                 f"status {status}, rejected {rejected}, message {message!r}, body {body[:300]!r}")
        (skipped if spec.expect == SKIP else expected).append(spec)
        if not args.dry and status == 200:
            ck.check("protobuf" in ctype, f"exporter: {spec.name}: answered as protobuf", f"Content-Type {ctype!r}")

    # Tenant from the token when neither span nor resource names one (a one-tenant token); worker
    # from service.name; operation defaults to chat.
    single = Producer({"service.name": "invoice-reader"}, exporter(url, args.token_acme, answers))
    spec = single.make(Spec("tenant from the one-tenant token", {
        "gen_ai.provider.name": "openai", "gen_ai.response.model": "gpt-4o",
        "gen_ai.usage.input_tokens": 3000, "gen_ai.usage.output_tokens": 250,
    }, event("acme", "invoice-reader", "chat", "openai", "gpt-4o", 3000, 250)))
    tally([spec])
    expected.append(spec)
    status, ctype, body = answers.last()
    ck.check(status == 200 and partial(ctype, body)[0] == 0, "exporter: tenant from the token: 200, none rejected",
             f"{status} {body[:300]!r}")

    # A span's tenant beats the resource's (token for acme and globex).
    multi = Producer({"service.name": "billing-worker", "costledger.tenant_id": "acme"},
                     exporter(url, args.token_multi, answers))
    for spec in (
        Spec("span tenant globex over resource tenant acme", {
            "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-5-mini",
            "gen_ai.usage.input_tokens": 4000, "gen_ai.usage.output_tokens": 600,
            "gen_ai.usage.reasoning.output_tokens": 600, "costledger.tenant_id": "globex",
            "costledger.worker": "email-drafter",
        }, event("globex", "email-drafter", "chat", "openai", "gpt-5-mini", 4000, 600, reasoning=600)),
        Spec("resource tenant acme (multi-tenant token)", {
            "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-5-mini",
            "gen_ai.usage.input_tokens": 4100, "gen_ai.usage.output_tokens": 610,
        }, event("acme", "billing-worker", "chat", "openai", "gpt-5-mini", 4100, 610)),
    ):
        multi.make(spec)
        tally([spec])
        expected.append(spec)
        status, ctype, body = answers.last()
        ck.check(status == 200 and partial(ctype, body)[0] == 0, f"exporter: {spec.name}: 200, none rejected",
                 f"{status} {body[:300]!r}")

    # --- 2. Refusals: counted in partialSuccess.rejectedSpans with the first refusal's code.
    capture = Producer({"service.name": "ai-agent-core"})  # no tenant on the resource
    capture_acme = Producer({"service.name": "ai-agent-core", "costledger.tenant_id": "acme"})
    ok_span = capture_acme.make(Spec("accepted beside refusals", {
        "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o",
        "gen_ai.usage.input_tokens": 1500, "gen_ai.usage.output_tokens": 100,
    }, event("acme", "ai-agent-core", "chat", "openai", "gpt-4o", 1500, 100)))
    skip_span = capture_acme.make(Spec("skipped beside refusals", {"gen_ai.operation.name": "embeddings"}, SKIP))
    no_tenant = capture.make(Spec("no tenant anywhere, two-tenant token", {
        "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o",
        "gen_ai.usage.input_tokens": 1600, "gen_ai.usage.output_tokens": 110,
    }, REJECT))
    status, ctype, body = post(url, "/v1/traces", pb([ok_span.span, skip_span.span, no_tenant.span]),
                               "application/x-protobuf", args.token_multi)
    tally([ok_span, skip_span, no_tenant])
    expected.append(ok_span)
    skipped.append(skip_span)
    rejected_specs.append(no_tenant)
    if ck.check(status == 200, "protobuf: no tenant with a two-tenant token: 200 (partial success)",
                f"{status} {body[:300]!r}") and not args.dry:
        rejected, message = partial(ctype, body)
        ck.equal(rejected, 1, "protobuf: no tenant: rejectedSpans 1 (the skipped span not counted)")
        ck.check(bool(message), "protobuf: no tenant: errorMessage given", repr(message))
        ck.note(f"no-tenant refusal errorMessage: {message!r}")

    def refused(spec, token, codes, label):
        status, ctype, body = post(url, "/v1/traces", pb([spec.span]), "application/x-protobuf", token)
        tally([spec])
        rejected_specs.append(spec)
        if not ck.check(status == 200, f"protobuf: {label}: 200 (partial success)", f"{status} {body[:300]!r}") \
                or args.dry:  # the stand-in receiver validates nothing
            return
        rejected, message = partial(ctype, body)
        ck.equal(rejected, 1, f"protobuf: {label}: rejectedSpans 1")
        ck.check(any(code in message for code in codes), f"protobuf: {label}: errorMessage names {'/'.join(codes)}",
                 repr(message))
        ck.note(f"{label}: errorMessage {message!r}")

    outside = capture.make(Spec("tenant globex, token acme only", {
        "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o", "costledger.tenant_id": "globex",
        "gen_ai.usage.input_tokens": 1700, "gen_ai.usage.output_tokens": 120,
    }, REJECT))
    refused(outside, args.token_acme, ("forbidden", "tenant", "403"), "tenant outside the token's list")
    refused(capture_acme.make(Spec("cached above input", {
        "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o",
        "gen_ai.usage.input_tokens": 100, "gen_ai.usage.output_tokens": 10,
        "gen_ai.usage.cache_read.input_tokens": 200,
    }, REJECT)), args.token_acme, ("cached_exceeds_input",), "cache_read above input_tokens")
    refused(capture_acme.make(Spec("negative input", {
        "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o",
        "gen_ai.usage.input_tokens": -1, "gen_ai.usage.output_tokens": 10,
    }, REJECT)), args.token_acme, ("invalid_value",), "input_tokens -1")
    refused(capture_acme.make(Spec("above the limit", {
        "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o",
        "gen_ai.usage.input_tokens": 100000001, "gen_ai.usage.output_tokens": 10,
    }, REJECT)), args.token_acme, ("invalid_value",), "input_tokens 100000001")
    refused(capture_acme.make(Spec("no provider", {
        "gen_ai.request.model": "gpt-4o", "gen_ai.usage.input_tokens": 100, "gen_ai.usage.output_tokens": 10,
    }, REJECT)), args.token_acme, ("missing_field",), "no gen_ai.provider.name nor gen_ai.system")
    refused(capture_acme.make(Spec("no model", {
        "gen_ai.provider.name": "openai", "gen_ai.usage.input_tokens": 100, "gen_ai.usage.output_tokens": 10,
    }, REJECT)), args.token_acme, ("missing_field",), "no gen_ai.response.model nor gen_ai.request.model")
    refused(capture_acme.make(Spec("bad identifier", {
        "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt 4o; DROP",
        "gen_ai.usage.input_tokens": 100, "gen_ai.usage.output_tokens": 10,
    }, REJECT)), args.token_acme, ("invalid_value",), "model not an identifier")
    refused(capture_acme.make(Spec("bad tier", {
        "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o", "costledger.service_tier": "turbo",
        "gen_ai.usage.input_tokens": 100, "gen_ai.usage.output_tokens": 10,
    }, REJECT)), args.token_acme, ("invalid_value",), "costledger.service_tier turbo")

    refused(capture_acme.make(Spec("malformed provider cost", {
        "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o", "costledger.provider_cost_usd": "0.5e-3",
        "gen_ai.usage.input_tokens": 100, "gen_ai.usage.output_tokens": 10,
    }, REJECT)), args.token_acme, ("invalid_value",), "costledger.provider_cost_usd 0.5e-3")
    future = (int(NOW.timestamp()) + 3 * 3600) * 10**9
    refused(capture_acme.make(Spec("ends 3 hours ahead", {
        "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o",
        "gen_ai.usage.input_tokens": 100, "gen_ai.usage.output_tokens": 10,
    }, REJECT), end=future), args.token_acme, ("timestamp_in_future",), "span end 3 hours ahead")
    resource_globex = Producer({"service.name": "ai-agent-core", "costledger.tenant_id": "globex"})
    refused(resource_globex.make(Spec("resource tenant globex, token acme only", {
        "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o",
        "gen_ai.usage.input_tokens": 100, "gen_ai.usage.output_tokens": 10,
    }, REJECT)), args.token_acme, ("forbidden", "tenant", "403"), "resource tenant outside the token's list")

    # The real exporter on a refusal: still SUCCESS (a 200 with partial success, not retried).
    refuse_exporter = exporter(url, args.token_acme, answers)
    outside2 = capture.make(Spec("tenant globex via the exporter", {
        "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o", "costledger.tenant_id": "globex",
        "gen_ai.usage.input_tokens": 1800, "gen_ai.usage.output_tokens": 130,
    }, REJECT))
    result = refuse_exporter.export([outside2.span])
    tally([outside2])
    rejected_specs.append(outside2)
    status, ctype, body = answers.last()
    ck.check(result == SpanExportResult.SUCCESS and status == 200 and partial(ctype, body)[0] == 1,
             "exporter.export of a refused span: SUCCESS, 200, rejectedSpans 1",
             f"result {result}, status {status}, body {body[:300]!r}")

    # --- 3. A retried export stores nothing twice.
    retry = Producer({"service.name": "ai-agent-core", "costledger.tenant_id": "acme"})
    retry_specs = [
        retry.make(Spec("retried 1", {
            "gen_ai.provider.name": "openai", "gen_ai.response.model": "gpt-5", "gen_ai.usage.input_tokens": 7000,
            "gen_ai.usage.output_tokens": 700, "gen_ai.usage.cache_read.input_tokens": 6000,
        }, event("acme", "ai-agent-core", "chat", "openai", "gpt-5", 7000, 700, cached=6000))),
        retry.make(Spec("retried 2", {
            "gen_ai.provider.name": "google", "gen_ai.response.model": "gemini-2.5-flash",
            "gen_ai.usage.input_tokens": 7100, "gen_ai.usage.output_tokens": 710,
            "gen_ai.usage.reasoning.output_tokens": 500,
        }, event("acme", "ai-agent-core", "chat", "google", "gemini-2.5-flash", 7100, 710, reasoning=500))),
        retry.make(Spec("retried skip", {"rpc.system": "grpc"}, SKIP)),
    ]
    retry_exporter = exporter(url, args.token_acme, answers)
    first = retry_exporter.export([s.span for s in retry_specs])
    tally(retry_specs)
    second = retry_exporter.export([s.span for s in retry_specs])
    tally(retry_specs, duplicate=True)
    ck.check(first == second == SpanExportResult.SUCCESS, "retried export: both attempts SUCCESS", f"{first}, {second}")
    status, ctype, body = answers.last()
    ck.check(status == 200 and partial(ctype, body)[0] == 0, "retried export: the retry is no refusal (duplicates)",
             f"{status} {body[:300]!r}")
    # The same span id with other counts is no retry: refused as id_conflict.
    changed = encode_spans([retry_specs[0].span])
    for attribute in changed.resource_spans[0].scope_spans[0].spans[0].attributes:
        if attribute.key == "gen_ai.usage.input_tokens":
            attribute.value.int_value += 1
    status, ctype, body = post(url, "/v1/traces", changed.SerializeToString(), "application/x-protobuf",
                               args.token_acme)
    counted["received"] += 1
    counted["rejected"] += 1
    if ck.check(status == 200, "same span id, other input_tokens: 200 (partial success)", f"{status} {body[:300]!r}") \
            and not args.dry:
        rejected, message = partial(ctype, body)
        ck.check(rejected == 1 and "id_conflict" in message, "same span id, other input_tokens: refused as id_conflict",
                 f"rejectedSpans {rejected}, errorMessage {message!r}")
    expected += [s for s in retry_specs if s.expect != SKIP]
    skipped += [s for s in retry_specs if s.expect == SKIP]

    # --- 4. gzip through the exporter.
    gz = Producer({"service.name": "ai-agent-core", "costledger.tenant_id": "acme"},
                  exporter(url, args.token_acme, answers, compression=Compression.Gzip))
    spec = gz.make(Spec("gzip-compressed export", {
        "gen_ai.provider.name": "openai", "gen_ai.response.model": "gpt-5-mini",
        "gen_ai.usage.input_tokens": 2200, "gen_ai.usage.output_tokens": 220,
        "costledger.service_tier": "priority",
    }, event("acme", "ai-agent-core", "chat", "openai", "gpt-5-mini", 2200, 220, tier="priority")))
    tally([spec])
    expected.append(spec)
    status, ctype, body = answers.last()
    ck.check(status == 200 and partial(ctype, body)[0] == 0, "exporter with Compression.Gzip: 200, none rejected",
             f"{status} {body[:300]!r}")

    # --- 5. OTLP JSON (hex ids; intValue as strings, then as numbers), plain and gzip.
    js = Producer({"service.name": "ai-agent-core", "costledger.tenant_id": "acme"})
    json_specs = []
    for label, numbers, encoding in (("intValue as strings", False, None), ("intValue as numbers", True, None),
                                     ("gzip", False, "gzip")):
        spec = js.make(Spec(f"OTLP JSON, {label}", {
            "gen_ai.provider.name": "anthropic", "gen_ai.response.model": "claude-sonnet-4-5",
            "gen_ai.usage.input_tokens": 6000 + len(json_specs), "gen_ai.usage.output_tokens": 300,
            "gen_ai.usage.cache_read.input_tokens": 2000, "gen_ai.conversation.id": "conv-json",
        }, event("acme", "ai-agent-core", "chat", "anthropic", "claude-sonnet-4-5", 6000 + len(json_specs), 300,
                 cached=2000, conversation="conv-json", status="error" if numbers else "success"), error=numbers))
        skip = js.make(Spec(f"OTLP JSON {label}, no usage", {"gen_ai.operation.name": "chat"}, SKIP))
        doc = otlp_json([spec.span, skip.span], numbers=numbers)
        text = json.dumps(doc).encode()
        ids = re.findall(r'"(?:traceId|spanId)": "([^"]*)"', json.dumps(doc))
        ck.check(ids and all(re.fullmatch(r"[0-9a-f]{32}|[0-9a-f]{16}", i) for i in ids),
                 f"OTLP JSON {label}: ids are hex", str(ids))
        status, ctype, body = post(url, "/v1/traces", gzip.compress(text) if encoding else text, "application/json",
                                   args.token_acme, encoding=encoding)
        tally([spec, skip])
        json_specs.append(spec)
        skipped.append(skip)
        ok = ck.check(status == 200, f"OTLP JSON {label}: 200", f"{status} {body[:300]!r}")
        if ok and not args.dry:
            ck.check("json" in ctype, f"OTLP JSON {label}: answered as JSON", f"Content-Type {ctype!r}")
            try:
                ck.equal(partial("json", body)[0], 0, f"OTLP JSON {label}: no rejected spans")
            except ValueError as error:
                ck.fail(f"OTLP JSON {label}: answer parses as JSON", f"{error}: {body[:300]!r}")
    expected += json_specs
    outside3 = js.make(Spec("OTLP JSON, tenant globex, token acme only", {
        "gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o", "costledger.tenant_id": "globex",
        "gen_ai.usage.input_tokens": 1900, "gen_ai.usage.output_tokens": 140,
    }, REJECT))
    status, ctype, body = post(url, "/v1/traces", json.dumps(otlp_json([outside3.span])).encode(), "application/json",
                               args.token_acme)
    tally([outside3])
    rejected_specs.append(outside3)
    if ck.check(status == 200, "OTLP JSON refusal: 200 (partial success)", f"{status} {body[:300]!r}") \
            and not args.dry:
        try:
            doc = json.loads(body)
            ps = doc.get("partialSuccess", {})
            ck.check(str(ps.get("rejectedSpans")) == "1", "OTLP JSON refusal: partialSuccess.rejectedSpans 1",
                     json.dumps(doc))
            ck.check(bool(ps.get("errorMessage")), "OTLP JSON refusal: partialSuccess.errorMessage given",
                     json.dumps(doc))
        except ValueError as error:
            ck.fail("OTLP JSON refusal: answer parses as JSON", f"{error}: {body[:300]!r}")

    # --- 6. Bodies that are not OTLP; auth.
    for label, body, ctype, enc in (
        ("garbage bytes as protobuf", b"\x0f\xff\xfe not an ExportTraceServiceRequest \x00\x01", "application/x-protobuf",
         None),
        ("a truncated protobuf request", pb([ok_span.span])[:-7], "application/x-protobuf", None),
        ("text that is not JSON, as JSON", b"this is not json", "application/json", None),
        ("gzip header on a body that is not gzip", b"plainly not gzip", "application/x-protobuf", "gzip"),
    ):
        status, _, answer = post(url, "/v1/traces", body, ctype, args.token_acme, encoding=enc)
        ck.equal(status, 400, f"not OTLP ({label}): 400")
    # An attribute nested 300,000 levels deep (arrays of arrays, 2.4 MB) on a usage span: answered
    # (refused or 400), and the server still serves.
    deep = ExportTraceServiceRequest()
    rs = deep.resource_spans.add()
    kv = rs.resource.attributes.add()
    kv.key, kv.value.string_value = "service.name", "ai-agent-core"
    deep_span = rs.scope_spans.add().spans.add()
    deep_span.trace_id, deep_span.span_id, deep_span.name = b"\x0d" * 16, b"\x0e" * 8, "deep"
    deep_span.end_time_unix_nano = end_ns()
    for key, value in (("gen_ai.provider.name", "openai"), ("gen_ai.request.model", "gpt-4o"),
                       ("costledger.tenant_id", "acme")):
        kv = deep_span.attributes.add()
        kv.key, kv.value.string_value = key, value

    def varint(n):
        out = bytearray()
        while True:
            low, n = n & 0x7F, n >> 7
            out.append(low | (0x80 if n else 0))
            if not n:
                return bytes(out)

    value, size, headers = b"\x18\x01", 2, []  # AnyValue{int_value: 1}, wrapped in AnyValue{array_value{values}}
    for _ in range(300_000):
        for tag in (b"\x0a", b"\x2a"):
            header = tag + varint(size)
            size += len(header)
            headers.append(header)
    value = b"".join(reversed(headers)) + value
    keyed = b"\x0a\x19gen_ai.usage.input_tokens" + b"\x12" + varint(len(value)) + value
    span_bytes = deep_span.SerializeToString() + b"\x4a" + varint(len(keyed)) + keyed
    resource = rs.resource.SerializeToString()
    scope = b"\x12" + varint(len(span_bytes)) + span_bytes
    rs_bytes = b"\x0a" + varint(len(resource)) + resource + b"\x12" + varint(len(scope)) + scope
    body = b"\x0a" + varint(len(rs_bytes)) + rs_bytes
    status, ctype, answer = post(url, "/v1/traces", body, "application/x-protobuf", args.token_acme)
    rejected = partial(ctype, answer)[0] if status == 200 and not args.dry else None
    ck.check(status == 400 or (status == 200 and rejected in (1, None)),
             f"attribute nested 300,000 deep ({len(body)} bytes): refused or 400",
             f"{status} rejectedSpans {rejected} {answer[:200]!r}")
    if status == 200:
        counted["received"] += 1
        counted["rejected"] += 1
    status, _ = get(url, "/health/live")
    ck.equal(status, 200, "after the deep attribute: /health/live 200")

    # The 8 MiB limit holds for the decompressed body too: 9 MiB that gzip to a few KiB.
    bomb = ExportTraceServiceRequest()
    bomb_span = bomb.resource_spans.add().scope_spans.add().spans.add()
    bomb_span.trace_id, bomb_span.span_id, bomb_span.name = b"\x01" * 16, b"\x02" * 8, "x" * (9 * 1024 * 1024)
    status, _, _ = post(url, "/v1/traces", gzip.compress(bomb.SerializeToString()), "application/x-protobuf",
                        args.token_acme, encoding="gzip")
    ck.equal(status, 413, "gzip body of 9 MiB decompressed (a few KiB sent): 413")
    empty = ExportTraceServiceRequest().SerializeToString()
    status, _, _ = post(url, "/v1/traces", empty, "application/x-protobuf", None)
    ck.equal(status, 401, "POST /v1/traces without a token: 401")
    status, _, _ = post(url, "/v1/traces", empty, "application/x-protobuf", "cl_not_a_token")
    ck.equal(status, 401, "POST /v1/traces with an unknown token: 401")
    if not args.dry:
        status, _, _ = post(url, "/v1/traces", empty, "application/x-protobuf", args.token_finance)
        ck.equal(status, 403, "POST /v1/traces with a finance token: 403")

    if args.dry:
        got_ids = set(RECEIVED)
        missing = [s.name for s in expected + skipped + rejected_specs if s.event_id not in got_ids]
        ck.check(not missing, "dry: every span arrived with its ids", str(missing))
        return

    # --- 7. What was stored, field by field.
    status, body = get(url, f"/v1/exports/costs.csv?from={EXPORT_FROM}&to={EXPORT_TO}", args.token_finance)
    if not ck.check(status == 200, "GET /v1/exports/costs.csv: 200", f"{status} {body[:300]!r}"):
        return
    rows = list(csv.DictReader(io.StringIO(body.decode())))
    by_id = {}
    for row in rows:
        by_id.setdefault(row["event_id"], []).append(row)
    otel_rows = [r for r in rows if r["event_id"].startswith("otel-")]
    ck.equal(len(otel_rows), len(expected), "stored: exactly one event per usage span accepted")
    for spec in expected:
        got = by_id.get(spec.event_id, [])
        if len(got) != 1:
            ck.fail(f"stored once: {spec.name}", f"{len(got)} rows for {spec.event_id}")
            continue
        row = got[0]
        want = dict(spec.expect, timestamp=spec.timestamp)
        fields = ("timestamp", "tenant_id", "kind", "worker", "operation", "provider", "model", "input_tokens",
                  "output_tokens", "cached_tokens", "cache_write_tokens", "reasoning_tokens", "status",
                  "service_tier", "provider_cost_usd", "conversation_id")
        diff = {f: (row.get(f), str(want.get(f, ""))) for f in fields if row.get(f) != str(want.get(f, ""))}
        ck.check(not diff, f"stored as 12.2 says: {spec.name}", f"{spec.event_id}: (got, want) {diff}")
        for f in ("cache_write_1h_tokens", "input_audio_tokens", "input_image_tokens", "output_audio_tokens",
                  "output_image_tokens", "web_search_requests"):
            if row.get(f) != "0":
                ck.fail(f"stored as 12.2 says: {spec.name}: {f} 0", f"got {row.get(f)!r}")
        counts = {k: int(spec.expect.get(k, 0)) for k in ("input_tokens", "output_tokens", "cached_tokens",
                                                           "cache_write_tokens", "reasoning_tokens")}
        cost, estimated, _ = binary.quote(spec.expect["provider"], spec.expect["model"], counts,
                                          spec.expect["service_tier"], row["timestamp"])
        if "provider_cost_usd" in spec.expect and row.get("price_row") == "provider":
            cost, estimated = spec.expect["provider_cost_usd"], "false"
        ck.check(cost == row["cost_usd"] and estimated == row["estimated"], f"cost = quote: {spec.name}",
                 f"stored {row['cost_usd']} estimated {row['estimated']}, quote {cost} estimated {estimated}")
    for spec in skipped + rejected_specs:
        ck.check(spec.event_id not in by_id, f"not stored ({spec.expect}): {spec.name}", spec.event_id)

    # The whole content, prompt_fingerprint included (the export has no column for it): the event
    # 12.2 describes, posted under the span's id, is a duplicate, not an id_conflict.
    events = [dict(spec.expect, id=spec.event_id, timestamp=spec.timestamp) for spec in expected]
    status, _, body = post(url, "/v1/events", json.dumps(events).encode(), "application/json", args.token_multi)
    try:
        answer = json.loads(body)
    except ValueError:
        answer = {"raw": body[:500].decode(errors="replace")}
    ck.check(status == 200 and answer.get("duplicates") == len(events) and answer.get("accepted") == 0,
             "the events 12.2 describes, posted to /v1/events under the spans' ids: all duplicates",
             f"{status} {json.dumps(answer)[:2000]}")

    # --- 8. /metrics counts spans received, skipped, accepted and rejected.
    status, body = get(url, "/metrics")
    text = body.decode(errors="replace")
    lines = [l for l in text.splitlines() if "span" in l.lower() and not l.startswith("#")]
    for line in lines:
        ck.note(f"metrics: {line}")
    ck.note(f"this run sent: {counted} (received counts every span of every request, retries included)")
    for word in ("received", "skipped", "accepted", "rejected"):
        values = []
        for line in lines:
            if word in line.lower():
                try:
                    values.append(float(line.rsplit(None, 1)[1]))
                except (IndexError, ValueError):
                    pass
        ck.check(any(v > 0 for v in values), f"/metrics: a span counter for '{word}' above 0",
                 f"lines: {[l for l in lines if word in l.lower()]}")
        if values:
            ck.check(max(values) >= counted[word],
                     f"/metrics: span '{word}' counter at least {counted[word]}", f"values {values}")


def probes(args, ck, url):
    """What the contract leaves open, reported as notes (no checks): token counts sent as doubles
    (some instrumentations do), a span with output tokens only, a provider cost as a double."""
    p = Producer({"service.name": "ai-agent-core", "costledger.tenant_id": "acme"})
    for label, attrs in (
        ("token counts as doubles", {"gen_ai.usage.input_tokens": 1200.0, "gen_ai.usage.output_tokens": 100.0}),
        ("output_tokens only", {"gen_ai.usage.output_tokens": 100}),
        ("costledger.provider_cost_usd as a double", {"gen_ai.usage.input_tokens": 1200,
                                                      "gen_ai.usage.output_tokens": 100,
                                                      "costledger.provider_cost_usd": 0.0042}),
    ):
        spec = p.make(Spec(label, dict(attrs, **{"gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o"}),
                           None))
        status, ctype, body = post(url, "/v1/traces", pb([spec.span]), "application/x-protobuf", args.token_acme)
        outcome = partial(ctype, body) if status == 200 else body[:200]
        status2, rows = get(url, f"/v1/exports/costs.csv?from={EXPORT_FROM}&to={EXPORT_TO}", args.token_finance)
        row = next((r for r in csv.DictReader(io.StringIO(rows.decode())) if r["event_id"] == spec.event_id), None)
        stored = {k: row[k] for k in ("input_tokens", "output_tokens", "provider_cost_usd", "cost_usd")} if row else None
        ck.note(f"probe {label}: HTTP {status}, (rejectedSpans, errorMessage) {outcome}, stored {stored}")
    # OTLP JSON with protobuf's base64 ids instead of hex (the common mistake of a hand-rolled encoder).
    spec = p.make(Spec("base64 ids", {"gen_ai.provider.name": "openai", "gen_ai.request.model": "gpt-4o",
                                      "gen_ai.usage.input_tokens": 10, "gen_ai.usage.output_tokens": 1}, None))
    doc = MessageToDict(encode_spans([spec.span]), use_integers_for_enums=True)
    status, ctype, body = post(url, "/v1/traces", json.dumps(doc).encode(), "application/json", args.token_acme)
    ck.note(f"probe OTLP JSON with base64 ids: HTTP {status}, {body[:200]!r}")


def usage_over_http(args, ck, url):
    """12.1 through POST /v1/events: the server reads usage objects as ingest does."""
    from anthropic.types import CacheCreation, Usage
    from google.genai import types as gt
    ts = ms_timestamp(end_ns())
    anthropic_usage = Usage(input_tokens=300, output_tokens=120, cache_read_input_tokens=5000,
                            cache_creation_input_tokens=1000,
                            cache_creation=CacheCreation(ephemeral_5m_input_tokens=400, ephemeral_1h_input_tokens=600))
    gemini_usage = gt.GenerateContentResponseUsageMetadata(
        prompt_token_count=2000, candidates_token_count=100, thoughts_token_count=50, cached_content_token_count=500,
        prompt_tokens_details=[gt.ModalityTokenCount(modality=gt.MediaModality.AUDIO, token_count=800)],
        traffic_type=gt.TrafficType.ON_DEMAND_PRIORITY)
    base = {"kind": "llm", "timestamp": ts, "tenant_id": "acme", "worker": "producer-test", "operation": "chat"}
    run_id = f"{BASE_NS:x}{SERIAL[0]:x}"
    events = [
        dict(base, id=f"http-usage-{run_id}-a", provider="anthropic", model="claude-sonnet-4-5",
             usage=anthropic_usage.to_dict()),
        dict(base, id=f"http-usage-{run_id}-g", provider="google", model="gemini-2.5-flash",
             usage=gemini_usage.model_dump(mode="json", by_alias=True, exclude_none=True)),
    ]
    want = {
        events[0]["id"]: {"input_tokens": "6300", "cached_tokens": "5000", "cache_write_tokens": "400",
                          "cache_write_1h_tokens": "600", "output_tokens": "120", "service_tier": "standard"},
        events[1]["id"]: {"input_tokens": "2000", "cached_tokens": "500", "output_tokens": "150",
                          "reasoning_tokens": "50", "input_audio_tokens": "800", "service_tier": "priority"},
    }
    status, _, body = post(url, "/v1/events", json.dumps(events).encode(), "application/json", args.token_acme)
    ck.check(status == 200 and json.loads(body).get("accepted") == 2, "POST /v1/events with usage objects: accepted",
             f"{status} {body[:500]!r}")
    status, rows = get(url, f"/v1/exports/costs.csv?from={EXPORT_FROM}&to={EXPORT_TO}", args.token_finance)
    rows = {r["event_id"]: r for r in csv.DictReader(io.StringIO(rows.decode()))}
    for event_id, fields in want.items():
        row = rows.get(event_id, {})
        diff = {k: (row.get(k), v) for k, v in fields.items() if row.get(k) != v}
        ck.check(not diff, f"POST /v1/events usage object stored as 12.1 says: {event_id.rsplit('-', 1)[1]}",
                 f"(got, want) {diff}")


# ----------------------------------------------------------------------------------------------
# --dry: a stand-in OTLP receiver that decodes what the exporter and the hand-made requests send
# (protobuf or JSON, gzip or not) and answers as the contract says, without costledger.

RECEIVED = {}


class StandIn(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_POST(self):
        auth = self.headers.get("Authorization", "")
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if not auth.startswith("Bearer ") or auth == "Bearer cl_not_a_token":
            return self.answer(401, b"{}", "application/json")
        try:
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            if len(body) > 8 * 1024 * 1024:
                return self.answer(413, b"{}", "application/json")
            json_body = "json" in self.headers.get("Content-Type", "")
            if json_body:
                doc = json.loads(body)
                for rs in doc.get("resourceSpans", []):
                    for ss in rs.get("scopeSpans", []):
                        for span in ss.get("spans", []):
                            for key in ("traceId", "spanId", "parentSpanId"):
                                if key in span:
                                    span[key] = base64.b64encode(bytes.fromhex(span[key])).decode()
                request = Parse(json.dumps(doc), ExportTraceServiceRequest())
            else:
                request = ExportTraceServiceRequest.FromString(body)
        except Exception:  # noqa: BLE001 - any failure to decode is "not OTLP"
            return self.answer(400, b'{"error":{"code":"invalid_body","message":"not OTLP"}}', "application/json")
        rejected = 0
        for rs in request.resource_spans:
            for ss in rs.scope_spans:
                for span in ss.spans:
                    RECEIVED[f"otel-{span.trace_id.hex()}-{span.span_id.hex()}"] = span
                    attrs = {a.key: a.value for a in span.attributes}
                    if "costledger.tenant_id" in attrs and attrs["costledger.tenant_id"].string_value == "globex" \
                            and "multi" not in auth:
                        rejected += 1
        response = ExportTraceServiceResponse()
        if rejected:
            response.partial_success.rejected_spans = rejected
            response.partial_success.error_message = "forbidden: stand-in"
        if json_body:
            self.answer(200, json.dumps(MessageToDict(response)).encode(), "application/json")
        else:
            self.answer(200, response.SerializeToString(), "application/x-protobuf")

    def do_GET(self):
        self.answer(200, b'{"status":"alive"}', "application/json")

    def answer(self, status, body, ctype):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin")
    ap.add_argument("--pricing", default="pricing")
    ap.add_argument("--port", type=int)
    ap.add_argument("--token-acme")
    ap.add_argument("--token-multi")
    ap.add_argument("--token-finance")
    ap.add_argument("--work")
    ap.add_argument("--dry", action="store_true")
    args = ap.parse_args()
    ck = Checks("otel")
    if args.dry:
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StandIn)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        args.port = server.server_address[1]
        args.token_acme, args.token_multi, args.token_finance = "cl_dry_acme", "cl_dry_multi", "cl_dry_finance"
    run(args, ck)
    if not args.dry:
        url = f"http://127.0.0.1:{args.port}"
        usage_over_http(args, ck, url)
        probes(args, ck, url)
    ck.finish()


if __name__ == "__main__":
    main()
