#!/usr/bin/env python3
"""CONTRACT section 12.1 through the real binary: events carrying the providers' own usage
objects, built with the providers' own Python SDK types (openai 3.51.0, anthropic 2.10.0,
google-genai 3.3.0) and serialised as those SDKs serialise them, against twins that spell the
same counts out in section 2/11 token fields, worked out by hand from the 12.1 mapping table.

    usage_objects.py --bin COSTLEDGER --pricing DIR --work DIR
    usage_objects.py --dry --work DIR      only build the events (no binary), print a summary

Prints one line per check ("ok ..." / "FAIL ...") and exits 1 when one failed.
"""

import argparse
import datetime as dt
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from checks import COUNT_FIELDS, Binary, Checks  # noqa: E402

import anthropic.types as at  # noqa: E402
from anthropic.types.output_tokens_details import OutputTokensDetails as AnthropicOutputDetails  # noqa: E402
from google.genai import types as gt  # noqa: E402
from openai.types import CompletionUsage  # noqa: E402
from openai.types.completion_usage import CompletionTokensDetails, PromptTokensDetails  # noqa: E402
from openai.types.responses import ResponseUsage  # noqa: E402
from openai.types.responses.response_usage import InputTokensDetails, OutputTokensDetails  # noqa: E402

NOW = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
BASE = NOW - dt.timedelta(days=3)
EXPORT_FROM = (NOW - dt.timedelta(days=40)).strftime("%Y-%m-%d")
EXPORT_TO = (NOW + dt.timedelta(days=2)).strftime("%Y-%m-%d")
RUN = NOW.strftime("%Y%m%dT%H%M%S")  # ids unique per run


def ts(i):
    return (BASE + dt.timedelta(seconds=37 * i, milliseconds=250)).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


# The ways a worker gets the usage object's JSON out of an SDK response.
def ser_to_dict(obj):  # openai/anthropic BaseModel.to_dict(): API names, unset fields left out
    return obj.to_dict()


def ser_to_json(obj):  # .to_json(): the same, as the JSON text a worker would copy
    return json.loads(obj.to_json())


def ser_model_dump(obj):  # pydantic model_dump(mode="json"): every field, unset ones as null
    return obj.model_dump(mode="json")


def ser_gemini(obj):  # the REST response's usageMetadata: camelCase, no nulls
    return obj.model_dump(mode="json", by_alias=True, exclude_none=True)


def mtc(modality, count):
    return gt.ModalityTokenCount(modality=getattr(gt.MediaModality, modality), token_count=count)


def counts(**kw):
    """A full set of event counts: the given ones, every other 0."""
    unknown = set(kw) - set(COUNT_FIELDS)
    assert not unknown, unknown
    return {field: kw.get(field, 0) for field in COUNT_FIELDS}


class Case:
    def __init__(self, name, provider, model, usage, ser, expected, tier, usage_format=None, extra=None,
                 estimated=None):
        self.name = name
        self.provider = provider
        self.model = model
        self.usage = ser(usage) if ser else usage  # the JSON object the event carries
        self.ser = ser.__name__ if ser else "raw"
        self.expected = expected
        self.tier = tier  # the tier the event must be stored with
        self.usage_format = usage_format
        self.extra = extra or {}  # event fields beside usage (service_tier, provider_cost_usd, ...)
        self.estimated = estimated  # None: not checked beyond the twin's


def cases():
    c = []
    # --- openai_chat: input = prompt_tokens (cache included), cached = prompt_tokens_details.cached_tokens,
    # cache_write = prompt_tokens_details.cache_write_tokens, output = completion_tokens,
    # reasoning = completion_tokens_details.reasoning_tokens, input audio/image = prompt details' audio/image,
    # output audio = completion details' audio.
    c.append(Case(
        "openai_chat gpt-4o cached, inferred by prompt_tokens, tier default",
        "openai", "gpt-4o",
        CompletionUsage(
            prompt_tokens=12000, completion_tokens=800, total_tokens=12800,
            prompt_tokens_details=PromptTokensDetails(cached_tokens=4096, audio_tokens=0),
            completion_tokens_details=CompletionTokensDetails(
                reasoning_tokens=0, audio_tokens=0, accepted_prediction_tokens=0, rejected_prediction_tokens=0)),
        ser_to_dict,
        counts(input_tokens=12000, cached_tokens=4096, output_tokens=800),
        "standard", extra={"service_tier": "default"}))
    c.append(Case(
        "openai_chat gpt-realtime audio+image+cache write, model_dump with nulls, usage_format given, tier auto",
        "openai", "gpt-realtime",
        CompletionUsage(
            prompt_tokens=5000, completion_tokens=900, total_tokens=5900,
            prompt_tokens_details=PromptTokensDetails(
                cached_tokens=1000, cache_write_tokens=200, audio_tokens=1500, image_tokens=300, text_tokens=2000),
            completion_tokens_details=CompletionTokensDetails(reasoning_tokens=100, audio_tokens=400, text_tokens=400)),
        ser_model_dump,
        counts(input_tokens=5000, cached_tokens=1000, cache_write_tokens=200, input_audio_tokens=1500,
               input_image_tokens=300, output_tokens=900, output_audio_tokens=400, reasoning_tokens=100),
        "standard", usage_format="openai_chat", extra={"service_tier": "auto"}))
    c.append(Case(
        "openai_chat gpt-5-mini reasoning, to_json, tier flex",
        "openai", "gpt-5-mini",
        CompletionUsage(
            prompt_tokens=30000, completion_tokens=5000, total_tokens=35000,
            prompt_tokens_details=PromptTokensDetails(cached_tokens=25000, audio_tokens=0),
            completion_tokens_details=CompletionTokensDetails(reasoning_tokens=4200, audio_tokens=0)),
        ser_to_json,
        counts(input_tokens=30000, cached_tokens=25000, output_tokens=5000, reasoning_tokens=4200),
        "flex", extra={"service_tier": "flex"}, estimated=False))
    c.append(Case(
        "openai_chat gpt-5-mini no details, tier priority, provider_cost_usd",
        "openai", "gpt-5-mini",
        CompletionUsage(prompt_tokens=2000, completion_tokens=300, total_tokens=2300),
        ser_to_dict,
        counts(input_tokens=2000, output_tokens=300),
        "priority", extra={"service_tier": "priority", "provider_cost_usd": "0.001980000"}, estimated=False))
    c.append(Case(
        "openai_chat gpt-5-mini tier scale",
        "openai", "gpt-5-mini",
        CompletionUsage(prompt_tokens=700, completion_tokens=70, total_tokens=770,
                        prompt_tokens_details=PromptTokensDetails(cached_tokens=0)),
        ser_to_dict,
        counts(input_tokens=700, output_tokens=70),
        "standard", extra={"service_tier": "scale"}))
    c.append(Case(
        "openai_chat gpt-5-mini tier default, model_dump (details null)",
        "openai", "gpt-5-mini",
        CompletionUsage(prompt_tokens=701, completion_tokens=71, total_tokens=772),
        ser_model_dump, counts(input_tokens=701, output_tokens=71), "standard", extra={"service_tier": "default"}))
    c.append(Case(
        "openai_chat gpt-5-mini no service_tier at all",
        "openai", "gpt-5-mini",
        CompletionUsage(prompt_tokens=702, completion_tokens=72, total_tokens=774),
        ser_to_dict, counts(input_tokens=702, output_tokens=72), "standard"))
    # OpenRouter answers in the chat shape with its own extra keys (usage.cost as a JSON number,
    # is_byok, cost_details): ignored; the producer copies usage.cost to provider_cost_usd.
    openrouter = CompletionUsage(
        prompt_tokens=3000, completion_tokens=400, total_tokens=3400,
        prompt_tokens_details=PromptTokensDetails(cached_tokens=1000, audio_tokens=0),
        completion_tokens_details=CompletionTokensDetails(reasoning_tokens=150)).to_dict()
    openrouter.update({"cost": 0.00123, "is_byok": False,
                       "cost_details": {"upstream_inference_cost": None, "upstream_inference_prompt_cost": 0.0004}})
    c.append(Case(
        "openai_chat shape from OpenRouter, known model, extra keys (cost number) ignored",
        "openrouter", "openai/gpt-5-mini", openrouter, None,
        counts(input_tokens=3000, cached_tokens=1000, output_tokens=400, reasoning_tokens=150),
        "standard", extra={"provider_cost_usd": "0.001230000"}, estimated=False))
    c.append(Case(
        "openai_chat shape from OpenRouter, openrouter/auto: priced by provider_cost_usd",
        "openrouter", "openrouter/auto", dict(openrouter, cost=0.0021), None,
        counts(input_tokens=3000, cached_tokens=1000, output_tokens=400, reasoning_tokens=150),
        "standard", extra={"provider_cost_usd": "0.002100000"}, estimated=False))
    c.append(Case(
        "openai_chat shape on provider anthropic (OpenAI-compatible endpoint): prompt_tokens decides first",
        "anthropic", "claude-sonnet-4-5",
        CompletionUsage(prompt_tokens=9000, completion_tokens=500, total_tokens=9500,
                        prompt_tokens_details=PromptTokensDetails(cached_tokens=6000)),
        ser_to_dict, counts(input_tokens=9000, cached_tokens=6000, output_tokens=500), "standard", estimated=False))
    # --- openai_responses: input = input_tokens, cached = input_tokens_details.cached_tokens,
    # cache_write = input_tokens_details.cache_write_tokens, output = output_tokens,
    # reasoning = output_tokens_details.reasoning_tokens.
    c.append(Case(
        "openai_responses gpt-5-mini, inferred by *_tokens_details",
        "openai", "gpt-5-mini",
        ResponseUsage(
            input_tokens=20000, output_tokens=3000, total_tokens=23000,
            input_tokens_details=InputTokensDetails(cached_tokens=15000, cache_write_tokens=0),
            output_tokens_details=OutputTokensDetails(reasoning_tokens=2500)),
        ser_to_dict,
        counts(input_tokens=20000, cached_tokens=15000, output_tokens=3000, reasoning_tokens=2500),
        "standard"))
    c.append(Case(
        "openai_responses gpt-5 cache write, model_dump, usage_format given, tier priority",
        "openai", "gpt-5",
        ResponseUsage(
            input_tokens=50000, output_tokens=1200, total_tokens=51200,
            input_tokens_details=InputTokensDetails(cached_tokens=10000, cache_write_tokens=8000),
            output_tokens_details=OutputTokensDetails(reasoning_tokens=0)),
        ser_model_dump,
        counts(input_tokens=50000, cached_tokens=10000, cache_write_tokens=8000, output_tokens=1200),
        "priority", usage_format="openai_responses", extra={"service_tier": "priority"}, estimated=False))
    c.append(Case(
        "openai_responses gpt-5-mini tier flex, to_json",
        "openai", "gpt-5-mini",
        ResponseUsage(
            input_tokens=9000, output_tokens=4000, total_tokens=13000,
            input_tokens_details=InputTokensDetails(cached_tokens=3000, cache_write_tokens=0),
            output_tokens_details=OutputTokensDetails(reasoning_tokens=3500)),
        ser_to_json,
        counts(input_tokens=9000, cached_tokens=3000, output_tokens=4000, reasoning_tokens=3500),
        "flex", extra={"service_tier": "flex"}, estimated=False))
    # --- anthropic: input = input_tokens + cache_read_input_tokens + cache_creation_input_tokens,
    # cached = cache_read_input_tokens, cache_write / 1h = cache_creation.ephemeral_5m / _1h
    # (without cache_creation: all of cache_creation_input_tokens / 0), output = output_tokens,
    # reasoning = output_tokens_details.thinking_tokens, web searches = server_tool_use.web_search_requests,
    # tier = fast when speed is fast, else service_tier.
    full = at.Usage(
        input_tokens=2000, output_tokens=1500, cache_read_input_tokens=30000, cache_creation_input_tokens=5000,
        cache_creation=at.CacheCreation(ephemeral_5m_input_tokens=3000, ephemeral_1h_input_tokens=2000),
        server_tool_use=at.ServerToolUsage(web_search_requests=3, web_fetch_requests=1),
        output_tokens_details=AnthropicOutputDetails(thinking_tokens=700),
        service_tier="standard", speed="standard")
    full_counts = counts(input_tokens=2000 + 30000 + 5000, cached_tokens=30000, cache_write_tokens=3000,
                         cache_write_1h_tokens=2000, output_tokens=1500, reasoning_tokens=700, web_search_requests=3)
    c.append(Case(
        "anthropic sonnet-4-5 5m+1h cache, thinking, web search, usage_format anthropic",
        "anthropic", "claude-sonnet-4-5-20250929", full, ser_to_dict, full_counts, "standard",
        usage_format="anthropic", estimated=False))
    c.append(Case(
        "anthropic sonnet-4-5 5m+1h cache, web search, no thinking, inferred by cache_* fields (usage_format null)",
        "anthropic", "claude-sonnet-4-5-20250929",
        at.Usage(
            input_tokens=2100, output_tokens=1400, cache_read_input_tokens=31000, cache_creation_input_tokens=5100,
            cache_creation=at.CacheCreation(ephemeral_5m_input_tokens=3100, ephemeral_1h_input_tokens=2000),
            server_tool_use=at.ServerToolUsage(web_search_requests=2, web_fetch_requests=0),
            service_tier="standard", speed="standard"),
        ser_to_dict,
        counts(input_tokens=2100 + 31000 + 5100, cached_tokens=31000, cache_write_tokens=3100,
               cache_write_1h_tokens=2000, output_tokens=1400, web_search_requests=2),
        "standard", extra={"usage_format": None}, estimated=False))
    # The contract's inference order (12.1) tests *_tokens_details (openai_responses) before the
    # cache_* fields and provider anthropic, and anthropic's own Usage has output_tokens_details
    # (thinking_tokens) when the model thought: without usage_format such an object is read as
    # openai_responses (input_tokens alone, no cache). README tells Anthropic producers to send
    # usage_format; the case above with it gets the anthropic mapping.
    c.append(Case(
        "anthropic Usage with output_tokens_details (thinking) + cache_* fields, NO usage_format: "
        "read as openai_responses, the contract's order",
        "anthropic", "claude-sonnet-4-5-20250929", full, ser_to_dict, counts(input_tokens=2000, output_tokens=1500),
        "standard", estimated=False))
    c.append(Case(
        "anthropic sonnet-4-5 no cache fields, inferred by provider anthropic",
        "anthropic", "claude-sonnet-4-5",
        at.Usage(input_tokens=1200, output_tokens=300),
        ser_to_dict, counts(input_tokens=1200, output_tokens=300), "standard", estimated=False))
    c.append(Case(
        "anthropic on aws (Bedrock InvokeModel), inferred by cache_read_input_tokens, no cache_creation",
        "aws", "anthropic.claude-sonnet-4-5-20250929-v1:0",
        at.Usage(input_tokens=100, output_tokens=50, cache_creation_input_tokens=4000, cache_read_input_tokens=6000),
        ser_to_dict,
        counts(input_tokens=100 + 6000 + 4000, cached_tokens=6000, cache_write_tokens=4000, output_tokens=50),
        "standard", estimated=False))
    c.append(Case(
        "anthropic model_dump (cache_creation null, server_tool_use null), usage_format given",
        "anthropic", "claude-sonnet-4-5",
        at.Usage(input_tokens=100, output_tokens=50, cache_creation_input_tokens=4000, cache_read_input_tokens=6000),
        ser_model_dump,
        counts(input_tokens=100 + 6000 + 4000, cached_tokens=6000, cache_write_tokens=4000, output_tokens=50),
        "standard", usage_format="anthropic", estimated=False))
    c.append(Case(
        "anthropic on aws, no cache fields, usage_format given",
        "aws", "anthropic.claude-sonnet-4-5-20250929-v1:0",
        at.Usage(input_tokens=800, output_tokens=90),
        ser_to_json, counts(input_tokens=800, output_tokens=90), "standard", usage_format="anthropic",
        estimated=False))
    c.append(Case(
        "anthropic opus-4-8 speed fast (service_tier standard) -> fast",
        "anthropic", "claude-opus-4-8-20261101",
        at.Usage(input_tokens=500, output_tokens=200, cache_read_input_tokens=1000, cache_creation_input_tokens=0,
                 service_tier="standard", speed="fast"),
        ser_to_dict,
        counts(input_tokens=500 + 1000 + 0, cached_tokens=1000, output_tokens=200),
        "fast", estimated=False))
    c.append(Case(
        "anthropic sonnet-4-5 service_tier batch -> batch",
        "anthropic", "claude-sonnet-4-5",
        at.Usage(input_tokens=4000, output_tokens=600, service_tier="batch"),
        ser_to_dict, counts(input_tokens=4000, output_tokens=600), "batch", estimated=False))
    c.append(Case(
        "anthropic Message Batches result: batch true, usage service_tier batch",
        "anthropic", "claude-sonnet-4-5",
        at.Usage(input_tokens=300, output_tokens=900, cache_read_input_tokens=20000, service_tier="batch"),
        ser_to_dict, counts(input_tokens=300 + 20000, cached_tokens=20000, output_tokens=900), "batch",
        extra={"batch": True}, estimated=False))
    c.append(Case(
        "anthropic sonnet-4-5 service_tier priority -> priority",
        "anthropic", "claude-sonnet-4-5",
        at.Usage(input_tokens=4001, output_tokens=601, service_tier="priority", speed="standard"),
        ser_to_dict, counts(input_tokens=4001, output_tokens=601), "priority"))
    c.append(Case(
        "anthropic event's own service_tier wins over the usage's",
        "anthropic", "claude-sonnet-4-5",
        at.Usage(input_tokens=4002, output_tokens=602, service_tier="priority"),
        ser_to_dict, counts(input_tokens=4002, output_tokens=602), "standard", extra={"service_tier": "standard"},
        estimated=False))
    # --- gemini: input = promptTokenCount + toolUsePromptTokenCount, cached = cachedContentTokenCount,
    # output = candidatesTokenCount + thoughtsTokenCount, reasoning = thoughtsTokenCount,
    # input audio/image = promptTokensDetails AUDIO/IMAGE less cacheTokensDetails AUDIO/IMAGE,
    # output audio/image = candidatesTokensDetails AUDIO/IMAGE; trafficType ON_DEMAND_FLEX flex,
    # ON_DEMAND_PRIORITY priority, others standard.
    c.append(Case(
        "gemini 2.5-flash audio prompt, cache, thoughts, tool use, inferred by promptTokenCount",
        "google", "gemini-2.5-flash",
        gt.GenerateContentResponseUsageMetadata(
            prompt_token_count=10000, candidates_token_count=1200, cached_content_token_count=4000,
            thoughts_token_count=800, tool_use_prompt_token_count=500, total_token_count=12500,
            prompt_tokens_details=[mtc("TEXT", 7000), mtc("AUDIO", 3000)],
            cache_tokens_details=[mtc("TEXT", 3000), mtc("AUDIO", 1000)],
            candidates_tokens_details=[mtc("TEXT", 1200)],
            tool_use_prompt_tokens_details=[mtc("TEXT", 500)],
            traffic_type=gt.TrafficType.ON_DEMAND),
        ser_gemini,
        counts(input_tokens=10000 + 500, cached_tokens=4000, output_tokens=1200 + 800, reasoning_tokens=800,
               input_audio_tokens=3000 - 1000),
        "standard", estimated=False))
    c.append(Case(
        "gemini 2.5-flash trafficType ON_DEMAND_FLEX -> flex (no flex row: estimated)",
        "google", "gemini-2.5-flash",
        gt.GenerateContentResponseUsageMetadata(
            prompt_token_count=6000, candidates_token_count=400, total_token_count=6400,
            prompt_tokens_details=[mtc("TEXT", 6000)], traffic_type=gt.TrafficType.ON_DEMAND_FLEX),
        ser_gemini, counts(input_tokens=6000, output_tokens=400), "flex", estimated=True))
    c.append(Case(
        "gemini 3.8-flash-tts image prompt, audio+image output, flex row, usage_format given",
        "google", "gemini-3.8-flash-tts",
        gt.GenerateContentResponseUsageMetadata(
            prompt_token_count=3000, candidates_token_count=6000, total_token_count=9000,
            prompt_tokens_details=[mtc("TEXT", 2000), mtc("IMAGE", 1000)],
            candidates_tokens_details=[mtc("AUDIO", 4000), mtc("IMAGE", 1000), mtc("TEXT", 1000)],
            traffic_type=gt.TrafficType.ON_DEMAND_FLEX),
        ser_gemini,
        counts(input_tokens=3000, input_image_tokens=1000, output_tokens=6000, output_audio_tokens=4000,
               output_image_tokens=1000),
        "flex", usage_format="gemini", estimated=False))
    c.append(Case(
        "gemini 3.8-flash-tts trafficType ON_DEMAND_PRIORITY -> priority",
        "google", "gemini-3.8-flash-tts",
        gt.GenerateContentResponseUsageMetadata(
            prompt_token_count=1500, candidates_token_count=2500, total_token_count=4000,
            traffic_type=gt.TrafficType.ON_DEMAND_PRIORITY),
        ser_gemini, counts(input_tokens=1500, output_tokens=2500), "priority", estimated=False))
    c.append(Case(
        "gemini 2.5-flash trafficType PROVISIONED_THROUGHPUT -> standard",
        "google", "gemini-2.5-flash",
        gt.GenerateContentResponseUsageMetadata(
            prompt_token_count=1501, candidates_token_count=2501, total_token_count=4002,
            traffic_type=gt.TrafficType.PROVISIONED_THROUGHPUT),
        ser_gemini, counts(input_tokens=1501, output_tokens=2501), "standard", estimated=False))
    c.append(Case(
        "gemini 2.5-flash trafficType ON_DEMAND_OFFPEAK -> standard",
        "google", "gemini-2.5-flash",
        gt.GenerateContentResponseUsageMetadata(
            prompt_token_count=1502, candidates_token_count=2502, total_token_count=4004,
            traffic_type=gt.TrafficType.ON_DEMAND_OFFPEAK),
        ser_gemini, counts(input_tokens=1502, output_tokens=2502), "standard", estimated=False))
    c.append(Case(
        "gemini 2.5-flash image prompt partly cached, no trafficType",
        "google", "gemini-2.5-flash",
        gt.GenerateContentResponseUsageMetadata(
            prompt_token_count=8000, candidates_token_count=300, cached_content_token_count=2500,
            total_token_count=8300,
            prompt_tokens_details=[mtc("TEXT", 4000), mtc("IMAGE", 2000), mtc("AUDIO", 2000)],
            cache_tokens_details=[mtc("TEXT", 2000), mtc("IMAGE", 500)]),
        ser_gemini,
        counts(input_tokens=8000, cached_tokens=2500, output_tokens=300, input_image_tokens=2000 - 500,
               input_audio_tokens=2000 - 0),
        "standard", estimated=False))
    return c


IDENT = ("tenant_id", "worker", "operation", "provider", "model", "timestamp")


def base_event(event_id, i, case):
    return {"id": event_id, "kind": "llm", "timestamp": ts(i), "tenant_id": "acme", "worker": "producer-test",
            "operation": "chat", "provider": case.provider, "model": case.model}


def usage_event(i, case):
    event = base_event(f"usage-{RUN}-{i:02d}", i, case)
    event.update(case.extra)
    event["usage"] = case.usage
    if case.usage_format:
        event["usage_format"] = case.usage_format
    return event


def twin_event(i, case, event_id=None):
    event = base_event(event_id or f"twin-{RUN}-{i:02d}", i, case)
    event.update({k: v for k, v in case.extra.items() if k not in ("service_tier", "usage_format")})
    event.update(case.expected)
    event["service_tier"] = case.tier
    return event


def negatives():
    """(name, event, expected code(s), a word its message must hold or None)."""
    chat = CompletionUsage(prompt_tokens=100, completion_tokens=10, total_tokens=110).to_dict()
    anth = at.Usage(input_tokens=100, output_tokens=10).to_dict()
    gem = gt.GenerateContentResponseUsageMetadata(prompt_token_count=100, candidates_token_count=10)
    out = []

    def neg(name, provider, model, usage, codes, word, **extra):
        event = {"id": f"neg-{RUN}-{len(out):02d}", "kind": "llm", "timestamp": ts(100 + len(out)),
                 "tenant_id": "acme", "worker": "producer-test", "operation": "chat",
                 "provider": provider, "model": model}
        if usage is not ...:
            event["usage"] = usage
        event.update(extra)
        out.append((name, event, codes if isinstance(codes, tuple) else (codes,), word))

    neg("usage and input_tokens", "openai", "gpt-4o", chat, "invalid_value", None, input_tokens=100)
    neg("usage and output_tokens", "openai", "gpt-4o", chat, "invalid_value", None, output_tokens=10)
    neg("usage and cached_tokens 0", "openai", "gpt-4o", chat, "invalid_value", None, cached_tokens=0)
    neg("usage and reasoning_tokens (section 11)", "anthropic", "claude-sonnet-4-5", anth, "invalid_value", None,
        reasoning_tokens=5)
    neg("usage and web_search_requests (section 11)", "anthropic", "claude-sonnet-4-5", anth, "invalid_value", None,
        web_search_requests=1)
    neg('usage {"foo":1} on provider openai', "openai", "gpt-4o", {"foo": 1}, "invalid_value", None)
    neg("usage {} on provider google", "google", "gemini-2.5-flash", {}, "invalid_value", None)
    neg("google-genai to_json_dict() snake_case usage (no known shape)", "google", "gemini-2.5-flash",
        gem.to_json_dict(), "invalid_value", None)
    neg("usage_format bedrock", "openai", "gpt-4o", chat, "invalid_value", "usage_format", usage_format="bedrock")
    neg("openai_chat prompt_tokens -1", "openai", "gpt-4o",
        dict(chat, prompt_tokens=-1), "invalid_value", "prompt_tokens")
    neg("openai_chat prompt_tokens_details.cached_tokens -1", "openai", "gpt-4o",
        dict(chat, prompt_tokens_details={"cached_tokens": -1}), "invalid_value", "cached_tokens")
    neg("openai_chat completion_tokens 100000001", "openai", "gpt-4o",
        dict(chat, completion_tokens=100000001), "invalid_value", "completion_tokens")
    neg("openai_responses output_tokens 1.5", "openai", "gpt-5-mini",
        {"input_tokens": 10, "output_tokens": 1.5, "input_tokens_details": {"cached_tokens": 0}},
        "invalid_value", "output_tokens")
    neg("anthropic input_tokens as a string", "anthropic", "claude-sonnet-4-5",
        dict(anth, input_tokens="100"), "invalid_value", "input_tokens")
    neg("anthropic cache_creation.ephemeral_1h_input_tokens 100000001", "anthropic", "claude-sonnet-4-5",
        dict(anth, cache_creation_input_tokens=5, cache_creation={"ephemeral_5m_input_tokens": 5,
                                                                  "ephemeral_1h_input_tokens": 100000001}),
        "invalid_value", "ephemeral_1h_input_tokens")
    neg("anthropic server_tool_use.web_search_requests -1", "anthropic", "claude-sonnet-4-5",
        dict(anth, server_tool_use={"web_search_requests": -1}), "invalid_value", "web_search_requests")
    neg("anthropic input + cache_read above 100000000 (each within)", "anthropic", "claude-sonnet-4-5",
        dict(anth, input_tokens=60000000, cache_read_input_tokens=50000000), "invalid_value", None)
    neg("gemini candidatesTokenCount 100000001", "google", "gemini-2.5-flash",
        dict(ser_gemini(gem), candidatesTokenCount=100000001), "invalid_value", "candidatesTokenCount")
    neg("gemini promptTokenCount -1", "google", "gemini-2.5-flash",
        dict(ser_gemini(gem), promptTokenCount=-1), "invalid_value", "promptTokenCount")
    neg("gemini promptTokensDetails AUDIO tokenCount -1", "google", "gemini-2.5-flash",
        dict(ser_gemini(gem), promptTokensDetails=[{"modality": "AUDIO", "tokenCount": -1}]),
        "invalid_value", "promptTokensDetails")
    neg("openai_chat cached_tokens above prompt_tokens", "openai", "gpt-4o",
        dict(chat, prompt_tokens_details={"cached_tokens": 200}), "cached_exceeds_input", None)
    neg("openai_chat reasoning_tokens above completion_tokens", "openai", "gpt-4o",
        dict(chat, completion_tokens_details={"reasoning_tokens": 11}), "parts_exceed_total", None)
    neg("usage an array", "openai", "gpt-4o", [1, 2], ("invalid_value", "invalid_type"), None)
    neg("usage null and no token fields", "openai", "gpt-4o", None, "missing_field", None)
    neg("usage with service_tier bogus", "openai", "gpt-4o", chat, "invalid_value", None, service_tier="bogus")
    neg("event above 16 KiB through a large usage object", "openai", "gpt-4o",
        dict(chat, system_fingerprint="fp_" + "a" * 17000), "invalid_value", None)
    return out


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--bin")
    ap.add_argument("--pricing", default="pricing")
    ap.add_argument("--work", required=True)
    ap.add_argument("--dry", action="store_true")
    args = ap.parse_args()
    os.makedirs(args.work, exist_ok=True)
    ck = Checks("usage")

    all_cases = cases()
    usage_events = [usage_event(i, c) for i, c in enumerate(all_cases)]
    twins = [twin_event(i, c) for i, c in enumerate(all_cases)]
    negs = negatives()
    usage_path = os.path.join(args.work, "usage.ndjson")
    twins_path = os.path.join(args.work, "twins.ndjson")
    neg_path = os.path.join(args.work, "negative.ndjson")
    same_path = os.path.join(args.work, "twins-under-usage-ids.ndjson")
    for path, events in ((usage_path, usage_events), (twins_path, twins), (neg_path, [n[1] for n in negs]),
                         (same_path, [twin_event(i, c, usage_events[i]["id"])
                                      for i, c in enumerate(all_cases)])):
        with open(path, "w") as f:
            for event in events:
                f.write(json.dumps(event, separators=(",", ":")) + "\n")

    if args.dry:
        for case, event in zip(all_cases, usage_events):
            print(f"dry: {case.name} [{case.ser}]: {json.dumps(event['usage'], separators=(',', ':'))}")
        print(f"dry: {len(usage_events)} usage events, {len(twins)} twins, {len(negs)} negative events in {args.work}")
        ck.check(all(sum(c.expected.values()) > 0 for c in all_cases), "dry: every case has counts")
        ck.finish()

    binary = Binary(args.bin, args.pricing, os.path.join(args.work, "ledger.sqlite"))

    # Ingest: every usage event and every twin accepted.
    summary, rc = binary.ingest(usage_path)
    by_id = {r.get("id"): r for r in summary["rejected"]}
    for i, case in enumerate(all_cases):
        r = by_id.get(usage_events[i]["id"])
        ck.check(r is None, f"accepted: {case.name}", r and f"{r['error']}: {r['message']}; usage {json.dumps(case.usage)}")
    ck.equal(summary["accepted"], len(all_cases), "usage events: all accepted")
    summary, rc = binary.ingest(twins_path)
    ck.equal((summary["accepted"], summary["rejected"]), (len(all_cases), []), "twins: all accepted")

    rows = binary.export_rows(EXPORT_FROM, EXPORT_TO)
    compared = COUNT_FIELDS + ("service_tier", "cost_usd", "price_row", "estimated", "batch", "provider_cost_usd",
                               "status", "timestamp", "provider", "model", "tenant_id", "worker", "operation")
    for i, case in enumerate(all_cases):
        got, twin = rows.get(usage_events[i]["id"]), rows.get(twins[i]["id"])
        if got is None or twin is None:
            ck.fail(f"pair stored: {case.name}", f"usage row {got is not None}, twin row {twin is not None}")
            continue
        diff = {k: (got.get(k), twin.get(k)) for k in compared if got.get(k) != twin.get(k)}
        ck.check(not diff, f"usage event = twin: {case.name}", f"differs (usage, twin): {diff}")
        want = {k: case.expected[k] for k in COUNT_FIELDS}
        have = {k: got.get(k) for k in COUNT_FIELDS}
        ck.check(have == want, f"counts as worked by hand: {case.name}",
                 f"{ {k: (have[k], want[k]) for k in COUNT_FIELDS if have[k] != want[k]} } (got, want)")
        ck.equal(got.get("service_tier"), case.tier, f"service_tier: {case.name}")
        if case.estimated is not None:
            ck.equal(got.get("estimated"), case.estimated, f"estimated: {case.name}")
        if "provider_cost_usd" in case.extra:
            ck.equal(got.get("provider_cost_usd"), case.extra["provider_cost_usd"], f"provider_cost_usd: {case.name}")
        cost, estimated, out = binary.quote(case.provider, case.model, case.expected, case.tier, got["timestamp"])
        if got.get("price_row") == "provider":  # 11.3: a fallback-priced event costs its provider_cost_usd
            ck.check(estimated == "true" and "provider_cost_usd" in case.extra,
                     f"priced by provider_cost_usd only where the tables have no row: {case.name}",
                     f"quote estimated {estimated}")
            cost, estimated = case.extra.get("provider_cost_usd"), "false"
        ck.check(cost == got.get("cost_usd") and estimated == str(got.get("estimated")).lower(),
                 f"cost = quote of the hand-worked counts: {case.name}",
                 f"export {got.get('cost_usd')} estimated {got.get('estimated')}, quote {cost} estimated {estimated}")

    # Retries: the same usage events again are duplicates; so are the hand-worked counts under the
    # usage events' ids (the event is stored as its counts, the usage object is not kept).
    summary, rc = binary.ingest(usage_path)
    ck.equal((summary["accepted"], summary["duplicates"], summary["rejected"]), (0, len(all_cases), []),
             "usage events ingested again: all duplicates")
    summary, rc = binary.ingest(same_path)
    ck.check((summary["accepted"], summary["duplicates"], summary["rejected"]) == (0, len(all_cases), []),
             "twin counts under the usage events' ids: duplicates (same content), no id_conflict",
             json.dumps(summary)[:1500])

    # "usage": null is no usage object (section 2: a null optional field is an absent one): the
    # event's own token fields stand.
    plain = {"id": f"nullusage-{RUN}-0", "kind": "llm", "timestamp": ts(90), "tenant_id": "acme",
             "worker": "producer-test", "operation": "chat", "provider": "openai", "model": "gpt-4o",
             "usage": None, "usage_format": None, "input_tokens": 1000, "output_tokens": 100, "cached_tokens": 10}
    null_path = os.path.join(args.work, "null-usage.ndjson")
    with open(null_path, "w") as f:
        f.write(json.dumps(plain) + "\n")
    summary, rc = binary.ingest(null_path)
    ck.check((summary["accepted"], summary["rejected"]) == (1, []),
             '"usage": null, "usage_format": null beside token fields: accepted as a plain event', json.dumps(summary))
    extra_events = summary["accepted"]

    # Negative cases: each rejected with its code, the field named, nothing stored.
    summary, rc = binary.ingest(neg_path)
    ck.equal(rc, 1, "negative file: exit code 1")
    ck.equal(summary["accepted"], 0, "negative file: nothing accepted")
    by_line = {r.get("line"): r for r in summary["rejected"]}  # a line over 16 KiB is rejected unread: no id
    for line, (name, event, codes, word) in enumerate(negs, 1):
        r = by_line.get(line)
        if r is None:
            ck.fail(f"rejected: {name}", f"not rejected; event {json.dumps(event)}")
            continue
        ok = r["error"] in codes and (word is None or word in r.get("message", ""))
        ck.check(ok, f"rejected {'/'.join(codes)}{' naming ' + word if word else ''}: {name}",
                 f"got {r['error']}: {r.get('message')!r}; event usage {json.dumps(event.get('usage'))}")
    rows = binary.export_rows(EXPORT_FROM, EXPORT_TO)
    stored = [e["id"] for _, e, _, _ in negs if e["id"] in rows]
    ck.check(not stored, "nothing of a rejected event is stored", f"stored: {stored}")
    total = 2 * len(all_cases) + extra_events
    ck.equal(len(rows), total, "ledger holds exactly the usage events, their twins and the plain event")
    out = binary.run("verify", "--db", binary.db, "--pricing", binary.pricing, check_rc=None)
    ck.check(out.returncode == 0 and out.stdout.startswith(f"ok {total} events"),
             "verify: the chain and every stored cost", (out.stdout + out.stderr).strip())
    ck.finish()


if __name__ == "__main__":
    main()
